//! The web pages: server-rendered HTML (maud) over the same store and
//! handlers the JSON API uses. Each page module extracts the viewer, reads
//! through the store, and renders; writes from forms go through the API's
//! own handlers (same validation, same rescheduling, same history), so the
//! two adapters cannot disagree about a rule.
//!
//! Pages read and their main forms post with JavaScript off; `app.js` adds
//! drag and drop, inline edits, shortcuts and live updates on top. This
//! module is not a second API: anything a script needs beyond a page and a
//! form post, it asks `/api/v1` for.

/// Approvals: the list, one approval and its answer forms, the request form.
mod approvals;
/// Files on task pages and project overviews.
mod attachments;
mod comments;
/// Sign-in, sign-out and the form and error plumbing every page shares.
pub(crate) mod common;
/// Goals: the tree and a goal's page.
mod goals;
pub(crate) mod inbox;
/// The page shell: header, workspace switcher, quick add, project tabs.
mod layout;
/// Promote a task, demote a project: the forms' posts.
mod levels;
/// Server-sent events: every write in a workspace tells its open pages.
pub mod live;
/// Markdown people write, rendered safe for a page.
mod markdown;
/// Milestones across projects: one timeline.
mod milestones;
/// My Work, the projects index, and the quick-add and task forms.
mod my_work;
/// Portfolios: their list and a portfolio's table.
mod portfolios;
/// A project's overview, list, board and risks.
mod project;
/// A task's "Repeats" section and its forms.
mod repeat;
/// Reports: burn-up, burn-down, throughput, cycle time; the status report.
mod reports;
/// Automation rules: the list with runs, the form in words, a dry run.
mod rules;
/// Find anything: tasks, projects, people, pages.
mod search;
/// The workspace's people and the viewer's API tokens.
mod settings;
/// The status updates section of projects, portfolios and goals.
mod status;
/// The task page.
mod task;
/// The templates page, and saving a project as a template.
mod templates;
/// The timeline: a Gantt chart drawn as SVG from the stored schedule.
mod timeline;
/// The link in an email that stops one kind of email.
mod unsubscribe;
/// The webhooks page: webhooks, their deliveries, redelivery and pings.
mod webhooks;
/// People × weeks: assigned effort against capacity.
mod workload;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use common::{Viewer, WebError};
/// The server's date: what "today" is for pages and My Work.
pub(crate) use my_work::today;

use crate::AppState;

const APP_CSS: &str = include_str!("assets/app.css");
const APP_JS: &str = include_str!("assets/app.js");
/// Tandem's mark: a T and a dot, drawn for this app.
const FAVICON: &str = include_str!("assets/favicon.svg");

/// A short hash of an asset's content, so its URL changes when it does
/// and browsers may cache it for good.
fn asset_version(content: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(content.as_bytes());
    digest[..5].iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn css_url() -> &'static str {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| format!("/assets/app.css?v={}", asset_version(APP_CSS)))
}

pub(crate) fn js_url() -> &'static str {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| format!("/assets/app.js?v={}", asset_version(APP_JS)))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

