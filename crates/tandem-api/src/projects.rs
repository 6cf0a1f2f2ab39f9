//! Projects: creating and changing one (its working week included), and
//! how one is shown with its progress. Phases, milestones, risks and the
//! calendar's exceptions have their own modules.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::rollup::Progress;
use tandem_domain::validate::optional_text;
use tandem_domain::*;

use crate::TemplateRef;
use crate::common::{
    double_option, email_field, format_local, local_time, patch_email, patch_text,
};

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    #[schemars(required)]
    pub key: Option<String>,
    #[schemars(required)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope_out: Option<String>,
    /// The outcome owner's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ProjectStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ongoing: Option<bool>,
    /// Seven days of working hours, Monday first, e.g.
    /// `"08:00-12:00 13:00-17:00"`; `""` is a day off. Default: Monday to
    /// Friday, 08:00–12:00 and 13:00–17:00.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_week: Option<Vec<String>>,
    /// Hours in a day of estimate (default 8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_per_day: Option<f64>,
    /// When progress was last reported, `YYYY-MM-DDTHH:MM` or a date (its
    /// end): work not done is scheduled after it. Without one, an active
    /// project's open work is scheduled from today, never in the past.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<String>,
    /// How often a status update is expected, in days: 0 (none
    /// expected) to 365; 7 (weekly) when left out. A project whose latest
    /// update is older is flagged.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 365))]
    pub update_cadence_days: Option<i64>,
    /// Make it from this template (a starter's name or the workspace's):
    /// its phases, milestones, tasks, links, risks and stakeholders, dated
    /// from `start_date` (today when left out). With a template, only
    /// `key`, `name`, `owner`, `start_date`, `template_version` and `roles`
    /// may be given; the rest comes from the template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The template's version (its newest when left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_version: Option<i64>,
    /// Who fills each of the template's roles: role name → member email.
    /// A role left out leaves its work unassigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<std::collections::BTreeMap<String, String>>,
}

/// The working week a request asks for, on top of `current`.
pub(crate) fn work_week(
    v: &mut Validation,
    days: Option<Vec<String>>,
    hours_per_day: Option<f64>,
    current: WorkWeek,
) -> WorkWeek {
    if days.is_none() && hours_per_day.is_none() {
        return current;
    }
    let days = days.unwrap_or_else(|| current.texts());
    WorkWeek::parse(&days, hours_per_day.unwrap_or(current.hours_per_day), v).unwrap_or(current)
}

