//! Running automation rules: what an event of the outbox sets off, what
//! the clock does (due dates, a rule's dates, a schedule's slip), and
//! each action made through the use cases as the rule's maker, marked as
//! the rule's (`tandem_store::as_rule`) so its history says so and no
//! rule reacts to its own change.
//!
//! Each run is recorded once per fire key (the event, or the task and
//! date, or the project and finish): a run the lease gave to another node
//! or a restart repeated is not made twice. The job that calls these is
//! `jobs::automation`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde_json::json;
use tandem_domain::automation::{
    Action, Field, MAX_DEPTH, Rule, Trigger, conditions_hold, due_value, fires_on,
};
use tandem_domain::{
    ApprovalRequest, ApprovalSubject, CommentOn, Email, Id, NewComment, NewTask, ProjectKey, Role,
    Task, TaskFields, TaskStatus,
};
use tandem_store::events::Event;
use tandem_store::{RuleMark, Scope, Store, StoreError, TaskFilter, as_rule};
use tandem_usecases::Actor;

/// The event name a rule's call to a webhook is delivered as.
pub const RULE_FIRED: &str = "rule.fired";

/// Each workspace's enabled rules as this node last read them, with the
/// version of the workspace's rules they were read at.
#[derive(Default)]
pub struct RuleCache {
    by_workspace: Mutex<HashMap<Id, Cached>>,
}

/// A workspace's rules and the version they were read at.
type Cached = (i64, Arc<Vec<Rule>>);

