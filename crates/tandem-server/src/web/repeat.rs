//! A task's "Repeats" section and its forms: how a recurring task
//! repeats, changing its series from the next occurrence on, skipping
//! dates, stopping it; and the form that makes a task repeat. Each form
//! posts to a route here that calls the API's own handler.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_api::RepeatInput;

use super::Viewer;
use super::common::{FormPairs, Kind, WebError, answer, refused};
use super::layout;
use super::my_work::today;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::JsonBody;

/// How a recurring task repeats, with the ways to change it (from the
/// next occurrence on) and to stop it; for a task that does not, the form
/// that makes it repeat. Each form shows the rule's next dates as it is
/// typed.
pub(super) fn repeat_section(
    viewer: &Viewer,
    task: &tandem_domain::Task,
    recurrence: Option<&tandem_domain::recurrence::Recurrence>,
    writer: bool,
) -> Markup {
    use tandem_domain::recurrence::{Landing, Mode, Reuse};
    let url = viewer.url(&format!("/t/{}", task.key));
    let preview = |from: Option<chrono::NaiveDate>| {
        format!(
            "/api/v1/workspaces/{}/recurrences/preview?count=5&from={}{}",
            viewer.slug(),
            from.map(|d| d.to_string()).unwrap_or_default(),
            task.project
                .as_ref()
                .map(|p| format!("&project={}", p.key))
                .unwrap_or_default()
        )
    };
    html! {
        section aria-labelledby="h-repeat" {
            h2 #h-repeat { "Repeats" }
            @match recurrence {
                Some(r) => {
                    p.repeats {
                        strong { (r.series.rule.describe()) }
                        " from " (layout::date(Some(r.series.starts_on), today()))
                        ", " (match r.series.mode { Mode::Schedule => "on its dates, done or not", Mode::AfterDone => "counted from the day the last one was done" })
                        "; " (match r.series.reuse { Reuse::NewTask => "each time a new task", Reuse::Reopen => "this task, opened again" })
                        (match r.series.landing { Landing::AsIs => "", Landing::Skip => "; none on days off", Landing::NextWorkingDay => "; on the next working day when one falls on a day off" })
                        "."
                    }
                    @if !r.series.except.is_empty() {
                        p {
                            "Skips "
                            @for (i, day) in r.series.except.iter().enumerate() {
                                @if i > 0 { ", " }
                                (layout::date(Some(*day), today()))
                                @if writer && !r.ended {
                                    " "
                                    form.inline method="post" action={ (url) "/repeat/skip" } {
                                        input type="hidden" name="unskip" value=(day);
                                        button.link type="submit" aria-label={ "Stop skipping " (day) } { "×" }
                                    }
                                }
                            }
                            "."
                        }
                    }
                    @if r.ended {
                        p.muted { "Ended: no occurrence comes after those made." }
                    } @else if writer {
                        form.inline-form method="post" action={ (url) "/repeat/skip" } {
                            label for="repeat-skip" { "Skip a date " span.muted { "(no occurrence that day; the others stay)" } }
                            input #repeat-skip name="skip" type="date" required;
                            button type="submit" { "Skip it" }
                        }
                        details.repeat-change {
                            summary { "Change it from the next occurrence on" }
                            (repeat_form(&format!("{url}/repeat/change"), &preview(Some(r.last_on)), Some(&r.series), "Change"))
                        }
                        form.inline-form.keeps method="post" action={ (url) "/repeat/end" } {
                            button type="submit" { "Stop repeating" }
                        }
                    }
                }
                None if writer => {
                    @if task.due_date.is_none() {
                        p.muted { "It repeats from its due date: give it one first." }
                    }
                    (repeat_form(&format!("{url}/repeat"), &preview(task.due_date), None, "Repeat"))
                }
                None => { p.muted { "Does not repeat." } }
            }
        }
    }
}

