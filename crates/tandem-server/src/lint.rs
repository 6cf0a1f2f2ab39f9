//! A project's plan lint as both adapters show it: the plan, its current
//! schedule, its people's loads across every project and the rules it
//! switched off are read here, and judged by `tandem_domain::lint`; the
//! fixes Tandem can make are `tandem_usecases::lint`'s.

use std::collections::HashSet;

use chrono::{Days, NaiveDate};
use tandem_domain::lint::{Finding, FixAction, LintInput, LintRule, Overbooked, lint};
use tandem_domain::workload::weekly_load;
use tandem_domain::{Id, Project};
use tandem_store::{Scope, Store, UpdateOn};
use tandem_usecases::{Writer, signals};

use crate::error::ApiError;
use crate::planning::{fresh_schedule, server_today};
use crate::workload::open_work;

type ApiResult<T> = Result<T, ApiError>;

/// Weeks ahead the over-allocation rule looks at: the workload page's.
const WEEKS: usize = 8;
/// Hours over capacity in a week that still count as full: a rounding,
/// not an overbooking.
const SLACK_HOURS: f64 = 0.5;

/// A project's findings, and the rules it switched off.
pub(crate) struct Linted {
    pub project: Project,
    pub findings: Vec<Finding>,
    pub off: Vec<LintRule>,
}

/// Lints the project `key` as `scope` may see it.
pub(crate) async fn lint_project(store: &dyn Store, scope: Scope, key: &str) -> ApiResult<Linted> {
    let today = server_today();
    let (project, access) = store.open_project(scope, key).await?;
    // The plan's tasks are the long read; the rest is read beside it.
    let (schedule, tasks, phases, milestones, risks, levelling, verdict, updates, off) = tokio::try_join!(
        // A plan the scheduler refuses has no schedule; its due dates
        // stand in.
        async {
            Ok(fresh_schedule(store, scope, &project.key, access)
                .await
                .ok())
        },
        async { Ok::<_, ApiError>(store.plan_tasks(access).await?) },
        async { Ok(store.list_phases(access).await?.len()) },
        async { Ok(store.list_milestones(access).await?) },
        async { Ok(store.list_risks(access).await?) },
        async { Ok(store.last_levelling(access).await?) },
        async { Ok(signals::project(store, access).await?) },
        async {
            Ok(store
                .list_status_updates(scope, UpdateOn::Project(access), None, 1)
                .await?)
        },
        async { Ok(store.lint_rules_off(access).await?) },
    )?;
    let linked = store.project_linked(access).await?;
    let levelled: HashSet<Id> = levelling
        .filter(|l| l.undone_at.is_none())
        .map(|l| l.tasks.iter().map(|t| t.task_id).collect())
        .unwrap_or_default();
    // Whether a constraint holds its task back is the plan's to say: it is
    // scheduled with and without them, only when there are any.
    let candidates = tandem_domain::lint::constrained(&tasks, &levelled);
    let delayed = match &schedule {
        Some(current)
            if !candidates.is_empty() && !off.contains(&LintRule::DanglingConstraints) =>
        {
            // The tasks in hand, planned without reading them again; the
            // schedule as it stands is the plan's with the constraints.
            let planned = tandem_usecases::planning::plan_of_tasks(
                store, scope, &project, access, &tasks, today,
            )
            .await?;
            let (tasks, current) = (tasks.clone(), current.clone());
            tokio::task::spawn_blocking(move || {
                tandem_domain::planning::delayed_by_constraints(
                    &planned,
                    &tasks,
                    &candidates,
                    &current,
                )
            })
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
        }
        _ => HashSet::new(),
    };
    let latest_update = updates.first().map(|u| u.created_at.date_naive());
    let overbooked = if off.contains(&LintRule::OverAllocation) {
        Vec::new()
    } else {
        overbooked(store, scope, &project, &tasks, schedule.as_ref(), today).await?
    };
    let findings = lint(&LintInput {
        today,
        project: &project,
        tasks: &tasks,
        linked,
        delayed: &delayed,
        phases,
        milestones: &milestones,
        risks: &risks,
        schedule: schedule.as_ref(),
        levelled: &levelled,
        signals: &verdict,
        latest_update,
        overbooked: &overbooked,
        off: &off,
    });
    Ok(Linted {
        project,
        findings,
        off,
    })
}

