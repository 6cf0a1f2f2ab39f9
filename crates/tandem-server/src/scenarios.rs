//! A scenario beside its project's plan: the plan's schedule as it stands
//! (stored when current), the scenario's computed from the plan with its
//! changes laid over, and what differs. Read by the API's handler and the
//! scenario page alike.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tandem_api::{
    MovedTaskView, ScenarioComparisonView, ScenarioConflictView, ScenarioLinkView,
    ScenarioLoadView, ScenarioLostView, ScenarioMilestoneView, ScenarioTaskView, ScenarioView,
    format_local,
};
use tandem_domain::calendar::CalendarException;
use tandem_domain::planning::PlanTask;
use tandem_domain::scenarios::{self, CalendarEdit, Edit, Held, TaskEdit};
use tandem_domain::{DependencyKind, Id, Link, Member, Project, StoredSchedule};
use tandem_store::{PlanStamp, Scenario, Scope, Store};
use tandem_usecases::scenarios::{PlanRead, scenario_plan, schedule};

use crate::error::ApiError;
use crate::planning::{current_schedule_with_plan_tasks, read_now, server_today};

type ApiResult<T> = Result<T, ApiError>;

/// How many moved tasks (and warnings of each kind) a comparison names.
const MOVED_SHOWN: usize = 50;

pub(crate) fn scenario_view(s: &Scenario) -> ScenarioView {
    ScenarioView {
        name: s.name.clone(),
        created_by: s.created_by.clone(),
        created_at: s.created_at,
        version: s.version,
        tasks: s
            .tasks
            .iter()
            .map(|t| ScenarioTaskView {
                key: t.key.clone(),
                title: t.title.clone(),
                changes: changes(&t.edit),
                plan_had: changes(&t.base),
            })
            .collect(),
        links: s
            .links
            .iter()
            .map(|l| ScenarioLinkView {
                predecessor: l.predecessor.1.clone(),
                successor: l.successor.1.clone(),
                kind: l.kind,
                lag_days: l.lag_days,
                removed: l.removed,
            })
            .collect(),
        calendar: (&s.calendar).into(),
        lost: s
            .lost
            .iter()
            .map(|l| ScenarioLostView {
                object: l.object.clone(),
                fields: l.fields.iter().map(|f| shown_field(f)).collect(),
                deleted_at: l.deleted_at,
            })
            .collect(),
    }
}

/// A task's field as a scenario shows it: levelling in working hours.
fn shown_field(field: &str) -> String {
    match field {
        "levelling_delay" => "levelling_delay_hours".to_string(),
        other => other.to_string(),
    }
}

/// An edit as the fields it sets (their values) and clears (null).
fn changes(edit: &TaskEdit) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Value, json};
    fn one<T: serde::Serialize>(e: &Edit<T>) -> Value {
        match e {
            Edit::Set(v) => json!(v),
            Edit::Clear => Value::Null,
        }
    }
    let mut map = serde_json::Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(v) = value {
            map.insert(name.to_string(), v);
        }
    };
    put("estimate_days", edit.estimate_days.as_ref().map(one));
    put("effort_hours", edit.effort_hours.as_ref().map(one));
    put(
        "three_point",
        edit.three_point.as_ref().map(|e| match e {
            Edit::Set([o, l, p]) => json!({"optimistic": o, "likely": l, "pessimistic": p}),
            Edit::Clear => Value::Null,
        }),
    );
    put("start_date", edit.start_date.as_ref().map(one));
    put("due_date", edit.due_date.as_ref().map(one));
    put("owner", edit.owner.as_ref().map(one));
    put("constraint_type", edit.constraint_type.as_ref().map(one));
    put(
        "constraint_date",
        edit.constraint_date.as_ref().map(|e| match e {
            Edit::Set(at) => json!(format_local(*at)),
            Edit::Clear => Value::Null,
        }),
    );
    put(
        "levelling_delay_hours",
        edit.levelling_delay.as_ref().map(|e| match e {
            Edit::Set(minutes) => json!(*minutes as f64 / 60.0),
            Edit::Clear => json!(0.0),
        }),
    );
    map
}

