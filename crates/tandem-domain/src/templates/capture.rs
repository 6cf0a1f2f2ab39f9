//! A project's plan taken as a template: its dates counted in working
//! days from its start, its owners turned into roles.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{
    LinkPart, MilestonePart, PhasePart, ProjectTemplate, RiskPart, StakeholderPart, TaskPart,
    add_working_days, working_days_between,
};
use crate::model::{
    DependencyKind, Email, LagFormat, MilestoneFields, PhaseFields, ProjectFields, RiskFields,
    StakeholderRole, TaskFields, TaskStatus,
};

type SourceTask<'a> = &'a (String, &'a TaskFields, Option<String>);

/// `tasks` with every parent before its children, otherwise in order; a
/// parent not among them (left behind) makes its child a top task.
fn parents_first<'a>(tasks: Vec<SourceTask<'a>>) -> Vec<SourceTask<'a>> {
    let keys: HashSet<&str> = tasks.iter().map(|(k, _, _)| k.as_str()).collect();
    let mut placed: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(tasks.len());
    let mut left = tasks;
    while !left.is_empty() {
        let before = left.len();
        let (ready, waiting): (Vec<SourceTask<'a>>, Vec<SourceTask<'a>>) = left
            .into_iter()
            .partition(|(_, t, _)| match t.parent.as_deref() {
                Some(p) if keys.contains(p) => placed.contains(p),
                _ => true,
            });
        placed.extend(ready.iter().map(|(k, _, _)| k.as_str()));
        out.extend(ready);
        left = waiting;
        // Parents always end (a task is never its own ancestor); should
        // they not, the rest go as they are.
        if left.len() == before {
            out.append(&mut left);
        }
    }
    out
}