/// The people who own open work in this project and are booked past
/// their hours in a week ahead, across every project: each at their
/// worst week.
async fn overbooked(
    store: &dyn Store,
    scope: Scope,
    project: &Project,
    tasks: &[tandem_domain::planning::PlanTask],
    schedule: Option<&tandem_domain::StoredSchedule>,
    today: NaiveDate,
) -> ApiResult<Vec<Overbooked>> {
    let here: HashSet<Id> = tasks
        .iter()
        .filter(|t| !t.status.is_closed())
        .filter_map(|t| t.owner_id)
        .collect();
    if here.is_empty() {
        return Ok(Vec::new());
    }
    let work = open_work(store, scope, Some((project.id, tasks, schedule))).await?;
    let members = store.list_members(scope).await?;
    let people: Vec<(Id, f64)> = members
        .iter()
        .filter(|m| here.contains(&m.user.id))
        .map(|m| (m.user.id, m.capacity_hours))
        .collect();
    let time_off = store.list_time_off(scope, None).await?;
    let (assignments, _) =
        crate::workload::assignments(&work.tasks, &work.schedules, |owner| here.contains(&owner));
    let monday = tandem_domain::dates::start_of_week(today);
    let mut found = Vec::new();
    for load in weekly_load(&people, &time_off, &assignments, today, WEEKS) {
        let worst = (0..WEEKS)
            .filter(|&w| load.assigned[w] > load.capacity[w].max(0.0) + SLACK_HOURS)
            .max_by(|&a, &b| {
                (load.assigned[a] - load.capacity[a])
                    .total_cmp(&(load.assigned[b] - load.capacity[b]))
            });
        let Some(week) = worst else { continue };
        let name = members
            .iter()
            .find(|m| m.user.id == load.person)
            .map(|m| m.user.name.clone())
            .unwrap_or_default();
        found.push(Overbooked {
            person: load.person,
            name,
            week: monday + Days::new(7 * week as u64),
            assigned: load.assigned[week],
            capacity: load.capacity[week].max(0.0),
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// Makes the fix of `rule`'s finding in the project `key`, as it stands
/// now: what was done, in words. A rule with nothing to fix, or no fix
/// Tandem can make, is refused by name (`rule`).
pub(crate) async fn fix(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    rule: LintRule,
) -> ApiResult<String> {
    if !rule.fixable() {
        return Err(ApiError::field(
            "rule",
            format!("{rule} has no fix Tandem can make; it takes a person's judgement"),
        ));
    }
    let linted = lint_project(store, *writer.scope(), key).await?;
    if linted.off.contains(&rule) {
        return Err(ApiError::field(
            "rule",
            format!("{rule} is switched off for {key}: switch it on to see and fix what it finds"),
        ));
    }
    let Some(finding) = linted.findings.iter().find(|f| f.rule == rule) else {
        return Err(ApiError::field(
            "rule",
            format!("{rule} finds nothing in {key} now"),
        ));
    };
    match finding.action {
        Some(FixAction::ClearConstraints) => {
            let cleared =
                tandem_usecases::lint::clear_constraints(store, writer, &finding.targets).await?;
            Ok(format!(
                "cleared the start-no-earlier-than date of {cleared} {}",
                if cleared == 1 { "task" } else { "tasks" }
            ))
        }
        Some(FixAction::MoveMilestone) => {
            let mut moved = Vec::new();
            // One finding per milestone: each moves to its own work's finish.
            for f in linted.findings.iter().filter(|f| f.rule == rule) {
                let (Some(date), Some(milestone)) = (f.fix_date, f.objects.first()) else {
                    continue;
                };
                tandem_usecases::lint::move_milestone(store, writer, milestone.id, date).await?;
                moved.push(format!(
                    "{} to {date}",
                    milestone.name.as_deref().unwrap_or("milestone")
                ));
            }
            Ok(format!("moved {}", moved.join(", ")))
        }
        None => Err(ApiError::field(
            "rule",
            format!("{rule} has no fix Tandem can make"),
        )),
    }
}
