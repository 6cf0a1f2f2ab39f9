//! `tandem phase` and `tandem milestone`: the stages and checkpoints of a
//! project.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{date_value, request_body};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum PhaseCommand {
    Add {
        key: String,
        name: String,
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        end: Option<String>,
    },
    List {
        key: String,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum MilestoneCommand {
    Add {
        key: String,
        name: String,
        #[arg(long)]
        date: Option<String>,
    },
    List {
        key: String,
    },
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
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "milestone", "date", "progress"], &rows);
        }
    }
    Ok(())
}
