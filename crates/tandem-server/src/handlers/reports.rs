//! Reports over a period for a project, a portfolio or a person.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde_json::Value;
use tandem_api::*;
use tandem_domain::Email;
use tandem_domain::reports::CYCLE_BUCKETS;
use tandem_usecases::reports::{self, Report, Subject};
use tandem_usecases::status;

use super::ApiResult;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Ctx;
use crate::planning::{scheduled_finish, server_today};
use crate::routes::*;

fn text() -> Value {
    query_text()
}

const REPORT_OF: &[Param] = &[
    Param {
        name: "project",
        description: "A project's key: its report (give one of project, portfolio, person; none: your own work)",
        schema: text,
    },
    Param {
        name: "portfolio",
        description: "A portfolio's id: the report of its projects",
        schema: portfolio_schema,
    },
    Param {
        name: "person",
        description: "A member's email: the report of their tasks",
        schema: text,
    },
    Param {
        name: "from",
        description: "The period's first day, YYYY-MM-DD (twelve weeks before `to` unless given)",
        schema: text,
    },
    Param {
        name: "to",
        description: "The period's last day, YYYY-MM-DD (today unless given); at most 104 weeks after `from`",
        schema: text,
    },
];

/// A portfolio's id, or empty for none (a form's "every project").
fn portfolio_schema() -> serde_json::Value {
    or_empty(id_schema())
}

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/reports", "A report over a period: burn-up and burn-down by count and effort, throughput per week, cycle times; a project's health", none(), json::<ReportView>(), 200, report).query(REPORT_OF),
    ]
}

/// What a report's query asks for: its subject (the caller's own work
/// when none is named) and period.
pub(crate) fn read_query(
    query: &HashMap<String, String>,
    caller: &str,
) -> Result<(Subject, Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let get = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let date = |name: &str| {
        get(name)
            .map(|d| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| ApiError::field(name, "must be a date, YYYY-MM-DD"))
            })
            .transpose()
    };
    let subject = match (get("project"), get("portfolio"), get("person")) {
        (Some(key), None, None) => Subject::Project(key.to_string()),
        (None, Some(id), None) => Subject::Portfolio(
            id.parse()
                .map_err(|_| ApiError::field("portfolio", "must be a portfolio's id (a number)"))?,
        ),
        (None, None, Some(email)) => {
            Subject::Person(Email::parse(email).map_err(|e| ApiError::field("person", e))?)
        }
        (None, None, None) => {
            Subject::Person(Email::parse(caller).map_err(|e| ApiError::field("person", e))?)
        }
        _ => {
            return Err(ApiError::field(
                "project",
                "give only one of project (a key), portfolio (an id) or person (an email)",
            ));
        }
    };
    Ok((subject, date("from")?, date("to")?))
}

/// A report and, for a project or a portfolio, its health, as the API
/// shows them.
pub(crate) async fn report_view(
    state: &AppState,
    ctx: &Ctx,
    query: &HashMap<String, String>,
) -> ApiResult<ReportView> {
    let (subject, from, to) = read_query(query, &ctx.user.email)?;
    let store = state.store.as_ref();
    let today = server_today();
    let (from, to) = reports::period(from, to, today)?;
    let report = reports::build(store, ctx.scope, &subject, from, to).await?;
    let health = match &report.project {
        Some(project) => {
            let (project, access) = store.open_project(ctx.scope, &project.key).await?;
            let finish = scheduled_finish(store, access, &project.key).await?;
            let now = status::project_health(store, &project, access, finish, today).await?;
            Some(ReportHealthView {
                health: now.assessment.health,
                reasons: now.assessment.reasons,
                latest_update: now
                    .latest
                    .map(|u| StatusUpdateView::new(u, Some(&project.key))),
            })
        }
        None => match subject {
            Subject::Portfolio(id) => {
                let now =
                    super::status::standing(state, ctx.scope, super::status::Above::Portfolio(id))
                        .await?;
                Some(ReportHealthView {
                    health: now.assessment.health,
                    reasons: now.assessment.reasons,
                    latest_update: now.latest.map(|u| StatusUpdateView::new(u, None)),
                })
            }
            _ => None,
        },
    };
    let kind = match subject {
        Subject::Project(_) => "project",
        Subject::Portfolio(_) => "portfolio",
        Subject::Person(_) => "person",
    };
    Ok(view(&report, kind, health))
}

fn view(r: &Report, kind: &str, health: Option<ReportHealthView>) -> ReportView {
    ReportView {
        subject: r.title.clone(),
        kind: kind.to_string(),
        from: r.from,
        to: r.to,
        weeks: r
            .weeks
            .iter()
            .map(|w| ReportWeekView {
                start: w.start,
                end: w.end,
                scope_tasks: w.scope_tasks,
                done_tasks: w.done_tasks,
                remaining_tasks: w.remaining_tasks(),
                scope_hours: (w.scope_hours * 10.0).round() / 10.0,
                done_hours: (w.done_hours * 10.0).round() / 10.0,
                remaining_hours: (w.remaining_hours() * 10.0).round() / 10.0,
                throughput: w.throughput,
            })
            .collect(),
        done_in_period: r.done_in_period(),
        cycle_time: CycleTimeView {
            tasks: r.cycle.days.len(),
            never_started: r.cycle.never_started,
            median_days: r.cycle.percentile(50.0),
            p85_days: r.cycle.percentile(85.0),
            buckets: CYCLE_BUCKETS
                .iter()
                .zip(r.cycle.histogram())
                .map(|((label, _, _), count)| CycleBucketView {
                    label: label.to_string(),
                    count,
                })
                .collect(),
        },
        health,
    }
}

pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(report_view(&state, &ctx, &query).await?))
}
