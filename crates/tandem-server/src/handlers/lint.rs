//! Plan lint: a project's findings, its rules switched on or off, and the
//! fixes Tandem can make.

use axum::Json;
use axum::extract::{Path, State};
use tandem_api::{LintFixView, LintRuleView, LintSwitch, LintView};
use tandem_domain::FieldError;
use tandem_domain::lint::LintRule;

use super::ApiResult;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Ctx, JsonBody};
use crate::lint::{Linted, fix, lint_project};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/lint", "The plan's findings, worst first: flat-list, overhead-on-simple-work, no-outcome-owner, unowned-tasks, risk-without-mitigation, milestone-before-its-work, unestimated-work, dangling-constraints, over-allocation, stale-status, orphan-task, starts-before-project; and which rules are on", none(), json::<LintView>(), 200, project_lint),
        route!(put "/api/v1/workspaces/{ws}/projects/{key}/lint/rules/{rule}", "Switch a lint rule on or off for the project (anyone who may edit it); recorded in its history", json::<LintSwitch>(), json::<LintRuleView>(), 200, switch_rule),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/lint/{rule}/fix", "Make the fix of a finding Tandem can fix: dangling-constraints (clear the constraints, in one transaction) or milestone-before-its-work (move each milestone to its work's finish)", none(), json::<LintFixView>(), 200, fix_finding),
    ]
}

pub(crate) fn view(linted: &Linted) -> LintView {
    LintView {
        project: linted.project.key.clone(),
        findings: linted.findings.clone(),
        rules: LintRule::ALL
            .iter()
            .map(|rule| rule_view(*rule, !linted.off.contains(rule)))
            .collect(),
    }
}

fn rule_view(rule: LintRule, on: bool) -> LintRuleView {
    LintRuleView {
        rule,
        on,
        why: rule.why().to_string(),
    }
}

pub(crate) fn rule_named(name: &str) -> Result<LintRule, ApiError> {
    name.parse().map_err(|e: String| ApiError::field("rule", e))
}

pub async fn project_lint(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<LintView>> {
    let linted = lint_project(state.store.as_ref(), ctx.scope, &key).await?;
    Ok(Json(view(&linted)))
}

pub async fn switch_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, rule)): Path<(String, String, String)>,
    body: JsonBody<LintSwitch>,
) -> ApiResult<Json<LintRuleView>> {
    // The role first: a guest learns nothing of what else was wrong.
    let writer = ctx.actor().writer()?;
    let rule = rule_named(&rule)?;
    let on = body.into_domain(|input| {
        input
            .on
            .ok_or_else(|| vec![FieldError::new("on", "is required: true or false")])
    })?;
    let store = state.store.as_ref();
    let (_, access) = store.open_project(ctx.scope, &key).await?;
    store
        .switch_lint_rule(writer.scope(), access, rule, on)
        .await?;
    Ok(Json(rule_view(rule, on)))
}

pub async fn fix_finding(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, rule)): Path<(String, String, String)>,
) -> ApiResult<Json<LintFixView>> {
    let writer = ctx.actor().writer()?;
    let rule = rule_named(&rule)?;
    let done = fix(state.store.as_ref(), &writer, &key, rule).await?;
    Ok(Json(LintFixView { rule, done }))
}
