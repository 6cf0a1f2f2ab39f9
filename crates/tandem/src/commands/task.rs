//! `tandem task`: creating, listing, showing, editing and finishing tasks,
//! and the paged task list other commands read. Quick add and My Work are
//! in `my_work`, links in `dependency`.

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::json;
use tandem_api::*;
use tandem_domain::dates::parse_work_days;
use tandem_domain::{Scheduling, SchedulingMode, TaskStatus};

use super::dependency::lag_text;
use super::values::{choice, date_value, encode, request_body, text_value, when_value};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum TaskCommand {
    /// Create a task (without --project, a personal task).
    Add {
        title: String,
        /// The project's key (LAUNCH); without it, a personal task only
        /// its owner and creator see.
        #[arg(long)]
        project: Option<String>,
        /// Add it from this task template (see `tandem template tasks`),
        /// with its subtasks, their due dates around --due; with it only
        /// --project, --owner and --due may be given ("" as TITLE keeps
        /// the template's).
        #[arg(long)]
        template: Option<String>,
        #[command(flatten)]
        fields: TaskFlags,
        #[command(flatten)]
        repeat: RepeatFlags,
    },
    /// List tasks.
    List {
        /// Only this project's tasks (its key).
        #[arg(long)]
        project: Option<String>,
        /// Only tasks this person owns (an email), or "none" for
        /// unassigned ones.
        #[arg(long, conflicts_with = "mine")]
        owner: Option<String>,
        /// Only tasks I own.
        #[arg(long)]
        mine: bool,
        /// Only tasks in these statuses, separated by commas: backlog,
        /// todo, in-progress, blocked, in-review, done or cancelled.
        #[arg(long)]
        status: Option<String>,
        /// Only tasks of these priorities, separated by commas: urgent, high, medium, low or none.
        #[arg(long)]
        priority: Option<String>,
        /// Only tasks with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Words, each the beginning of a word in the title or
        /// description (`plan` finds "Planning").
        #[arg(long)]
        search: Option<String>,
        /// The order: id (the order tasks were created in), due, start,
        /// priority (urgent first), status (backlog first), title, owner
        /// (unassigned last) or board (the board's order). Ties by id.
        #[arg(long, default_value = "id", value_parser = [
            "id", "due", "start", "priority", "status", "title", "owner", "board"
        ])]
        sort: String,
        /// How many at most.
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Show a task with its links and history.
    Show { key: String },
    /// Whether the task behaves like a project: the signals that hold
    /// (spans_weeks, several_people, needs_approval,
    /// depends_on_other_work, many_steps, large_effort; three make a
    /// project) and the verdict, task or project.
    Signals { key: String },
    /// Promote a task to a project: its subtasks become the project's
    /// tasks (hierarchy, owners, dates, estimates and links kept), its
    /// collaborators stakeholders, its owner the outcome owner, its
    /// comments, files and history the project's. The task stays where it
    /// is, pointing at the project; `project demote` undoes it.
    Promote {
        /// The task, like WEB-12.
        #[arg(value_name = "KEY-N")]
        task: String,
        /// The new project's key: 2 to 10 capital letters or digits,
        /// starting with a letter.
        #[arg(long = "key", value_name = "NEWKEY")]
        new_key: String,
        /// The project's name (the task's title when left out).
        #[arg(long)]
        name: Option<String>,
    },
    /// Change a task's fields ("none" clears a field).
    Edit {
        key: String,
        /// The new title.
        #[arg(long)]
        title: Option<String>,
        /// Change the task in this what-if scenario of its project only
        /// (see `tandem scenario`): the plan is untouched. A scenario
        /// takes --estimate, --effort, --three-point, --start, --due,
        /// --owner, --constraint and --constraint-date.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        #[command(flatten)]
        fields: TaskFlags,
    },
    /// Mark a task done.
    Done { key: String },
    /// Delete a task, and its subtasks with it. Its history stays in the
    /// project's activity; a what-if scenario that changed it says what
    /// it lost.
    Rm { key: String },
    /// Set the same fields on several tasks at once: all or none.
    BulkEdit(super::board::BulkEditArgs),
    /// Move a task on its project's board: to another column, between two cards.
    Move(super::board::MoveArgs),
}

