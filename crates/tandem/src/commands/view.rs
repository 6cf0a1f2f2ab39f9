//! `tandem view`: saved views of a project's list (its filters, sort,
//! grouping and columns, as the list's address holds them).

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::request_body;
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum ViewCommand {
    /// Your saved views of a project's list, and the shared ones.
    List {
        /// The project's key.
        key: String,
    },
    /// Save a view of a project's list.
    Save {
        /// The project's key.
        key: String,
        /// 1 to 80 characters.
        #[arg(long)]
        name: String,
        /// The list's query, its parameters only: q (words), status (open,
        /// backlog, todo, in_progress, blocked, in_review, done,
        /// cancelled), owner (me, none or an email), phase (an id or
        /// none), sort (key, due, priority, status, title, owner, start),
        /// group (none, status, owner, phase) and cols (a comma list of
        /// status, priority, owner, due, phase, start, estimate: working
        /// days, three_point: optimistic / most likely / pessimistic
        /// working days, variance: finish against the newest baseline, in
        /// days). For example
        /// "status=open&sort=due&cols=owner,due".
        #[arg(long, default_value = "")]
        query: String,
        /// Let everyone who may open the project see it.
        #[arg(long)]
        shared: bool,
    },
    /// Delete a saved view: your own, or (owners and admins) a shared one.
    Delete {
        /// The view's id (see `tandem view list KEY`).
        id: i64,
    },
}

pub(super) async fn view_command(
    client: &Client,
    command: ViewCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        ViewCommand::List { key } => {
            let list: Vec<ViewView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}/views")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&list);
                return Ok(());
            }
            let rows = list
                .iter()
                .map(|v| {
                    vec![
                        v.id.to_string(),
                        v.name.clone(),
                        v.query.clone(),
                        if v.shared { "shared" } else { "yours" }.into(),
                        v.owner.email.clone(),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "name", "query", "seen by", "saved by"], &rows);
        }
        ViewCommand::Save {
            key,
            name,
            query,
            shared,
        } => {
            let request = ViewInput {
                name,
                query,
                shared,
            };
            let v: ViewView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/projects/{key}/views")).await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&v)
            } else {
                outln!("Saved view {} (id {}) of {key}", v.name, v.id)
            }
        }
        ViewCommand::Delete { id } => {
            client
                .send::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/views/{id}")).await?,
                    None,
                )
                .await?;
            if !as_json {
                outln!("Deleted view {id}")
            }
        }
    }
    Ok(())
}