impl RuleCache {
    /// The workspace's enabled rules, read again only when they changed.
    pub async fn rules(
        &self,
        store: &dyn Store,
        workspace_id: Id,
    ) -> tandem_store::Result<Arc<Vec<Rule>>> {
        let version = store.rules_version(workspace_id).await?;
        if let Some((at, rules)) = self.lock().get(&workspace_id)
            && *at == version
        {
            return Ok(rules.clone());
        }
        let rules = Arc::new(store.enabled_rules(workspace_id).await?);
        self.lock().insert(workspace_id, (version, rules.clone()));
        Ok(rules)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Cached>> {
        self.by_workspace
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What a rule runs on.
enum Target {
    Task(Box<Task>),
    /// A project by key (a milestone reached, a slip, a rule's date), or
    /// none for a workspace rule's date.
    Project(Option<String>),
}

impl Target {
    fn object(&self) -> String {
        match self {
            Target::Task(task) => task.key.clone(),
            Target::Project(Some(key)) => key.clone(),
            Target::Project(None) => "workspace".into(),
        }
    }
}

/// The whole workspace, to read what an event is about: rules reach every
/// project, and what they then do is done as their maker, whose role
/// decides.
fn reader(workspace_id: Id) -> Scope {
    Scope {
        workspace_id,
        user_id: 0,
        role: Role::Owner,
    }
}

fn in_reach(rule: &Rule, project_id: Option<Id>) -> bool {
    match (&rule.project, project_id) {
        (None, Some(_)) => true,
        (Some(p), Some(id)) => p.id == id,
        (_, None) => false,
    }
}

/// Runs the rules one event sets off: how many ran (or were refused).
pub async fn on_event(
    store: &dyn Store,
    event: &Event,
    rules: &[Rule],
    today: NaiveDate,
) -> tandem_store::Result<usize> {
    // Personal tasks belong to their owner alone: no rule reaches them.
    let Some(project_id) = event.project_id else {
        return Ok(0);
    };
    let reach: Vec<&Rule> = rules
        .iter()
        .filter(|r| in_reach(r, Some(project_id)) && event.rule_id != Some(r.id))
        .collect();
    if reach.is_empty() {
        return Ok(0);
    }
    let target = match (event.kind.as_str(), event.action.as_str()) {
        ("task", "created" | "updated" | "moved") => {
            match store.get_task(reader(event.workspace_id), &event.key).await {
                Ok(task) => Some(Target::Task(Box::new(task))),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e),
            }
        }
        _ => None,
    };
    let milestone = (event.kind == "milestone" && event.action == "reached")
        .then(|| event.key.parse::<Id>().ok())
        .flatten();
    let mut ran = 0;
    for rule in reach {
        let fires = match (&rule.trigger, &target) {
            (trigger, Some(Target::Task(task))) if trigger.is_about_a_task() => {
                fires_on(trigger, &event.kind, &event.action, &event.fields, task)
                    && conditions_hold(&rule.conditions, task)
            }
            (Trigger::MilestoneReached { milestone: wanted }, _) => {
                milestone.is_some() && (wanted.is_none() || *wanted == milestone)
            }
            _ => false,
        };
        if !fires {
            continue;
        }
        let on = match &target {
            Some(Target::Task(task)) => Target::Task(task.clone()),
            _ => Target::Project(project_key(store, event).await?),
        };
        let key = format!("event:{}", event.id);
        if event.depth >= MAX_DEPTH {
            refuse(store, rule, &on, &key, event.depth).await?;
        } else if run(
            store,
            event.workspace_id,
            rule,
            on,
            event.depth + 1,
            &key,
            today,
        )
        .await?
        {
            ran += 1;
        }
    }
    Ok(ran)
}

async fn project_key(store: &dyn Store, event: &Event) -> tandem_store::Result<Option<String>> {
    let Some(id) = event.project_id else {
        return Ok(None);
    };
    Ok(store
        .project_keys(reader(event.workspace_id))
        .await?
        .into_iter()
        .find(|(of, _)| *of == id)
        .map(|(_, key)| key))
}

/// Records that a chain of rules' changes stopped here.
async fn refuse(
    store: &dyn Store,
    rule: &Rule,
    on: &Target,
    fire_key: &str,
    depth: i64,
) -> tandem_store::Result<()> {
    if let Some(run) = store.start_run(rule.id, &on.object(), fire_key).await? {
        let why = format!(
            "not run: the change was the end of a chain of {depth} rules' changes, and a chain stops at {MAX_DEPTH} so rules cannot set each other off forever"
        );
        store
            .finish_run(run, rule.id, "refused", Some(&why))
            .await?;
        tracing::warn!(rule = rule.id, object = %on.object(), "an automation chain was stopped");
    }
    Ok(())
}

/// The rules the clock sets off today: due soon, overdue, a rule's dates
/// (the last week's too, after a restart), a project's slip. How many ran.
pub async fn tick(store: &dyn Store, today: NaiveDate) -> tandem_store::Result<usize> {
    let mut ran = 0;
    for (workspace_id, rule) in store.timed_rules().await? {
        match &rule.trigger {
            Trigger::DueSoon { .. } | Trigger::Overdue => {
                let mut filter = TaskFilter {
                    project: rule.project.as_ref().map(|p| p.key.clone()),
                    open: true,
                    limit: tandem_store::MAX_TASK_PAGE,
                    ..TaskFilter::default()
                };
                let (word, until) = match rule.trigger {
                    Trigger::DueSoon { days } => {
                        filter.due_after = today.pred_opt();
                        ("due", today + chrono::Duration::days(days))
                    }
                    _ => ("overdue", today.pred_opt().unwrap_or(today)),
                };
                filter.due_before = until.succ_opt();
                let tasks =
                    tandem_usecases::planning::all_tasks(store, reader(workspace_id), filter)
                        .await
                        .map_err(store_error)?;
                for task in tasks {
                    let Some(due) = task.due_date else { continue };
                    if task.project.is_none()
                        || task.status == TaskStatus::Cancelled
                        || !conditions_hold(&rule.conditions, &task)
                    {
                        continue;
                    }
                    let key = format!("{word}:{}:{due}", task.key);
                    let on = Target::Task(Box::new(task));
                    ran += usize::from(run(store, workspace_id, &rule, on, 1, &key, today).await?);
                }
            }
            Trigger::OnDates { rule: words } => {
                let Ok(dates) = tandem_domain::recurrence::Rule::parse(words) else {
                    continue;
                };
                let since = (today - chrono::Duration::days(7)).max(rule.created_on);
                let mut after = since.pred_opt().unwrap_or(since);
                while let Some(day) =
                    dates.next_after(rule.created_on, after, &[], Default::default(), |_| true)
                {
                    if day > today {
                        break;
                    }
                    let on = Target::Project(rule.project.as_ref().map(|p| p.key.clone()));
                    let key = format!("date:{day}");
                    ran += usize::from(run(store, workspace_id, &rule, on, 1, &key, today).await?);
                    after = day;
                }
            }
            Trigger::ScheduleSlipped { days } => {
                let scope = reader(workspace_id);
                for (project, access) in store.open_projects(scope).await? {
                    if !in_reach(&rule, Some(project.id)) || project.archived_at.is_some() {
                        continue;
                    }
                    let (Some(target), Some(finish)) =
                        (project.target_date, store.stored_finish(access).await?)
                    else {
                        continue;
                    };
                    let finish = finish.date();
                    if (finish - target).num_days() <= *days {
                        continue;
                    }
                    let key = format!("slip:{}:{finish}", project.key);
                    let on = Target::Project(Some(project.key));
                    ran += usize::from(run(store, workspace_id, &rule, on, 1, &key, today).await?);
                }
            }
            _ => {}
        }
    }
    Ok(ran)
}

fn store_error(e: tandem_usecases::Error) -> StoreError {
    match e {
        tandem_usecases::Error::Store(e) => e,
        other => StoreError::Config(other.to_string()),
    }
}

/// Runs one rule once (per `fire_key`) as its maker, each write marked as
/// the rule's at `depth`.
async fn run(
    store: &dyn Store,
    workspace_id: Id,
    rule: &Rule,
    on: Target,
    depth: i64,
    fire_key: &str,
    today: NaiveDate,
) -> tandem_store::Result<bool> {
    let Some(run) = store.start_run(rule.id, &on.object(), fire_key).await? else {
        return Ok(false);
    };
    let outcome = match maker(store, workspace_id, rule).await? {
        None => Err("its maker is no longer a member who may write".to_string()),
        Some(actor) => {
            let mark = RuleMark {
                rule_id: rule.id,
                name: rule.name.clone(),
                depth,
            };
            let run = Run {
                rule,
                on: &on,
                fire_key,
                today,
            };
            as_rule(mark, apply(store, &actor, run)).await
        }
    };
    match outcome {
        Ok(done) => {
            store
                .finish_run(run, rule.id, "done", Some(&done.join("; ")))
                .await?
        }
        Err(why) => {
            tracing::info!(rule = rule.id, object = %on.object(), error = %why, "an automation rule failed");
            store.finish_run(run, rule.id, "failed", Some(&why)).await?
        }
    }
    Ok(true)
}

/// The rule's maker as an actor in its workspace, with their role now.
async fn maker(
    store: &dyn Store,
    workspace_id: Id,
    rule: &Rule,
) -> tandem_store::Result<Option<Actor>> {
    let Some(user) = &rule.created_by else {
        return Ok(None);
    };
    let role = store
        .memberships(user.id)
        .await?
        .into_iter()
        .find(|m| m.workspace.id == workspace_id)
        .map(|m| m.role);
    Ok(role.filter(|r| r.can_write()).map(|role| Actor {
        user: user.clone(),
        scope: Scope {
            workspace_id,
            user_id: user.id,
            role,
        },
    }))
}

/// One run of a rule: on what, why (its fire key, once per run), and the
/// day it runs.
struct Run<'a> {
    rule: &'a Rule,
    on: &'a Target,
    fire_key: &'a str,
    today: NaiveDate,
}

/// Makes the rule's actions: the fields set together in one update, then
/// the rest in order. What was done, or why it stopped.
async fn apply(store: &dyn Store, actor: &Actor, run: Run<'_>) -> Result<Vec<String>, String> {
    let Run {
        rule,
        on,
        fire_key,
        today,
    } = run;
    let writer = actor.writer().map_err(|e| e.to_string())?;
    let mut done = Vec::new();
    let sets: Vec<(Field, &str)> = rule
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Set { field, value } => Some((*field, value.as_str())),
            _ => None,
        })
        .collect();
    if let (false, Target::Task(task)) = (sets.is_empty(), on) {
        let change = |mut f: TaskFields| {
            for (field, value) in &sets {
                set(&mut f, *field, value, today)?;
            }
            Ok(f)
        };
        tandem_usecases::tasks::update(store, &writer, &task.key, None, &change)
            .await
            .map_err(said)?;
        done.extend(sets.iter().map(|(f, v)| format!("{} = {v}", f.as_str())));
    }
    let project = match on {
        Target::Task(task) => task.project.as_ref().map(|p| p.key.clone()),
        Target::Project(key) => key.clone(),
    }
    .or_else(|| rule.project.as_ref().map(|p| p.key.clone()));
    for action in &rule.actions {
        match action {
            Action::Set { .. } => {}
            Action::CreateTask {
                title,
                template,
                due_in_days,
            } => {
                let Some(project) = &project else {
                    return Err("create task: no project to add it to".into());
                };
                let due = due_in_days.map(|d| today + chrono::Duration::days(d));
                let made = match template {
                    Some(template) => tandem_usecases::templates::add_task(
                        store,
                        &writer,
                        &tandem_usecases::templates::AddTask {
                            template: template.clone(),
                            version: None,
                            project: Some(project.clone()),
                            title: title.clone().unwrap_or_default(),
                            due,
                            owner: None,
                        },
                    )
                    .await
                    .map_err(said)?,
                    None => {
                        let mut fields = TaskFields::titled(title.clone().unwrap_or_default());
                        fields.due_date = due;
                        let project = ProjectKey::parse(project).map_err(|e| e.to_string())?;
                        tandem_usecases::tasks::create(
                            store,
                            &writer,
                            NewTask {
                                project: Some(project),
                                fields,
                            },
                        )
                        .await
                        .map_err(said)?
                    }
                };
                done.push(format!("created {}", made.key));
            }
            Action::CreateProject {
                template,
                key_prefix,
            } => {
                let key = free_key(store, actor.scope, key_prefix).await?;
                let made = tandem_usecases::templates::create_project(
                    store,
                    &writer,
                    &tandem_usecases::templates::Use {
                        key: ProjectKey::parse(&key).map_err(|e| e.to_string())?,
                        name: format!("{template} {}", &key[key_prefix.len()..]),
                        template: template.clone(),
                        version: None,
                        start: today,
                        owner: Email::parse(&actor.user.email).ok(),
                        people: HashMap::new(),
                    },
                )
                .await
                .map_err(said)?;
                done.push(format!("created project {}", made.key));
            }
            Action::RequestApproval { approvers } => {
                let Target::Task(task) = on else {
                    return Err("request approval: no task to approve".into());
                };
                let approvers = approvers
                    .iter()
                    .map(|a| Email::parse(a))
                    .collect::<Result<Vec<_>, _>>()?;
                let approval = tandem_usecases::approvals::request(
                    store,
                    &writer,
                    &ApprovalRequest {
                        subject: ApprovalSubject::Task(task.key.clone()),
                        approvers,
                        note: Some(format!("Asked by the rule \"{}\".", rule.name)),
                    },
                )
                .await
                .map_err(said)?;
                done.push(format!("requested approval #{}", approval.id));
            }
            Action::Notify { people, message } => {
                let about = match (on, &project) {
                    (Target::Task(task), _) => CommentOn::Task(task.key.clone()),
                    (Target::Project(_), Some(key)) => CommentOn::Project(key.clone()),
                    (Target::Project(_), None) => {
                        return Err("notify: nothing to tell of".into());
                    }
                };
                let told = crate::notices::of_rule(
                    store,
                    actor,
                    crate::notices::RuleNotice {
                        rule: rule.id,
                        fire_key,
                        on: &about,
                        people,
                        message,
                    },
                )
                .await
                .map_err(|e| said(e.into()))?;
                done.push(format!("told {told} people"));
            }
            Action::Comment { text } => {
                let on = match (on, &project) {
                    (Target::Task(task), _) => CommentOn::Task(task.key.clone()),
                    (Target::Project(_), Some(key)) => CommentOn::Project(key.clone()),
                    (Target::Project(_), None) => {
                        return Err("comment: nothing to comment on".into());
                    }
                };
                let comment = tandem_usecases::comments::add(
                    store,
                    &writer,
                    &NewComment {
                        on,
                        parent: None,
                        body: text.clone(),
                    },
                )
                .await
                .map_err(said)?;
                done.push(format!("commented #{}", comment.id));
            }
            Action::CallWebhook { webhook } => {
                let admin = actor.admin().map_err(|e| e.to_string())?;
                let body = json!({
                    "event": RULE_FIRED,
                    "rule": {"id": rule.id, "name": rule.name},
                    "project_key": project,
                    "task": match on {
                        Target::Task(task) => json!(tandem_api::TaskView::from((**task).clone())),
                        Target::Project(_) => serde_json::Value::Null,
                    },
                });
                let delivery = store
                    .queue_by_hand(admin.scope(), *webhook, RULE_FIRED, &body.to_string(), None)
                    .await
                    .map_err(|e| said(e.into()))?;
                done.push(format!("queued webhook delivery {}", delivery.id));
            }
        }
    }
    Ok(done)
}

