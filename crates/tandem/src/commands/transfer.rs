//! `tandem import` and `tandem export`: a project from or to a file
//! (Microsoft Project XML).

use anyhow::{Context, Result};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::task::all_tasks;
use super::values::encode;
use crate::client::Client;
use crate::output::{json as print_json, outln};

#[derive(Debug, Subcommand)]
pub(super) enum ImportCommand {
    /// A Microsoft Project XML file: tasks, outline, links, constraints,
    /// calendar, actuals and baseline.
    Mspdi {
        file: std::path::PathBuf,
        /// The new project's key (default: made from the file's name).
        #[arg(long)]
        project: Option<String>,
        /// The new project's name (default: the file's).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum ExportCommand {
    /// As Microsoft Project XML: tandem export mspdi KEY > plan.xml
    Mspdi { key: String },
}

pub(super) async fn import(client: &Client, command: ImportCommand, as_json: bool) -> Result<()> {
    match command {
        ImportCommand::Mspdi {
            file,
            project,
            name,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut query = Vec::new();
            if let Some(key) = &project {
                query.push(format!("key={}", encode(key)));
            }
            if let Some(name) = &name {
                query.push(format!("name={}", encode(name)));
            }
            let path = client
                .ws_path(&format!("/imports/mspdi?{}", query.join("&")))
                .await?;
            let project: ProjectView = client
                .send_file(Method::POST, &path, "application/xml", bytes)
                .await?;
            if as_json {
                print_json(&project);
            } else {
                let tasks = all_tasks(
                    client,
                    vec![("project".into(), project.key.clone())],
                    usize::MAX,
                )
                .await?
                .len();
                outln!(
                    "Imported {} as {} \"{}\" with {tasks} tasks",
                    file.display(),
                    project.key,
                    project.name
                );
            }
        }
    }
    Ok(())
}

pub(super) async fn export(client: &Client, command: ExportCommand) -> Result<()> {
    match command {
        ExportCommand::Mspdi { key } => {
            let xml = client
                .get_text(&client.ws_path(&format!("/projects/{key}/mspdi")).await?)
                .await?;
            outln!("{}", xml.trim_end());
        }
    }
    Ok(())
}
