//! A project's risk register with its heat map, the form that adds a
//! risk and, on each risk, the form that changes, closes or links it to
//! tasks and milestones. The change and delete posts are in `settings`,
//! beside the project's other objects'.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};
use tandem_api::RiskInput;
use tandem_domain::{RiskStatus, risk_level};

use super::nav;
use crate::AppState;
use crate::web::Viewer;
use crate::web::common::{FormPairs, Kind, WebError, answer, json_body};
use crate::web::layout::{self, Section, Tab, page};

pub async fn risks(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, key)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let store = state.store.as_ref();
    let scope = viewer.ctx.scope;
    let (project, access) = store.open_project(scope, &key).await?;
    let risks = store.list_risks(access).await?;
    let members = store.list_members(scope).await?;
    let milestones = store.list_milestones(access).await?;
    let writes = viewer.can_write();
    let mut cells: HashMap<(i64, i64), Vec<&tandem_domain::Risk>> = HashMap::new();
    for r in risks
        .iter()
        .filter(|r| r.status != tandem_domain::RiskStatus::Closed)
    {
        cells.entry((r.probability, r.impact)).or_default().push(r);
    }
    let content = html! {
        div.risks-layout {
            section aria-labelledby="h-heat" {
                h2 #h-heat { "Heat map " span.muted { "(open risks)" } }
                table.heat {
                    caption.visually-hidden { "Open risks by probability (rows) and impact (columns)" }
                    thead { tr { th scope="col" { span.visually-hidden { "Probability" } } @for i in 1..=5 { th scope="col" { "Impact " (i) } } } }
                    tbody {
                        @for p in (1..=5).rev() {
                            tr {
                                th scope="row" { "Probability " (p) }
                                @for i in 1..=5 {
                                    @let here = cells.get(&(p, i)).map(Vec::as_slice).unwrap_or(&[]);
                                    td class={ "lv-" (risk_level(p * i)) } data-score=(p * i) {
                                        @if !here.is_empty() {
                                            strong { (here.len()) }
                                            ul { @for r in here { li { a href={ "#risk-" (r.id) } { (r.title) } } } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="h-register" {
                h2 #h-register { "Register" }
                div.table-wrap tabindex="0" role="region" aria-label="Risk register" {
                    table.grid {
                        caption.visually-hidden { "Risks, highest score first" }
                        thead { tr { th scope="col" { "Score" } th scope="col" { "Risk" } th scope="col" { "P × I" } th scope="col" { "Owner" } th scope="col" { "Status" } th scope="col" { "Mitigation" } th scope="col" { "Linked to" } th scope="col" { "Talk" } } }
                        tbody {
                            @for r in &risks {
                                tr id={ "risk-" (r.id) } class=[(r.status == RiskStatus::Closed).then_some("closed")] {
                                    td { span class={ "score lv-" (risk_level(r.score())) } { (r.score()) } }
                                    td.risk {
                                        @if writes {
                                            details.edit {
                                                summary { (r.title) }
                                                (risk_form(&viewer, &project.key, r, &members, &milestones))
                                            }
                                        } @else { (r.title) }
                                    }
                                    td { (r.probability) " × " (r.impact) }
                                    td { (layout::person(r.owner.as_ref())) }
                                    td { (status_label(r.status)) }
                                    td { (r.mitigation.as_deref().unwrap_or("—")) }
                                    td {
                                        @for t in &r.tasks { a.key href=(viewer.url(&format!("/t/{}", t.key))) { (t.key) } " " }
                                        @for m in milestones.iter().filter(|m| r.milestone_ids.contains(&m.id)) { span.tag { "◆ " (m.name) } " " }
                                    }
                                    td { a href=(crate::web::comments::thread_url(&viewer, &tandem_domain::CommentOn::Risk(r.id))) aria-label={ "Comments on " (r.title) } { "Comments" } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if writes {
            section {
                h2 { "Add a risk" }
                form.stacked.keeps method="post" action=(viewer.url(&format!("/p/{}/risks", project.key))) {
                    label for="r-title" { "Risk" }
                    input #r-title name="title" required;
                    label for="r-p" { "Probability (1 rare – 5 almost certain)" }
                    input #r-p name="probability" type="number" min="1" max="5" value="3" required;
                    label for="r-i" { "Impact (1 negligible – 5 severe)" }
                    input #r-i name="impact" type="number" min="1" max="5" value="3" required;
                    label for="r-owner" { "Owner" }
                    select #r-owner name="owner" data-find { option value="" { "—" } @for m in &members { option value=(m.user.email) { (m.user.name) } } }
                    label for="r-mitigation" { "Mitigation" }
                    textarea #r-mitigation name="mitigation" rows="2" {}
                    button.primary type="submit" { "Add risk" }
                }
            }
        }
    };
    Ok(page(
        &viewer,
        "Risks",
        Section::Projects,
        nav(&project, Tab::Risks),
        content,
    ))
}

/// The fields of a risk's change form, as the API's `RiskInput` names
/// them.
pub(super) const RISK_FIELDS: &[(&str, Kind)] = &[
    ("title", Kind::Text),
    ("description", Kind::Optional),
    ("probability", Kind::Number),
    ("impact", Kind::Number),
    ("owner", Kind::Optional),
    ("mitigation", Kind::Optional),
    ("status", Kind::Optional),
    ("tasks", Kind::List),
    ("milestones", Kind::Numbers),
];

fn status_label(status: RiskStatus) -> &'static str {
    match status {
        RiskStatus::Open => "Open",
        RiskStatus::Mitigating => "Mitigating",
        RiskStatus::Closed => "Closed",
        RiskStatus::Occurred => "Occurred",
    }
}

/// One risk's change form: every field, its status (closing it is a
/// status), the tasks and milestones it threatens; and its delete.
fn risk_form(
    viewer: &Viewer,
    key: &str,
    r: &tandem_domain::Risk,
    members: &[tandem_domain::Member],
    milestones: &[tandem_domain::Milestone],
) -> Markup {
    let id = |field: &str| format!("rk-{field}-{}", r.id);
    let tasks: Vec<&str> = r.tasks.iter().map(|t| t.key.as_str()).collect();
    html! {
        form.stacked.keeps method="post" action=(viewer.url(&format!("/p/{key}/risks/{}", r.id)))
            data-current={ "/api/v1/workspaces/" (viewer.slug()) "/risks/" (r.id) } {
            input type="hidden" name="version" value=(r.version);
            label for=(id("title")) { "Risk" }
            input id=(id("title")) name="title" required maxlength="200" value=(r.title);
            label for=(id("description")) { "Description" }
            textarea id=(id("description")) name="description" rows="2" { (r.description.as_deref().unwrap_or("")) }
            div.pair {
                div {
                    label for=(id("p")) { "Probability (1–5)" }
                    input id=(id("p")) name="probability" type="number" min="1" max="5" required value=(r.probability);
                }
                div {
                    label for=(id("i")) { "Impact (1–5)" }
                    input id=(id("i")) name="impact" type="number" min="1" max="5" required value=(r.impact);
                }
            }
            label for=(id("owner")) { "Owner" }
            (super::settings::member_select(&id("owner"), "owner", members, r.owner.as_ref().map(|o| o.email.as_str())))
            label for=(id("status")) { "Status" }
            select id=(id("status")) name="status" {
                @for s in RiskStatus::ALL { option value=(s) selected[*s == r.status] { (status_label(*s)) } }
            }
            label for=(id("mitigation")) { "Mitigation" }
            textarea id=(id("mitigation")) name="mitigation" rows="2" { (r.mitigation.as_deref().unwrap_or("")) }
            label for=(id("tasks")) { "Tasks it threatens " span.muted { "(keys, comma-separated: " (key) "-4, " (key) "-9; or type words of a title)" } }
            input id=(id("tasks")) name="tasks" value=(tasks.join(", ")) autocomplete="off"
                list=(id("found")) data-task-search data-many data-project=(key);
            datalist id=(id("found")) {}
            @if !milestones.is_empty() {
                label for=(id("milestones")) { "Milestones it threatens" }
                select id=(id("milestones")) name="milestones" multiple size=(milestones.len().min(5)) {
                    @for m in milestones { option value=(m.id) selected[r.milestone_ids.contains(&m.id)] { (m.name) } }
                }
            }
            div { button.primary type="submit" { "Save risk" } }
        }
        form.inline.confirm method="post" action=(viewer.url(&format!("/p/{key}/risks/{}/delete", r.id)))
            data-confirm={ "Delete the risk " (r.title) "? Closing it keeps its history." } {
            input type="hidden" name="version" value=(r.version);
            button.link type="submit" { "Delete risk" }
        }
    }
}

pub async fn create_risk(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((ws, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = FormPairs::parse(&body);
    let result = async {
        let body = json_body::<RiskInput>(
            &form,
            &[
                ("title", Kind::Text),
                ("description", Kind::Optional),
                ("probability", Kind::Number),
                ("impact", Kind::Number),
                ("owner", Kind::Optional),
                ("mitigation", Kind::Optional),
            ],
        )?;
        crate::handlers::risks::create_risk(
            State(state.clone()),
            viewer.ctx.clone(),
            Path((ws, key.clone())),
            body,
        )
        .await
    }
    .await;
    answer(&headers, result, &viewer.url(&format!("/p/{key}/risks")))
}