/// The pages' routes; the API's are in [`crate::routes`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(common::home))
        .route("/signin", get(common::signin_page).post(common::signin))
        .route("/signout", post(common::signout))
        .route("/invitations/accept", get(common::invitation_link))
        .route("/invitations/join", post(common::join_invitation))
        .route(
            "/unsubscribe",
            get(unsubscribe::page).post(unsubscribe::stop),
        )
        .route("/invitations/{id}/accept", post(common::accept_invitation))
        .route(
            "/invitations/{id}/decline",
            post(common::decline_invitation),
        )
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        // Browsers ask for /favicon.ico whatever a page links; an SVG
        // answers both.
        .route(
            "/favicon.ico",
            get(|| async { asset("image/svg+xml", FAVICON) }),
        )
        .route(
            "/assets/favicon.svg",
            get(|| async { asset("image/svg+xml", FAVICON) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route("/w/{ws}", get(my_work::workspace_home))
        .route("/w/{ws}/my", get(my_work::my_work))
        .route("/w/{ws}/events", get(live::events))
        .route("/w/{ws}/quick", post(my_work::quick_add))
        .route("/w/{ws}/tasks", post(my_work::create_task))
        .route("/w/{ws}/tasks/bulk", post(project::bulk_edit))
        .route(
            "/w/{ws}/projects",
            get(my_work::projects).post(my_work::create_project),
        )
        .route("/w/{ws}/milestones", get(milestones::milestones_page))
        .route(
            "/w/{ws}/approvals",
            get(approvals::approvals_page).post(approvals::request),
        )
        .route("/w/{ws}/approvals/{id}", get(approvals::approval_page))
        .route(
            "/w/{ws}/files",
            post(attachments::upload).layer(axum::extract::DefaultBodyLimit::max(
                // The file and the form's few fields around it.
                crate::ATTACHMENT_LIMIT_BYTES + 64 * 1024,
            )),
        )
        .route("/w/{ws}/files/{id}", get(attachments::get))
        .route("/w/{ws}/files/{id}/delete", post(attachments::delete))
        .route("/w/{ws}/comments", post(comments::add))
        .route("/w/{ws}/comments/{id}/edit", post(comments::edit))
        .route("/w/{ws}/comments/{id}/delete", post(comments::delete))
        .route("/w/{ws}/comments/{id}/react", post(comments::react))
        .route("/w/{ws}/discuss", get(comments::discuss_page))
        .route("/w/{ws}/inbox", get(inbox::inbox_page))
        .route("/w/{ws}/inbox/read", post(inbox::mark_read))
        .route("/w/{ws}/inbox/archive", post(inbox::archive))
        .route("/w/{ws}/follows", post(inbox::follow))
        .route(
            "/w/{ws}/settings/notifications",
            post(inbox::save_preferences),
        )
        .route(
            "/w/{ws}/rules",
            get(rules::rules_page).post(rules::add_rule),
        )
        .route("/w/{ws}/rules/dry-run", post(rules::dry_run))
        .route("/w/{ws}/rules/{id}/state", post(rules::set_state))
        .route("/w/{ws}/rules/{id}/delete", post(rules::delete_rule))
        .route(
            "/w/{ws}/approvals/{id}/answer",
            post(approvals::answer_approval),
        )
        .route(
            "/w/{ws}/approvals/{id}/resubmit",
            post(approvals::resubmit_approval),
        )
        .route(
            "/w/{ws}/approvals/{id}/cancel",
            post(approvals::cancel_approval),
        )
        .route("/w/{ws}/reports", get(reports::reports_page))
        .route("/w/{ws}/reports.md", get(reports::report_markdown))
        .route(
            "/w/{ws}/goals",
            get(goals::goals_page).post(goals::create_goal),
        )
        .route(
            "/w/{ws}/goals/{id}",
            get(goals::goal_page).post(goals::update_goal),
        )
        .route("/w/{ws}/goals/{id}/delete", post(goals::delete_goal))
        .route(
            "/w/{ws}/goals/{id}/status-updates",
            post(status::post_goal_update),
        )
        .route(
            "/w/{ws}/portfolios/{id}/status-updates",
            post(status::post_portfolio_update),
        )
        .route(
            "/w/{ws}/goals/{id}/key-results",
            post(goals::add_key_result),
        )
        .route(
            "/w/{ws}/goals/{id}/key-results/{kr}",
            post(goals::update_key_result),
        )
        .route(
            "/w/{ws}/goals/{id}/key-results/{kr}/delete",
            post(goals::delete_key_result),
        )
        .route(
            "/w/{ws}/portfolios",
            get(portfolios::portfolios_page).post(portfolios::create_portfolio),
        )
        .route(
            "/w/{ws}/portfolios/{id}",
            get(portfolios::portfolio_page).post(portfolios::update_portfolio),
        )
        .route(
            "/w/{ws}/portfolios/{id}/delete",
            post(portfolios::delete_portfolio),
        )
        .route("/w/{ws}/workload", get(workload::workspace_workload))
        .route(
            "/w/{ws}/workload/level",
            post(workload::level_across_projects),
        )
        .route("/w/{ws}/search", get(search::search))
        .route("/w/{ws}/settings", get(settings::settings))
        .route("/w/{ws}/settings/profile", post(settings::update_profile))
        .route(
            "/w/{ws}/settings/avatar",
            post(settings::set_avatar).layer(axum::extract::DefaultBodyLimit::max(
                // The picture and the form around it: one too big is told
                // its size rather than cut off.
                tandem_domain::MAX_AVATAR_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/w/{ws}/settings/avatar/delete",
            post(settings::remove_avatar),
        )
        .route("/w/{ws}/avatars/{user_id}", get(settings::avatar))
        .route("/w/{ws}/settings/password", post(settings::change_password))
        .route(
            "/w/{ws}/settings/workspace",
            post(settings::rename_workspace),
        )
        .route("/w/{ws}/settings/tokens", post(settings::create_token))
        .route("/w/{ws}/templates", get(templates::templates_page))
        .route("/w/{ws}/templates/use", post(templates::use_template))
        .route(
            "/w/{ws}/templates/use-task",
            post(templates::use_task_template),
        )
        .route(
            "/w/{ws}/templates/tasks/{name}/delete",
            post(templates::delete_task_template),
        )
        .route(
            "/w/{ws}/t/{key}/template",
            post(templates::save_task_template),
        )
        .route(
            "/w/{ws}/templates/{name}/delete",
            post(templates::delete_template),
        )
        .route("/w/{ws}/p/{key}/template", post(templates::save_template))
        .route(
            "/w/{ws}/settings/webhooks",
            get(webhooks::webhooks_page).post(webhooks::add_webhook),
        )
        .route(
            "/w/{ws}/settings/webhooks/{id}",
            post(webhooks::change_webhook),
        )
        .route(
            "/w/{ws}/settings/webhooks/{id}/active",
            post(webhooks::set_active),
        )
        .route(
            "/w/{ws}/settings/webhooks/{id}/delete",
            post(webhooks::delete_webhook),
        )
        .route("/w/{ws}/settings/webhooks/{id}/ping", post(webhooks::ping))
        .route(
            "/w/{ws}/settings/webhooks/{id}/deliveries/{delivery}/redeliver",
            post(webhooks::redeliver),
        )
        .route(
            "/w/{ws}/settings/tokens/{id}/revoke",
            post(settings::revoke_token),
        )
        .route("/w/{ws}/members", post(settings::invite))
        .route("/w/{ws}/members/{user_id}", post(settings::change_role))
        .route("/w/{ws}/members/{user_id}/hours", post(settings::set_hours))
        .route("/w/{ws}/members/{user_id}/rate", post(settings::set_rate))
        .route(
            "/w/{ws}/members/{user_id}/deactivate",
            post(settings::deactivate_member),
        )
        .route(
            "/w/{ws}/members/{user_id}/reactivate",
            post(settings::reactivate_member),
        )
        .route(
            "/w/{ws}/members/{user_id}/time-off",
            post(settings::add_time_off),
        )
        .route(
            "/w/{ws}/members/{user_id}/time-off/{id}/delete",
            post(settings::remove_time_off),
        )
        .route(
            "/w/{ws}/invitations/{id}/withdraw",
            post(settings::withdraw_invitation),
        )
        .route("/w/{ws}/p/{key}", get(project::overview))
        .route("/w/{ws}/p/{key}/list", get(project::list))
        .route("/w/{ws}/p/{key}/board", get(project::board))
        .route("/w/{ws}/p/{key}/timeline", get(timeline::timeline))
        .route("/w/{ws}/p/{key}/workload", get(workload::project_workload))
        .route(
            "/w/{ws}/p/{key}/risks",
            get(project::risks).post(project::create_risk),
        )
        .route("/w/{ws}/p/{key}/risks/{id}", post(project::update_risk))
        .route(
            "/w/{ws}/p/{key}/risks/{id}/delete",
            post(project::delete_risk),
        )
        .route(
            "/w/{ws}/p/{key}/settings",
            get(project::settings).post(project::update_project),
        )
        .route("/w/{ws}/p/{key}/plan", get(project::plan))
        .route("/w/{ws}/p/{key}/lint", get(project::lint_page))
        .route(
            "/w/{ws}/p/{key}/lint/rules/{rule}",
            post(project::switch_lint_rule),
        )
        .route(
            "/w/{ws}/p/{key}/lint/{rule}/fix",
            post(project::fix_lint_finding),
        )
        .route(
            "/w/{ws}/p/{key}/plan/level",
            post(project::apply_levelling).get(project::levelling_preview),
        )
        .route(
            "/w/{ws}/p/{key}/plan/level/undo",
            post(project::undo_levelling),
        )
        .route(
            "/w/{ws}/p/{key}/plan/level/clear",
            post(project::clear_levelling),
        )
        .route("/w/{ws}/p/{key}/baselines", post(project::create_baseline))
        .route(
            "/w/{ws}/p/{key}/baselines/{id}/delete",
            post(project::delete_baseline),
        )
        .route("/w/{ws}/p/{key}/delete", post(project::delete_project))
        .route("/w/{ws}/p/{key}/demote", post(levels::demote_project))
        .route("/w/{ws}/p/{key}/scenarios", post(project::create_scenario))
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}",
            get(project::scenario_page),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/tasks",
            post(project::change_task),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/links",
            post(project::change_link),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/calendar/week",
            post(project::change_scenario_week),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/calendar/exceptions",
            post(project::add_scenario_exception),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/calendar/exceptions/{id}/{action}",
            post(project::change_scenario_exception),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/levelling",
            post(project::level_scenario),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/levelling/clear",
            post(project::clear_scenario_levelling),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/apply",
            post(project::apply_scenario),
        )
        .route(
            "/w/{ws}/p/{key}/scenarios/{name}/delete",
            post(project::discard_scenario),
        )
        .route("/w/{ws}/p/{key}/calendar", post(project::update_calendar))
        .route(
            "/w/{ws}/p/{key}/calendar/exceptions",
            post(project::add_calendar_exception),
        )
        .route(
            "/w/{ws}/p/{key}/calendar/exceptions/{id}/delete",
            post(project::remove_calendar_exception),
        )
        .route("/w/{ws}/p/{key}/archive", post(project::archive_project))
        .route(
            "/w/{ws}/p/{key}/unarchive",
            post(project::unarchive_project),
        )
        .route("/w/{ws}/p/{key}/phases", post(project::create_phase))
        .route(
            "/w/{ws}/p/{key}/phases/order",
            post(project::reorder_phases),
        )
        .route("/w/{ws}/p/{key}/phases/{id}", post(project::update_phase))
        .route(
            "/w/{ws}/p/{key}/phases/{id}/delete",
            post(project::delete_phase),
        )
        .route(
            "/w/{ws}/p/{key}/milestones",
            post(project::create_milestone),
        )
        .route(
            "/w/{ws}/p/{key}/milestones/order",
            post(project::reorder_milestones),
        )
        .route(
            "/w/{ws}/p/{key}/milestones/{id}",
            post(project::update_milestone),
        )
        .route(
            "/w/{ws}/p/{key}/milestones/{id}/delete",
            post(project::delete_milestone),
        )
        .route(
            "/w/{ws}/p/{key}/stakeholders",
            post(project::create_stakeholder),
        )
        .route(
            "/w/{ws}/p/{key}/status-updates",
            post(status::post_project_update),
        )
        .route("/w/{ws}/p/{key}/views", post(project::create_view))
        .route(
            "/w/{ws}/p/{key}/views/{id}/delete",
            post(project::delete_view),
        )
        .route(
            "/w/{ws}/p/{key}/stakeholders/{id}",
            post(project::update_stakeholder),
        )
        .route(
            "/w/{ws}/p/{key}/stakeholders/{id}/delete",
            post(project::delete_stakeholder),
        )
        .route(
            "/w/{ws}/t/{key}",
            get(task::task_page).post(task::edit_task),
        )
        .route("/w/{ws}/t/{key}/done", post(task::tick))
        .route("/w/{ws}/t/{key}/delete", post(task::delete_task))
        .route("/w/{ws}/t/{key}/promote", post(levels::promote_task))
        .route("/w/{ws}/t/{key}/move", post(project::move_card))
        .route("/w/{ws}/t/{key}/links", post(task::add_link))
        .route("/w/{ws}/t/{key}/repeat", post(repeat::start_repeat))
        .route("/w/{ws}/t/{key}/repeat/change", post(repeat::change_repeat))
        .route("/w/{ws}/t/{key}/repeat/end", post(repeat::end_repeat))
        .route("/w/{ws}/t/{key}/repeat/skip", post(repeat::skip_repeat))
        .route("/w/{ws}/t/{key}/links/remove", post(task::remove_link))
        .layer(axum::middleware::from_fn(common::same_origin))
}