/// The warnings of `these` that `those` has not: the first
/// [`MOVED_SHOWN`], and how many.
fn warnings_only_in(these: &[String], those: &[String]) -> (Vec<String>, usize) {
    let known: HashSet<&str> = those.iter().map(String::as_str).collect();
    let mut only = these.iter().filter(|w| !known.contains(w.as_str()));
    let shown: Vec<String> = only.by_ref().take(MOVED_SHOWN).cloned().collect();
    let count = shown.len() + only.count();
    (shown, count)
}

/// What applying would refuse, shown before anyone tries: what the plan
/// changed since the scenario changed the same fields or links, an
/// exception the scenario adds on a day the plan has one since
/// (`exceptions`, the plan's now), an owner no longer among `members`.
fn conflicts(
    scenario: &Scenario,
    project: &Project,
    tasks: &[PlanTask],
    links: &[Link],
    exceptions: &[CalendarException],
    members: &[Member],
) -> Vec<ScenarioConflictView> {
    // The plan's tasks the scenario edits, found in one pass: a
    // comparison of a big plan with a few edits indexes the few.
    let edited: HashMap<Id, (usize, &tandem_store::ScenarioTask)> = scenario
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.task_id, (i, t)))
        .collect();
    let email: HashMap<Id, &str> = members
        .iter()
        .map(|m| (m.user.id, m.user.email.as_str()))
        .collect();
    let mut found: Vec<(usize, &tandem_store::ScenarioTask, Vec<&'static str>)> = tasks
        .iter()
        .filter_map(|task| {
            let &(at, edit) = edited.get(&task.id)?;
            let owner = task
                .owner_id
                .and_then(|id| email.get(&id).map(|e| e.to_string()));
            let fields = edit.base.changed_since(&Held::of_plan(task, owner));
            (!fields.is_empty()).then_some((at, edit, fields))
        })
        .collect();
    // In the scenario's order (by task number), as before.
    found.sort_by_key(|(at, ..)| *at);
    let mut out: Vec<ScenarioConflictView> = found
        .into_iter()
        .map(|(_, edit, fields)| {
            let fields: Vec<String> = fields.into_iter().map(shown_field).collect();
            ScenarioConflictView {
                object: edit.key.clone(),
                kind: "task".into(),
                reason: format!(
                    "the plan changed {} since the scenario changed it",
                    fields.join(", ")
                ),
                fields,
            }
        })
        .collect();
    // An owner the scenario gives who has left the workspace since.
    out.extend(scenario.tasks.iter().filter_map(|t| {
        let Some(Edit::Set(owner)) = &t.edit.owner else {
            return None;
        };
        let member = members
            .iter()
            .any(|m| m.user.email.eq_ignore_ascii_case(owner));
        (!member).then(|| ScenarioConflictView {
            kind: "task".into(),
            object: t.key.clone(),
            fields: vec!["owner".into()],
            reason: format!("{owner} is not a member of this workspace"),
        })
    }));
    let plan_link: HashMap<(Id, Id), (DependencyKind, f64)> = links
        .iter()
        .map(|l| ((l.predecessor_id, l.successor_id), (l.kind, l.lag_days)))
        .collect();
    let week = scenario.calendar.week_changed_since(&project.work_week);
    if !week.is_empty() {
        out.push(ScenarioConflictView {
            object: "working week".into(),
            kind: "calendar".into(),
            reason: format!(
                "the plan changed {} since the scenario changed it",
                week.join(", ")
            ),
            fields: week.into_iter().map(String::from).collect(),
        });
    }
    if let Some((added, other)) = scenario.calendar.clash(exceptions) {
        out.push(ScenarioConflictView {
            kind: "calendar".into(),
            object: added.name.clone(),
            fields: vec!["start_date".into()],
            reason: CalendarEdit::clash_message(added, other),
        });
    }
    out.extend(
        scenario
            .links
            .iter()
            .filter(|l| plan_link.get(&(l.predecessor.0, l.successor.0)).copied() != l.base)
            .map(|l| ScenarioConflictView {
                object: format!("{} → {}", l.predecessor.1, l.successor.1),
                kind: "link".into(),
                fields: Vec::new(),
                reason: "the plan changed this link since the scenario changed it".into(),
            }),
    );
    out
}

