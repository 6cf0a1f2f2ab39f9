//! `tandem phase` and `tandem milestone`: the stages and checkpoints of a
//! project.

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{date_value, request_body, text_value};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum PhaseCommand {
    /// Add a phase to a project (its last).
    Add {
        /// The project's key.
        key: String,
        name: String,
        /// Its first day: YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d).
        #[arg(long)]
        start: Option<String>,
        /// Its last day: YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d).
        #[arg(long)]
        end: Option<String>,
    },
    /// A project's phases, in order, with their dates and tasks.
    List {
        /// The project's key.
        key: String,
    },
    /// Change a phase's name or dates ("none" clears a date).
    Edit {
        /// The project's key.
        key: String,
        /// The phase's id (see `tandem phase list KEY`).
        id: i64,
        /// The new name.
        #[arg(long)]
        name: Option<String>,
        /// The start: YYYY-MM-DD or a date word (today, tomorrow, fri,
        /// next week, +3d), or "none" to clear it.
        #[arg(long)]
        start: Option<String>,
        /// The end: YYYY-MM-DD or a date word (today, tomorrow, fri,
        /// next week, +3d), or "none" to clear it.
        #[arg(long)]
        end: Option<String>,
    },
    /// Delete a phase; its tasks and milestones stay in the project, in no
    /// phase.
    Delete {
        /// The project's key.
        key: String,
        /// The phase's id (see `tandem phase list KEY`).
        id: i64,
    },
    /// Put a project's phases in a new order: every phase's id once, first
    /// first (see `tandem phase list KEY`).
    Reorder {
        /// The project's key.
        key: String,
        /// The ids of all the project's phases, in their new order.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum MilestoneCommand {
    /// Add a milestone to a project.
    Add {
        /// The project's key.
        key: String,
        name: String,
        /// The date it is planned for: YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d).
        #[arg(long)]
        date: Option<String>,
    },
    /// A project's milestones, with their planned and scheduled dates.
    List {
        /// The project's key.
        key: String,
    },
    /// Change a milestone's name, date, description or phase ("none" clears
    /// a field).
    Edit {
        /// The project's key.
        key: String,
        /// The milestone's id (see `tandem milestone list KEY`).
        id: i64,
        /// The new name.
        #[arg(long)]
        name: Option<String>,
        /// The date: YYYY-MM-DD or a date word (today, tomorrow, fri,
        /// next week, +3d), or "none" to clear it.
        #[arg(long)]
        date: Option<String>,
        /// The description, or "none" to clear it.
        #[arg(long)]
        description: Option<String>,
        /// The id of the phase it belongs to (see `tandem phase list KEY`),
        /// or "none" for no phase.
        #[arg(long)]
        phase: Option<String>,
        /// The day it was reached (YYYY-MM-DD or a date word), or "none"
        /// to mark it not reached.
        #[arg(long)]
        reached: Option<String>,
    },
    /// Mark a milestone reached. Refused while its latest approval waits,
    /// asks for changes or was rejected (see `tandem approval`).
    Reach {
        /// The project's key.
        key: String,
        /// The milestone's id (see `tandem milestone list KEY`).
        id: i64,
        /// The day it was reached: YYYY-MM-DD or a date word; today when
        /// left out.
        #[arg(long)]
        on: Option<String>,
    },
    /// Delete a milestone; its tasks stay in the project, at no milestone.
    Delete {
        /// The project's key.
        key: String,
        /// The milestone's id (see `tandem milestone list KEY`).
        id: i64,
    },
    /// Put a project's milestones in a new order: every milestone's id
    /// once, first first (see `tandem milestone list KEY`).
    Reorder {
        /// The project's key.
        key: String,
        /// The ids of all the project's milestones, in their new order.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

/// The phase `id` of project `key` as its list shows it now: its version
/// is what a change sends as If-Match.
async fn listed_phase(client: &Client, key: &str, id: i64) -> Result<PhaseView> {
    let phases: Vec<PhaseView> = client
        .send(
            Method::GET,
            &client.ws_path(&format!("/projects/{key}/phases")).await?,
            None,
        )
        .await?;
    phases
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| anyhow!("project {key} has no phase {id} (see `tandem phase list {key}`)"))
}

/// The milestone `id` of project `key` as its list shows it now: its
/// version is what a change sends as If-Match.
async fn listed_milestone(client: &Client, key: &str, id: i64) -> Result<MilestoneView> {
    let milestones: Vec<MilestoneView> = client
        .send(
            Method::GET,
            &client
                .ws_path(&format!("/projects/{key}/milestones"))
                .await?,
            None,
        )
        .await?;
    milestones.into_iter().find(|m| m.id == id).ok_or_else(|| {
        anyhow!("project {key} has no milestone {id} (see `tandem milestone list {key}`)")
    })
}

/// The --phase flag: a phase id, or "none" for no phase.
fn phase_value(text: &str) -> Result<Option<i64>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| anyhow!("--phase: '{text}' is not a phase id (or \"none\")"))
}

/// A project's phases as a table, in their order.
fn print_phases(phases: &[PhaseView]) {
    let rows = phases
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.name.clone(),
                or_dash(p.start_date),
                or_dash(p.end_date),
                format!(
                    "{:.0}%",
                    p.progress.as_ref().map(|x| x.percent).unwrap_or(0.0)
                ),
            ]
        })
        .collect::<Vec<_>>();
    table(&["id", "phase", "start", "end", "progress"], &rows);
}

