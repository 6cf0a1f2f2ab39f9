//! Automation rules as people make them: who may add, change or delete
//! one (a project's rule, anyone who writes; a workspace's, or one that
//! calls a webhook, owners and admins), and the dry run that shows which
//! tasks a rule would touch now. Running rules is the server's automation
//! job's (it hears the outbox), through the other use cases.

use chrono::NaiveDate;
use tandem_domain::automation::{self, Action, Rule, RuleFields, Trigger};
use tandem_domain::{Id, Task, TaskRef, TaskStatus};
use tandem_store::{Patch, Store, TaskFilter};

use crate::{Actor, Error, Result};

/// Whether `actor` may keep `rule` as it is written.
fn may_keep(actor: &Actor, rule: &RuleFields) -> Result<()> {
    actor.writer()?;
    if rule.project.is_none() && actor.admin().is_err() {
        return Err(Error::Forbidden(
            "only owners and admins make rules for the whole workspace; name a project".into(),
        ));
    }
    if rule
        .actions
        .iter()
        .any(|a| matches!(a, Action::CallWebhook { .. }))
        && actor.admin().is_err()
    {
        return Err(Error::Forbidden(
            "only owners and admins send to webhooks".into(),
        ));
    }
    Ok(())
}

pub async fn create(store: &dyn Store, actor: &Actor, rule: &RuleFields) -> Result<Rule> {
    may_keep(actor, rule)?;
    let writer = actor.writer()?;
    Ok(store.create_rule(writer.scope(), rule).await?)
}

/// Changes a rule; the caller must be allowed to keep it as it was and as
/// it becomes.
pub async fn update(
    store: &dyn Store,
    actor: &Actor,
    id: Id,
    expected_version: Option<i64>,
    change: Patch<'_, RuleFields>,
) -> Result<Rule> {
    let current = store.get_rule(actor.scope, id).await?;
    may_keep(actor, &current.fields())?;
    let after = change(current.fields()).map_err(Error::Invalid)?;
    may_keep(actor, &after)?;
    let writer = actor.writer()?;
    Ok(store
        .update_rule(writer.scope(), id, expected_version, change)
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    actor: &Actor,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    let current = store.get_rule(actor.scope, id).await?;
    may_keep(actor, &current.fields())?;
    let writer = actor.writer()?;
    Ok(store
        .delete_rule(writer.scope(), id, expected_version)
        .await?)
}

/// What a rule would do now: the tasks it would touch (for a trigger on
/// a task: those in its reach whose state the trigger waits for, or that
/// a change could set it off on, and whose conditions hold), and its
/// actions in words. Nothing is written.
#[derive(Debug, Clone)]
pub struct DryRun {
    pub tasks: Vec<TaskRef>,
    pub actions: Vec<String>,
    /// What the list means for this trigger.
    pub note: String,
}

/// The most tasks a dry run lists.
pub const DRY_RUN_LIMIT: usize = 500;

pub async fn dry_run(
    store: &dyn Store,
    actor: &Actor,
    rule: &RuleFields,
    today: NaiveDate,
) -> Result<DryRun> {
    rule.check()?;
    let actions = rule
        .actions
        .iter()
        .map(automation::describe_action)
        .collect();
    if !rule.trigger.is_about_a_task() {
        return Ok(DryRun {
            tasks: Vec::new(),
            actions,
            note: format!(
                "It runs when {}: it touches no task of its own.",
                automation::describe_trigger(&rule.trigger)
            ),
        });
    }
    let mut filter = TaskFilter {
        project: rule.project.clone(),
        // Due dates concern open work; a change to a value may be to done.
        open: matches!(rule.trigger, Trigger::DueSoon { .. } | Trigger::Overdue),
        limit: tandem_store::MAX_TASK_PAGE,
        ..TaskFilter::default()
    };
    let note = match &rule.trigger {
        Trigger::DueSoon { days } => {
            filter.due_after = today.pred_opt();
            filter.due_before = today.checked_add_signed(chrono::Duration::days(*days + 1));
            format!("Open tasks due within {days} days whose conditions hold: it runs on each now.")
        }
        Trigger::Overdue => {
            filter.due_before = Some(today);
            "Open overdue tasks whose conditions hold: it runs on each now.".to_string()
        }
        Trigger::FieldChanged {
            field,
            to: Some(to),
        } => format!(
            "Tasks whose {} is {to} now and whose conditions hold: it would have run on each.",
            field.as_str()
        ),
        trigger => format!(
            "Open tasks whose conditions hold: it runs on each when {}.",
            automation::describe_trigger(trigger)
        ),
    };
    let tasks = crate::planning::all_tasks(store, actor.scope, filter).await?;
    let fits = |task: &Task| match &rule.trigger {
        Trigger::FieldChanged { field, to: Some(_) } => automation::fires_on(
            &rule.trigger,
            "task",
            "updated",
            &[field.event_field().to_string()],
            task,
        ),
        _ => true,
    };
    let tasks = tasks
        .iter()
        .filter(|t| t.project.is_some() && t.status != TaskStatus::Cancelled)
        .filter(|t| fits(t) && automation::conditions_hold(&rule.conditions, t))
        .take(DRY_RUN_LIMIT)
        .map(|t| TaskRef {
            id: t.id,
            key: t.key.clone(),
            title: t.title.clone(),
        })
        .collect();
    Ok(DryRun {
        tasks,
        actions,
        note,
    })
}
