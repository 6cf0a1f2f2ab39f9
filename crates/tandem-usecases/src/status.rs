//! The health of a project, a portfolio or a goal as Tandem derives it,
//! and the status updates their people post: the figures both are judged
//! on are read here, once, from what writes keep (roll-ups, counts, the
//! latest baseline's finish) and the scheduled finish the caller brings,
//! never from every task.

use std::future::Future;

use chrono::NaiveDate;
use tandem_domain::health::{self, Assessment, HealthInput, ProjectVerdict, Reason, StatusFigures};
use tandem_domain::{
    FieldError, GoalStatus, Health, Id, Milestone, Project, ProjectStatus, StatusUpdate,
    StatusUpdateFields, risk_level,
};
use tandem_store::{HealthReads, ProjectAccess, ProjectProgress, Scope, Store, UpdateOn};

use crate::portfolios::Row;
use crate::{Error, Result, Writer, goals, portfolios};

/// Updates a page of the history shows at most.
pub const MAX_UPDATES_PAGE: usize = 100;

/// Where a project stands: the verdict and its reasons, the figures, and
/// its people's latest word.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectHealth {
    pub assessment: Assessment,
    pub figures: StatusFigures,
    pub latest: Option<StatusUpdate>,
    /// No update yet, or the latest is older than the cadence.
    pub update_due: bool,
    /// The first milestone from today on, by date: name and date.
    pub next_milestone: Option<(String, NaiveDate)>,
    /// Open risks at the register's "high" level (score 12 or more).
    pub high_risks: usize,
    /// The roll-ups it was judged on, for callers that show them too.
    pub progress: ProjectProgress,
    /// The project's milestones, in their order.
    pub milestones: Vec<Milestone>,
}

