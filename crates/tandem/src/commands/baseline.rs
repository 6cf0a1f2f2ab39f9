//! `tandem baseline`: saved copies of a project's schedule that variance
//! is measured against.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::request_body;
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum BaselineCommand {
    /// Save the project's current schedule as a baseline.
    Save {
        key: String,
        /// What to call it (default: "Baseline N", N its number).
        #[arg(long)]
        name: Option<String>,
    },
    /// The project's baselines, newest first.
    List { key: String },
    /// Delete a baseline.
    Rm { key: String, id: i64 },
}

pub(super) async fn baseline_command(
    client: &Client,
    command: BaselineCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        BaselineCommand::Save { key, name } => {
            let baseline: BaselineView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/baselines"))
                        .await?,
                    Some(&request_body(&CreateBaseline { name })?),
                )
                .await?;
            if as_json {
                print_json(&baseline);
            } else {
                outln!(
                    "Saved baseline #{} \"{}\" of {key} ({} tasks)",
                    baseline.id,
                    baseline.name,
                    baseline.tasks.unwrap_or(0)
                );
            }
        }
        BaselineCommand::List { key } => {
            let list: Vec<BaselineView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/baselines"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&list);
            } else {
                let rows = list
                    .iter()
                    .map(|b| {
                        vec![
                            b.id.to_string(),
                            b.name.clone(),
                            b.created_at.format("%Y-%m-%d %H:%M").to_string(),
                            or_dash(b.created_by.as_ref().map(|u| u.email.clone())),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["id", "name", "saved", "by"], &rows);
            }
        }
        BaselineCommand::Rm { key, id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/projects/{key}/baselines/{id}"))
                        .await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Deleted baseline #{id} of {key}");
            }
        }
    }
    Ok(())
}
