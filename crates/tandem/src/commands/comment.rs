//! `tandem comment`: say something on a task, a project, a milestone, a
//! risk, a goal or a status update; reply, edit, delete, react; read a
//! thread.

use std::io::Read;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use tandem_api::*;

use super::values::{encode, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln};

/// What a comment is on: a task or project key, or one of the flags.
#[derive(Debug, Args)]
pub(super) struct On {
    /// A milestone's id (see `tandem milestone list KEY`), instead of a key.
    #[arg(long, conflicts_with_all = ["risk", "goal", "update"])]
    milestone: Option<i64>,
    /// A risk's id (see `tandem risk list KEY`), instead of a key.
    #[arg(long, conflicts_with_all = ["goal", "update"])]
    risk: Option<i64>,
    /// A goal's id (see `tandem goal list`), instead of a key.
    #[arg(long, conflicts_with = "update")]
    goal: Option<i64>,
    /// A status update's id (see `tandem status list KEY`),
    /// instead of a key.
    #[arg(long)]
    update: Option<i64>,
}

impl On {
    fn by_flag(&self) -> bool {
        self.milestone.is_some()
            || self.risk.is_some()
            || self.goal.is_some()
            || self.update.is_some()
    }

    /// The subject's fields of a request: `key` is a task's (LAUNCH-12,
    /// TASK-7) or a project's (LAUNCH).
    fn fields(&self, key: Option<&str>) -> Result<Vec<(&'static str, String)>> {
        let mut fields = Vec::new();
        match key {
            Some(_) if self.by_flag() => {
                bail!(
                    "name what the comment is on once: a key, or --milestone, --risk, --goal or --update"
                )
            }
            Some(key) if tandem_domain::TaskKey::parse(key).is_ok() => {
                fields.push(("task", key.to_string()))
            }
            Some(key) => match tandem_domain::ProjectKey::parse(key) {
                Ok(_) => fields.push(("project", key.to_string())),
                Err(_) => {
                    bail!("'{key}' is neither a task's key (LAUNCH-12) nor a project's (LAUNCH)")
                }
            },
            None => {
                let flags = [
                    ("milestone", self.milestone),
                    ("risk", self.risk),
                    ("goal", self.goal),
                    ("status_update", self.update),
                ];
                for (name, id) in flags {
                    if let Some(id) = id {
                        fields.push((name, id.to_string()));
                    }
                }
                if fields.is_empty() {
                    bail!(
                        "name what the comment is on: a task's key (LAUNCH-12), a project's (LAUNCH), or --milestone, --risk, --goal or --update"
                    );
                }
            }
        }
        Ok(fields)
    }
}

#[derive(Debug, Subcommand)]
pub(super) enum CommentCommand {
    /// Comment on a task or a project (by key), or a milestone, a risk, a
    /// goal or a status update (by flag). The text is Markdown; `-` reads it from standard
    /// input. `tandem comment add LAUNCH-12 "Looks good"`.
    Add {
        /// The key, then the text; or only the text with --milestone,
        /// --risk, --goal or --update.
        #[arg(num_args = 1..=2, required = true, value_names = ["KEY", "TEXT"])]
        args: Vec<String>,
        #[command(flatten)]
        on: On,
        /// Reply in the thread of this comment (its id).
        #[arg(long)]
        reply_to: Option<i64>,
    },
    /// The comments on a task, a project, a milestone, a risk, a goal or a
    /// status update: threads oldest first, each with its replies.
    List {
        /// A task's or a project's key; or --milestone, --risk, --goal or
        /// --update.
        key: Option<String>,
        #[command(flatten)]
        on: On,
    },
    /// One comment, with what it said before each edit.
    Show {
        /// The comment's id.
        id: i64,
    },
    /// Replace your comment's text (the old text is kept); `-` reads it
    /// from standard input.
    Edit {
        /// The comment's id.
        id: i64,
        text: String,
    },
    /// Delete a comment (yours; owners and admins any): its words go, its
    /// place in the thread stays.
    Rm {
        /// The comment's id.
        id: i64,
    },
    /// React to a comment, or take your reaction back with --undo.
    React {
        /// The comment's id.
        id: i64,
        /// thumbs-up, thumbs-down, heart, tada, laugh, eyes, rocket or
        /// confused.
        reaction: String,
        #[arg(long)]
        undo: bool,
    },
}

/// The text as given, or standard input for `-`.
fn text_of(text: String) -> Result<String> {
    if text != "-" {
        return Ok(text);
    }
    let mut read = String::new();
    std::io::stdin()
        .read_to_string(&mut read)
        .context("reading the comment from standard input")?;
    Ok(read)
}

async fn get(client: &Client, id: i64) -> Result<CommentView> {
    client
        .send(
            Method::GET,
            &client.ws_path(&format!("/comments/{id}")).await?,
            None,
        )
        .await
}