/// How a new task repeats.
#[derive(Debug, Args)]
pub(super) struct RepeatFlags {
    /// Make it a recurring task, its first occurrence on --due (required
    /// then): an RFC 5545 RRULE value ("FREQ=MONTHLY;BYDAY=1MO") or plain
    /// words ("every 2 weeks on tue, thu", "monthly on the last fri",
    /// "every weekday"); `tandem repeat preview RULE` shows its dates.
    #[arg(long)]
    repeat: Option<String>,
    /// When the next occurrence comes: schedule (on the rule's dates,
    /// whether or not the last one was done) or after-done (the rule
    /// counted from the day the last one was done).
    #[arg(long, requires = "repeat", value_parser = ["schedule", "after-done"])]
    repeat_mode: Option<String>,
    /// What an occurrence is: new (a task of its own, the default) or
    /// reopen (the same task opened again with the next date).
    #[arg(long, requires = "repeat", value_parser = ["new", "reopen"])]
    repeat_reuse: Option<String>,
    /// An occurrence on a day off of the project: as-is (the default),
    /// skip, or next (the next working day).
    #[arg(long, requires = "repeat", value_parser = ["as-is", "skip", "next"])]
    working_days: Option<String>,
}

impl RepeatFlags {
    fn input(&self) -> Option<RepeatInput> {
        self.repeat.as_ref().map(|rule| {
            super::repeat::repeat_input(
                Some(rule.clone()),
                self.repeat_mode.clone(),
                self.repeat_reuse.clone(),
                self.working_days.clone(),
                None,
            )
        })
    }
}

#[derive(Debug, Args)]
pub(super) struct TaskFlags {
    /// The owner's email.
    #[arg(long)]
    owner: Option<String>,
    /// The due date (a deadline: work may run past it, shown late):
    /// YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d); "none" to clear.
    #[arg(long)]
    due: Option<String>,
    /// The start date: YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d); "none" to clear.
    #[arg(long)]
    start: Option<String>,
    /// urgent, high, medium, low or none.
    #[arg(long)]
    priority: Option<String>,
    /// backlog, todo, in-progress, blocked, in-review, done or cancelled.
    #[arg(long)]
    status: Option<String>,
    /// Duration estimate: 3d, 4h, 2w.
    #[arg(long)]
    estimate: Option<String>,
    /// Effort in hours.
    #[arg(long, value_parser = super::values::finite)]
    effort: Option<f64>,
    /// Three-point estimate for the forecast: optimistic / most likely /
    /// pessimistic working days, as "2/3/6" ("none" to clear).
    #[arg(long)]
    three_point: Option<String>,
    /// Percent complete, 0 to 100.
    #[arg(long)]
    percent: Option<i64>,
    /// The parent task's key.
    #[arg(long)]
    parent: Option<String>,
    /// The description, in Markdown ("none" to clear).
    #[arg(long)]
    description: Option<String>,
    /// A tag; repeat for several (replaces the list).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Why it is blocked (with --status blocked; "none" to clear).
    #[arg(long)]
    blocked_reason: Option<String>,
    /// asap, alap, snet, snlt, fnet, fnlt, mso or mfo ("none" to clear).
    #[arg(long)]
    constraint: Option<String>,
    /// The constraint's date: a date, a date word, or YYYY-MM-DDTHH:MM.
    #[arg(long)]
    constraint_date: Option<String>,
    /// When work really started: a date, a date word, or YYYY-MM-DDTHH:MM.
    #[arg(long)]
    actual_start: Option<String>,
    /// When work really finished.
    #[arg(long)]
    actual_finish: Option<String>,
    /// Whose dates rule the task: dated (keeps its start and due date as
    /// given, like a manually scheduled task in Microsoft Project),
    /// scheduled (its project's plan places it by links, estimate and
    /// constraint) or auto (dated while it has a date and no link,
    /// subtask or constraint; the default).
    #[arg(long)]
    scheduling: Option<String>,
}

