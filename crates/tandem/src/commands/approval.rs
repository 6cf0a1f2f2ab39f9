//! `tandem approval`: ask for an approval, answer one, resubmit or
//! withdraw it, and list them.

use anyhow::{Result, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{encode, request_body};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum ApprovalCommand {
    /// Ask for an approval of a task (--task), a milestone (--milestone:
    /// it cannot be marked reached until approved) or a project's move to
    /// a stage (--project with --stage: made when approved).
    Request {
        /// A project task's key (LAUNCH-12).
        #[arg(long, conflicts_with_all = ["milestone", "project"])]
        task: Option<String>,
        /// A milestone's id (see `tandem milestone list KEY`).
        #[arg(long, conflicts_with = "project")]
        milestone: Option<i64>,
        /// A project's key, with --stage.
        #[arg(long, requires = "stage")]
        project: Option<String>,
        /// The stage the project moves to: initiation, planning, execution
        /// or closing.
        #[arg(long, requires = "project")]
        stage: Option<String>,
        /// An approver's email (a member, not a guest); repeat for more.
        /// Left out: the project's stakeholders with the approver role.
        #[arg(long = "approver")]
        approvers: Vec<String>,
        /// What is asked, and why.
        #[arg(long)]
        note: Option<String>,
    },
    /// Approvals, newest first: by default those waiting for your answer.
    List {
        /// Every approval you may see, not only those waiting for you.
        #[arg(long)]
        all: bool,
        /// Only those you asked for.
        #[arg(long, conflicts_with = "all")]
        requested: bool,
        /// Only approvals in this project (its key).
        #[arg(long)]
        project: Option<String>,
        /// Only approvals of this task (its key).
        #[arg(long)]
        task: Option<String>,
        /// Only approvals of this milestone (its id).
        #[arg(long)]
        milestone: Option<i64>,
        /// Only approvals in this state: pending, changes-requested,
        /// approved, rejected or cancelled.
        #[arg(long)]
        state: Option<String>,
    },
    /// One approval with every approver's answer.
    Show {
        /// The approval's id.
        id: i64,
    },
    /// Approve, as one of its approvers.
    Approve {
        /// The approval's id.
        id: i64,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Send it back asking for changes, as one of its approvers.
    RequestChanges {
        /// The approval's id.
        id: i64,
        /// Which changes (required).
        #[arg(long)]
        comment: String,
    },
    /// Reject, as one of its approvers.
    Reject {
        /// The approval's id.
        id: i64,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Ask again once the changes asked for are made: every answer is
    /// cleared (its requester, owners and admins).
    Resubmit {
        /// The approval's id.
        id: i64,
    },
    /// Withdraw an approval not yet decided (its requester, owners and
    /// admins).
    Cancel {
        /// The approval's id.
        id: i64,
    },
}

async fn get(client: &Client, id: i64) -> Result<ApprovalView> {
    client
        .send(
            Method::GET,
            &client.ws_path(&format!("/approvals/{id}")).await?,
            None,
        )
        .await
}

/// Posts to one of an approval's actions, with the version just read.
async fn act(
    client: &Client,
    id: i64,
    action: &str,
    body: Option<&serde_json::Value>,
) -> Result<ApprovalView> {
    let current = get(client, id).await?;
    client
        .send_if_match(
            Method::POST,
            &client.ws_path(&format!("/approvals/{id}/{action}")).await?,
            body,
            current.version,
        )
        .await
}

async fn answer(
    client: &Client,
    id: i64,
    decision: &str,
    comment: Option<String>,
) -> Result<ApprovalView> {
    let body = request_body(&AnswerBody {
        decision: Some(decision.to_string()),
        comment,
    })?;
    act(client, id, "answer", Some(&body)).await
}

pub(super) async fn approval_command(
    client: &Client,
    command: ApprovalCommand,
    as_json: bool,
) -> Result<()> {
    let done = match command {
        ApprovalCommand::Request {
            task,
            milestone,
            project,
            stage,
            approvers,
            note,
        } => {
            if task.is_none() && milestone.is_none() && project.is_none() {
                bail!(
                    "name what to approve: --task KEY-N, --milestone ID, or --project KEY --stage STAGE"
                );
            }
            let request = ApprovalInput {
                task,
                milestone,
                project,
                stage: stage.map(|s| s.replace('-', "_")),
                approvers: (!approvers.is_empty()).then_some(approvers),
                note,
            };
            let approval: ApprovalView = client
                .send(
                    Method::POST,
                    &client.ws_path("/approvals").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            ("Requested", approval)
        }
        ApprovalCommand::List {
            all,
            requested,
            project,
            task,
            milestone,
            state,
        } => {
            let mut pairs = Vec::new();
            if requested {
                pairs.push("requested_by_me=true".to_string());
            } else if !all && project.is_none() && task.is_none() && milestone.is_none() {
                pairs.push("mine=true".to_string());
            }
            for (name, value) in [
                ("project", project),
                ("task", task),
                ("milestone", milestone.map(|m| m.to_string())),
                ("state", state.map(|s| s.replace('-', "_"))),
            ] {
                if let Some(value) = value {
                    pairs.push(format!("{name}={}", encode(&value)));
                }
            }
            let path = client.ws_path("/approvals").await?;
            let list: Vec<ApprovalView> = client
                .send(Method::GET, &format!("{path}?{}", pairs.join("&")), None)
                .await?;
            if as_json {
                print_json(&list);
            } else if list.is_empty() {
                outln!("No approvals.");
            } else {
                print_approvals(&list);
            }
            return Ok(());
        }
        ApprovalCommand::Show { id } => {
            let approval = get(client, id).await?;
            if as_json {
                print_json(&approval);
            } else {
                print_approval(&approval);
            }
            return Ok(());
        }
        ApprovalCommand::Approve { id, comment } => {
            ("Answered", answer(client, id, "approve", comment).await?)
        }
        ApprovalCommand::RequestChanges { id, comment } => (
            "Answered",
            answer(client, id, "request_changes", Some(comment)).await?,
        ),
        ApprovalCommand::Reject { id, comment } => {
            ("Answered", answer(client, id, "reject", comment).await?)
        }
        ApprovalCommand::Resubmit { id } => {
            ("Resubmitted", act(client, id, "resubmit", None).await?)
        }
        ApprovalCommand::Cancel { id } => ("Withdrew", act(client, id, "cancel", None).await?),
    };
    let (verb, approval) = done;
    if as_json {
        print_json(&approval);
    } else {
        outln!(
            "{verb} approval #{} of {}: {}",
            approval.id,
            subject(&approval),
            state_words(&approval)
        );
    }
    Ok(())
}

/// What it is of, in words: "LAUNCH-3 Draft", "milestone Beta (id 4)",
/// "LAUNCH moving to execution".
fn subject(a: &ApprovalView) -> String {
    match (&a.subject.task, a.subject.milestone, a.subject.stage) {
        (Some(key), _, _) => format!("{key} {}", a.subject.title),
        (_, Some(id), _) => format!("milestone {} (id {id})", a.subject.title),
        (_, _, Some(stage)) => format!("{} moving to {stage}", a.project_key),
        _ => a.subject.title.clone(),
    }
}

/// Where it stands: "pending, 1 of 2 approved".
fn state_words(a: &ApprovalView) -> String {
    let approved = a
        .approvers
        .iter()
        .filter(|x| x.decision == Some(tandem_domain::Decision::Approve))
        .count();
    format!(
        "{}, {approved} of {} approved",
        a.state.as_str().replace('_', " "),
        a.approvers.len()
    )
}

pub(super) fn print_approvals(list: &[ApprovalView]) {
    let rows = list
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.project_key.clone(),
                subject(a),
                state_words(a),
                a.requested_by
                    .as_ref()
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| "-".into()),
                a.requested_at.date_naive().to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &["id", "project", "of", "state", "asked by", "asked on"],
        &rows,
    );
}

fn print_approval(a: &ApprovalView) {
    outln!("Approval #{} of {}", a.id, subject(a));
    outln!("State: {}", state_words(a));
    if let Some(by) = &a.requested_by {
        outln!("Asked by {} on {}", by.name, a.requested_at.date_naive());
    }
    if let Some(note) = &a.note {
        outln!("Note: {note}");
    }
    let rows = a
        .approvers
        .iter()
        .map(|x| {
            vec![
                x.approver.name.clone(),
                x.approver.email.clone(),
                x.decision
                    .map(|d| d.as_str().replace('_', " "))
                    .unwrap_or_else(|| "waiting".into()),
                x.comment.clone().unwrap_or_else(|| "-".into()),
                or_dash(x.answered_at.map(|t| t.date_naive())),
            ]
        })
        .collect::<Vec<_>>();
    table(&["approver", "email", "answer", "comment", "on"], &rows);
}
