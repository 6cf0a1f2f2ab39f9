//! `tandem risk`: a project's risk register.

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{choice, request_body, text_value};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum RiskCommand {
    /// Add a risk to a project.
    Add {
        key: String,
        title: String,
        /// 1 (rare) to 5 (almost certain).
        #[arg(long)]
        probability: i64,
        /// 1 (negligible) to 5 (severe).
        #[arg(long)]
        impact: i64,
        /// What is done to make it less likely or less severe.
        #[arg(long)]
        mitigation: Option<String>,
        /// The owner's email (a workspace member).
        #[arg(long)]
        owner: Option<String>,
    },
    /// A project's risk register.
    List { key: String },
    /// Change a risk's fields ("none" clears a field or a list).
    Edit {
        /// The risk's id (see `tandem risk list KEY`).
        id: i64,
        /// The new title.
        #[arg(long)]
        title: Option<String>,
        /// The description, or "none" to clear it.
        #[arg(long)]
        description: Option<String>,
        /// 1 (rare) to 5 (almost certain).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=5))]
        probability: Option<i64>,
        /// 1 (negligible) to 5 (severe).
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=5))]
        impact: Option<i64>,
        /// The owner's email (a workspace member), or "none" for no owner.
        #[arg(long)]
        owner: Option<String>,
        /// The mitigation plan, or "none" to clear it.
        #[arg(long)]
        mitigation: Option<String>,
        /// open, mitigating, closed or occurred.
        #[arg(long)]
        status: Option<String>,
        /// The keys of the tasks it is linked to, separated by commas
        /// (LAUNCH-3,LAUNCH-7); replaces the list, "none" empties it.
        #[arg(long)]
        tasks: Option<String>,
        /// The ids of the milestones it is linked to, separated by commas
        /// (see `tandem milestone list KEY`); replaces the list, "none"
        /// empties it.
        #[arg(long)]
        milestones: Option<String>,
    },
    /// Delete a risk.
    Delete {
        /// The risk's id (see `tandem risk list KEY`).
        id: i64,
    },
}

/// A list flag's items, separated by commas; "none" is the empty list.
fn list_value(text: &str) -> Vec<String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Vec::new();
    }
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(String::from)
        .collect()
}

/// The --milestones flag: milestone ids separated by commas, or "none".
fn milestone_ids(text: &str) -> Result<Vec<i64>> {
    list_value(text)
        .iter()
        .map(|id| {
            id.parse::<i64>()
                .map_err(|_| anyhow!("--milestones: '{id}' is not a milestone id"))
        })
        .collect()
}

/// The risk `id` as it is now: its version is what a change sends as
/// If-Match.
async fn current_risk(client: &Client, id: i64) -> Result<RiskView> {
    client
        .send(
            Method::GET,
            &client.ws_path(&format!("/risks/{id}")).await?,
            None,
        )
        .await
        .map_err(|e| anyhow!("risk {id}: {e:#}"))
}

pub(super) async fn risk_command(
    client: &Client,
    command: RiskCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        RiskCommand::Add {
            key,
            title,
            probability,
            impact,
            mitigation,
            owner,
        } => {
            let request = RiskInput {
                title: Some(title),
                probability: Some(probability),
                impact: Some(impact),
                mitigation: mitigation.map(Some),
                owner: owner.map(Some),
                ..RiskInput::default()
            };
            let risk: RiskView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/projects/{key}/risks")).await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&risk)
            } else {
                outln!(
                    "Added risk {} (score {}, {})",
                    risk.title,
                    risk.score,
                    risk.level
                )
            }
        }
        RiskCommand::List { key } => {
            let risks: Vec<RiskView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}/risks")).await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&risks);
                    Ok(())
                };
            }
            let rows = risks
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.title.clone(),
                        format!("{}×{}", r.probability, r.impact),
                        r.score.to_string(),
                        r.level.clone(),
                        r.status.to_string(),
                        or_dash(r.mitigation.clone()),
                    ]
                })
                .collect::<Vec<_>>();
            table(
                &[
                    "id",
                    "risk",
                    "p×i",
                    "score",
                    "level",
                    "status",
                    "mitigation",
                ],
                &rows,
            );
        }
        RiskCommand::Edit {
            id,
            title,
            description,
            probability,
            impact,
            owner,
            mitigation,
            status,
            tasks,
            milestones,
        } => {
            let request = RiskInput {
                title,
                description: description.as_deref().map(text_value),
                probability,
                impact,
                owner: owner.as_deref().map(text_value),
                mitigation: mitigation.as_deref().map(text_value),
                status: status.as_deref().map(|s| choice("status", s)).transpose()?,
                tasks: tasks.as_deref().map(list_value),
                milestones: milestones.as_deref().map(milestone_ids).transpose()?,
            };
            let body = request_body(&request)?;
            if body.as_object().is_some_and(|fields| fields.is_empty()) {
                bail!("nothing to change: give at least one field flag");
            }
            let current = current_risk(client, id).await?;
            let risk: RiskView = client
                .send_if_match(
                    Method::PATCH,
                    &client.ws_path(&format!("/risks/{id}")).await?,
                    Some(&body),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&risk)
            } else {
                outln!(
                    "Updated risk {} (id {}, score {}, {}, {})",
                    risk.title,
                    risk.id,
                    risk.score,
                    risk.level,
                    risk.status
                )
            }
        }
        RiskCommand::Delete { id } => {
            let current = current_risk(client, id).await?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/risks/{id}")).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Deleted risk {} (id {})", current.title, current.id);
            }
        }
    }
    Ok(())
}