/// The fields the flags set, as a partial update: a flag not given leaves
/// its field alone, "none" clears it. A new task takes the same fields.
fn task_update(title: Option<String>, flags: &TaskFlags) -> Result<UpdateTask> {
    Ok(UpdateTask {
        title,
        owner: flags.owner.as_deref().map(text_value),
        due_date: flags
            .due
            .as_deref()
            .map(|d| date_value("due", d))
            .transpose()?,
        start_date: flags
            .start
            .as_deref()
            .map(|d| date_value("start", d))
            .transpose()?,
        priority: flags
            .priority
            .as_deref()
            .map(|p| choice("priority", p))
            .transpose()?,
        status: flags
            .status
            .as_deref()
            .map(|s| choice("status", s))
            .transpose()?,
        estimate_days: flags.estimate.as_deref().map(estimate_value).transpose()?,
        effort_hours: flags.effort.map(Some),
        three_point: flags
            .three_point
            .as_deref()
            .map(three_point_value)
            .transpose()?,
        percent_complete: flags.percent,
        parent: flags.parent.as_deref().map(text_value),
        description: flags.description.as_deref().map(text_value),
        tags: (!flags.tags.is_empty()).then(|| flags.tags.clone()),
        blocked_reason: flags.blocked_reason.as_deref().map(text_value),
        constraint_type: flags
            .constraint
            .as_deref()
            .map(|c| match text_value(c) {
                Some(kind) => choice("constraint", &kind).map(Some),
                None => Ok(None),
            })
            .transpose()?,
        constraint_date: flags
            .constraint_date
            .as_deref()
            .map(|v| when_value("constraint-date", v))
            .transpose()?,
        actual_start: flags
            .actual_start
            .as_deref()
            .map(|v| when_value("actual-start", v))
            .transpose()?,
        actual_finish: flags
            .actual_finish
            .as_deref()
            .map(|v| when_value("actual-finish", v))
            .transpose()?,
        scheduling: flags
            .scheduling
            .as_deref()
            .map(|s| choice("scheduling", s))
            .transpose()?,
        ..UpdateTask::default()
    })
}

/// The --estimate flag: a duration (3d, 4h, 2w), or "none" to clear it.
fn estimate_value(text: &str) -> Result<Option<f64>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    parse_work_days(text)
        .map(Some)
        .map_err(|err| anyhow!("--estimate: {err}"))
}

/// The --three-point flag: three working-day figures, "2/3/6", or "none".
fn three_point_value(text: &str) -> Result<Option<ThreePointView>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let figures: Vec<f64> = text
        .split(['/', ',', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| part.trim_end_matches('d').parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| anyhow!("--three-point: write optimistic/likely/pessimistic working days, as 2/3/6 (not {text})"))?;
    match figures[..] {
        [optimistic, likely, pessimistic] => Ok(Some(ThreePointView {
            optimistic,
            likely,
            pessimistic,
        })),
        _ => bail!(
            "--three-point: write optimistic/likely/pessimistic working days, as 2/3/6 (not {text})"
        ),
    }
}

pub(super) fn task_row(t: &TaskView) -> Vec<String> {
    vec![
        t.key.clone(),
        t.title.clone(),
        t.status.to_string(),
        t.priority.to_string(),
        or_dash(t.owner.as_ref().map(|o| o.email.clone())),
        or_dash(t.due_date),
    ]
}

pub(super) const TASK_HEADER: [&str; 6] = ["key", "title", "status", "priority", "owner", "due"];