/// A use case's refusal in words, field by field.
fn said(e: tandem_usecases::Error) -> String {
    use tandem_usecases::Error;
    match e {
        Error::Invalid(errors) | Error::Store(StoreError::Invalid(errors)) => errors
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Sets one field of a task as an action says.
fn set(
    f: &mut TaskFields,
    field: Field,
    value: &str,
    today: NaiveDate,
) -> Result<(), Vec<tandem_domain::FieldError>> {
    let bad = |e: String| vec![tandem_domain::FieldError::new(field.as_str(), e)];
    let none = value.trim().eq_ignore_ascii_case("none");
    let id = |v: &str| {
        v.trim()
            .parse::<Id>()
            .map_err(|_| bad(format!("'{v}' is not an id")))
    };
    match field {
        Field::Status => f.status = value.parse().map_err(bad)?,
        Field::Priority => f.priority = value.parse().map_err(bad)?,
        Field::Owner if none => f.owner = None,
        Field::Owner => f.owner = Some(Email::parse(value).map_err(bad)?),
        Field::Due if none => f.due_date = None,
        Field::Due => f.due_date = Some(due_value(value, today).map_err(bad)?),
        Field::Phase if none => f.phase_id = None,
        Field::Phase => f.phase_id = Some(id(value)?),
        Field::Milestone if none => f.milestone_id = None,
        Field::Milestone => f.milestone_id = Some(id(value)?),
        Field::Tag => {
            let tag = tandem_domain::parse_tag(value).map_err(bad)?;
            if !f.tags.contains(&tag) {
                f.tags.push(tag);
            }
        }
        Field::Title => return Err(bad("a rule does not rename tasks".into())),
    }
    if f.status == TaskStatus::Done && f.percent_complete < 100 {
        f.percent_complete = 100;
    }
    Ok(())
}

/// The first `PREFIX1`, `PREFIX2`, … no project has.
async fn free_key(store: &dyn Store, scope: Scope, prefix: &str) -> Result<String, String> {
    let taken: Vec<String> = store
        .project_keys(Scope {
            role: Role::Owner,
            ..scope
        })
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(_, key)| key)
        .collect();
    (1..10_000)
        .map(|n| format!("{prefix}{n}"))
        .find(|key| !taken.contains(key))
        .ok_or_else(|| format!("create project: every key {prefix}1 to {prefix}9999 is taken"))
}