impl CreateProject {
    pub fn into_domain(self) -> Result<NewProject, Vec<FieldError>> {
        let mut v = Validation::new();
        let key = match &self.key {
            Some(key) => v.take("key", ProjectKey::parse(key)),
            None => {
                v.push("key", "is required");
                None
            }
        };
        let name = validate::required_text(self.name.as_deref(), "name", 200, &mut v);
        let owner = email_field(&mut v, "owner", self.owner.as_deref());
        let fields = ProjectFields {
            name,
            objective: optional_text(self.objective.as_deref(), "objective", 10_000, &mut v),
            scope_in: optional_text(self.scope_in.as_deref(), "scope_in", 10_000, &mut v),
            scope_out: optional_text(self.scope_out.as_deref(), "scope_out", 10_000, &mut v),
            owner,
            status: self.status.unwrap_or(ProjectStatus::Active),
            stage: self.stage.unwrap_or(Stage::Initiation),
            start_date: self.start_date,
            target_date: self.target_date,
            budget: self.budget,
            ongoing: self.ongoing.unwrap_or(false),
            work_week: work_week(
                &mut v,
                self.work_week,
                self.hours_per_day,
                WorkWeek::default(),
            ),
            status_date: local_time(&mut v, "status_date", self.status_date.as_deref(), 17),
            update_cadence_days: self
                .update_cadence_days
                .unwrap_or(health::UPDATE_CADENCE_DAYS),
        };
        for (field, given) in [
            ("template_version", self.template_version.is_some()),
            ("roles", self.roles.is_some()),
        ] {
            if given {
                v.push(field, "is only for a project made from a template");
            }
        }
        v.merge(fields.check());
        v.finish(|| NewProject {
            key: key.expect("checked"),
            fields,
        })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub objective: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub scope_in: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub scope_out: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ProjectStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub target_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub budget: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ongoing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_week: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_per_day: Option<f64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_date: Option<Option<String>>,
    /// How often a status update is expected, in days: 0 (none
    /// expected) to 365. A project whose latest
    /// update is older is flagged.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 365))]
    pub update_cadence_days: Option<i64>,
}

impl UpdateProject {
    pub fn apply(self, current: ProjectFields) -> Result<ProjectFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = match self.name {
            Some(name) => validate::required_text(Some(&name), "name", 200, &mut v),
            None => current.name,
        };
        let fields = ProjectFields {
            name,
            objective: patch_text(&mut v, "objective", self.objective, current.objective),
            scope_in: patch_text(&mut v, "scope_in", self.scope_in, current.scope_in),
            scope_out: patch_text(&mut v, "scope_out", self.scope_out, current.scope_out),
            owner: patch_email(&mut v, "owner", self.owner, current.owner),
            status: self.status.unwrap_or(current.status),
            stage: self.stage.unwrap_or(current.stage),
            start_date: Patch::from_option(self.start_date).apply(current.start_date),
            target_date: Patch::from_option(self.target_date).apply(current.target_date),
            budget: Patch::from_option(self.budget).apply(current.budget),
            ongoing: self.ongoing.unwrap_or(current.ongoing),
            work_week: work_week(
                &mut v,
                self.work_week,
                self.hours_per_day,
                current.work_week,
            ),
            status_date: match self.status_date {
                None => current.status_date,
                Some(None) => None,
                Some(Some(text)) => local_time(&mut v, "status_date", Some(&text), 17),
            },
            update_cadence_days: self
                .update_cadence_days
                .unwrap_or(current.update_cadence_days),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProgressView {
    /// Weighted percent complete of the leaf tasks, 0 to 100.
    pub percent: f64,
    pub leaf_tasks: usize,
    pub done_tasks: usize,
    pub total_weight_hours: f64,
}

impl From<Progress> for ProgressView {
    fn from(p: Progress) -> Self {
        ProgressView {
            percent: p.percent,
            leaf_tasks: p.leaf_tasks,
            done_tasks: p.done_tasks,
            total_weight_hours: p.total_weight_hours,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProjectView {
    pub id: Id,
    pub key: String,
    pub name: String,
    pub objective: Option<String>,
    pub scope_in: Option<String>,
    pub scope_out: Option<String>,
    pub owner: Option<UserRef>,
    pub status: ProjectStatus,
    pub stage: Stage,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    pub budget: Option<f64>,
    pub ongoing: bool,
    /// Working hours of each day, Monday first.
    pub work_week: Vec<String>,
    pub hours_per_day: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_date: Option<String>,
    /// How often a status update is expected, in days; 0 expects none.
    pub update_cadence_days: i64,
    /// Rolled up from the leaf tasks; present on single-project reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressView>,
    /// When the project was archived (out of the projects index until it
    /// is unarchived); null while it is not.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
    /// The template it was made from, with that template's version.
    pub template: Option<TemplateRef>,
    /// The health Tandem last judged it to be in (`on_track`, `at_risk`,
    /// `off_track`), kept as its figures change; null until first judged.
    /// `GET /projects/{key}/health` judges it now, with the reasons.
    #[serde(default)]
    pub health: Option<Health>,
    /// The task it was promoted from (its key), when the caller may open
    /// it: present on single-project reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_from: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Project> for ProjectView {
    fn from(p: Project) -> Self {
        ProjectView {
            id: p.id,
            key: p.key,
            name: p.name,
            objective: p.objective,
            scope_in: p.scope_in,
            scope_out: p.scope_out,
            owner: p.owner,
            status: p.status,
            stage: p.stage,
            start_date: p.start_date,
            target_date: p.target_date,
            budget: p.budget,
            ongoing: p.ongoing,
            work_week: p.work_week.texts(),
            hours_per_day: p.work_week.hours_per_day,
            status_date: p.status_date.map(format_local),
            update_cadence_days: p.update_cadence_days,
            progress: None,
            archived_at: p.archived_at,
            template: p
                .template
                .map(|(name, version)| TemplateRef { name, version }),
            health: p.health,
            promoted_from: None,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}