/// Follows the cursor until `limit` tasks or the last page.
pub(super) async fn all_tasks(
    client: &Client,
    mut query: Vec<(String, String)>,
    limit: usize,
) -> Result<Vec<TaskView>> {
    let path = client.ws_path("/tasks").await?;
    let mut tasks = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_size = (limit - tasks.len()).min(500);
        query.retain(|(k, _)| k != "cursor" && k != "limit");
        query.push(("limit".into(), page_size.to_string()));
        if let Some(c) = &cursor {
            query.push(("cursor".into(), c.clone()));
        }
        let qs = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let page: TaskPage = client
            .send(Method::GET, &format!("{path}?{qs}"), None)
            .await?;
        tasks.extend(page.tasks);
        match page.next_cursor {
            Some(next) if tasks.len() < limit => cursor = Some(next),
            _ => return Ok(tasks),
        }
    }
}

pub(super) async fn task_command(
    client: &Client,
    command: TaskCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        TaskCommand::Add {
            title,
            project,
            template: Some(template),
            fields,
            ..
        } => {
            let fields = task_update(None, &fields)?;
            let request = CreateTask {
                title: Some(title),
                project,
                owner: fields.owner.flatten(),
                due_date: fields.due_date.flatten(),
                template: Some(template),
                ..Default::default()
            };
            let task: TaskView = client
                .send(
                    Method::POST,
                    &client.ws_path("/tasks").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&task);
            } else {
                outln!(
                    "Created {}  {} with its subtasks{}",
                    task.key,
                    task.title,
                    task.due_date
                        .map(|d| format!(", due {d}"))
                        .unwrap_or_default()
                );
            }
        }
        TaskCommand::Add {
            title,
            project,
            fields,
            repeat,
            template: None,
        } => {
            let fields = task_update(None, &fields)?;
            let request = CreateTask {
                title: Some(title),
                project,
                description: fields.description.flatten(),
                owner: fields.owner.flatten(),
                collaborators: None,
                status: fields.status,
                priority: fields.priority,
                start_date: fields.start_date.flatten(),
                due_date: fields.due_date.flatten(),
                estimate_days: fields.estimate_days.flatten(),
                effort_hours: fields.effort_hours.flatten(),
                three_point: fields.three_point.flatten(),
                percent_complete: fields.percent_complete,
                constraint_type: fields.constraint_type.flatten(),
                constraint_date: fields.constraint_date.flatten(),
                actual_start: fields.actual_start.flatten(),
                actual_finish: fields.actual_finish.flatten(),
                scheduling: fields.scheduling,
                parent: fields.parent.flatten(),
                phase_id: None,
                milestone_id: None,
                tags: fields.tags,
                blocked_reason: fields.blocked_reason.flatten(),
                repeat: repeat.input(),
                template: None,
                template_version: None,
            };
            let task: TaskView = client
                .send(
                    Method::POST,
                    &client.ws_path("/tasks").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&task)
            } else {
                outln!("Created {}  {}", task.key, task.title);
                if let Some(r) = &task.recurrence {
                    outln!(
                        "  repeats     {} ({}), from {}",
                        r.words,
                        r.rule,
                        r.starts_on
                    );
                }
            }
        }
        TaskCommand::List {
            project,
            owner,
            mine,
            status,
            priority,
            tag,
            search,
            sort,
            limit,
        } => {
            let mut query = vec![("sort".to_string(), sort)];
            let mut add = |k: &str, v: Option<String>| {
                if let Some(v) = v {
                    query.push((k.to_string(), v));
                }
            };
            add("project", project);
            add("owner", if mine { Some("me".into()) } else { owner });
            add(
                "status",
                status.map(|s| s.to_lowercase().replace([' ', '-'], "_")),
            );
            add("priority", priority.map(|p| p.to_lowercase()));
            add("tag", tag);
            add("q", search);
            let tasks = all_tasks(client, query, limit.max(1)).await?;
            if as_json {
                return {
                    let _: () = print_json(&tasks);
                    Ok(())
                };
            }
            table(
                &TASK_HEADER,
                &tasks.iter().map(task_row).collect::<Vec<_>>(),
            );
        }
        TaskCommand::Signals { key } => {
            let path = client.ws_path(&format!("/tasks/{key}/signals")).await?;
            let view: SignalsView = client.send(Method::GET, &path, None).await?;
            print_signals(&key, &view, as_json);
        }
        TaskCommand::Promote {
            task,
            new_key,
            name,
        } => {
            let path = client.ws_path(&format!("/tasks/{task}")).await?;
            let current: TaskView = client.send(Method::GET, &path, None).await?;
            let personal = current.project.is_none();
            let body = json!({"key": new_key, "name": name});
            // Under its key now: an old key finds the task, not the route.
            let path = client.ws_path(&format!("/tasks/{}", current.key)).await?;
            let done: PromotionView = client
                .send_if_match(
                    Method::POST,
                    &format!("{path}/promote"),
                    Some(&body),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&done);
            } else {
                outln!(
                    "Promoted {} to project {} ({}): {} {} moved, {} {}",
                    done.task.key,
                    done.project.key,
                    done.project.name,
                    done.moved,
                    if done.moved == 1 { "task" } else { "tasks" },
                    done.stakeholders,
                    if done.stakeholders == 1 {
                        "stakeholder"
                    } else {
                        "stakeholders"
                    }
                );
                if personal {
                    outln!(
                        "{} was a personal task; the project is seen by every member of the workspace.",
                        done.task.key
                    );
                }
            }
        }
        TaskCommand::Show { key } => {
            let base = client.ws_path(&format!("/tasks/{key}")).await?;
            let task: TaskView = client.send(Method::GET, &base, None).await?;
            // A key the task had before it moved finds it under its new one.
            let base = client.ws_path(&format!("/tasks/{}", task.key)).await?;
            let links: Vec<DependencyView> = client
                .send(Method::GET, &format!("{base}/dependencies"), None)
                .await?;
            let history: Vec<ActivityView> = client
                .send(Method::GET, &format!("{base}/activity"), None)
                .await?;
            if as_json {
                return {
                    print_json(&json!({"task": task, "dependencies": links, "activity": history}));
                    Ok(())
                };
            }
            outln!("{}  {}", task.key, task.title);
            if let Some(project) = &task.promoted_to {
                outln!("  promoted to project {project}");
            }
            outln!(
                "  status      {}{}",
                task.status,
                task.blocked_reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
            outln!("  priority    {}", task.priority);
            outln!(
                "  owner       {}",
                or_dash(task.owner.as_ref().map(|o| o.email.clone()))
            );
            if !task.collaborators.is_empty() {
                outln!(
                    "  with        {}",
                    task.collaborators
                        .iter()
                        .map(|c| c.email.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            outln!(
                "  dates       {} → {}",
                or_dash(task.start_date),
                or_dash(task.due_date)
            );
            if let Some(r) = &task.recurrence {
                outln!(
                    "  repeats     {} ({}; {}, {}){}",
                    r.words,
                    r.rule,
                    r.mode.replace('_', " "),
                    if r.reuse == "reopen" {
                        "reopened"
                    } else {
                        "a new task each time"
                    },
                    if r.ended { ", ended" } else { "" }
                );
            }
            outln!(
                "  estimate    {} days, {} hours, {}% complete",
                or_dash(task.estimate_days),
                or_dash(task.effort_hours),
                task.percent_complete
            );
            if let Some(tp) = &task.three_point {
                outln!(
                    "  three-point {} / {} / {} days (optimistic / likely / pessimistic)",
                    tp.optimistic,
                    tp.likely,
                    tp.pessimistic
                );
            }
            outln!(
                "  scheduling  {}{}",
                match task.scheduling {
                    Scheduling::Dated => "dated: keeps its start and due date",
                    Scheduling::Scheduled => "scheduled: its plan's links and estimate place it",
                },
                if task.scheduling_mode == SchedulingMode::Auto {
                    " (auto)"
                } else {
                    ""
                }
            );
            if task.levelling_delay_hours > 0.0 {
                outln!(
                    "  levelling   starts {:.1} working hours later (tandem level KEY --clear takes it away)",
                    task.levelling_delay_hours
                );
            }
            if let Some(kind) = task.constraint_type {
                outln!(
                    "  constraint  {} {}",
                    kind,
                    task.constraint_date.as_deref().unwrap_or_default()
                );
            }
            if task.actual_start.is_some() {
                outln!(
                    "  actual      {} → {}",
                    or_dash(task.actual_start.as_deref()),
                    or_dash(task.actual_finish.as_deref())
                );
            }
            if let Some(parent) = &task.parent {
                outln!("  parent      {}  {}", parent.key, parent.title);
            }
            if !task.tags.is_empty() {
                outln!("  tags        {}", task.tags.join(", "));
            }
            if let Some(d) = &task.description {
                outln!("\n{d}");
            }
            for link in &links {
                let (dir, other) = if link.successor.key == task.key {
                    ("after ", &link.predecessor)
                } else {
                    ("before", &link.successor)
                };
                outln!(
                    "  {dir} {}  {} ({}{})",
                    other.key,
                    other.title,
                    link.kind.as_str().to_uppercase(),
                    lag_text(link.lag_days, link.lag_format)
                );
            }
            if !history.is_empty() {
                outln!("\nHistory");
                for entry in history.iter().take(10) {
                    let who = entry
                        .actor
                        .as_ref()
                        .map(|a| a.email.as_str())
                        .unwrap_or("someone");
                    let fields = entry
                        .changes
                        .iter()
                        .map(|c| c.field.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    outln!(
                        "  {}  {who} {} {fields}",
                        entry.at.format("%Y-%m-%d %H:%M"),
                        entry.action
                    );
                }
            }
        }
        TaskCommand::Edit {
            key,
            title,
            scenario,
            fields,
        } => {
            let body = request_body(&task_update(title, &fields)?)?;
            if body.as_object().is_some_and(|fields| fields.is_empty()) {
                bail!("nothing to change: give at least one field flag");
            }
            if let Some(name) = scenario {
                let project = super::scenario::project_of(&key)?;
                let path = super::scenario::path(client, &project, Some(&name)).await?;
                let changed: ScenarioView = client
                    .send(Method::PATCH, &format!("{path}/tasks/{key}"), Some(&body))
                    .await?;
                if as_json {
                    print_json(&changed);
                } else {
                    outln!(
                        "Changed {} in scenario {} (the plan is untouched)",
                        key.to_uppercase(),
                        changed.name
                    );
                }
                return Ok(());
            }
            let task: TaskView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/tasks/{key}")).await?,
                    Some(&body),
                )
                .await?;
            if as_json {
                print_json(&task)
            } else {
                outln!("Updated {}  {} [{}]", task.key, task.title, task.status)
            }
        }
        TaskCommand::BulkEdit(args) => super::board::bulk_edit(client, args, as_json).await?,
        TaskCommand::Move(args) => super::board::move_task(client, args, as_json).await?,
        TaskCommand::Rm { key } => {
            let _: serde_json::Value = client
                .send(
                    Method::DELETE,
                    &client.ws_path(&format!("/tasks/{key}")).await?,
                    None,
                )
                .await?;
            outln!("Deleted {key}.");
        }
        TaskCommand::Done { key } => {
            let task: TaskView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/tasks/{key}")).await?,
                    Some(&request_body(&UpdateTask {
                        status: Some(TaskStatus::Done),
                        ..UpdateTask::default()
                    })?),
                )
                .await?;
            if as_json {
                print_json(&task)
            } else if task.status == TaskStatus::Done {
                outln!("Done: {}  {}", task.key, task.title)
            } else {
                // A series that reopens it: done, and open again.
                outln!(
                    "Done: {}  {}; it repeats, due {} next",
                    task.key,
                    task.title,
                    or_dash(task.due_date)
                )
            }
        }
    }
    Ok(())
}

/// A task's or a project's signals: the verdict and why.
pub(super) fn print_signals(name: &str, view: &SignalsView, as_json: bool) {
    if as_json {
        print_json(view);
        return;
    }
    outln!("{name} behaves like a {}", view.verdict);
    if view.reasons.is_empty() {
        outln!("No signal holds.");
    }
    for reason in &view.reasons {
        outln!("  {reason}");
    }
}