/// The plans this process last read to compare scenarios with, by project
/// and plan version: a scenario's edits leave the plan as it is, so a
/// comparison after each edit reads the plan once, not once an edit. A
/// change to the plan moves its version on, and the next comparison
/// reads it again.
mod seen {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex, OnceLock};

    use tandem_domain::planning::PlanTask;
    use tandem_domain::{Id, Link, Project, StoredSchedule};
    use tandem_store::{PlanStamp, Store};

    pub(super) struct Seen {
        pub project: Project,
        pub tasks: Vec<PlanTask>,
        pub links: Vec<Link>,
        pub schedule: StoredSchedule,
    }

    /// A few plans: the projects someone is trying scenarios of now.
    const KEPT: usize = 4;

    type Entry = ((usize, Id), PlanStamp, Arc<Seen>);

    fn cache() -> &'static Mutex<VecDeque<Entry>> {
        static CACHE: OnceLock<Mutex<VecDeque<Entry>>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    fn key(store: &dyn Store, project_id: Id) -> (usize, Id) {
        (store as *const dyn Store as *const () as usize, project_id)
    }

    pub(super) fn get(store: &dyn Store, project_id: Id, stamp: PlanStamp) -> Option<Arc<Seen>> {
        let wanted = key(store, project_id);
        let cache = cache().lock().unwrap_or_else(|e| e.into_inner());
        cache
            .iter()
            .find(|(k, s, _)| *k == wanted && *s == stamp)
            .map(|(_, _, seen)| seen.clone())
    }

    pub(super) fn put(store: &dyn Store, project_id: Id, stamp: PlanStamp, seen: Arc<Seen>) {
        let wanted = key(store, project_id);
        let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(k, _, _)| *k != wanted);
        cache.push_front((wanted, stamp, seen));
        cache.truncate(KEPT);
    }
}

