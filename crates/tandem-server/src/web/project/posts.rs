//! The forms of a project's settings and risk register, each turned into
//! the API's input and handed to the API's own handler (through
//! `common::forward`), so a rule holds the same on both doors. Every change
//! form carries the version it was drawn from: a change made meanwhile by
//! someone else is refused (412), not overwritten.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use tandem_api::{
    CreateCalendarException, MilestoneInput, MilestoneOrder, PhaseInput, PhaseOrder, RiskInput,
    StakeholderInput, UpdateProject,
};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::handlers::{calendars, phases, projects, risks, stakeholders, views};
use crate::web::Viewer;
use crate::web::common::{FormPairs, Kind, WebError, forward, refused};

/// What a post without an input (a delete, an archive) reads of its form:
/// nothing but its version.
type NoInput = JsonBody<serde_json::Value>;

/// The fields of the project form, as the API's `UpdateProject` (and,
/// with the key, `CreateProject`) names them.
pub(crate) const PROJECT_FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("objective", Kind::Optional),
    ("scope_in", Kind::Optional),
    ("scope_out", Kind::Optional),
    ("owner", Kind::Optional),
    ("stage", Kind::Optional),
    ("status", Kind::Optional),
    ("start_date", Kind::Optional),
    ("target_date", Kind::Optional),
    ("status_date", Kind::Optional),
    ("budget", Kind::Number),
    ("ongoing", Kind::Flag),
    ("update_cadence_days", Kind::Number),
];

const CALENDAR_FIELDS: &[(&str, Kind)] =
    &[("work_week", Kind::Texts), ("hours_per_day", Kind::Number)];

const EXCEPTION_FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Optional),
    ("start_date", Kind::Optional),
    ("end_date", Kind::Optional),
    ("hours", Kind::Optional),
];

const PHASE_FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("start_date", Kind::Optional),
    ("end_date", Kind::Optional),
];

const MILESTONE_FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("date", Kind::Optional),
    ("description", Kind::Optional),
    ("phase_id", Kind::Number),
    ("reached", Kind::Optional),
];

const STAKEHOLDER_FIELDS: &[(&str, Kind)] = &[
    ("member", Kind::Optional),
    ("name", Kind::Optional),
    ("email", Kind::Optional),
    ("role", Kind::Optional),
];

/// A post to the project `key` as a whole (its form, calendar, phases'
/// order, or a new object of it): the API handler `$handler` takes the
/// form as `$input`; back to the project's page `$to`.
macro_rules! project_post {
    ($name:ident, $input:ty, $fields:expr, $to:literal, |$state:ident, $ctx:ident, $path:ident, $body:ident, $if_match:ident| $call:expr) => {
        pub async fn $name(
            State($state): State<AppState>,
            viewer: Viewer,
            headers: HeaderMap,
            Path((ws, key)): Path<(String, String)>,
            body: Bytes,
        ) -> Result<Response, WebError> {
            let to = viewer.url(&format!(concat!("/p/{}", $to), key));
            let $ctx = viewer.ctx.clone();
            let $path = Path((ws, key));
            forward(
                &headers,
                &body,
                $fields,
                &to,
                |$body: JsonBody<$input>, $if_match| async move {
                    $call.map(IntoResponse::into_response)
                },
            )
            .await
        }
    };
}

project_post!(
    update_project,
    UpdateProject,
    PROJECT_FIELDS,
    "/settings",
    |state, ctx, path, body, if_match| projects::update_project(
        State(state),
        ctx,
        path,
        if_match,
        body
    )
    .await
);
project_post!(
    update_calendar,
    UpdateProject,
    CALENDAR_FIELDS,
    "/settings#h-calendar",
    |state, ctx, path, body, if_match| projects::update_project(
        State(state),
        ctx,
        path,
        if_match,
        body
    )
    .await
);
project_post!(
    add_calendar_exception,
    CreateCalendarException,
    EXCEPTION_FIELDS,
    "/settings#h-calendar",
    |state, ctx, path, body, _if_match| calendars::create_calendar_exception(
        State(state),
        ctx,
        path,
        body
    )
    .await
);
project_post!(
    create_phase,
    PhaseInput,
    PHASE_FIELDS,
    "/settings#h-phases",
    |state, ctx, path, body, _if_match| phases::create_phase(State(state), ctx, path, body).await
);
project_post!(
    reorder_phases,
    PhaseOrder,
    &[("phases", Kind::Numbers)],
    "/settings#h-phases",
    |state, ctx, path, body, _if_match| phases::reorder_phases(State(state), ctx, path, body).await
);
project_post!(
    reorder_milestones,
    MilestoneOrder,
    &[("milestones", Kind::Numbers)],
    "/settings#h-milestones",
    |state, ctx, path, body, _if_match| phases::reorder_milestones(State(state), ctx, path, body)
        .await
);
project_post!(
    create_milestone,
    MilestoneInput,
    MILESTONE_FIELDS,
    "/settings#h-milestones",
    |state, ctx, path, body, _if_match| phases::create_milestone(State(state), ctx, path, body)
        .await
);
project_post!(
    archive_project,
    serde_json::Value,
    &[],
    "/settings",
    |state, ctx, path, _body, if_match| projects::archive_project(
        State(state),
        ctx,
        path,
        if_match
    )
    .await
);
project_post!(
    unarchive_project,
    serde_json::Value,
    &[],
    "/settings",
    |state, ctx, path, _body, if_match| projects::unarchive_project(
        State(state),
        ctx,
        path,
        if_match
    )
    .await
);