/// A series' rule, its next one, each occurrence and its days off, as a
/// form posting to `action`; drawn with `current`'s values when changing.
fn repeat_form(
    action: &str,
    preview: &str,
    current: Option<&tandem_domain::recurrence::Series>,
    button: &str,
) -> Markup {
    use tandem_domain::recurrence::{Landing, Mode, Reuse};
    let id = if current.is_some() { "rc" } else { "r" };
    let mode = current.map(|c| c.mode).unwrap_or_default();
    let reuse = current.map(|c| c.reuse).unwrap_or_default();
    let landing = current.map(|c| c.landing).unwrap_or_default();
    html! {
        form.stacked.keeps.repeat-form method="post" action=(action) {
            label for={ (id) "-rule" } { "Rule " span.muted { "(“every 2 weeks on tue, thu”, “monthly on the last fri”, “every weekday”, or an RRULE)" } }
            input id={ (id) "-rule" } name="rule" required autocomplete="off" data-preview=(preview)
                value=[current.map(|c| c.rule.editable())];
            output id={ (id) "-dates" } for={ (id) "-rule" } aria-live="polite" {}
            label for={ (id) "-mode" } { "Next one" }
            select id={ (id) "-mode" } name="mode" {
                option value="schedule" selected[mode == Mode::Schedule] { "On its dates, done or not" }
                option value="after_done" selected[mode == Mode::AfterDone] { "Counted from the day the last one was done" }
            }
            label for={ (id) "-reuse" } { "Each occurrence" }
            select id={ (id) "-reuse" } name="reuse" {
                option value="new_task" selected[reuse == Reuse::NewTask] { "A new task" }
                option value="reopen" selected[reuse == Reuse::Reopen] { "This task, opened again" }
            }
            label for={ (id) "-landing" } { "On a day off" }
            select id={ (id) "-landing" } name="landing" {
                option value="as_is" selected[landing == Landing::AsIs] { "Keep the date" }
                option value="next_working_day" selected[landing == Landing::NextWorkingDay] { "Move to the next working day" }
                option value="skip" selected[landing == Landing::Skip] { "Skip it" }
            }
            button type="submit" { (button) }
        }
    }
}

/// The repeat form's fields, as the API's `RepeatInput` names them.
const REPEAT_FIELDS: &[(&str, Kind)] = &[
    ("rule", Kind::Text),
    ("mode", Kind::Optional),
    ("reuse", Kind::Optional),
    ("landing", Kind::Optional),
];

/// `POST /w/{ws}/t/{key}/repeat`: the task repeats from its due date.
pub async fn start_repeat(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/t/{key}#h-repeat"));
    let ctx = viewer.ctx.clone();
    super::common::forward(&headers, &body, REPEAT_FIELDS, &to, |input, _| async move {
        crate::handlers::tasks::start_repeat(State(state), ctx, Path((ws, key)), input).await
    })
    .await
}

/// `POST /w/{ws}/t/{key}/repeat/change`: its series from the next
/// occurrence on.
pub async fn change_repeat(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/t/{key}#h-repeat"));
    let ctx = viewer.ctx.clone();
    super::common::forward(&headers, &body, REPEAT_FIELDS, &to, |input, _| async move {
        crate::handlers::tasks::change_repeat(State(state), ctx, Path((ws, key)), input)
            .await
            .map(IntoResponse::into_response)
    })
    .await
}

/// `POST /w/{ws}/t/{key}/repeat/end`: its series makes no more.
pub async fn end_repeat(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/t/{key}#h-repeat"));
    let result =
        crate::handlers::tasks::end_repeat(State(state), viewer.ctx.clone(), Path((ws, key)))
            .await
            .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}

/// `POST /w/{ws}/t/{key}/repeat/skip`: a date added to the dates its
/// series skips (`skip`), or taken off them (`unskip`).
pub async fn skip_repeat(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let to = viewer.url(&format!("/t/{key}#h-repeat"));
    let form = FormPairs::parse(&body);
    let day = |name: &str| {
        form.get(name)
            .and_then(|d| d.trim().parse::<chrono::NaiveDate>().ok())
    };
    let (add, remove) = (day("skip"), day("unskip"));
    if add.is_none() && remove.is_none() {
        return Err(refused(
            &headers,
            ApiError::field("skip", "give a date (YYYY-MM-DD) to skip"),
        ));
    }
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let task = store.get_task(scope, &key).await?;
    let Some(series) = store.recurrence_of(scope, &task).await? else {
        return Err(refused(
            &headers,
            ApiError::field("skip", "this task does not repeat"),
        ));
    };
    let mut skip: Vec<chrono::NaiveDate> = series
        .series
        .except
        .iter()
        .copied()
        .filter(|d| Some(*d) != remove)
        .collect();
    skip.extend(add);
    let input = RepeatInput {
        skip: Some(skip),
        ..Default::default()
    };
    let result = crate::handlers::tasks::change_repeat(
        State(state.clone()),
        viewer.ctx.clone(),
        Path((ws, key)),
        JsonBody::new(input),
    )
    .await
    .map(IntoResponse::into_response);
    answer(&headers, result, &to)
}
