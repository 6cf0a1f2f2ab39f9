//! Goals: the tree, each goal's key results and what serves it, and its
//! computed progress and status.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::{
    FieldError, GoalFields, GoalMeasure, GoalStatus, Id, KeyResultFields, Period, ProjectKey,
    TaskKey, TaskStatus, UserRef, Validation,
};

use crate::common::{double_option, patch_email, patch_text};

/// A goal to create, or what changes of one (each list replaces the one
/// it names; `null` clears a field).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Markdown.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    /// A member's email.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    /// `2027`, `2027-H1`, `2027-Q3`, `2027-03` or `2027-01-15..2027-04-30`.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub period: Option<Option<String>>,
    /// The id of the goal above it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub parent: Option<Option<Id>>,
    /// Its status set by hand; `null` lets Tandem derive it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<Option<GoalStatus>>,
    /// What its progress is measured by; `null` takes the first it has of
    /// key results, sub-goals, projects and tasks.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub measure: Option<Option<GoalMeasure>>,
    /// How much it counts in its parent's progress (0 to 1000; 1 unless
    /// given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// The keys of the projects serving it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projects: Option<Vec<String>>,
    /// The keys of the tasks serving it (`KEY-12`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<String>>,
}

impl GoalInput {
    pub fn apply(self, current: Option<GoalFields>) -> Result<GoalFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let base = current.clone();
        let title = match (self.title, &current) {
            (Some(title), _) => title,
            (None, Some(c)) => c.title.clone(),
            (None, None) => {
                v.push("title", "is required");
                String::new()
            }
        };
        let mut fields = base.unwrap_or_else(|| GoalFields::new(""));
        fields.title = title;
        fields.description = patch_text(
            &mut v,
            "description",
            self.description,
            fields.description.take(),
        );
        fields.owner = patch_email(&mut v, "owner", self.owner, fields.owner.take());
        match self.period {
            None => {}
            Some(None) => fields.period = None,
            Some(Some(text)) if text.trim().is_empty() => fields.period = None,
            Some(Some(text)) => fields.period = v.take("period", Period::parse(&text)),
        }
        if let Some(parent) = self.parent {
            fields.parent = parent;
        }
        if let Some(status) = self.status {
            fields.status = status;
        }
        if let Some(measure) = self.measure {
            fields.measure = measure;
        }
        if let Some(weight) = self.weight {
            fields.weight = weight;
        }
        if let Some(keys) = self.projects {
            fields.projects = keys
                .iter()
                .filter_map(|k| v.take("projects", ProjectKey::parse(k)))
                .collect();
        }
        if let Some(keys) = self.tasks {
            fields.tasks = keys
                .iter()
                .filter_map(|k| v.take("tasks", TaskKey::parse(k)))
                .collect();
        }
        if v.is_empty() {
            v.merge(fields.check());
        }
        v.finish(|| fields)
    }
}

/// A key result to add, or what changes of one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyResultInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it is counted in (`%`, `customers`, `ms`).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub unit: Option<Option<String>>,
    /// Where it stood when the goal was set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    /// Where it should be by the end of the period (below `start` for a
    /// metric meant to fall).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Where it stands now; `start` unless given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<f64>,
}

impl KeyResultInput {
    pub fn apply(
        self,
        current: Option<KeyResultFields>,
    ) -> Result<KeyResultFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let mut need = |field: &str, value: Option<f64>, was: Option<f64>| {
            value.or(was).unwrap_or_else(|| {
                v.push(field, "is required");
                0.0
            })
        };
        let start = need("start", self.start, current.as_ref().map(|c| c.start));
        let target = need("target", self.target, current.as_ref().map(|c| c.target));
        let name = self
            .name
            .or_else(|| current.as_ref().map(|c| c.name.clone()))
            .unwrap_or_else(|| {
                v.push("name", "is required");
                String::new()
            });
        let unit = patch_text(
            &mut v,
            "unit",
            self.unit,
            current.as_ref().and_then(|c| c.unit.clone()),
        );
        let fields = KeyResultFields {
            name,
            unit,
            start,
            target,
            current: self
                .current
                .or(current.as_ref().map(|c| c.current))
                .unwrap_or(start),
        };
        if v.is_empty() {
            v.merge(fields.check());
        }
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GoalRef {
    pub id: Id,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PeriodView {
    /// Its shortest name: `2027-H1`, or `start..end`.
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct KeyResultView {
    pub id: Id,
    pub name: String,
    pub unit: Option<String>,
    pub start: f64,
    pub target: f64,
    pub current: f64,
    /// How far it has moved from start to target, percent 0 to 100.
    pub progress: f64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GoalProjectView {
    pub key: String,
    pub name: String,
    /// Its rolled-up progress, percent 0 to 100.
    pub progress: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GoalTaskView {
    pub key: String,
    pub title: String,
    pub status: TaskStatus,
    /// Percent 0 to 100 (a done task counts 100).
    pub progress: f64,
}

/// A goal, measured: what the caller may open of it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct GoalView {
    pub id: Id,
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<UserRef>,
    pub period: Option<PeriodView>,
    pub parent: Option<GoalRef>,
    /// Percent 0 to 100, computed from what measures it.
    pub progress: f64,
    /// What its progress was measured by; `null` while nothing measures it.
    pub measured_by: Option<GoalMeasure>,
    /// The measure its owner chose; `null`: the first it has.
    pub measure: Option<GoalMeasure>,
    /// As set by hand where it is, else `derived_status`.
    pub status: GoalStatus,
    pub derived_status: GoalStatus,
    /// Whether `status` was set by hand rather than derived.
    pub status_set: bool,
    /// Why Tandem derives what it does.
    pub reasons: Vec<String>,
    pub weight: f64,
    pub key_results: Vec<KeyResultView>,
    pub projects: Vec<GoalProjectView>,
    pub tasks: Vec<GoalTaskView>,
    /// Its sub-goals.
    pub goals: Vec<GoalRef>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