/// Judges the project `access` opens. `finish` is its scheduled finish
/// (from the stored schedule), `None` when the plan cannot be scheduled.
pub async fn project_health(
    store: &dyn Store,
    project: &Project,
    access: ProjectAccess,
    finish: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<ProjectHealth> {
    let reads = store
        .health_reads(&[access], today)
        .await?
        .remove(&access.project_id())
        .unwrap_or_default();
    Ok(judge(project, reads, finish, today))
}

/// Judges a project on what was read of it and its scheduled finish.
pub fn judge(
    project: &Project,
    reads: HealthReads,
    finish: Option<NaiveDate>,
    today: NaiveDate,
) -> ProjectHealth {
    let HealthReads {
        progress,
        overdue_tasks: overdue,
        baseline,
        risk_scores,
        milestones,
        latest_update: latest,
        stored_finish: _,
    } = reads;
    // A milestone is missed when its date has passed and work in it is
    // still open; one with no work is the plan lint's concern.
    let missed: Vec<(&str, NaiveDate)> = milestones
        .iter()
        .filter_map(|m| {
            let date = m.date.filter(|d| *d < today)?;
            let (_, p) = progress.milestones.iter().find(|(id, _)| *id == m.id)?;
            (p.leaf_tasks > p.done_tasks).then_some((m.name.as_str(), date))
        })
        .collect();
    let input = HealthInput {
        today,
        target: project.target_date,
        finish,
        baseline: baseline
            .as_ref()
            .map(|(name, finish)| (name.as_str(), finish.date())),
        open_tasks: progress.open_tasks,
        overdue_tasks: overdue,
        risk_scores: &risk_scores,
        missed_milestones: &missed,
    };
    let next_milestone = milestones
        .iter()
        .filter_map(|m| Some((m.date.filter(|d| *d >= today)?, m.name.as_str())))
        .min()
        .map(|(date, name)| (name.to_string(), date));
    let assessment = health::assess(&input);
    let figures = StatusFigures::new(&input, progress.project.percent, risk_scores.len());
    ProjectHealth {
        next_milestone,
        high_risks: risk_scores
            .iter()
            .filter(|s| risk_level(**s) == "high")
            .count(),
        assessment,
        figures,
        // A project done, cancelled or archived owes no more updates.
        update_due: project.archived_at.is_none()
            && !matches!(
                project.status,
                ProjectStatus::Done | ProjectStatus::Cancelled
            )
            && health::update_due(
                latest.as_ref().map(|u| u.created_at.date_naive()),
                today,
                project.update_cadence_days,
            ),
        latest,
        progress,
        milestones,
    }
}

/// Judges each of `projects` (the workspace's, as its owners see them)
/// now and keeps the verdict (`ProjectStore::note_health`): the key and
/// new health of each whose health changed. `finish` gives the scheduled
/// finish of a plan never scheduled. Archived projects are left as they
/// were last judged.
pub async fn note_health<F, Fut>(
    store: &dyn Store,
    projects: &[(Project, ProjectAccess)],
    today: NaiveDate,
    finish: F,
) -> Result<Vec<(String, Health)>>
where
    F: Fn(ProjectAccess, String) -> Fut,
    Fut: Future<Output = Option<NaiveDate>>,
{
    let projects: Vec<&(Project, ProjectAccess)> = projects
        .iter()
        .filter(|(p, _)| p.archived_at.is_none())
        .collect();
    let accesses: Vec<ProjectAccess> = projects.iter().map(|(_, a)| *a).collect();
    let mut reads = store.health_reads(&accesses, today).await?;
    let mut changed = Vec::new();
    for (project, access) in projects {
        let read = reads.remove(&project.id).unwrap_or_default();
        let scheduled = scheduled_finish(&read, *access, &project.key, &finish).await;
        let health = judge(project, read, scheduled, today).assessment.health;
        if project.health != Some(health) && store.note_health(*access, health).await? {
            changed.push((project.key.clone(), health));
        }
    }
    Ok(changed)
}

/// A project's scheduled finish: the stored schedule's, or for a plan
/// never scheduled, what `finish` gives.
pub(crate) async fn scheduled_finish<F, Fut>(
    read: &HealthReads,
    access: ProjectAccess,
    key: &str,
    finish: &F,
) -> Option<NaiveDate>
where
    F: Fn(ProjectAccess, String) -> Fut,
    Fut: Future<Output = Option<NaiveDate>>,
{
    match read.stored_finish {
        Some(stored) => Some(stored.date()),
        None => finish(access, key.to_string()).await,
    }
}

/// Posts a status update on the project `key` names, keeping the figures
/// of this moment with it. `fields` makes the update from the health
/// derived now (what stands in for a verdict the author left out).
pub async fn post(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    finish: Option<NaiveDate>,
    today: NaiveDate,
    fields: impl FnOnce(Health) -> std::result::Result<StatusUpdateFields, Vec<FieldError>>,
) -> Result<StatusUpdate> {
    let (project, access) = store.open_project(*writer.scope(), key).await?;
    let now = project_health(store, &project, access, finish, today).await?;
    let fields = fields(now.assessment.health).map_err(Error::Invalid)?;
    Ok(store
        .create_status_update(
            writer.scope(),
            UpdateOn::Project(access),
            &fields,
            &now.figures,
        )
        .await?)
}

/// The updates of what `on` names, newest first, `limit` of them (at most
/// [`MAX_UPDATES_PAGE`]) older than `before`. The caller has found that
/// the reader sees it. A guest reads none of a portfolio's or a goal's:
/// written of the whole, with the whole's figures, they may name and
/// count projects the guest may not open.
pub async fn history(
    store: &dyn Store,
    scope: Scope,
    on: UpdateOn,
    before: Option<Id>,
    limit: usize,
) -> Result<Vec<StatusUpdate>> {
    if !matches!(on, UpdateOn::Project(_)) && !scope.role.sees_all_projects() {
        return Ok(Vec::new());
    }
    Ok(store
        .list_status_updates(scope, on, before, limit.clamp(1, MAX_UPDATES_PAGE))
        .await?)
}

/// Where a portfolio or a goal stands: the verdict Tandem proposes and
/// why, the figures of its projects taken together, and its people's
/// latest word.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub assessment: Assessment,
    pub figures: StatusFigures,
    pub latest: Option<StatusUpdate>,
}

/// Judges a portfolio on its table: the share of its projects in
/// trouble, with their figures added up.
pub fn portfolio_assessment(rows: &[Row], progress: f64) -> (Assessment, StatusFigures) {
    let verdicts: Vec<ProjectVerdict> = rows
        .iter()
        .map(|r| ProjectVerdict {
            name: &r.project.key,
            health: r.health.assessment.health,
        })
        .collect();
    let reasons = health::assess_projects(&verdicts);
    let verdict = health::verdict(&reasons);
    let mut figures =
        StatusFigures::combined(rows.iter().map(|r| &r.health.figures), progress, verdict);
    // An ongoing project has no finish to speak of: its dates and slips
    // stay out of the whole's.
    let dated = StatusFigures::combined(
        rows.iter()
            .filter(|r| !r.project.ongoing)
            .map(|r| &r.health.figures),
        progress,
        verdict,
    );
    figures.scheduled_finish = dated.scheduled_finish;
    figures.target_date = dated.target_date;
    figures.slip_days = dated.slip_days;
    figures.baseline_slip_days = dated.baseline_slip_days;
    (
        Assessment {
            health: verdict,
            reasons,
        },
        figures,
    )
}

