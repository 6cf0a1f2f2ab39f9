//! Automation rules over the API: made, listed, changed, deleted, their
//! runs, and a dry run of a saved rule or of one before it is saved.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tandem_api::*;
use tandem_domain::Id;
use tandem_usecases::automation;

use super::{ApiResult, versioned};
use crate::AppState;
use crate::extract::{Ctx, IfMatch, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/rules", "Automation rules: the workspace's and its projects' (a guest sees its projects' only)", none(), json::<Vec<RuleView>>(), 200, list_rules),
        route!(post "/api/v1/workspaces/{ws}/rules", "Make a rule: a trigger, conditions on the task and actions, as structures or words (when / if / then). A project's rule: anyone who writes; the workspace's, or one that calls a webhook: owners and admins", creating::<RuleInput>("CreateRule", &["name"]), json::<RuleView>(), 201, create_rule).etag(),
        route!(post "/api/v1/workspaces/{ws}/rules/dry-run", "What a rule not yet saved would do now: the tasks it would touch and its actions in words; nothing is written", json::<RuleInput>(), json::<DryRunView>(), 200, dry_run_draft),
        route!(get "/api/v1/workspaces/{ws}/rules/{id}", "A rule", none(), json::<RuleView>(), 200, get_rule).etag(),
        route!(patch "/api/v1/workspaces/{ws}/rules/{id}", "Change a rule, or turn it off or on (`enabled`)", json::<RuleInput>(), json::<RuleView>(), 200, update_rule).if_match().etag(),
        route!(delete "/api/v1/workspaces/{ws}/rules/{id}", "Delete a rule and its runs", none(), none(), 204, delete_rule).if_match(),
        route!(get "/api/v1/workspaces/{ws}/rules/{id}/runs", "A rule's runs, newest first (at most 100): on what, how it went, what it did", none(), json::<Vec<RuleRunView>>(), 200, rule_runs),
        route!(post "/api/v1/workspaces/{ws}/rules/{id}/dry-run", "What the rule would do now: the tasks it would touch and its actions in words; nothing is written", none(), json::<DryRunView>(), 200, dry_run_saved),
    ]
}

pub async fn list_rules(State(state): State<AppState>, ctx: Ctx) -> ApiResult<Json<Vec<RuleView>>> {
    let rules = state.store.list_rules(ctx.scope).await?;
    Ok(Json(rules.into_iter().map(Into::into).collect()))
}

pub async fn create_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<RuleInput>,
) -> ApiResult<Response> {
    ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let rule = automation::create(state.store.as_ref(), &ctx.actor(), &fields).await?;
    Ok(versioned(
        StatusCode::CREATED,
        rule.version,
        RuleView::from(rule),
    ))
}

pub async fn get_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
) -> ApiResult<Response> {
    let rule = state.store.get_rule(ctx.scope, id).await?;
    Ok(versioned(
        StatusCode::OK,
        rule.version,
        RuleView::from(rule),
    ))
}

pub async fn update_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
    IfMatch(expected): IfMatch,
    body: JsonBody<RuleInput>,
) -> ApiResult<Response> {
    ctx.actor().writer()?;
    body.check()?;
    let change = |current| body.to_patch(|b| b.apply(Some(current)));
    let rule =
        automation::update(state.store.as_ref(), &ctx.actor(), id, expected, &change).await?;
    Ok(versioned(
        StatusCode::OK,
        rule.version,
        RuleView::from(rule),
    ))
}

pub async fn delete_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    ctx.actor().writer()?;
    automation::delete(state.store.as_ref(), &ctx.actor(), id, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn rule_runs(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
) -> ApiResult<Json<Vec<RuleRunView>>> {
    let runs = state.store.rule_runs(ctx.scope, id).await?;
    // What a run did may name what a guest may not open (a project it
    // made): a guest sees that it ran, and how it went.
    let guest = !ctx.scope.role.sees_all_projects();
    Ok(Json(
        runs.into_iter()
            .map(|r| RuleRunView {
                id: r.id,
                at: r.at,
                object: r.object,
                outcome: r.outcome,
                detail: if guest { None } else { r.detail },
            })
            .collect(),
    ))
}

fn dry_view(run: automation::DryRun) -> DryRunView {
    DryRunView {
        tasks: run.tasks,
        actions: run.actions,
        note: run.note,
    }
}

pub async fn dry_run_draft(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody<RuleInput>,
) -> ApiResult<Json<DryRunView>> {
    // A dry run is for those who may make rules.
    ctx.actor().writer()?;
    let fields = body.into_domain(|b| b.apply(None))?;
    let run = automation::dry_run(
        state.store.as_ref(),
        &ctx.actor(),
        &fields,
        crate::web::today(),
    )
    .await?;
    Ok(Json(dry_view(run)))
}

pub async fn dry_run_saved(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, Id)>,
) -> ApiResult<Json<DryRunView>> {
    ctx.actor().writer()?;
    let rule = state.store.get_rule(ctx.scope, id).await?;
    let run = automation::dry_run(
        state.store.as_ref(),
        &ctx.actor(),
        &rule.fields(),
        crate::web::today(),
    )
    .await?;
    Ok(Json(dry_view(run)))
}