/// A post about one object of the project (`…/{kind}/{id}`): the API's
/// `$handler` changes it (`$input` from `$fields`) or, without an input,
/// removes it, at the form's version; back to the project's page `$to`.
macro_rules! object_post {
    ($name:ident, $input:ty, $fields:expr, $handler:path, $to:literal) => {
        pub async fn $name(
            State(state): State<AppState>,
            viewer: Viewer,
            headers: HeaderMap,
            Path((ws, key, id)): Path<(String, String, i64)>,
            body: Bytes,
        ) -> Result<Response, WebError> {
            let to = viewer.url(&format!(concat!("/p/{}", $to), key));
            let ctx = viewer.ctx.clone();
            forward(
                &headers,
                &body,
                $fields,
                &to,
                |input: JsonBody<$input>, if_match| async move {
                    $handler(State(state), ctx, Path((ws, id)), if_match, input).await
                },
            )
            .await
        }
    };
    ($name:ident, $handler:path, $to:literal) => {
        pub async fn $name(
            State(state): State<AppState>,
            viewer: Viewer,
            headers: HeaderMap,
            Path((ws, key, id)): Path<(String, String, i64)>,
            body: Bytes,
        ) -> Result<Response, WebError> {
            let to = viewer.url(&format!(concat!("/p/{}", $to), key));
            let ctx = viewer.ctx.clone();
            forward(
                &headers,
                &body,
                &[],
                &to,
                |_: NoInput, if_match| async move {
                    $handler(State(state), ctx, Path((ws, id)), if_match)
                        .await
                        .map(IntoResponse::into_response)
                },
            )
            .await
        }
    };
}

object_post!(
    update_phase,
    PhaseInput,
    PHASE_FIELDS,
    phases::update_phase,
    "/settings#h-phases"
);
object_post!(delete_phase, phases::delete_phase, "/settings#h-phases");
object_post!(
    update_milestone,
    MilestoneInput,
    MILESTONE_FIELDS,
    phases::update_milestone,
    "/settings#h-milestones"
);
object_post!(
    delete_milestone,
    phases::delete_milestone,
    "/settings#h-milestones"
);
object_post!(
    update_stakeholder,
    StakeholderInput,
    &[("role", Kind::Optional)],
    stakeholders::update_stakeholder,
    "/settings#h-stakeholders"
);
object_post!(
    delete_stakeholder,
    stakeholders::delete_stakeholder,
    "/settings#h-stakeholders"
);
object_post!(
    update_risk,
    RiskInput,
    super::risks::RISK_FIELDS,
    risks::update_risk,
    "/risks"
);
object_post!(delete_risk, risks::delete_risk, "/risks");

/// `POST …/calendar/exceptions/{id}/delete`.
pub async fn remove_calendar_exception(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/p/{key}/settings#h-calendar"));
    let ctx = viewer.ctx.clone();
    forward(&headers, &body, &[], &to, |_: NoInput, _| async move {
        calendars::delete_calendar_exception(State(state), ctx, Path((ws, key, id)))
            .await
            .map(IntoResponse::into_response)
    })
    .await
}

/// `POST …/stakeholders`: a member picked wins over the outside name the
/// form also has.
pub async fn create_stakeholder(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let fields: &[(&str, Kind)] = if FormPairs::parse(&body)
        .get("member")
        .is_some_and(|m| !m.trim().is_empty())
    {
        &[("member", Kind::Optional), ("role", Kind::Optional)]
    } else {
        STAKEHOLDER_FIELDS
    };
    let to = viewer.url(&format!("/p/{key}/settings#h-stakeholders"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        fields,
        &to,
        |input: JsonBody<StakeholderInput>, _| async move {
            stakeholders::create_stakeholder(State(state), ctx, Path((ws, key)), input).await
        },
    )
    .await
}

/// `POST …/delete`: deletes the project once its key is typed back; who
/// may not delete hears so before being asked to confirm.
pub async fn delete_project(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    if !viewer.can_manage_members() {
        return Err(refused(
            &headers,
            ApiError::Forbidden("only the workspace's owners and admins delete projects".into()),
        ));
    }
    let typed = FormPairs::parse(&body)
        .get("confirm")
        .unwrap_or("")
        .trim()
        .to_string();
    if !typed.eq_ignore_ascii_case(&key) {
        return Err(refused(
            &headers,
            ApiError::field(
                "confirm",
                format!("Type the project's key, {key}, to delete it"),
            ),
        ));
    }
    let to = viewer.url("/projects");
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        &[],
        &to,
        |_: NoInput, if_match| async move {
            projects::delete_project(State(state), ctx, Path((ws, key)), if_match)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

const VIEW_FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("query", Kind::Text),
    ("shared", Kind::Flag),
];

/// `POST /w/{ws}/p/{key}/views`: the list (or board) as it is, saved
/// under a name; back to the page it was saved from, showing it.
pub async fn create_view(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let query = form.get("query").unwrap_or_default().to_string();
    let page = match form.get("page") {
        Some("board") => "board",
        _ => "list",
    };
    let to = viewer.url(&format!("/p/{key}/{page}?{query}"));
    let ctx = viewer.ctx.clone();
    forward(
        &headers,
        &body,
        VIEW_FIELDS,
        &to,
        |input: JsonBody<tandem_api::ViewInput>, _| async move {
            views::create_view(State(state), ctx, Path((ws, key)), input)
                .await
                .map(IntoResponse::into_response)
        },
    )
    .await
}

/// `POST /w/{ws}/p/{key}/views/{id}/delete`.
pub async fn delete_view(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key, id)): Path<(String, String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = crate::web::common::back(&headers, &viewer.url(&format!("/p/{key}/list")));
    let ctx = viewer.ctx.clone();
    forward(&headers, &body, &[], &to, |_: NoInput, _| async move {
        views::delete_view(State(state), ctx, Path((ws, id)))
            .await
            .map(IntoResponse::into_response)
    })
    .await
}
