//! A project's calendar exceptions: holidays and days of other hours.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tandem_api::*;
use tandem_usecases::calendars;

use super::ApiResult;
use crate::AppState;
use crate::error::path_id;
use crate::extract::{Ctx, JsonBody};
use crate::routes::*;

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(get "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions", "Holidays and days of other hours in the project's calendar", none(), json::<Vec<CalendarExceptionView>>(), 200, list_calendar_exceptions),
        route!(post "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions", "Add a holiday or days of other hours; the project is rescheduled", json::<CreateCalendarException>(), json::<CalendarExceptionView>(), 201, create_calendar_exception),
        route!(delete "/api/v1/workspaces/{ws}/projects/{key}/calendar/exceptions/{id}", "Remove a calendar exception", none(), none(), 204, delete_calendar_exception),
    ]
}

pub async fn list_calendar_exceptions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> ApiResult<Json<Vec<CalendarExceptionView>>> {
    let (_, access) = state.store.open_project(ctx.scope, &key).await?;
    Ok(Json(
        state
            .store
            .list_calendar_exceptions(access)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub async fn create_calendar_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
    body: JsonBody<CreateCalendarException>,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let exception = body.into_domain(CreateCalendarException::into_domain)?;
    let store = state.store.as_ref();
    let (_, created) = calendars::create_exception(store, &writer, &key, &exception).await?;
    Ok((
        StatusCode::CREATED,
        Json(CalendarExceptionView::from(created)),
    )
        .into_response())
}

pub async fn delete_calendar_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key, id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    let id = path_id(&id, "calendar exception")?;
    calendars::delete_exception(state.store.as_ref(), &writer, &key, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