pub(super) async fn comment_command(
    client: &Client,
    command: CommentCommand,
    as_json: bool,
) -> Result<()> {
    let comment = match command {
        CommentCommand::Add {
            mut args,
            on,
            reply_to,
        } => {
            // One argument and no flag: what it is on was given, or the
            // text was; either way the other is missing.
            if let [only] = args.as_slice()
                && !on.by_flag()
            {
                bail!(
                    "give what the comment is on and its text: tandem comment add {} TEXT (a task's key, a project's, or --milestone, --risk, --goal or --update; TEXT - reads it from standard input)",
                    if tandem_domain::TaskKey::parse(only).is_ok()
                        || tandem_domain::ProjectKey::parse(only).is_ok()
                    {
                        only.as_str()
                    } else {
                        "KEY"
                    }
                );
            }
            let text = text_of(args.pop().expect("one argument at least"))?;
            let fields = on.fields(args.first().map(String::as_str))?;
            let mut input = CommentInput {
                parent: reply_to,
                body: Some(text),
                ..CommentInput::default()
            };
            for (name, value) in fields {
                match name {
                    "task" => input.task = Some(value),
                    "project" => input.project = Some(value),
                    "milestone" => input.milestone = value.parse().ok(),
                    "risk" => input.risk = value.parse().ok(),
                    "goal" => input.goal = value.parse().ok(),
                    _ => input.status_update = value.parse().ok(),
                }
            }
            let comment: CommentView = client
                .send(
                    Method::POST,
                    &client.ws_path("/comments").await?,
                    Some(&request_body(&input)?),
                )
                .await?;
            if !as_json {
                outln!("Commented #{} on {}", comment.id, subject(&comment.on));
                return Ok(());
            }
            comment
        }
        CommentCommand::List { key, on } => {
            let fields = on.fields(key.as_deref())?;
            let query: Vec<String> = fields
                .iter()
                .map(|(name, value)| format!("{name}={}", encode(value)))
                .collect();
            let path = client.ws_path("/comments").await?;
            let list: Vec<CommentView> = client
                .send(Method::GET, &format!("{path}?{}", query.join("&")), None)
                .await?;
            if as_json {
                print_json(&list);
            } else if list.is_empty() {
                outln!("No comments.");
            } else {
                for comment in &list {
                    print_comment(comment);
                }
            }
            return Ok(());
        }
        CommentCommand::Show { id } => {
            let comment = get(client, id).await?;
            let edits: Vec<CommentEditView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/comments/{id}/edits")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&serde_json::json!({"comment": comment, "edits": edits}));
            } else {
                outln!("On {}", subject(&comment.on));
                print_comment(&comment);
                for edit in &edits {
                    outln!("Before {}:", edit.replaced_at.format("%Y-%m-%d %H:%M"));
                    for line in edit.body.lines() {
                        outln!("  | {line}");
                    }
                }
            }
            return Ok(());
        }
        CommentCommand::Edit { id, text } => {
            let text = text_of(text)?;
            let current = get(client, id).await?;
            let body = request_body(&CommentEditBody { body: Some(text) })?;
            let comment: CommentView = client
                .send_if_match(
                    Method::PATCH,
                    &client.ws_path(&format!("/comments/{id}")).await?,
                    Some(&body),
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Edited comment #{id}");
                return Ok(());
            }
            comment
        }
        CommentCommand::Rm { id } => {
            let current = get(client, id).await?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/comments/{id}")).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Deleted comment #{id}");
            }
            return Ok(());
        }
        CommentCommand::React { id, reaction, undo } => {
            let reaction = reaction.replace('-', "_");
            let comment: CommentView = if undo {
                let path = format!("/comments/{id}/reactions/{}", encode(&reaction));
                client
                    .send(Method::DELETE, &client.ws_path(&path).await?, None)
                    .await?
            } else {
                let body = request_body(&ReactionBody {
                    reaction: Some(reaction),
                })?;
                client
                    .send(
                        Method::POST,
                        &client.ws_path(&format!("/comments/{id}/reactions")).await?,
                        Some(&body),
                    )
                    .await?
            };
            if !as_json {
                outln!("Reactions to #{id}: {}", reactions(&comment));
                return Ok(());
            }
            comment
        }
    };
    print_json(&comment);
    Ok(())
}

fn subject(on: &CommentOnView) -> String {
    match on.kind {
        tandem_domain::EntityKind::Task | tandem_domain::EntityKind::Project => on.key.clone(),
        kind => format!("{kind} {}", on.key),
    }
}

fn reactions(c: &CommentView) -> String {
    if c.reactions.is_empty() {
        return "none".into();
    }
    c.reactions
        .iter()
        .map(|r| format!("{} {}", r.emoji, r.count))
        .collect::<Vec<_>>()
        .join("  ")
}

/// A comment as a terminal shows a thread: replies indented under their
/// thread's first comment.
fn print_comment(c: &CommentView) {
    let indent = if c.parent.is_some() { "    " } else { "" };
    let who = c.author.as_ref().map_or("Someone", |a| a.name.as_str());
    let edited = if c.edited_at.is_some() {
        " (edited)"
    } else {
        ""
    };
    outln!(
        "{indent}#{} {who}, {}{edited}",
        c.id,
        c.created_at.format("%Y-%m-%d %H:%M")
    );
    match &c.body {
        Some(body) => {
            for line in body.lines() {
                outln!("{indent}  {line}");
            }
        }
        None => outln!("{indent}  (deleted)"),
    }
    if !c.reactions.is_empty() {
        outln!("{indent}  {}", reactions(c));
    }
}
