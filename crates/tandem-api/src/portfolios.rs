//! Portfolios: named sets of projects and of other portfolios, and the
//! table of one.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::{
    FieldError, Health, Id, PortfolioFields, ProjectKey, ProjectStatus, Stage, UserRef, Validation,
};

use crate::common::{double_option, patch_email};

/// A portfolio to create, or what changes of one (each list replaces
/// the one it names).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A member's email; `null` clears it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    /// Its projects' keys, in the order shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projects: Option<Vec<String>>,
    /// The ids of the portfolios it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portfolios: Option<Vec<Id>>,
}

impl PortfolioInput {
    pub fn apply(
        self,
        current: Option<PortfolioFields>,
    ) -> Result<PortfolioFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = match (self.name, &current) {
            (Some(name), _) => name,
            (None, Some(c)) => c.name.clone(),
            (None, None) => {
                v.push("name", "is required");
                String::new()
            }
        };
        let projects = match self.projects {
            Some(keys) => keys
                .iter()
                .filter_map(|k| v.take("projects", ProjectKey::parse(k)))
                .collect(),
            None => current
                .as_ref()
                .map(|c| c.projects.clone())
                .unwrap_or_default(),
        };
        let fields = PortfolioFields {
            name,
            owner: patch_email(
                &mut v,
                "owner",
                self.owner,
                current.as_ref().and_then(|c| c.owner.clone()),
            ),
            projects,
            portfolios: self
                .portfolios
                .or_else(|| current.as_ref().map(|c| c.portfolios.clone()))
                .unwrap_or_default(),
        };
        if v.is_empty() {
            v.merge(fields.check());
        }
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PortfolioRef {
    pub id: Id,
    pub name: String,
}

/// A portfolio in a list, or as written: what it holds, of what the
/// caller may open.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PortfolioSummaryView {
    pub id: Id,
    pub name: String,
    pub owner: Option<UserRef>,
    /// The keys of every project in it and the portfolios under it.
    pub projects: Vec<String>,
    pub portfolios: Vec<PortfolioRef>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MilestoneDate {
    pub name: String,
    pub date: NaiveDate,
}

/// A project's latest status update, in short.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LatestUpdate {
    pub health: Health,
    pub text: String,
    pub author: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}

/// One project's row of a portfolio's table.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PortfolioProjectView {
    pub key: String,
    pub name: String,
    pub owner: Option<UserRef>,
    pub stage: Stage,
    pub status: ProjectStatus,
    /// As Tandem derives it (`GET …/projects/{key}/health` says why).
    pub health: Health,
    /// Percent complete, 0 to 100, weighted by effort.
    pub progress: f64,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    /// From the stored schedule; `null` when the plan cannot be scheduled.
    pub scheduled_finish: Option<NaiveDate>,
    /// Calendar days the scheduled finish is after the target.
    pub slip_days: Option<i64>,
    /// Calendar days the scheduled finish is after the latest baseline's.
    pub baseline_slip_days: Option<i64>,
    pub next_milestone: Option<MilestoneDate>,
    /// Open risks scoring 12 or more.
    pub open_high_risks: usize,
    pub overdue_tasks: usize,
    pub budget: Option<f64>,
    pub latest_update: Option<LatestUpdate>,
    /// No status update this week.
    pub update_due: bool,
}

/// How many of the portfolio's projects are at each health.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct HealthCounts {
    pub on_track: usize,
    pub at_risk: usize,
    pub off_track: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PortfolioTotals {
    pub projects: usize,
    /// Percent complete, weighted by each project's effort.
    pub progress: f64,
    /// The sum of the projects' budgets, where any has one.
    pub budget: Option<f64>,
    pub health: HealthCounts,
}

/// A portfolio's table: a row per project the caller may open.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PortfolioView {
    pub id: Id,
    pub name: String,
    pub owner: Option<UserRef>,
    pub portfolios: Vec<PortfolioRef>,
    pub projects: Vec<PortfolioProjectView>,
    pub totals: PortfolioTotals,
    pub version: i64,
}

/// A milestone on the timeline across projects.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MilestoneAcrossView {
    pub id: Id,
    /// Its project's key.
    pub project: String,
    pub project_name: String,
    pub name: String,
    /// The date planned for it.
    pub date: Option<NaiveDate>,
    /// The latest scheduled finish of its tasks, from the stored schedule;
    /// `null` while none of its tasks is scheduled.
    pub scheduled: Option<NaiveDate>,
    /// Calendar days `scheduled` is after `date`.
    pub slip_days: Option<i64>,
}

/// A dependency between tasks of two projects on the timeline.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CrossDependencyView {
    pub id: Id,
    #[serde(rename = "type")]
    pub kind: tandem_domain::DependencyKind,
    /// The task that comes first, by key, and its milestone's id.
    pub predecessor: String,
    pub predecessor_title: String,
    pub predecessor_milestone: Option<Id>,
    pub successor: String,
    pub successor_title: String,
    pub successor_milestone: Option<Id>,
}

/// Every milestone the caller may see (of the workspace or a
/// portfolio), by date, and the dependencies between their projects.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MilestoneTimelineView {
    pub milestones: Vec<MilestoneAcrossView>,
    pub dependencies: Vec<CrossDependencyView>,
}
