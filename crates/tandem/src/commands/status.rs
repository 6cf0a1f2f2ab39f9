//! `tandem status`: a project's health as Tandem derives it, and the
//! status updates its people post.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{choice, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

/// What a status update is on: a project, a portfolio or a goal.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub(super) struct On {
    /// The project's key.
    key: Option<String>,
    /// A portfolio instead, by name or id.
    #[arg(long)]
    portfolio: Option<String>,
    /// A goal instead, by id or title.
    #[arg(long)]
    goal: Option<String>,
}

impl On {
    /// The API path of what the update is on, and how to name it.
    async fn path(&self, client: &Client) -> Result<(String, String)> {
        Ok(match (&self.key, &self.portfolio, &self.goal) {
            (Some(key), _, _) => (format!("/projects/{key}"), key.clone()),
            (_, Some(name), _) => {
                let (id, name) = super::portfolio::portfolio_id(client, name).await?;
                (format!("/portfolios/{id}"), format!("portfolio {name}"))
            }
            (_, _, Some(name)) => {
                let (id, title) = super::goal::goal_id(client, name).await?;
                (format!("/goals/{id}"), format!("goal {title}"))
            }
            _ => unreachable!("clap requires one"),
        })
    }
}

#[derive(Debug, Subcommand)]
pub(super) enum StatusCommand {
    /// Post a status update on a project (or a portfolio or goal), with
    /// the figures of this moment.
    Post {
        #[command(flatten)]
        on: On,
        /// on-track, at-risk or off-track; left out, the health Tandem
        /// derives now (`tandem status health`).
        #[arg(long)]
        health: Option<String>,
        /// What happened, what is next, what is in the way (Markdown).
        #[arg(long)]
        text: String,
    },
    /// The status updates of a project (or a portfolio or goal), newest
    /// first.
    List {
        #[command(flatten)]
        on: On,
        /// How many, 1 to 100.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Only updates older than this update id (the next page).
        #[arg(long)]
        before: Option<i64>,
    },
    /// The health Tandem derives and why, and the latest update. A
    /// project is judged on its figures (overdue work, missed milestones,
    /// the finish against the target and the baseline, open risks); a
    /// portfolio on its projects' health; a goal on its status, its
    /// projects' health and their finish against its period.
    Health {
        #[command(flatten)]
        on: On,
    },
}

pub(super) async fn status_command(
    client: &Client,
    command: StatusCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        StatusCommand::Post { on, health, text } => {
            let request = StatusUpdateInput {
                health: health.as_deref().map(|h| choice("health", h)).transpose()?,
                text: Some(text),
            };
            let (path, name) = on.path(client).await?;
            let update: StatusUpdateView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("{path}/status-updates")).await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&update);
            } else {
                outln!(
                    "Posted a status update on {name}: {}",
                    update.health.label()
                );
            }
        }
        StatusCommand::List { on, limit, before } => {
            let (path, _) = on.path(client).await?;
            let mut path = client
                .ws_path(&format!("{path}/status-updates?limit={limit}"))
                .await?;
            if let Some(before) = before {
                path.push_str(&format!("&before={before}"));
            }
            let updates: Vec<StatusUpdateView> = client.send(Method::GET, &path, None).await?;
            if as_json {
                print_json(&updates);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = updates
                .iter()
                .map(|u| {
                    vec![
                        u.id.to_string(),
                        u.created_at.format("%Y-%m-%d %H:%M").to_string(),
                        u.health.label().to_string(),
                        u.author
                            .as_ref()
                            .map_or("-".to_string(), |a| a.name.clone()),
                        first_line(&u.text),
                    ]
                })
                .collect();
            table(&["id", "posted", "health", "author", "text"], &rows);
        }
        StatusCommand::Health { on } => {
            let (path, name) = on.path(client).await?;
            let path = client.ws_path(&format!("{path}/health")).await?;
            if on.key.is_none() {
                let now: StandingView = client.send(Method::GET, &path, None).await?;
                if as_json {
                    print_json(&now);
                    return Ok(());
                }
                outln!("{name}: {}", now.health.label());
                print_health(&now.reasons, &now.figures, now.latest_update.as_ref());
                return Ok(());
            }
            let health: ProjectHealthView = client.send(Method::GET, &path, None).await?;
            if as_json {
                print_json(&health);
                return Ok(());
            }
            outln!("{name}: {}", health.health.label());
            print_health(
                &health.reasons,
                &health.figures,
                health.latest_update.as_ref(),
            );
            if health.update_due {
                outln!(
                    "A status update is due (one every {} days).",
                    health.update_cadence_days
                );
            }
        }
    }
    Ok(())
}

/// The reasons, the figures and the latest update, as `status health`
/// prints them.
fn print_health(
    reasons: &[tandem_domain::health::Reason],
    f: &tandem_domain::health::StatusFigures,
    latest: Option<&StatusUpdateView>,
) {
    for reason in reasons {
        outln!("  {:<9}  {}", reason.health.label(), reason.text);
    }
    outln!(
        "Progress {:.0}%, scheduled finish {}, {} open, {} overdue, {} open risks",
        f.progress,
        f.scheduled_finish
            .map_or("none".to_string(), |d| d.to_string()),
        f.open_tasks,
        f.overdue_tasks,
        f.open_risks
    );
    match latest {
        Some(u) => outln!(
            "Latest update {} by {}: {}",
            u.created_at.format("%Y-%m-%d"),
            u.author.as_ref().map_or("someone", |a| a.name.as_str()),
            u.health.label()
        ),
        None => outln!("No status update yet."),
    }
}

/// The first line of an update, cut to fit a table.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(59).collect::<String>())
    } else {
        line.to_string()
    }
}
