//! Scheduling a project: its calendar's exceptions, the computed schedule
//! with variance against a baseline, baselines, the Monte Carlo forecast
//! and resource levelling.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

/// A holiday or a day of other hours in a project's calendar.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCalendarException {
    #[schemars(required)]
    pub name: Option<String>,
    #[schemars(required)]
    pub start_date: Option<NaiveDate>,
    /// Defaults to the start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// The hours worked on those days, e.g. `"09:00-13:00"`; absent or
    /// empty for none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

impl CreateCalendarException {
    pub fn into_domain(self) -> Result<tandem_domain::calendar::ExceptionFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = validate::required_text(self.name.as_deref(), "name", 200, &mut v);
        if self.start_date.is_none() {
            v.push("start_date", "is required");
        }
        let hours = v
            .take(
                "hours",
                tandem_domain::calendar::parse_hours(self.hours.as_deref().unwrap_or_default()),
            )
            .unwrap_or_default();
        let start = self.start_date.unwrap_or_default();
        let fields = tandem_domain::calendar::ExceptionFields {
            name,
            start,
            end: self.end_date.unwrap_or(start),
            hours,
        };
        if self.start_date.is_some() {
            v.merge(fields.check());
        }
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CalendarExceptionView {
    pub id: Id,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Empty for a day off.
    pub hours: String,
}

impl From<tandem_domain::calendar::CalendarException> for CalendarExceptionView {
    fn from(e: tandem_domain::calendar::CalendarException) -> Self {
        CalendarExceptionView {
            id: e.id,
            name: e.name,
            start_date: e.start,
            end_date: e.end,
            hours: tandem_domain::calendar::format_hours(&e.hours),
        }
    }
}

/// One task's computed dates, local `YYYY-MM-DDTHH:MM`, and its slack in
/// working minutes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScheduledTaskView {
    pub key: String,
    pub title: String,
    pub early_start: String,
    pub early_finish: String,
    pub late_start: String,
    pub late_finish: String,
    pub total_slack_minutes: i64,
    pub free_slack_minutes: i64,
    pub critical: bool,
    pub summary: bool,
    pub milestone: bool,
    /// Against the baseline, when the task is in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variance: Option<VarianceView>,
}

/// Where a task (or milestone) stood in the baseline and how far it has
/// moved since, in working days on the project's calendar: positive is
/// later, or longer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VarianceView {
    pub baseline_start: String,
    pub baseline_finish: String,
    pub start_days: f64,
    pub finish_days: f64,
    pub duration_days: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScheduleView {
    pub start: String,
    pub finish: String,
    /// When the stored schedule was computed.
    pub computed_at: DateTime<Utc>,
    /// Keys of the critical leaf tasks, in start order; empty on a page
    /// (`?limit=`), whose rows say which are critical.
    pub critical_path: Vec<String>,
    /// The critical path as the chains of links it is made of, each in
    /// order, every step a link that exists; critical tasks no link joins
    /// are chains of one. Empty on a page, as `critical_path` is.
    #[serde(default)]
    pub critical_chains: Vec<Vec<String>>,
    /// Each task's row, in the order of the tasks' ids; empty in the
    /// compact form (`?form=compact`), which has `rows` instead.
    pub tasks: Vec<ScheduledTaskView>,
    /// The compact form's rows: `[key, early_start, early_finish,
    /// total_slack_minutes, critical]`, what a page of bars needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<CompactScheduleRow>,
    /// With `?limit=`: the `cursor` of the next page, absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Constraints that break links, missed deadlines.
    pub warnings: Vec<String>,
    /// The baseline the variances are measured against: the newest one,
    /// or the one named by `?baseline=ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineView>,
    /// Each milestone with tasks in the baseline: the latest finish of its
    /// tasks then and now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<MilestoneVarianceView>,
}

