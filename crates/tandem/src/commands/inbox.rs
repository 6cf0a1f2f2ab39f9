//! `tandem inbox`: your notifications, marked read or archived; what you
//! follow; and which kinds you want to hear of.

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use tandem_api::*;

use super::values::{encode, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Args)]
pub(super) struct InboxArgs {
    #[command(subcommand)]
    action: Option<InboxCommand>,
    /// Only those not read yet.
    #[arg(long)]
    unread: bool,
    /// The archived ones instead.
    #[arg(long, conflicts_with = "unread")]
    archived: bool,
    /// At most this many, newest first (1 to 200).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(Debug, Subcommand)]
enum InboxCommand {
    /// Mark notifications read (by id), or --all of them.
    Read {
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
    /// Mark notifications unread again.
    Unread {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Archive notifications (they count as read).
    Archive {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Bring archived notifications back to the inbox.
    Restore {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Which kinds you keep in the inbox and get by email; --off, --on,
    /// --email-off and --email-on change them. Kinds: mention, assigned,
    /// comment, approval, status, due-soon, overdue, rule.
    Settings {
        /// Stop keeping this kind in the inbox (repeat for more).
        #[arg(long)]
        off: Vec<String>,
        /// Keep this kind in the inbox again.
        #[arg(long)]
        on: Vec<String>,
        /// Stop mailing this kind (repeat for more); the server mails a
        /// digest when it runs with --smtp-url.
        #[arg(long)]
        email_off: Vec<String>,
        /// Mail this kind again.
        #[arg(long)]
        email_on: Vec<String>,
    },
}

/// What to follow: a task's or a project's key, or a flag.
#[derive(Debug, Args)]
pub(super) struct FollowArgs {
    /// A task's key (LAUNCH-12) or a project's (LAUNCH).
    key: Option<String>,
    /// A milestone's id, instead of a key.
    #[arg(long, conflicts_with_all = ["key", "risk", "goal", "update"])]
    milestone: Option<i64>,
    /// A risk's id, instead of a key.
    #[arg(long, conflicts_with_all = ["key", "goal", "update"])]
    risk: Option<i64>,
    /// A goal's id, instead of a key.
    #[arg(long, conflicts_with_all = ["key", "update"])]
    goal: Option<i64>,
    /// A status update's id (see `tandem status list KEY`), instead of a
    /// key.
    #[arg(long, conflicts_with = "key")]
    update: Option<i64>,
}

impl FollowArgs {
    fn input(self, following: bool) -> Result<FollowInput> {
        let mut input = FollowInput {
            milestone: self.milestone,
            risk: self.risk,
            goal: self.goal,
            status_update: self.update,
            following: Some(following),
            ..FollowInput::default()
        };
        match self.key {
            Some(key) if tandem_domain::TaskKey::parse(&key).is_ok() => input.task = Some(key),
            Some(key) if tandem_domain::ProjectKey::parse(&key).is_ok() => {
                input.project = Some(key)
            }
            Some(key) => {
                bail!("'{key}' is neither a task's key (LAUNCH-12) nor a project's (LAUNCH)")
            }
            None if self.milestone.is_none()
                && self.risk.is_none()
                && self.goal.is_none()
                && self.update.is_none() =>
            {
                bail!(
                    "name what to follow: a task's key, a project's, or --milestone, --risk, --goal or --update"
                )
            }
            None => {}
        }
        Ok(input)
    }
}

pub(super) async fn follow_command(
    client: &Client,
    args: FollowArgs,
    following: bool,
    as_json: bool,
) -> Result<()> {
    let input = args.input(following)?;
    let view: FollowView = client
        .send(
            Method::PUT,
            &client.ws_path("/follows").await?,
            Some(&request_body(&input)?),
        )
        .await?;
    if as_json {
        print_json(&view);
    } else if view.following {
        outln!("Following: comments and status changes on it reach your inbox.");
    } else {
        outln!("Not following any more.");
    }
    Ok(())
}

fn kind_of(word: &str) -> String {
    word.trim().replace('-', "_")
}

pub(super) async fn inbox_command(client: &Client, args: InboxArgs, as_json: bool) -> Result<()> {
    let count: InboxCount = match args.action {
        None => {
            let mut query = vec![format!("limit={}", args.limit)];
            if args.unread {
                query.push("unread=true".into());
            }
            if args.archived {
                query.push("archived=true".into());
            }
            let path = client.ws_path("/inbox").await?;
            let list: Vec<NotificationView> = client
                .send(Method::GET, &format!("{path}?{}", query.join("&")), None)
                .await?;
            if as_json {
                print_json(&list);
            } else if list.is_empty() {
                outln!("Nothing here.");
            } else {
                print_inbox(&list);
            }
            return Ok(());
        }
        Some(InboxCommand::Read { ids, all }) => {
            if ids.is_empty() && !all {
                bail!("name the notifications to mark read, or --all");
            }
            let body = MarkRead {
                ids: (!all).then_some(ids),
                all: all.then_some(true),
                read: Some(true),
            };
            mark(client, "read", &request_body(&body)?).await?
        }
        Some(InboxCommand::Unread { ids }) => {
            let body = MarkRead {
                ids: Some(ids),
                all: None,
                read: Some(false),
            };
            mark(client, "read", &request_body(&body)?).await?
        }
        Some(InboxCommand::Archive { ids }) => {
            let body = ArchiveBody {
                ids: Some(ids),
                archived: Some(true),
            };
            mark(client, "archive", &request_body(&body)?).await?
        }
        Some(InboxCommand::Restore { ids }) => {
            let body = ArchiveBody {
                ids: Some(ids),
                archived: Some(false),
            };
            mark(client, "archive", &request_body(&body)?).await?
        }
        Some(InboxCommand::Settings {
            off,
            on,
            email_off,
            email_on,
        }) => {
            let mut changes: Vec<PreferenceInput> = Vec::new();
            for (words, inbox) in [(off, false), (on, true)] {
                for word in words {
                    changes.push(PreferenceInput {
                        kind: Some(kind_of(&word)),
                        inbox: Some(inbox),
                        email: None,
                    });
                }
            }
            for (words, email) in [(email_off, false), (email_on, true)] {
                for word in words {
                    changes.push(PreferenceInput {
                        kind: Some(kind_of(&word)),
                        inbox: None,
                        email: Some(email),
                    });
                }
            }
            let list: Vec<PreferenceView> = if changes.is_empty() {
                client
                    .send(Method::GET, "/api/v1/me/notifications", None)
                    .await?
            } else {
                let body = PreferencesInput {
                    preferences: Some(changes),
                };
                client
                    .send(
                        Method::PUT,
                        "/api/v1/me/notifications",
                        Some(&request_body(&body)?),
                    )
                    .await?
            };
            if as_json {
                print_json(&list);
            } else {
                let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
                let rows = list
                    .iter()
                    .map(|p| {
                        vec![
                            p.kind.as_str().replace('_', "-"),
                            p.label.clone(),
                            yes(p.inbox),
                            yes(p.email),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["kind", "what", "inbox", "email"], &rows);
            }
            return Ok(());
        }
    };
    if as_json {
        print_json(&count);
    } else {
        outln!("{} unread", count.unread);
    }
    Ok(())
}

async fn mark(client: &Client, what: &str, body: &serde_json::Value) -> Result<InboxCount> {
    client
        .send(
            Method::POST,
            &client.ws_path(&format!("/inbox/{}", encode(what))).await?,
            Some(body),
        )
        .await
}

fn print_inbox(list: &[NotificationView]) {
    let rows = list
        .iter()
        .map(|n| {
            let object = match n.object.kind {
                tandem_domain::EntityKind::Task | tandem_domain::EntityKind::Project => {
                    format!("{} {}", n.object.key, n.object.title)
                }
                kind => format!("{kind} {}", n.object.title),
            };
            vec![
                n.id.to_string(),
                if n.read { "" } else { "●" }.to_string(),
                n.kind.as_str().replace('_', " "),
                object,
                // A mention or a comment has no note: its comment says it.
                n.note
                    .clone()
                    .or_else(|| n.comment.map(|id| format!("comment {id}")))
                    .or_else(|| n.approval.map(|id| format!("approval {id}")))
                    .unwrap_or_default(),
                n.actor
                    .as_ref()
                    .map(|a| a.name.clone())
                    .unwrap_or_else(|| "-".into()),
                n.created_at.format("%Y-%m-%d %H:%M").to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table(&["id", "new", "why", "about", "what", "by", "when"], &rows);
}