/// Where the portfolio `id` stands for the reader, from its table (see
/// [`portfolios::table`] for `finish`).
pub async fn portfolio_standing<F, Fut>(
    store: &dyn Store,
    scope: Scope,
    id: Id,
    today: NaiveDate,
    finish: F,
) -> Result<Standing>
where
    F: Fn(ProjectAccess, String) -> Fut,
    Fut: Future<Output = Option<NaiveDate>>,
{
    let seen = portfolios::get(store, scope, id).await?;
    let (rows, totals) = portfolios::table(store, &seen, today, finish).await?;
    let (assessment, figures) = portfolio_assessment(&rows, totals.progress);
    let latest = latest(store, scope, UpdateOn::Portfolio(id)).await?;
    Ok(Standing {
        assessment,
        figures,
        latest,
    })
}

/// The health a goal's status stands for.
pub fn goal_health(status: GoalStatus) -> Health {
    match status {
        GoalStatus::OnTrack | GoalStatus::Achieved | GoalStatus::Dropped => Health::OnTrack,
        GoalStatus::AtRisk => Health::AtRisk,
        GoalStatus::OffTrack | GoalStatus::Missed => Health::OffTrack,
    }
}

/// Where the goal `id` stands for the reader: its derived status and its
/// reasons, what its projects' health says, and whether their work is
/// scheduled past the goal's period. The figures are those projects'
/// added up, with the goal's own progress and its period's end as the
/// target.
pub async fn goal_standing<F, Fut>(
    store: &dyn Store,
    scope: Scope,
    id: Id,
    today: NaiveDate,
    finish: F,
) -> Result<Standing>
where
    F: Fn(ProjectAccess, String) -> Fut,
    Fut: Future<Output = Option<NaiveDate>>,
{
    let seen = goals::get(store, scope, id, today).await?;
    goal_standing_of(store, scope, &seen, today, finish).await
}

/// [`goal_standing`] of a goal already read.
pub async fn goal_standing_of<F, Fut>(
    store: &dyn Store,
    scope: Scope,
    seen: &goals::Seen,
    today: NaiveDate,
    finish: F,
) -> Result<Standing>
where
    F: Fn(ProjectAccess, String) -> Fut,
    Fut: Future<Output = Option<NaiveDate>>,
{
    let id = seen.goal.id;
    let mut rows = Vec::with_capacity(seen.projects.len());
    for (project, _) in &seen.projects {
        let (project, access) = store.open_project(scope, &project.key).await?;
        let finish = finish(access, project.key.clone()).await;
        let health = project_health(store, &project, access, finish, today).await?;
        rows.push(Row { project, health });
    }
    // The owner's word, where given, leads: it is what the goal's page
    // says of it.
    let status = seen.assessment.status;
    let mut reasons: Vec<Reason> = seen
        .assessment
        .reasons
        .iter()
        .map(|text| Reason {
            health: goal_health(status),
            text: sentence(text),
        })
        .collect();
    // A goal achieved or dropped is settled: its projects' trouble is
    // theirs, not the goal's.
    let settled = matches!(status, GoalStatus::Achieved | GoalStatus::Dropped);
    let (projects, mut figures) = portfolio_assessment(&rows, seen.progress);
    if !settled {
        reasons.extend(projects.reasons);
    }
    let end = seen.goal.period.map(|p| p.end);
    figures.target_date = end;
    figures.slip_days = end
        .zip(figures.scheduled_finish)
        .map(|(end, finish)| (finish - end).num_days());
    if let (Some(end), Some(finish)) = (end, figures.scheduled_finish)
        && finish > end
        && !settled
        && seen.progress < 99.95
    {
        reasons.push(Reason {
            health: Health::AtRisk,
            text: format!(
                "The work serving it is scheduled to finish {finish}, {} days after its period ends ({end}).",
                (finish - end).num_days()
            ),
        });
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.health));
    let verdict = health::verdict(&reasons);
    figures.derived_health = verdict;
    let latest = latest(store, scope, UpdateOn::Goal(id)).await?;
    Ok(Standing {
        assessment: Assessment {
            health: verdict,
            reasons,
        },
        figures,
        latest,
    })
}

/// A goal's reason ("its period ends…") as a sentence.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string());
    let mut s = first.unwrap_or_default() + chars.as_str();
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

async fn latest(store: &dyn Store, scope: Scope, on: UpdateOn) -> Result<Option<StatusUpdate>> {
    Ok(history(store, scope, on, None, 1).await?.into_iter().next())
}

/// Posts a status update on the portfolio or goal `on` names, keeping
/// the figures of `now` (its [`Standing`], read for the writer) with it.
/// `fields` makes the update from the health derived now.
pub async fn post_above(
    store: &dyn Store,
    writer: &Writer,
    on: UpdateOn,
    now: &Standing,
    fields: impl FnOnce(Health) -> std::result::Result<StatusUpdateFields, Vec<FieldError>>,
) -> Result<StatusUpdate> {
    let fields = fields(now.assessment.health).map_err(Error::Invalid)?;
    Ok(store
        .create_status_update(writer.scope(), on, &fields, &now.figures)
        .await?)
}
