//! Every route and every page for every role: the status each gets, and no
//! body naming what the caller may not open.

use super::*;

/// The route's path with real objects of `reach` in place of its
/// parameters.
fn concrete(path: &str, world: &World, reach: &Reach) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let before = if i > 0 { segments[i - 1] } else { "" };
        let value = match *segment {
            "{ws}" => "acme".to_string(),
            "{key}" if before == "tasks" => reach.tasks[0].clone(),
            "{key}" => reach.project.clone(),
            "{predecessor}" => reach.tasks[0].clone(),
            "{successor}" => reach.tasks[1].clone(),
            "{kr}" => reach.ids["key-results"].to_string(),
            "{reaction}" => "heart".to_string(),
            // A lint rule without a fix: switching it needs `on`, and the
            // role check comes first.
            "{rule}" => "stale-status".to_string(),
            // Deactivating Mel would leave the rest of the routes without
            // their member: nobody is deactivated here (the members test
            // does it), and the role check comes first.
            "{user_id}" if path.ends_with("activate") => NOBODY.to_string(),
            "{user_id}" => world.mel_id.to_string(),
            "{delivery}" => world.delivery_id.to_string(),
            // The world's task template (SECRET's steps); for a project
            // template, a starter: everyone may read it, nobody delete it.
            "{name}" if before == "task-templates" => "Hidden%20steps".to_string(),
            "{name}" if before == "scenarios" => "What%20if".to_string(),
            "{task}" => reach.tasks[0].clone(),
            "{name}" => "Client%20onboarding".to_string(),
            "{id}" => match before {
                "webhooks" => world.webhook_id.to_string(),
                "time-off" => world.time_off_id.to_string(),
                "invitations" => world.invitation_id.to_string(),
                "tokens" => world.token_id.to_string(),
                kind => reach.ids[kind].to_string(),
            },
            other => other.to_string(),
        };
        out.push(value);
    }
    let mut concrete = out.join("/");
    // A route whose object is named in its query: a rule's preview on a
    // project's working days.
    if path.ends_with("/recurrences/preview") {
        concrete.push_str(&format!("?rule=weekly&project={}", reach.project));
    }
    // What search finds of SECRET (its project, tasks, risk and the
    // comment on it) is what the caller may open, titles included.
    if path.ends_with("/search") {
        concrete.push_str("?q=secret");
    }
    // The comments on the reach's first task; whether one follows it;
    // its files.
    if path.ends_with("/comments") || path.ends_with("/follows") || path.ends_with("/attachments") {
        concrete.push_str(&format!("?task={}", reach.tasks[0]));
    }
    concrete
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Foreign,
    Guest,
    Member,
    Admin,
    Owner,
}

/// What a body for `who` must never contain.
fn forbidden(who: Who) -> Vec<&'static str> {
    match who {
        Who::Anonymous | Who::Foreign => {
            let mut words = SECRET_WORDS.to_vec();
            words.extend(["LAUNCH", "Brief", MEL_PRIVATE, ANA_PRIVATE]);
            words
        }
        Who::Guest => {
            let mut words = SECRET_WORDS.to_vec();
            words.extend([MEL_PRIVATE, ANA_PRIVATE, "TASK-"]);
            words
        }
        Who::Member => vec![ANA_PRIVATE],
        Who::Admin | Who::Owner => vec![MEL_PRIVATE],
    }
}

fn assert_nothing_leaks(who: Who, what: &str, body: &str) {
    for word in forbidden(who) {
        assert!(
            !body.contains(word),
            "{who:?} read '{word}' in {what}: {body}"
        );
    }
}

