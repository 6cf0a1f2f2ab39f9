//! `tandem stakeholder`: the people of a project, members or external.

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{choice, request_body, text_value};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum StakeholderCommand {
    /// Add a member (--member EMAIL) or an external person (--name, --email).
    Add {
        /// The project's key.
        key: String,
        /// sponsor, approver, contributor or informed (a guest member
        /// who is a stakeholder sees the project).
        #[arg(long)]
        role: String,
        /// A workspace member, by email.
        #[arg(long)]
        member: Option<String>,
        /// Someone outside the workspace: their name (with --email).
        #[arg(long)]
        name: Option<String>,
        /// Someone outside the workspace: their email.
        #[arg(long)]
        email: Option<String>,
    },
    List {
        key: String,
    },
    /// Change a stakeholder's role, or an external person's name or email
    /// ("none" clears the email).
    Edit {
        /// The project's key.
        key: String,
        /// The stakeholder's id (see `tandem stakeholder list KEY`).
        id: i64,
        /// sponsor, approver, contributor or informed.
        #[arg(long)]
        role: Option<String>,
        /// An external person's name.
        #[arg(long)]
        name: Option<String>,
        /// An external person's email, or "none" to clear it.
        #[arg(long)]
        email: Option<String>,
    },
    /// Remove a stakeholder from a project.
    Remove {
        /// The project's key.
        key: String,
        /// The stakeholder's id (see `tandem stakeholder list KEY`).
        id: i64,
    },
}

/// The stakeholder `id` of project `key` as its list shows it now: its
/// version is what a change sends as If-Match.
async fn listed_stakeholder(client: &Client, key: &str, id: i64) -> Result<StakeholderView> {
    let list: Vec<StakeholderView> = client
        .send(
            Method::GET,
            &client
                .ws_path(&format!("/projects/{key}/stakeholders"))
                .await?,
            None,
        )
        .await?;
    list.into_iter().find(|s| s.id == id).ok_or_else(|| {
        anyhow!("project {key} has no stakeholder {id} (see `tandem stakeholder list {key}`)")
    })
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
                        s.id.to_string(),
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
            table(&["id", "name", "email", "role", "kind"], &rows);
        }
        StakeholderCommand::Edit {
            key,
            id,
            role,
            name,
            email,
        } => {
            let request = StakeholderInput {
                role: role.as_deref().map(|r| choice("role", r)).transpose()?,
                member: None,
                name: name.map(Some),
                email: email.as_deref().map(text_value),
            };
            let body = request_body(&request)?;
            if body.as_object().is_some_and(|fields| fields.is_empty()) {
                bail!("nothing to change: give --role, --name or --email");
            }
            let current = listed_stakeholder(client, &key, id).await?;
            let s: StakeholderView = client
                .send_if_match(
                    Method::PATCH,
                    &client.ws_path(&format!("/stakeholders/{id}")).await?,
                    Some(&body),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&s)
            } else {
                outln!("Updated stakeholder {} (id {}), {}", s.name, s.id, s.role)
            }
        }
        StakeholderCommand::Remove { key, id } => {
            let current = listed_stakeholder(client, &key, id).await?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/stakeholders/{id}")).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!(
                    "Removed stakeholder {} (id {}) from {key}",
                    current.name,
                    current.id
                );
            }
        }
    }
    Ok(())
}
