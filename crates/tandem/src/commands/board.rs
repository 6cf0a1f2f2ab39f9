//! `tandem task bulk-edit` and `tandem task move`: the list's bulk edit and
//! the board's moves, as the web app makes them.

use anyhow::{Result, anyhow, bail};
use clap::Args;
use reqwest::Method;
use tandem_api::*;
use tandem_domain::{Email, Priority, TaskStatus};

use super::task::{TASK_HEADER, task_row};
use super::values::{choice, date_value, encode, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Args)]
pub(super) struct BulkEditArgs {
    /// The tasks' keys (LAUNCH-3 LAUNCH-4 …).
    #[arg(required = true)]
    keys: Vec<String>,
    /// The status: backlog, todo, in_progress, blocked, in_review, done or cancelled.
    #[arg(long)]
    status: Option<String>,
    /// The priority: urgent, high, medium, low or none.
    #[arg(long)]
    priority: Option<String>,
    /// The owner's email, or "none" to leave the tasks unassigned.
    #[arg(long)]
    owner: Option<String>,
    /// The due date: YYYY-MM-DD (or words such as fri), or "none" to clear it.
    #[arg(long)]
    due: Option<String>,
    /// A phase of the tasks' project, by id (see `tandem phase list KEY`),
    /// or "none" to take them out of their phase.
    #[arg(long)]
    phase: Option<String>,
    /// A milestone of the tasks' project, by id (see `tandem milestone list
    /// KEY`), or "none".
    #[arg(long)]
    milestone: Option<String>,
    /// Why the tasks are blocked, with --status blocked.
    #[arg(long)]
    blocked_reason: Option<String>,
}

/// An id flag: a number, or "none" (`Some(None)`).
fn id_or_none(flag: &str, text: &str) -> Result<Option<i64>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    text.trim()
        .parse()
        .map(Some)
        .map_err(|_| anyhow!("--{flag}: '{text}' is not an id (a number) or none"))
}

#[derive(Debug, Args)]
pub(super) struct MoveArgs {
    /// The task's key.
    key: String,
    /// The column: backlog, todo, in_progress, blocked, in_review, done or cancelled.
    #[arg(long)]
    status: Option<String>,
    /// The key of the card it goes after.
    #[arg(long)]
    after: Option<String>,
    /// The key of the card it goes before.
    #[arg(long)]
    before: Option<String>,
    /// Why it is blocked, moving it to blocked.
    #[arg(long)]
    blocked_reason: Option<String>,
}

/// `tandem task bulk-edit`: reads each task's version, then sends one
/// edit at those versions, so a task changed in between refuses it all.
pub(super) async fn bulk_edit(client: &Client, args: BulkEditArgs, as_json: bool) -> Result<()> {
    let status = args
        .status
        .map(|s| choice::<TaskStatus>("status", &s))
        .transpose()?;
    let priority = args
        .priority
        .map(|p| choice::<Priority>("priority", &p))
        .transpose()?;
    let owner = match args.owner {
        None => None,
        Some(o) if o.eq_ignore_ascii_case("none") => Some(None),
        Some(o) => Some(Some(
            Email::parse(&o)
                .map_err(|e| anyhow!("--owner: {e}"))?
                .as_str()
                .to_string(),
        )),
    };
    let due_date = args.due.map(|d| date_value("due", &d)).transpose()?;
    let phase_id = args.phase.map(|p| id_or_none("phase", &p)).transpose()?;
    let milestone_id = args
        .milestone
        .map(|m| id_or_none("milestone", &m))
        .transpose()?;
    if status.is_none()
        && priority.is_none()
        && owner.is_none()
        && due_date.is_none()
        && phase_id.is_none()
        && milestone_id.is_none()
    {
        bail!(
            "nothing to change: give --status, --priority, --owner, --due, --phase or --milestone"
        );
    }
    let mut seen = Vec::new();
    for key in &args.keys {
        let path = client.ws_path(&format!("/tasks/{}", encode(key))).await?;
        let task: TaskView = client.send(Method::GET, &path, None).await?;
        seen.push(SeenTask {
            key: Some(task.key),
            version: Some(task.version),
        });
    }
    let request = BulkEditTasks {
        tasks: Some(seen),
        status,
        priority,
        owner,
        due_date,
        phase_id,
        milestone_id,
        blocked_reason: args.blocked_reason,
    };
    let tasks: Vec<TaskView> = client
        .send(
            Method::POST,
            &client.ws_path("/tasks/bulk").await?,
            Some(&request_body(&request)?),
        )
        .await?;
    if as_json {
        print_json(&tasks);
    } else {
        outln!("Updated {} tasks", tasks.len());
        table(
            &TASK_HEADER,
            &tasks.iter().map(task_row).collect::<Vec<_>>(),
        );
    }
    Ok(())
}

/// `tandem task move`: a board move at whatever version is current.
pub(super) async fn move_task(client: &Client, args: MoveArgs, as_json: bool) -> Result<()> {
    let request = MoveTask {
        status: args
            .status
            .map(|s| choice::<TaskStatus>("status", &s))
            .transpose()?,
        blocked_reason: args.blocked_reason,
        after: args.after,
        before: args.before,
        version: None,
    };
    if request.status.is_none() && request.after.is_none() && request.before.is_none() {
        bail!("nothing to do: give --status, --after or --before");
    }
    let path = client
        .ws_path(&format!("/tasks/{}/move", encode(&args.key)))
        .await?;
    let task: TaskView = client
        .send(Method::POST, &path, Some(&request_body(&request)?))
        .await?;
    if as_json {
        print_json(&task)
    } else {
        outln!("Moved {}  {} [{}]", task.key, task.title, task.status)
    }
    Ok(())
}
