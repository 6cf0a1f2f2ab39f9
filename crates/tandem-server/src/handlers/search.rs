//! The workspace's search over the API: ranked hits of every kind the
//! caller may open, with where the words matched.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use tandem_api::SearchHitView;
use tandem_domain::{SearchKind, TaskStatus, Validation};
use tandem_store::SEARCH_LIMIT;
use tandem_usecases::search::{self, Ask, DEFAULT_HITS};

use super::{ApiResult, QueryParams};
use crate::AppState;
use crate::extract::Ctx;
use crate::routes::*;

const SEARCH_QUERY: &[Param] = &[
    Param {
        name: "q",
        description: "The words to look for (required): every one must be a word of the title or the text, the last may be the beginning of one (as it is being typed), case and accents aside; punctuation only separates words",
        schema: query_text,
    },
    Param {
        name: "kind",
        description: "Kinds to look in, comma-separated (all unless given)",
        schema: || words(SearchKind::ALL.iter().map(|k| k.as_str())),
    },
    Param {
        name: "project",
        description: "Only what belongs to this project (its key)",
        schema: query_text,
    },
    Param {
        name: "owner",
        description: "Only what this member owns (a comment: wrote): an email, or `me`",
        schema: query_text,
    },
    Param {
        name: "status",
        description: "Only tasks of this status",
        schema: || or_empty(json_enum(TaskStatus::ALL.iter().map(|s| s.as_str()))),
    },
    Param {
        name: "limit",
        description: "At most this many hits (1 to 100, 20 unless given)",
        schema: || or_empty(serde_json::json!({"type": "integer", "minimum": 1, "maximum": 100})),
    },
];

fn json_enum(words: impl IntoIterator<Item = &'static str>) -> serde_json::Value {
    serde_json::json!({"type": "string", "enum": words.into_iter().collect::<Vec<_>>()})
}

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/search", "Search tasks, projects, comments, goals, risks and files (by name; a plain or Markdown text by its words too): best first, only what the caller may open, each hit with its matches marked", none(), json::<Vec<SearchHitView>>(), 200, search_workspace).query(SEARCH_QUERY),
    ]
}

pub async fn search_workspace(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<SearchHitView>>> {
    let mut v = Validation::new();
    let allowed: Vec<&str> = SEARCH_QUERY.iter().map(|p| p.name).collect();
    let params = QueryParams::read(&query, &allowed, &mut v);
    let kinds = params
        .get("kind")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .filter_map(|k| v.take("kind", k.parse::<SearchKind>()))
                .collect()
        })
        .unwrap_or_default();
    let status = params
        .get("status")
        .and_then(|s| v.take("status", s.parse::<TaskStatus>()));
    let limit = params.get("limit").and_then(|text| {
        v.take(
            "limit",
            text.parse::<usize>()
                .ok()
                .filter(|n| (1..=SEARCH_LIMIT).contains(n))
                .ok_or_else(|| format!("must be a number from 1 to {SEARCH_LIMIT}")),
        )
    });
    v.into_result()?;
    let ask = Ask {
        q: params.get("q").unwrap_or_default().to_string(),
        kinds,
        project: params.get("project").map(str::to_string),
        owner: params.get("owner").map(str::to_string),
        status,
        limit: Some(limit.unwrap_or(DEFAULT_HITS)),
    };
    let found = search::search(state.store.as_ref(), ctx.scope, &ask).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}
