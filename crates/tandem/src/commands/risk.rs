//! `tandem risk`: a project's risk register.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::request_body;
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum RiskCommand {
    /// Add a risk to a project.
    Add {
        key: String,
        title: String,
        #[arg(long)]
        probability: i64,
        #[arg(long)]
        impact: i64,
        #[arg(long)]
        mitigation: Option<String>,
        #[arg(long)]
        owner: Option<String>,
    },
    /// A project's risk register.
    List { key: String },
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
    }
    Ok(())
}
