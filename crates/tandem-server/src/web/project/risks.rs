//! A project's risk register with its heat map, and the form that adds a
//! risk.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};
use tandem_api::RiskInput;
use tandem_domain::risk_level;

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
                div.table-wrap {
                    table.grid {
                        caption.visually-hidden { "Risks, highest score first" }
                        thead { tr { th scope="col" { "Score" } th scope="col" { "Risk" } th scope="col" { "P × I" } th scope="col" { "Owner" } th scope="col" { "Status" } th scope="col" { "Mitigation" } } }
                        tbody {
                            @for r in &risks {
                                tr id={ "risk-" (r.id) } {
                                    td { span class={ "score lv-" (risk_level(r.score())) } { (r.score()) } }
                                    td { (r.title) }
                                    td { (r.probability) " × " (r.impact) }
                                    td { (layout::person(r.owner.as_ref())) }
                                    td { (r.status) }
                                    td { (r.mitigation.as_deref().unwrap_or("—")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if viewer.can_write() {
            section {
                h2 { "Add a risk" }
                form.stacked method="post" action=(viewer.url(&format!("/p/{}/risks", project.key))) {
                    label for="r-title" { "Risk" }
                    input #r-title name="title" required;
                    label for="r-p" { "Probability (1 rare – 5 almost certain)" }
                    input #r-p name="probability" type="number" min="1" max="5" value="3" required;
                    label for="r-i" { "Impact (1 negligible – 5 severe)" }
                    input #r-i name="impact" type="number" min="1" max="5" value="3" required;
                    label for="r-owner" { "Owner" }
                    select #r-owner name="owner" { option value="" { "—" } @for m in &members { option value=(m.user.email) { (m.user.name) } } }
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
