//! Templates: a project saved as one, the starters, and what each holds.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::UserRef;

/// A template a project was made from, and its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TemplateRef {
    pub name: String,
    pub version: i64,
}

/// Save a project as a template.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveTemplate {
    /// The project's key.
    pub project: Option<String>,
    /// The template's name; saving under a name again adds a version.
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Names for the roles owners become: member email → role name
    /// ("Designer"); an owner left out becomes a role named after them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<BTreeMap<String, String>>,
}

/// A template as listed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TemplateSummaryView {
    pub name: String,
    pub version: i64,
    /// One of the three Tandem ships with.
    pub starter: bool,
    pub description: Option<String>,
    /// The project it was saved from.
    pub source_project: Option<String>,
    pub created_by: Option<UserRef>,
    pub created_at: Option<DateTime<Utc>>,
    /// The people a project from it needs, by what they do.
    pub roles: Vec<String>,
    pub phase_count: usize,
    pub milestone_count: usize,
    pub task_count: usize,
    pub risk_count: usize,
    /// From the start to its last dated part (or its target), in working
    /// days.
    pub span_working_days: i64,
}

/// A template with what it holds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TemplateView {
    #[serde(flatten)]
    pub summary: TemplateSummaryView,
    pub objective: Option<String>,
    pub phases: Vec<TemplatePhaseView>,
    pub milestones: Vec<TemplateMilestoneView>,
    pub tasks: Vec<TemplateTaskView>,
    pub risks: Vec<TemplateRiskView>,
    /// Its versions, newest first.
    pub versions: Vec<TemplateVersionView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TemplatePhaseView {
    pub name: String,
    /// Working days from the project's start.
    pub start: Option<i64>,
    pub end: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TemplateMilestoneView {
    pub name: String,
    /// Working days from the project's start.
    pub date: Option<i64>,
    pub phase: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TemplateTaskView {
    pub title: String,
    pub role: Option<String>,
    pub estimate_days: Option<f64>,
    pub phase: Option<String>,
    /// The titles of the tasks before it (finish-to-start unless said).
    pub after: Vec<String>,
    /// Its parent's title.
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TemplateRiskView {
    pub title: String,
    pub probability: i64,
    pub impact: i64,
    pub role: Option<String>,
    pub mitigation: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TemplateVersionView {
    pub version: i64,
    pub source_project: Option<String>,
    pub created_by: Option<UserRef>,
    pub created_at: Option<DateTime<Utc>>,
}

/// Save a task and its subtasks as a task template.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveTaskTemplate {
    /// The task's key.
    pub task: Option<String>,
    /// The template's name; saving under a name again adds a version.
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A task template: a task and its subtasks.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TaskTemplateView {
    pub name: String,
    pub version: i64,
    pub description: Option<String>,
    /// The task it was saved from.
    pub source_task: Option<String>,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    /// The top task first, then its subtasks, each after its parent.
    pub tasks: Vec<TaskTemplateTaskView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TaskTemplateTaskView {
    pub title: String,
    /// Its parent's place in `tasks`.
    pub parent: Option<usize>,
    pub estimate_days: Option<f64>,
    /// Its due date, in calendar days from the top task's.
    pub due_offset_days: Option<i64>,
}
