//! `tandem attach` and `tandem attachment`: files on tasks, projects and
//! comments; a name attached again is that document's next version.

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use tandem_api::AttachmentView;

use super::values::encode;
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Args)]
pub(super) struct AttachArgs {
    /// A task's key (LAUNCH-12) or a project's (LAUNCH), then the file to
    /// attach (50 MiB at most); with --comment, the file alone.
    #[arg(required = true, num_args = 1..=2, value_names = ["KEY", "FILE"])]
    args: Vec<String>,
    /// A comment's id, instead of a key.
    #[arg(long)]
    comment: Option<i64>,
    /// The name to keep it under (default: the file's); a name already
    /// there adds its next version.
    #[arg(long)]
    name: Option<String>,
    /// Its media type, e.g. application/pdf (default: read from its bytes
    /// and name).
    #[arg(long = "type")]
    content_type: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(super) enum AttachmentCommand {
    /// The files on a task, a project or a comment, each name's newest
    /// version first.
    List {
        /// A task's key (LAUNCH-12) or a project's (LAUNCH); or --comment.
        target: Option<String>,
        #[arg(long, conflicts_with = "target")]
        comment: Option<i64>,
    },
    /// Writes a file's bytes to standard output, or to --output.
    Get {
        id: i64,
        /// Write to this file instead.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// An attachment's details.
    Show { id: i64 },
    /// Removes one version (whoever attached it, owners, admins).
    Rm { id: i64 },
}

/// The query naming what a file is on.
fn subject(target: Option<String>, comment: Option<i64>) -> Result<String> {
    match (target, comment) {
        (Some(key), None) if tandem_domain::TaskKey::parse(&key).is_ok() => {
            Ok(format!("task={}", encode(&key)))
        }
        (Some(key), None) if tandem_domain::ProjectKey::parse(&key).is_ok() => {
            Ok(format!("project={}", encode(&key)))
        }
        (Some(key), None) => {
            bail!("'{key}' is neither a task's key (LAUNCH-12) nor a project's (LAUNCH)")
        }
        (None, Some(id)) => Ok(format!("comment={id}")),
        _ => bail!("name what the file is on: a task's key, a project's, or --comment ID"),
    }
}

pub(super) async fn attach_command(client: &Client, args: AttachArgs, as_json: bool) -> Result<()> {
    let (target, file) = match (args.args.as_slice(), args.comment) {
        ([key, file], None) => (Some(key.clone()), std::path::PathBuf::from(file)),
        ([file], Some(_)) => (None, std::path::PathBuf::from(file)),
        ([_], None) => {
            bail!("name the task or project, then the file: tandem attach LAUNCH-12 FILE")
        }
        _ => bail!("with --comment, name the file alone: tandem attach --comment 12 FILE"),
    };
    let query = subject(target, args.comment)?;
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let name = match args.name {
        Some(name) => name,
        None => file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .context("the file has no name; give one with --name")?,
    };
    let content_type = args
        .content_type
        .unwrap_or_else(|| "application/octet-stream".into());
    let path = client.ws_path("/attachments").await?;
    let view: AttachmentView = client
        .send_file(
            Method::POST,
            &format!("{path}?{query}&name={}", encode(&name)),
            &content_type,
            bytes,
        )
        .await?;
    if as_json {
        print_json(&view);
    } else {
        outln!(
            "Attached #{} {} (version {}, {}, {})",
            view.id,
            view.name,
            view.version,
            view.content_type,
            size(view.size)
        );
    }
    Ok(())
}

pub(super) async fn attachment_command(
    client: &Client,
    command: AttachmentCommand,
    as_json: bool,
) -> Result<()> {
    let path = client.ws_path("/attachments").await?;
    match command {
        AttachmentCommand::List { target, comment } => {
            let query = subject(target, comment)?;
            let list: Vec<AttachmentView> = client
                .send(Method::GET, &format!("{path}?{query}"), None)
                .await?;
            if as_json {
                print_json(&list);
            } else if list.is_empty() {
                outln!("No files.");
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|a| {
                        vec![
                            a.id.to_string(),
                            a.name.clone(),
                            a.version.to_string(),
                            a.content_type.clone(),
                            size(a.size),
                            a.uploaded_by
                                .as_ref()
                                .map(|u| u.name.clone())
                                .unwrap_or_default(),
                        ]
                    })
                    .collect();
                table(&["ID", "NAME", "VERSION", "TYPE", "SIZE", "BY"], &rows);
            }
        }
        AttachmentCommand::Get { id, output } => {
            let bytes = client.get_bytes(&format!("{path}/{id}/content")).await?;
            match output {
                Some(file) => std::fs::write(&file, &bytes)
                    .with_context(|| format!("writing {}", file.display()))?,
                None => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(&bytes)?;
                    out.flush()?;
                }
            }
        }
        AttachmentCommand::Show { id } => {
            let view: AttachmentView = client
                .send(Method::GET, &format!("{path}/{id}"), None)
                .await?;
            if as_json {
                print_json(&view);
            } else {
                outln!(
                    "#{} {} (version {}) on {} {}\n{}, {}, sha256 {}",
                    view.id,
                    view.name,
                    view.version,
                    view.on.kind,
                    view.on.key,
                    view.content_type,
                    size(view.size),
                    view.sha256
                );
            }
        }
        AttachmentCommand::Rm { id } => {
            let _: serde_json::Value = client
                .send(Method::DELETE, &format!("{path}/{id}"), None)
                .await?;
            outln!("Removed #{id}.");
        }
    }
    Ok(())
}

/// Bytes as people read them.
fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
    }
}