/// A task's row in the compact form of a schedule: key, early start, early
/// finish, total slack in minutes, and whether it is critical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompactScheduleRow(pub String, pub String, pub String, pub i64, pub bool);

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MilestoneVarianceView {
    pub id: Id,
    pub name: String,
    pub finish: String,
    pub baseline_finish: String,
    pub finish_days: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBaseline {
    /// Defaults to "Baseline N".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct BaselineView {
    pub id: Id,
    pub name: String,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    /// How many tasks it holds (absent in lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<usize>,
}

impl From<Baseline> for BaselineView {
    fn from(b: Baseline) -> Self {
        BaselineView {
            id: b.id,
            name: b.name,
            created_by: b.created_by,
            created_at: b.created_at,
            tasks: (!b.tasks.is_empty()).then_some(b.tasks.len()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CriticalityView {
    pub key: String,
    /// Share of runs in which the task was critical, 0 to 1.
    pub index: f64,
}

/// Finish dates at three confidence levels, local `YYYY-MM-DDTHH:MM`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PercentilesView {
    pub p50: String,
    pub p80: String,
    pub p95: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ForecastView {
    pub runs: usize,
    pub seed: u64,
    /// The finish without uncertainty, for comparison.
    pub planned_finish: String,
    pub finish: PercentilesView,
    /// Milestone tasks (estimated at zero) and their finish percentiles.
    pub milestones: Vec<(String, PercentilesView)>,
    /// Tasks by criticality index, highest first.
    pub criticality: Vec<CriticalityView>,
    /// Tasks whose three-point estimate lets them vary, of `tasks`, the
    /// work that could (not summaries, milestones or finished work).
    pub uncertain_tasks: usize,
    pub tasks: usize,
    /// Tasks planned for a time outside their own three-point range (an
    /// estimate changed, its three points not): every run draws from the
    /// range instead, so the spread does not hold the plan.
    #[serde(default)]
    pub outside_range: Vec<String>,
    /// Said when the spread means little: no task uncertain (P50 = P80 =
    /// P95), or fewer than one in four; and which tasks are planned
    /// outside their range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OverallocationView {
    pub owner: UserRef,
    pub hours_before: f64,
    pub hours_after: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LevelledTaskView {
    pub key: String,
    pub start: String,
    pub finish: String,
    /// Working days the levelling moved the task later.
    pub delayed_days: f64,
    /// Working days of its own levelling delay: how much of the move is
    /// levelling's choice for this task rather than its predecessors'
    /// moves (0 for a task only pushed along by them).
    pub levelling_delay_days: f64,
}

/// A preview: nothing is changed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LevellingView {
    pub finish_before: String,
    pub finish_after: String,
    /// Working days the finish moves.
    pub cost_days: f64,
    pub overallocations: Vec<OverallocationView>,
    /// The tasks levelling delays.
    pub delayed: Vec<LevelledTaskView>,
    /// Whether the delays were written to the tasks (as each one's
    /// levelling delay), or this is only a preview.
    #[serde(default)]
    pub applied: bool,
    /// The newest levelling written to the project and not taken back:
    /// what `POST …/levelling/undo` would take back. None if there is none.
    #[serde(default)]
    pub standing: Option<AppliedLevellingView>,
}

/// A levelling written to a project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AppliedLevellingView {
    pub id: Id,
    pub applied_by: Option<UserRef>,
    pub applied_at: DateTime<Utc>,
    /// When it was taken back; absent while it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_at: Option<DateTime<Utc>>,
    /// The keys of the tasks whose levelling delay it changed.
    pub tasks: Vec<String>,
}

/// Levelling across a workspace's active projects: each project's
/// levelling, in the order they were levelled (earliest start first),
/// each around its people's work in the others.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WorkspaceLevellingView {
    pub projects: Vec<ProjectLevellingView>,
    /// Whether each project's levelling was written, or this is a preview.
    pub applied: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProjectLevellingView {
    /// The project's key.
    pub project: String,
    pub levelling: LevellingView,
}

/// What clearing a project's levelling did.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ClearedLevellingView {
    /// The keys of the tasks whose levelling delay was taken away.
    pub cleared: Vec<String>,
    /// The clearing as recorded, which `POST …/levelling/undo` takes back;
    /// absent when no task had a delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levelling: Option<AppliedLevellingView>,
}

impl From<AppliedLevelling> for AppliedLevellingView {
    fn from(l: AppliedLevelling) -> Self {
        AppliedLevellingView {
            id: l.id,
            applied_by: l.applied_by,
            applied_at: l.applied_at,
            undone_at: l.undone_at,
            tasks: l.tasks.into_iter().map(|t| t.key).collect(),
        }
    }
}
