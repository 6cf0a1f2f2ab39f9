//! `tandem stakeholder`: the people of a project, members or external.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{choice, request_body};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum StakeholderCommand {
    /// Add a member (--member EMAIL) or an external person (--name, --email).
    Add {
        key: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        member: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    List {
        key: String,
    },
}

pub(super) async fn stakeholder_command(
    client: &Client,
    command: StakeholderCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        StakeholderCommand::Add {
            key,
            role,
            member,
            name,
            email,
        } => {
            let request = StakeholderInput {
                role: Some(choice("role", &role)?),
                member: member.map(Some),
                name: name.map(Some),
                email: email.map(Some),
            };
            let s: StakeholderView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/stakeholders"))
                        .await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&s)
            } else {
                outln!("Added {} as {}", s.name, s.role)
            }
        }
        StakeholderCommand::List { key } => {
            let list: Vec<StakeholderView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/stakeholders"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&list);
                    Ok(())
                };
            }
            let rows = list
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        or_dash(s.email.clone()),
                        s.role.to_string(),
                        if s.user.is_some() {
                            "member".into()
                        } else {
                            "external".into()
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(&["name", "email", "role", "kind"], &rows);
        }
    }
    Ok(())
}