/// The scenario `name` of project `key` beside the plan.
pub(crate) async fn compare(
    store: &dyn Store,
    scope: Scope,
    key: &str,
    name: &str,
) -> ApiResult<ScenarioComparisonView> {
    let (_, access) = store.open_project(scope, key).await?;
    let stamp = PlanStamp {
        version: store.plan_version(access).await?,
        planned_on: server_today(),
    };
    let seen = match seen::get(store, access.project_id(), stamp) {
        Some(seen) => seen,
        None => {
            let (loaded, tasks, schedule) =
                current_schedule_with_plan_tasks(store, scope, key).await?;
            let stamp = loaded.stamp;
            let seen = Arc::new(seen::Seen {
                project: loaded.project,
                tasks,
                links: loaded.dependencies,
                schedule,
            });
            seen::put(store, access.project_id(), stamp, seen.clone());
            seen
        }
    };
    let (tasks, plan) = (&seen.tasks, &seen.schedule);
    let (scenario, milestones, members, time_off, baseline, exceptions) = tokio::try_join!(
        store.get_scenario(access, name),
        store.list_milestones(access),
        store.list_members(scope),
        store.list_time_off(scope, None),
        store.latest_baseline_finish(access),
        store.list_calendar_exceptions(access),
    )?;
    let read = PlanRead {
        project: &seen.project,
        access,
        planned_on: stamp.planned_on,
        tasks,
        links: &seen.links,
    };
    let (planned, scenario_tasks, scenario_links) =
        scenario_plan(store, read, &members, &time_off, &scenario).await?;
    let schedule_of_scenario: StoredSchedule = schedule(&planned, read_now())?;
    let milestone_of: HashMap<Id, Id> = tasks
        .iter()
        .filter_map(|t| t.milestone_id.map(|m| (t.id, m)))
        .collect();
    let key_of: HashMap<Id, &str> = tasks.iter().map(|t| (t.id, t.key.as_str())).collect();
    let compared = scenarios::compare(plan, &schedule_of_scenario, &milestone_of, MOVED_SHOWN);
    let (new_warnings, new_warnings_count) =
        warnings_only_in(&schedule_of_scenario.warnings, &plan.warnings);
    let (settled_warnings, settled_warnings_count) =
        warnings_only_in(&plan.warnings, &schedule_of_scenario.warnings);
    let chains = |schedule: &StoredSchedule, links: &[(Id, Id)]| -> Vec<Vec<String>> {
        tandem_domain::graph::critical_chains(&schedule.critical_path, links)
            .iter()
            .map(|chain| {
                chain
                    .iter()
                    .filter_map(|id| key_of.get(id).map(|k| k.to_string()))
                    .collect()
            })
            .collect()
    };
    let plan_links: Vec<(Id, Id)> = seen
        .links
        .iter()
        .map(|l| (l.predecessor_id, l.successor_id))
        .collect();
    let scenario_links: Vec<(Id, Id)> = scenario_links
        .iter()
        .map(|l| (l.predecessor_id, l.successor_id))
        .collect();
    let hours_per_day = seen.project.work_week.hours_per_day;
    let scenario_hours_per_day = scenario.calendar.hours_per_day.unwrap_or(hours_per_day);
    let (plan_load, scenario_load) = (
        scenarios::workload(tasks, hours_per_day),
        scenarios::workload(&scenario_tasks, scenario_hours_per_day),
    );
    let mut people: Vec<Id> = plan_load
        .keys()
        .chain(scenario_load.keys())
        .copied()
        .collect();
    people.sort_unstable();
    people.dedup();
    let round = |h: f64| (h * 10.0).round() / 10.0;
    let rate_of: HashMap<Id, f64> = members
        .iter()
        .filter_map(|m| Some((m.user.id, m.cost_rate?)))
        .collect();
    let rate = |id: Id| rate_of.get(&id).copied();
    let cents = |amount: f64| (amount * 100.0).round() / 100.0;
    // A cost beside hours gives away a rate: costs are for those who may
    // see rates.
    let costed = scope.role.can_manage_members();
    let plan_cost = costed
        .then(|| scenarios::cost(tasks, hours_per_day, rate))
        .flatten();
    let scenario_cost = costed
        .then(|| scenarios::cost(&scenario_tasks, scenario_hours_per_day, rate))
        .flatten();
    Ok(ScenarioComparisonView {
        project: seen.project.key.clone(),
        scenario: scenario_view(&scenario),
        plan_finish: format_local(compared.plan_finish),
        scenario_finish: format_local(compared.scenario_finish),
        baseline_finish: baseline.map(|(_, finish)| format_local(finish)),
        moved: compared
            .moved
            .iter()
            .map(|m| MovedTaskView {
                key: key_of
                    .get(&m.task_id)
                    .map(|k| k.to_string())
                    .unwrap_or_default(),
                plan_finish: format_local(m.plan_finish),
                scenario_finish: format_local(m.scenario_finish),
            })
            .collect(),
        moved_count: compared.moved_count,
        plan_critical_chains: chains(plan, &plan_links),
        scenario_critical_chains: chains(&schedule_of_scenario, &scenario_links),
        milestones: milestones
            .iter()
            .map(|m| {
                let dates = compared.milestones.iter().find(|d| d.milestone_id == m.id);
                ScenarioMilestoneView {
                    name: m.name.clone(),
                    date: m.date,
                    plan_work_finish: dates.and_then(|d| d.plan).map(format_local),
                    scenario_work_finish: dates.and_then(|d| d.scenario).map(format_local),
                }
            })
            .collect(),
        plan_cost: plan_cost.map(|c| cents(c.amount)),
        scenario_cost: scenario_cost.map(|c| cents(c.amount)),
        plan_uncosted_hours: plan_cost.map(|c| round(c.uncosted_hours)),
        scenario_uncosted_hours: scenario_cost.map(|c| round(c.uncosted_hours)),
        budget: seen.project.budget,
        new_warnings,
        new_warnings_count,
        settled_warnings,
        settled_warnings_count,
        conflicts: conflicts(
            &scenario,
            &seen.project,
            tasks,
            &seen.links,
            &exceptions,
            &members,
        ),
        workload: people
            .into_iter()
            .filter_map(|id| {
                let member = members.iter().find(|m| m.user.id == id)?;
                Some(ScenarioLoadView {
                    person: member.user.clone(),
                    plan_hours: round(plan_load.get(&id).copied().unwrap_or(0.0)),
                    scenario_hours: round(scenario_load.get(&id).copied().unwrap_or(0.0)),
                })
            })
            .collect(),
    })
}
