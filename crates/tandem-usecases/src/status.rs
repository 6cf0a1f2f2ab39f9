//! A project's health as Tandem derives it, and the status updates its
//! people post: the figures both are judged on are read here, once, from
//! what writes keep (roll-ups, counts, the latest baseline's finish) and
//! the scheduled finish the caller brings, never from every task.

use chrono::NaiveDate;
use tandem_domain::health::{self, Assessment, HealthInput, StatusFigures};
use tandem_domain::{
    FieldError, Health, Id, Milestone, Project, StatusUpdate, StatusUpdateFields, risk_level,
};
use tandem_store::{ProjectAccess, ProjectProgress, Store};

use crate::{Error, Result, Writer};

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
    let progress = store.project_progress(access).await?;
    let overdue = store.overdue_tasks(access, today).await?;
    let baseline = store.latest_baseline_finish(access).await?;
    let risk_scores = store.open_risk_scores(access).await?;
    let milestones = store.list_milestones(access).await?;
    let latest = store
        .list_status_updates(access, None, 1)
        .await?
        .into_iter()
        .next();
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
    Ok(ProjectHealth {
        next_milestone,
        high_risks: risk_scores
            .iter()
            .filter(|s| risk_level(**s) == "high")
            .count(),
        assessment,
        figures,
        update_due: health::update_due(latest.as_ref().map(|u| u.created_at.date_naive()), today),
        latest,
        progress,
        milestones,
    })
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
        .create_status_update(writer.scope(), access, &fields, &now.figures)
        .await?)
}

/// The project's updates, newest first, `limit` of them (at most
/// [`MAX_UPDATES_PAGE`]) older than `before`.
pub async fn history(
    store: &dyn Store,
    access: ProjectAccess,
    before: Option<Id>,
    limit: usize,
) -> Result<Vec<StatusUpdate>> {
    Ok(store
        .list_status_updates(access, before, limit.clamp(1, MAX_UPDATES_PAGE))
        .await?)
}