/// Writes only owners and admins may make: members, roles and rates, and
/// deleting a whole project; and the list of deactivated members.
fn owners_and_admins_only(method: &str, path: &str) -> bool {
    path.ends_with("/members")
        || path.ends_with("/members/{user_id}")
        || path.ends_with("/members/deactivated")
        || path.ends_with("/members/{user_id}/deactivate")
        || path.ends_with("/members/{user_id}/reactivate")
        // What a person's hour costs is for those who manage members.
        || path.ends_with("/members/{user_id}/cost-rate")
        || path.starts_with("/api/v1/workspaces/{ws}/invitations")
        || (method == "delete" && path.ends_with("/projects/{key}"))
        || (method == "patch" && path == "/api/v1/workspaces/{ws}")
        // Making a task of a project takes it off the list, as deleting
        // does; its own owner may too, and no caller here owns one.
        || path.ends_with("/projects/{key}/demote")
        || path.ends_with("/projects/{key}/archive")
        || path.ends_with("/projects/{key}/unarchive")
        || path.contains("/webhooks")
        // The world's task template is Ana's: only she and the admins
        // may delete it.
        || (method == "delete" && path.ends_with("/task-templates/{name}"))
}

/// The status a caller gets from one route, checked against the roles.
fn check_status(who: Who, method: &str, path: &str, in_reach: bool, status: StatusCode) {
    let what = format!("{who:?} {method} {path} (in reach: {in_reach}) → {status}");
    assert!(!status.is_server_error(), "{what}");
    // Joining by an invitation is for someone without an account: its
    // link's token is its key (`hardening::invitations`).
    let public = matches!(
        path,
        "/healthz" | "/api/v1/openapi.json" | "/api/v1/auth/login" | "/api/v1/invitations/join"
    );
    if public || path == "/api/v1/auth/logout" {
        return;
    }
    let in_workspace = path.starts_with("/api/v1/workspaces/{ws}");
    let read = method == "get";
    match who {
        Who::Anonymous => assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}"),
        Who::Foreign if in_workspace => assert_eq!(status, StatusCode::NOT_FOUND, "{what}"),
        Who::Foreign => {}
        Who::Guest if !in_workspace => {}
        // One's own inbox and what one follows are one's own to manage,
        // a guest's too, about what they may open.
        // (A write names its object in its body, here none.)
        Who::Guest
            if (in_reach || !read) && (path.contains("/inbox") || path.ends_with("/follows")) =>
        {
            assert!(
                !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                "{what}"
            )
        }
        Who::Guest if !in_reach => assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{what}"
        ),
        // Task templates hold the titles they were saved from: a guest
        // has none to read.
        Who::Guest if read && path.ends_with("/task-templates/{name}") => {
            assert_eq!(status, StatusCode::NOT_FOUND, "{what}")
        }
        Who::Guest
            if read
                && !path.contains("/invitations")
                && !path.contains("/webhooks")
                && !path.ends_with("/members/deactivated") =>
        {
            assert_eq!(status, StatusCode::OK, "{what}")
        }
        Who::Guest => assert_eq!(status, StatusCode::FORBIDDEN, "{what}"),
        Who::Member if owners_and_admins_only(method, path) && !path.ends_with("/members") => {
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}")
        }
        Who::Member if read => assert_eq!(status, StatusCode::OK, "{what}"),
        Who::Member if owners_and_admins_only(method, path) => {
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}")
        }
        Who::Member | Who::Admin | Who::Owner => {
            assert!(
                !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                "{what}"
            );
            if read {
                assert_eq!(status, StatusCode::OK, "{what}");
            }
        }
    }
}

