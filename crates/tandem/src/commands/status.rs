//! `tandem status`: a project's health as Tandem derives it, and the
//! status updates its people post.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{choice, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum StatusCommand {
    /// Post a status update on a project, with the figures of this moment.
    Post {
        /// The project's key.
        key: String,
        /// on-track, at-risk or off-track; left out, the health Tandem
        /// derives now (`tandem status health KEY`).
        #[arg(long)]
        health: Option<String>,
        /// What happened, what is next, what is in the way (Markdown).
        #[arg(long)]
        text: String,
    },
    /// A project's status updates, newest first.
    List {
        /// The project's key.
        key: String,
        /// How many, 1 to 100.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Only updates older than this update id (the next page).
        #[arg(long)]
        before: Option<i64>,
    },
    /// A project's health as Tandem derives it from its figures (overdue
    /// work, missed milestones, the finish against the target and the
    /// baseline, open risks), why, and its latest update.
    Health {
        /// The project's key.
        key: String,
    },
}

pub(super) async fn status_command(
    client: &Client,
    command: StatusCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        StatusCommand::Post { key, health, text } => {
            let request = StatusUpdateInput {
                health: health.as_deref().map(|h| choice("health", h)).transpose()?,
                text: Some(text),
            };
            let update: StatusUpdateView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/status-updates"))
                        .await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&update);
            } else {
                outln!("Posted a status update on {key}: {}", update.health.label());
            }
        }
        StatusCommand::List { key, limit, before } => {
            let mut path = client
                .ws_path(&format!("/projects/{key}/status-updates?limit={limit}"))
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
        StatusCommand::Health { key } => {
            let health: ProjectHealthView = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}/health")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&health);
                return Ok(());
            }
            outln!("{key}: {}", health.health.label());
            for reason in &health.reasons {
                outln!("  {:<9}  {}", reason.health.label(), reason.text);
            }
            let f = &health.figures;
            outln!(
                "Progress {:.0}%, scheduled finish {}, {} open, {} overdue, {} open risks",
                f.progress,
                f.scheduled_finish
                    .map_or("none".to_string(), |d| d.to_string()),
                f.open_tasks,
                f.overdue_tasks,
                f.open_risks
            );
            match &health.latest_update {
                Some(u) => outln!(
                    "Latest update {} by {}: {}",
                    u.created_at.format("%Y-%m-%d"),
                    u.author.as_ref().map_or("someone", |a| a.name.as_str()),
                    u.health.label()
                ),
                None => outln!("No status update yet."),
            }
            if health.update_due {
                outln!("A status update is due (one a week).");
            }
        }
    }
    Ok(())
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