pub(super) async fn phase_command(
    client: &Client,
    command: PhaseCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        PhaseCommand::Add {
            key,
            name,
            start,
            end,
        } => {
            let request = PhaseInput {
                name: Some(name),
                position: None,
                start_date: start
                    .as_deref()
                    .map(|d| date_value("start", d))
                    .transpose()?,
                end_date: end.as_deref().map(|d| date_value("end", d)).transpose()?,
            };
            let phase: PhaseView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/projects/{key}/phases")).await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&phase)
            } else {
                outln!("Added phase {} (id {})", phase.name, phase.id)
            }
        }
        PhaseCommand::List { key } => {
            let phases: Vec<PhaseView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}/phases")).await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&phases);
                    Ok(())
                };
            }
            print_phases(&phases);
        }
        PhaseCommand::Edit {
            key,
            id,
            name,
            start,
            end,
        } => {
            let request = PhaseInput {
                name,
                position: None,
                start_date: start
                    .as_deref()
                    .map(|d| date_value("start", d))
                    .transpose()?,
                end_date: end.as_deref().map(|d| date_value("end", d)).transpose()?,
            };
            let body = request_body(&request)?;
            if body.as_object().is_some_and(|fields| fields.is_empty()) {
                bail!("nothing to change: give --name, --start or --end");
            }
            let current = listed_phase(client, &key, id).await?;
            let phase: PhaseView = client
                .send_if_match(
                    Method::PATCH,
                    &client.ws_path(&format!("/phases/{id}")).await?,
                    Some(&body),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&phase)
            } else {
                outln!("Updated phase {} (id {})", phase.name, phase.id)
            }
        }
        PhaseCommand::Delete { key, id } => {
            let current = listed_phase(client, &key, id).await?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/phases/{id}")).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Deleted phase {} (id {})", current.name, current.id);
            }
        }
        PhaseCommand::Reorder { key, ids } => {
            let request = PhaseOrder { phases: Some(ids) };
            let phases: Vec<PhaseView> = client
                .send(
                    Method::PUT,
                    &client
                        .ws_path(&format!("/projects/{key}/phases/order"))
                        .await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                return {
                    print_json(&phases);
                    Ok(())
                };
            }
            print_phases(&phases);
        }
    }
    Ok(())
}

pub(super) async fn milestone_command(
    client: &Client,
    command: MilestoneCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        MilestoneCommand::Add { key, name, date } => {
            let request = MilestoneInput {
                name: Some(name),
                date: date.as_deref().map(|d| date_value("date", d)).transpose()?,
                ..MilestoneInput::default()
            };
            let milestone: MilestoneView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/milestones"))
                        .await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&milestone)
            } else {
                outln!("Added milestone {} (id {})", milestone.name, milestone.id)
            }
        }
        MilestoneCommand::List { key } => {
            let milestones: Vec<MilestoneView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/milestones"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&milestones);
                    Ok(())
                };
            }
            print_milestones(&milestones);
        }
        MilestoneCommand::Reorder { key, ids } => {
            let request = MilestoneOrder {
                milestones: Some(ids),
            };
            let milestones: Vec<MilestoneView> = client
                .send(
                    Method::PUT,
                    &client
                        .ws_path(&format!("/projects/{key}/milestones/order"))
                        .await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                return {
                    print_json(&milestones);
                    Ok(())
                };
            }
            print_milestones(&milestones);
        }
        MilestoneCommand::Edit {
            key,
            id,
            name,
            date,
            description,
            phase,
            reached,
        } => {
            let request = MilestoneInput {
                name,
                date: date.as_deref().map(|d| date_value("date", d)).transpose()?,
                description: description.as_deref().map(text_value),
                phase_id: phase.as_deref().map(phase_value).transpose()?,
                reached: reached
                    .as_deref()
                    .map(|d| date_value("reached", d))
                    .transpose()?,
            };
            let body = request_body(&request)?;
            if body.as_object().is_some_and(|fields| fields.is_empty()) {
                bail!(
                    "nothing to change: give --name, --date, --description, --phase or --reached"
                );
            }
            let current = listed_milestone(client, &key, id).await?;
            let milestone: MilestoneView = client
                .send_if_match(
                    Method::PATCH,
                    &client.ws_path(&format!("/milestones/{id}")).await?,
                    Some(&body),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&milestone)
            } else {
                outln!("Updated milestone {} (id {})", milestone.name, milestone.id)
            }
        }
        MilestoneCommand::Reach { key, id, on } => {
            let day = date_value("on", on.as_deref().unwrap_or("today"))?;
            if day.is_none() {
                bail!("--on: give the day it was reached (YYYY-MM-DD or a date word)");
            }
            let request = MilestoneInput {
                reached: Some(day),
                ..MilestoneInput::default()
            };
            let current = listed_milestone(client, &key, id).await?;
            let milestone: MilestoneView = client
                .send_if_match(
                    Method::PATCH,
                    &client.ws_path(&format!("/milestones/{id}")).await?,
                    Some(&request_body(&request)?),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&milestone)
            } else {
                outln!(
                    "Milestone {} (id {}) reached on {}",
                    milestone.name,
                    milestone.id,
                    or_dash(milestone.reached)
                )
            }
        }
        MilestoneCommand::Delete { key, id } => {
            let current = listed_milestone(client, &key, id).await?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/milestones/{id}")).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Deleted milestone {} (id {})", current.name, current.id);
            }
        }
    }
    Ok(())
}

/// A project's milestones as a table, in their order.
fn print_milestones(milestones: &[MilestoneView]) {
    let rows = milestones
        .iter()
        .map(|m| {
            vec![
                m.id.to_string(),
                m.name.clone(),
                or_dash(m.date),
                format!(
                    "{:.0}%",
                    m.progress.as_ref().map(|x| x.percent).unwrap_or(0.0)
                ),
                or_dash(m.reached),
            ]
        })
        .collect::<Vec<_>>();
    table(&["id", "milestone", "date", "progress", "reached"], &rows);
}