#[tokio::test]
async fn every_route_answers_each_role_and_shows_only_what_it_may_open() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::with_webhooks(&url, on_loopback()).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let world = world(&ana, &mel).await;
        let callers = [
            (Who::Anonymous, anonymous(&server.base).await),
            (Who::Foreign, Api::login(&server.base, "zoe").await),
            (Who::Guest, Api::login(&server.base, "gus").await),
            (Who::Member, mel),
            (Who::Admin, Api::login(&server.base, "ada").await),
            (Who::Owner, ana),
        ];
        // Reads and writes first, deletes last: each caller's deletes
        // would take objects the others' requests name.
        let mut routes = tandem_server::routes::table();
        // Removing a member and revoking a token come last of all: after
        // them, the callers they affect can no longer be checked.
        routes.sort_by_key(|r| match (r.method, r.path) {
            ("delete", p) if p.ends_with("/members/{user_id}") => 2,
            ("delete", p) if p.starts_with("/api/v1/tokens/") => 3,
            ("delete", _) => 1,
            _ => 0,
        });
        let mut checked = 0;
        for route in &routes {
            // Personal and workspace-wide routes have one reach; project
            // objects are tried in the guest's reach and out of it.
            let project_object = (["{key}", "{id}", "{predecessor}"]
                .iter()
                .any(|p| route.path.contains(p))
                || route.path.ends_with("/recurrences/preview")
                || route.path.ends_with("/comments")
                || route.path.ends_with("/follows")
                || route.path.ends_with("/attachments"))
                && !route.path.contains("time-off")
                && !route.path.contains("tokens")
                && !route.path.contains("invitations")
                && !route.path.contains("webhooks");
            let reaches: Vec<(&Reach, bool)> = if project_object {
                vec![(&world.launch, true), (&world.secret, false)]
            } else {
                vec![(&world.launch, true)]
            };
            for (reach, in_reach) in reaches {
                let path = concrete(route.path, &world, reach);
                for (who, api) in &callers {
                    let method: Method = route.method.to_uppercase().parse().unwrap();
                    let body = matches!(route.method, "post" | "patch" | "put").then(|| json!({}));
                    // A stale version: where a delete checks it, the
                    // object survives for the next caller.
                    let headers: &[(&str, &str)] = if route.method == "delete" {
                        &[("if-match", "\"999999\"")]
                    } else {
                        &[]
                    };
                    let (status, answer) = api.call_with(method, &path, body, headers).await;
                    check_status(*who, route.method, route.path, in_reach, status);
                    assert_nothing_leaks(
                        *who,
                        &format!("{} {path}", route.method),
                        &answer.to_string(),
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 6 * 60, "only {checked} requests were checked");
        server.stop().await;
    }
}

/// A user id nobody has.
const NOBODY: i64 = 999_999;

/// Every page and form of the web app, for a project and a task key.
fn web_routes(reach: &Reach, world: &World) -> Vec<(&'static str, String, bool)> {
    let invitation = world.invitation_id;
    let mel = world.mel_id;
    let (project, task) = (&reach.project, &reach.tasks[0]);
    let get = |p: String| ("get", p, true);
    let post = |p: String| ("post", p, false);
    let of = |kind: &str| format!("/w/acme/p/{project}/{kind}/{}", reach.ids[kind]);
    vec![
        get("/w/acme".into()),
        get("/w/acme/my".into()),
        get("/w/acme/projects".into()),
        get("/w/acme/workload".into()),
        get("/w/acme/workload?level=1".into()),
        get("/w/acme/settings".into()),
        get("/w/acme/portfolios".into()),
        get(format!("/w/acme/portfolios/{}", reach.ids["portfolios"])),
        get("/w/acme/goals".into()),
        get("/w/acme/milestones".into()),
        get("/w/acme/reports".into()),
        get(format!("/w/acme/reports?project={project}")),
        get(format!("/w/acme/reports.md?project={project}")),
        get(format!("/w/acme/goals/{}", reach.ids["goals"])),
        // What search finds is what the caller may open, titles included.
        get("/w/acme/search?q=secret".into()),
        get("/w/acme/search?q=private".into()),
        get("/w/acme/search?q=plan+risk".into()),
        get(format!("/w/acme/p/{project}")),
        get(format!("/w/acme/p/{project}/list")),
        get(format!("/w/acme/p/{project}/board")),
        get(format!("/w/acme/p/{project}/timeline")),
        get(format!("/w/acme/p/{project}/workload")),
        get(format!("/w/acme/p/{project}/risks")),
        get(format!("/w/acme/p/{project}/settings")),
        get(format!("/w/acme/p/{project}/plan")),
        get(format!("/w/acme/p/{project}/plan?runs=50&level=1")),
        get(format!("/w/acme/p/{project}/plan/level")),
        get(format!("/w/acme/p/{project}/lint")),
        get(format!("/w/acme/t/{task}")),
        get(format!("/w/acme/discuss?risk={}", reach.ids["risks"])),
        get(format!(
            "/w/acme/discuss?milestone={}",
            reach.ids["milestones"]
        )),
        get(format!(
            "/w/acme/discuss?update={}",
            reach.ids["status-updates"]
        )),
        post("/w/acme/comments".into()),
        get(format!("/w/acme/files/{}", reach.ids["attachments"])),
        post("/w/acme/files".into()),
        get("/w/acme/inbox".into()),
        get("/w/acme/inbox?show=archived".into()),
        post("/w/acme/inbox/read".into()),
        post("/w/acme/inbox/archive".into()),
        post("/w/acme/follows".into()),
        post("/w/acme/settings/notifications".into()),
        // Without the page's version, nothing is edited or deleted.
        post(format!("/w/acme/comments/{}/edit", reach.ids["comments"])),
        post(format!("/w/acme/comments/{}/delete", reach.ids["comments"])),
        post(format!("/w/acme/comments/{}/react", reach.ids["comments"])),
        get("/w/acme/approvals".into()),
        get(format!("/w/acme/approvals/{}", reach.ids["approvals"])),
        post("/w/acme/approvals".into()),
        post(format!(
            "/w/acme/approvals/{}/answer",
            reach.ids["approvals"]
        )),
        // Without the page's version, nothing is resubmitted or withdrawn.
        post(format!(
            "/w/acme/approvals/{}/resubmit",
            reach.ids["approvals"]
        )),
        post(format!(
            "/w/acme/approvals/{}/cancel",
            reach.ids["approvals"]
        )),
        post("/w/acme/quick".into()),
        post("/w/acme/tasks".into()),
        post("/w/acme/tasks/bulk".into()),
        post("/w/acme/projects".into()),
        post("/w/acme/portfolios".into()),
        post(format!("/w/acme/portfolios/{}", reach.ids["portfolios"])),
        // Without the page's version, nothing is deleted.
        post(format!(
            "/w/acme/portfolios/{}/delete",
            reach.ids["portfolios"]
        )),
        post("/w/acme/goals".into()),
        post(format!("/w/acme/goals/{}", reach.ids["goals"])),
        post(format!("/w/acme/goals/{}/delete", reach.ids["goals"])),
        post(format!(
            "/w/acme/goals/{}/status-updates",
            reach.ids["goals"]
        )),
        post(format!(
            "/w/acme/portfolios/{}/status-updates",
            reach.ids["portfolios"]
        )),
        post(format!("/w/acme/goals/{}/key-results", reach.ids["goals"])),
        post(format!(
            "/w/acme/goals/{}/key-results/{}",
            reach.ids["goals"], reach.ids["key-results"]
        )),
        post(format!(
            "/w/acme/goals/{}/key-results/{}/delete",
            reach.ids["goals"], reach.ids["key-results"]
        )),
        post(format!("/w/acme/p/{project}/risks")),
        post(format!("/w/acme/p/{project}/settings")),
        post(format!("/w/acme/p/{project}/phases")),
        post(format!("/w/acme/p/{project}/phases/order")),
        post(format!("/w/acme/p/{project}/milestones/order")),
        post(format!("/w/acme/p/{project}/milestones")),
        post(format!("/w/acme/p/{project}/stakeholders")),
        post(format!("/w/acme/p/{project}/status-updates")),
        post(format!("/w/acme/p/{project}/views")),
        post(of("phases")),
        post(of("milestones")),
        post(of("stakeholders")),
        post(of("risks")),
        post(format!("/w/acme/p/{project}/plan/level")),
        post(format!("/w/acme/p/{project}/plan/level/undo")),
        post(format!("/w/acme/p/{project}/plan/level/clear")),
        post("/w/acme/workload/level".into()),
        post(format!("/w/acme/p/{project}/lint/rules/stale-status")),
        post(format!("/w/acme/p/{project}/lint/stale-status/fix")),
        get(format!("/w/acme/p/{project}/scenarios/What%20if")),
        post(format!("/w/acme/p/{project}/scenarios")),
        post(format!("/w/acme/p/{project}/scenarios/What%20if/tasks")),
        post(format!("/w/acme/p/{project}/scenarios/What%20if/links")),
        post(format!(
            "/w/acme/p/{project}/scenarios/What%20if/calendar/week"
        )),
        post(format!(
            "/w/acme/p/{project}/scenarios/What%20if/calendar/exceptions"
        )),
        post(format!(
            "/w/acme/p/{project}/scenarios/What%20if/calendar/exceptions/{}/delete",
            reach.ids["exceptions"]
        )),
        post(format!(
            "/w/acme/p/{project}/scenarios/What%20if/calendar/exceptions/{}/restore",
            reach.ids["exceptions"]
        )),
        post(format!("/w/acme/p/{project}/scenarios/What%20if/levelling")),
        post(format!(
            "/w/acme/p/{project}/scenarios/What%20if/levelling/clear"
        )),
        post(format!("/w/acme/p/{project}/baselines")),
        post(format!(
            "/w/acme/p/{project}/baselines/{}/delete",
            reach.ids["baselines"]
        )),
        post(format!("/w/acme/p/{project}/calendar")),
        post(format!("/w/acme/p/{project}/calendar/exceptions")),
        post(format!(
            "/w/acme/p/{project}/calendar/exceptions/{}/delete",
            reach.ids["exceptions"]
        )),
        post(format!("/w/acme/p/{project}/archive")),
        post(format!("/w/acme/p/{project}/unarchive")),
        // An empty form has no confirmation: the project stays.
        post(format!("/w/acme/p/{project}/delete")),
        // Without the page's version, nothing is demoted or promoted.
        post(format!("/w/acme/p/{project}/demote")),
        post(format!("/w/acme/t/{task}/promote")),
        post(format!("{}/delete", of("phases"))),
        post(format!("{}/delete", of("milestones"))),
        post(format!("{}/delete", of("stakeholders"))),
        post(format!("{}/delete", of("risks"))),
        post(format!("{}/delete", of("views"))),
        post(format!("/w/acme/t/{task}")),
        post(format!("/w/acme/t/{task}/done")),
        // Without the page's version, nothing is deleted.
        post(format!("/w/acme/t/{task}/delete")),
        post(format!("/w/acme/t/{task}/move")),
        post(format!("/w/acme/t/{task}/links")),
        post(format!("/w/acme/t/{task}/links/remove")),
        post(format!("/w/acme/t/{task}/repeat")),
        post(format!("/w/acme/t/{task}/repeat/change")),
        post(format!("/w/acme/t/{task}/repeat/end")),
        post("/w/acme/settings/profile".into()),
        post("/w/acme/settings/password".into()),
        post("/w/acme/settings/workspace".into()),
        post("/w/acme/settings/tokens".into()),
        get("/w/acme/settings/webhooks".into()),
        get("/w/acme/templates".into()),
        post("/w/acme/templates/use".into()),
        post("/w/acme/templates/use-task".into()),
        post(format!("/w/acme/t/{task}/template")),
        post("/w/acme/templates/tasks/Hidden%20steps/delete".into()),
        post("/w/acme/templates/Client%20onboarding/delete".into()),
        post(format!("/w/acme/p/{project}/template")),
        post("/w/acme/settings/webhooks".into()),
        post(format!("/w/acme/settings/webhooks/{}", world.webhook_id)),
        post(format!(
            "/w/acme/settings/webhooks/{}/active",
            world.webhook_id
        )),
        // Without the page's version, nothing is deleted.
        post(format!(
            "/w/acme/settings/webhooks/{}/delete",
            world.webhook_id
        )),
        post(format!(
            "/w/acme/settings/webhooks/{}/ping",
            world.webhook_id
        )),
        post(format!(
            "/w/acme/settings/webhooks/{}/deliveries/{}/redeliver",
            world.webhook_id, world.delivery_id
        )),
        post(format!("/w/acme/settings/tokens/{}/revoke", world.token_id)),
        post("/w/acme/members".into()),
        // Nobody's id: a role change or removal that finds no one, rather
        // than one that takes a caller out of the rest of the matrix.
        post(format!("/w/acme/members/{NOBODY}")),
        post(format!("/w/acme/members/{NOBODY}/deactivate")),
        post(format!("/w/acme/members/{NOBODY}/reactivate")),
        post(format!("/w/acme/members/{mel}/hours")),
        post(format!("/w/acme/members/{mel}/rate")),
        post(format!("/w/acme/members/{mel}/time-off")),
        post(format!(
            "/w/acme/members/{mel}/time-off/{}/delete",
            world.time_off_id
        )),
        post(format!("/w/acme/invitations/{invitation}/withdraw")),
        post(format!("/invitations/{invitation}/accept")),
        // A link that invites nobody says so, to everyone.
        get("/invitations/accept?token=tdi_nothing".into()),
        // Joining by a link needs no session; a form without a name or
        // password is sent back, to everyone.
        post("/invitations/join".into()),
        // A link that stops no email says so, to everyone; none
        // needs a session.
        get("/unsubscribe?token=tdu_nothing".into()),
        post("/unsubscribe?token=tdu_nothing".into()),
        post(format!("/invitations/{invitation}/decline")),
        // After the scenario's page was read: applying and discarding
        // take it away.
        post(format!("/w/acme/p/{project}/scenarios/What%20if/apply")),
        post(format!("/w/acme/p/{project}/scenarios/What%20if/delete")),
        // Last: it removes the file the reads above open.
        post(format!("/w/acme/files/{}/delete", reach.ids["attachments"])),
    ]
}

#[tokio::test]
async fn every_page_answers_each_role_and_shows_only_what_it_may_open() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::with_webhooks(&url, on_loopback()).await;
    let ana = Api::login(&server.base, "ana").await;
    let mel = Api::login(&server.base, "mel").await;
    let world = world(&ana, &mel).await;
    let browsers = [
        (Who::Anonymous, Browser::anonymous(&server.base)),
        (Who::Foreign, Browser::sign_in(&server.base, "zoe").await),
        (Who::Guest, Browser::sign_in(&server.base, "gus").await),
        (Who::Member, Browser::sign_in(&server.base, "mel").await),
        (Who::Owner, Browser::sign_in(&server.base, "ana").await),
    ];
    for (reach, in_reach) in [(&world.launch, true), (&world.secret, false)] {
        for (method, path, read) in web_routes(reach, &world) {
            for (who, browser) in &browsers {
                let (status, body) = if read {
                    browser.get(&path).await
                } else {
                    // An empty form: refused for its fields where the
                    // caller may write at all.
                    browser.post_form(&path, "").await
                };
                let what = format!("{who:?} {method} {path} → {status}");
                assert!(!status.is_server_error(), "{what}");
                match who {
                    _ if path.starts_with("/unsubscribe") => {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{what}")
                    }
                    _ if path == "/invitations/join" => {
                        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}")
                    }
                    // Nobody signed in is offered to sign in or make an
                    // account; the link is not looked at.
                    Who::Anonymous if path.starts_with("/invitations/accept") => {
                        assert_eq!(status, StatusCode::OK, "{what}")
                    }
                    Who::Anonymous => assert_eq!(status, StatusCode::SEE_OTHER, "{what}"),
                    // The workspace's address leads to My Work.
                    _ if path == "/w/acme" && status == StatusCode::SEE_OTHER => {}
                    Who::Foreign => assert_eq!(status, StatusCode::NOT_FOUND, "{what}"),
                    // Someone else's invitation is nobody's business.
                    _ if path.starts_with("/invitations/") => {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{what}")
                    }
                    // Webhooks send the whole workspace out: owners and
                    // admins only.
                    Who::Guest | Who::Member if path.starts_with("/w/acme/settings/webhooks") => {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}")
                    }
                    // One's inbox and follows are one's own, a guest's too.
                    Who::Guest
                        if path.starts_with("/w/acme/inbox") || path == "/w/acme/follows" =>
                    {
                        assert!(
                            !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                            "{what}"
                        )
                    }
                    Who::Guest if read && in_reach => {
                        assert_eq!(status, StatusCode::OK, "{what}")
                    }
                    Who::Guest
                        if read
                            && (path.starts_with("/w/acme/p/")
                                || path.starts_with("/w/acme/t/")
                                || path.starts_with("/w/acme/approvals/")
                                || path.starts_with("/w/acme/discuss")
                                || path.starts_with("/w/acme/files/")
                                || path.starts_with("/w/acme/portfolios/")
                                || path.starts_with("/w/acme/goals/")
                                || path.contains("?project=")) =>
                    {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{what}")
                    }
                    Who::Guest if read => assert_eq!(status, StatusCode::OK, "{what}"),
                    // A guest's own profile, password and API tokens are
                    // theirs to change.
                    Who::Guest
                        if path.starts_with("/w/acme/settings/")
                            && path != "/w/acme/settings/workspace" => {}
                    // Ana's, and deleted by her in the first pass.
                    Who::Member if path.starts_with("/w/acme/templates/tasks/") => assert!(
                        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                        "{what}"
                    ),
                    Who::Member
                        if path == "/w/acme/members"
                            || path == "/w/acme/settings/workspace"
                            || path.starts_with(&format!("/w/acme/members/{NOBODY}"))
                            || path.starts_with("/w/acme/invitations/") =>
                    {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}")
                    }
                    Who::Member
                        if ["delete", "archive", "unarchive", "demote"]
                            .iter()
                            .any(|end| path.ends_with(&format!("/p/{}/{end}", reach.project))) =>
                    {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}")
                    }
                    Who::Guest => assert!(
                        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                        "{what}"
                    ),
                    _ if read => assert_eq!(status, StatusCode::OK, "{what}"),
                    _ => assert!(
                        !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                        "{what}"
                    ),
                }
                assert_nothing_leaks(*who, &what, &body);
            }
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn links_name_only_tasks_the_caller_may_open() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::with_webhooks(&url, on_loopback()).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        world(&ana, &mel).await;
        let gus = Api::login(&server.base, "gus").await;

        // The guest sees LAUNCH's own chain, and neither the SECRET task
        // nor anyone's personal task linked into it.
        let (status, links) = gus.get(&format!("{WS}/tasks/LAUNCH-1/dependencies")).await;
        assert_eq!(status, StatusCode::OK);
        let keys: Vec<String> = links
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{} → {}", l["predecessor"]["key"], l["successor"]["key"]))
            .collect();
        assert_eq!(keys, ["\"LAUNCH-1\" → \"LAUNCH-2\""]);
        let (_, links) = gus.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;
        assert_eq!(links.as_array().unwrap().len(), 2, "{links}");
        // The history of the links names the hidden ends without a key.
        let (_, history) = gus.get(&format!("{WS}/projects/LAUNCH/activity")).await;
        let history = history.to_string();
        assert!(
            history.contains("a task you cannot see → LAUNCH-1"),
            "{history}"
        );
        assert!(!history.contains("SECRET") && !history.contains("TASK-"));

        // Mel sees her own link and SECRET's, not Ana's personal task.
        let (_, links) = mel.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;
        let text = links.to_string();
        assert!(
            text.contains(MEL_PRIVATE) && text.contains("Secret plan"),
            "{text}"
        );
        assert!(!text.contains(ANA_PRIVATE), "{text}");

        // A cycle through a task the caller cannot open does not name it.
        let (_, ana_tasks) = ana.get(&format!("{WS}/tasks?personal=true")).await;
        let ana_key = ana_tasks["tasks"][0]["key"].as_str().unwrap().to_string();
        ana.post(
            &format!("{WS}/dependencies"),
            json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1"}),
        )
        .await;
        let (status, body) = mel
            .post(
                &format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-3", "successor": ana_key}),
            )
            .await;
        // Mel cannot open Ana's task at all: no task by that key.
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(!body.to_string().contains(ANA_PRIVATE));
        server.stop().await;
    }
}
