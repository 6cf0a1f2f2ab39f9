//! Recurrence rules tried before saving: the dates a rule gives.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde_json::json;
use tandem_api::RecurrencePreviewView;
use tandem_domain::Validation;
use tandem_domain::recurrence::Landing;
use tandem_usecases::recurrence::{self, Ask, MAX_PREVIEW};

use super::{ApiResult, QueryParams};
use crate::AppState;
use crate::extract::Ctx;
use crate::routes::*;

const PREVIEW_QUERY: &[Param] = &[
    Param {
        name: "rule",
        description: "An RFC 5545 RRULE value (`FREQ=MONTHLY;BYDAY=1MO`) or plain words (`every 2 weeks on tue, thu`, `monthly on the last fri`, `every weekday`); required",
        schema: query_text,
    },
    Param {
        name: "from",
        description: "The series' first day (YYYY-MM-DD), counted as its start; the server's date when absent",
        schema: || or_empty(json!({"type": "string", "format": "date"})),
    },
    Param {
        name: "count",
        description: "How many dates (default 5)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1, "maximum": MAX_PREVIEW})),
    },
    Param {
        name: "project",
        description: "A project's key: its working days and holidays decide `landing`; Monday to Friday when absent",
        schema: query_text,
    },
    Param {
        name: "landing",
        description: "A date on a day off: `as_is` (default), `skip`, or `next_working_day`",
        schema: || {
            or_empty(json!({"type": "string", "enum": ["as_is", "skip", "next_working_day"]}))
        },
    },
];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/recurrences/preview", "The dates a recurrence rule gives from a day, in words and as RFC 5545 writes it", none(), json::<RecurrencePreviewView>(), 200, preview).query(PREVIEW_QUERY),
    ]
}

pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<RecurrencePreviewView>> {
    let mut v = Validation::new();
    let allowed: Vec<&str> = PREVIEW_QUERY.iter().map(|p| p.name).collect();
    let params = QueryParams::read(&query, &allowed, &mut v);
    let get = |name: &str| params.get(name);
    let rule = get("rule").unwrap_or_default().to_string();
    let from = match get("from").map(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d")) {
        None => crate::web::today(),
        Some(Ok(day)) => {
            tandem_domain::validate::check_date(Some(day), "from", &mut v);
            day
        }
        Some(Err(_)) => {
            v.push("from", "must be a date, YYYY-MM-DD");
            NaiveDate::default()
        }
    };
    let count = match get("count") {
        None => 5,
        Some(n) => v
            .take(
                "count",
                n.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_PREVIEW).contains(n))
                    .ok_or_else(|| format!("must be 1 to {MAX_PREVIEW}")),
            )
            .unwrap_or(1),
    };
    let landing = get("landing")
        .and_then(|l| v.take("landing", Landing::parse(l)))
        .unwrap_or_default();
    v.into_result()?;
    let ask = Ask {
        rule,
        from,
        count,
        project: get("project").map(str::to_string),
        landing,
    };
    let preview = recurrence::preview(state.store.as_ref(), ctx.scope, &ask).await?;
    Ok(Json(RecurrencePreviewView::new(
        &preview.rule,
        preview.dates,
    )))
}
