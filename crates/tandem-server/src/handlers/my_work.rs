//! My Work over the API: the caller's open tasks in the buckets of when
//! they are due, each counted, a page of each; or the next page of one
//! bucket. The reading is `tandem_usecases::my_work`'s, which the web
//! page shares.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde_json::json;
use tandem_api::{MyWork, MyWorkBucket};
use tandem_domain::Validation;
use tandem_domain::dates::Bucket;
use tandem_store::{ApprovalFilter, TaskOrder};
use tandem_usecases::my_work::{self, BUCKET_PAGE, BucketPage};

use super::tasks::{format_cursor, parse_cursor};
use super::{ApiResult, QueryParams};
use crate::AppState;
use crate::extract::Ctx;
use crate::routes::*;

const MY_WORK_QUERY: &[Param] = &[
    Param {
        name: "today",
        description: "The day to sort by (YYYY-MM-DD): the caller's today; the server's date when absent",
        schema: || or_empty(json!({"type": "string", "format": "date"})),
    },
    Param {
        name: "bucket",
        description: "Only this bucket: `overdue`, `today`, `this_week` or `later`",
        schema: || {
            or_empty(json!({"type": "string", "enum": ["overdue", "today", "this_week", "later"]}))
        },
    },
    Param {
        name: "cursor",
        description: "A bucket's `next_cursor`, with that `bucket`: its next page",
        schema: query_text,
    },
    Param {
        name: "limit",
        description: "Tasks a bucket shows (default 50)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1, "maximum": 500})),
    },
];

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/my-work", "The caller's open tasks by when they are due: each bucket's count and first page, or (with `bucket` and `cursor`) a bucket's next page", none(), json::<MyWork>(), 200, my_work).query(MY_WORK_QUERY),
    ]
}

pub async fn my_work(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<MyWork>> {
    let mut v = Validation::new();
    let allowed: Vec<&str> = MY_WORK_QUERY.iter().map(|p| p.name).collect();
    let params = QueryParams::read(&query, &allowed, &mut v);
    let get = |name: &str| params.get(name);
    let today = match get("today") {
        None => crate::web::today(),
        Some(day) => v
            .take(
                "today",
                NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map_err(|_| "must be a date, YYYY-MM-DD".to_string()),
            )
            .unwrap_or_default(),
    };
    let bucket = get("bucket").and_then(|b| v.take("bucket", Bucket::parse(b)));
    let after = get("cursor").and_then(|c| {
        v.take(
            "cursor",
            parse_cursor(TaskOrder::Due, c).ok_or_else(|| {
                "is not a cursor of My Work: pass a bucket's `next_cursor`".to_string()
            }),
        )
    });
    if after.is_some() && get("bucket").is_none() {
        v.push("cursor", "needs the `bucket` it came from");
    }
    let limit = match get("limit") {
        None => BUCKET_PAGE,
        Some(s) => v
            .take(
                "limit",
                s.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=tandem_store::MAX_TASK_PAGE).contains(n))
                    .ok_or_else(|| "must be 1 to 500".to_string()),
            )
            .unwrap_or(BUCKET_PAGE),
    };
    v.into_result()?;
    let store = state.store.as_ref();
    let buckets = match bucket {
        Some(bucket) => vec![my_work::bucket(store, ctx.scope, today, bucket, after, limit).await?],
        None => my_work::my_work(store, ctx.scope, today, limit).await?,
    };
    let waiting = ApprovalFilter {
        waiting_for: Some(ctx.scope.user_id),
        ..ApprovalFilter::default()
    };
    let approvals = store.list_approvals(ctx.scope, &waiting).await?;
    Ok(Json(MyWork {
        today,
        buckets: buckets.into_iter().map(bucket_view).collect(),
        approvals: approvals.into_iter().map(Into::into).collect(),
    }))
}

fn bucket_view(page: BucketPage) -> MyWorkBucket {
    MyWorkBucket {
        bucket: page.bucket.as_str().to_string(),
        label: page.bucket.label().to_string(),
        count: page.count,
        tasks: page.tasks.into_iter().map(Into::into).collect(),
        next_cursor: page.next.map(|next| format_cursor(TaskOrder::Due, &next)),
    }
}