/// What a project's plan is, read back as one (for [`capture`]).
#[derive(Debug, Clone, Default)]
pub struct Source<'a> {
    pub fields: Option<&'a ProjectFields>,
    pub phases: Vec<(crate::Id, &'a PhaseFields)>,
    /// With their phase's id.
    pub milestones: Vec<(crate::Id, &'a MilestoneFields)>,
    /// Each task's key, its fields (parent by key) and its owner's name.
    pub tasks: Vec<(String, &'a TaskFields, Option<String>)>,
    /// Predecessor key, successor key, kind, lag and its format.
    pub dependencies: Vec<(String, String, DependencyKind, f64, LagFormat)>,
    pub risks: Vec<&'a RiskFields>,
    /// Members who are stakeholders: their email and role.
    pub stakeholders: Vec<(Email, StakeholderRole)>,
    /// Names for owners' roles, by email, in place of their own names.
    pub role_names: HashMap<String, String>,
    /// The workspace's people: email and name.
    pub people: Vec<(Email, String)>,
}

/// A project's plan as a template: dates become working days from the
/// project's start (the earliest date of the plan when it has none),
/// owners become roles, named as `role_names` says or else after the
/// person. Progress, actual dates and statuses are not kept: a project
/// made from a template begins.
pub fn capture(source: &Source<'_>) -> ProjectTemplate {
    let fields = source
        .fields
        .cloned()
        .unwrap_or_else(|| ProjectFields::named(""));
    let week = fields.work_week.calendar(&[]);
    let works = |d: NaiveDate| !week.periods(d).is_empty();
    // Counted from the first working day, as a project made from it is.
    let start = add_working_days(
        fields
            .start_date
            .unwrap_or_else(|| earliest(source).unwrap_or_default()),
        0,
        works,
    );
    let offset = |d: Option<NaiveDate>| d.map(|d| working_days_between(start, d, works));
    let mut roles: Vec<String> = Vec::new();
    let mut role_of = |email: &Email| -> usize {
        let name = source
            .role_names
            .get(email.as_str())
            .cloned()
            .or_else(|| {
                source
                    .people
                    .iter()
                    .find(|(e, _)| e == email)
                    .map(|(_, n)| n.clone())
            })
            .unwrap_or_else(|| email.as_str().to_string());
        match roles.iter().position(|r| *r == name) {
            Some(i) => i,
            None => {
                roles.push(name);
                roles.len() - 1
            }
        }
    };
    let phases: Vec<PhasePart> = source
        .phases
        .iter()
        .map(|(_, p)| PhasePart {
            name: p.name.clone(),
            start: offset(p.start_date),
            end: offset(p.end_date),
        })
        .collect();
    let phase_index = |id: Option<crate::Id>| {
        id.and_then(|id| source.phases.iter().position(|(pid, _)| *pid == id))
    };
    let milestones: Vec<MilestonePart> = source
        .milestones
        .iter()
        .map(|(_, m)| MilestonePart {
            name: m.name.clone(),
            date: offset(m.date),
            description: m.description.clone(),
            phase: phase_index(m.phase_id),
        })
        .collect();
    // Parents before their children, whatever order the tasks were made
    // in (a subtask made first and given its parent later); a cancelled
    // task is work not done, and stays behind.
    let ordered = parents_first(
        source
            .tasks
            .iter()
            .filter(|(_, t, _)| t.status != TaskStatus::Cancelled)
            .collect(),
    );
    let task_index = |key: &str| ordered.iter().position(|(k, _, _)| k == key);
    let milestone_index = |id: Option<crate::Id>| {
        id.and_then(|id| source.milestones.iter().position(|(mid, _)| *mid == id))
    };
    let mut tasks = Vec::with_capacity(source.tasks.len());
    for (_, t, _) in &ordered {
        tasks.push(TaskPart {
            title: t.title.clone(),
            description: t.description.clone(),
            priority: t.priority,
            estimate_days: t.estimate_days,
            effort_hours: t.effort_hours,
            start: offset(t.start_date),
            due: offset(t.due_date),
            constraint: t
                .schedule
                .constraint_type
                .map(|kind| (kind, offset(t.schedule.constraint_date.map(|d| d.date())))),
            parent: t.parent.as_deref().and_then(task_index),
            phase: phase_index(t.phase_id),
            milestone: milestone_index(t.milestone_id),
            role: t.owner.as_ref().map(&mut role_of),
            tags: t.tags.clone(),
        });
    }
    let dependencies = source
        .dependencies
        .iter()
        .filter_map(|(p, s, kind, lag, format)| {
            Some(LinkPart {
                predecessor: task_index(p)?,
                successor: task_index(s)?,
                kind: *kind,
                lag_days: *lag,
                lag_format: *format,
            })
        })
        .collect();
    let risks = source
        .risks
        .iter()
        .map(|r| RiskPart {
            title: r.title.clone(),
            description: r.description.clone(),
            probability: r.probability,
            impact: r.impact,
            mitigation: r.mitigation.clone(),
            role: r.owner.as_ref().map(&mut role_of),
        })
        .collect();
    let stakeholders = source
        .stakeholders
        .iter()
        .map(|(email, role)| StakeholderPart {
            role: role_of(email),
            as_: *role,
        })
        .collect();
    ProjectTemplate {
        description: None,
        objective: fields.objective.clone(),
        scope_in: fields.scope_in.clone(),
        scope_out: fields.scope_out.clone(),
        ongoing: fields.ongoing,
        target: offset(fields.target_date),
        work_week: fields.work_week.texts(),
        hours_per_day: fields.work_week.hours_per_day,
        roles,
        phases,
        milestones,
        tasks,
        dependencies,
        risks,
        stakeholders,
    }
}

fn earliest(source: &Source<'_>) -> Option<NaiveDate> {
    let tasks = source
        .tasks
        .iter()
        .flat_map(|(_, t, _)| [t.start_date, t.due_date]);
    let phases = source.phases.iter().map(|(_, p)| p.start_date);
    let milestones = source.milestones.iter().map(|(_, m)| m.date);
    tasks.chain(phases).chain(milestones).flatten().min()
}
