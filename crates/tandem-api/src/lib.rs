//! The JSON shapes of Tandem's HTTP API (`/api/v1`), shared by the server,
//! which produces them, and the CLI, which consumes them.
//!
//! Requests convert into the domain's inputs through explicit methods that
//! collect every offending field: a field the server requires is still an
//! `Option` here, so that a missing one is reported with the rest, and is
//! marked `#[schemars(required)]` for the OpenAPI document. Responses are
//! built from domain entities with `From`. This is the only crate that decides how the model looks on
//! the wire; it does no IO.
//!
//! Requests also serialize, for the CLI that sends them: a field not set is
//! left out, so `null` on the wire only ever means "clear this field" (the
//! `Some(None)` of a partial update).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use tandem_domain::activity::FieldChange;
use tandem_domain::rollup::Progress;
use tandem_domain::validate::optional_text;
use tandem_domain::*;

/// Distinguishes an absent field (`None`) from an explicit `null`
/// (`Some(None)`) in partial updates.
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// RFC 9457 problem details, with Tandem's extensions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every field that broke a rule, for validation errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The task keys on a dependency cycle, in link order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Vec<String>>,
}

// --- sign-in, tokens, workspaces -------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WorkspaceView {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Me {
    pub user: UserRef,
    pub workspaces: Vec<WorkspaceView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TokenView {
    pub id: Id,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The secret, shown once, when the token is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspace {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// Whom to invite. The answer is the same whether an account has this
    /// email or not; the person joins when they accept.
    pub email: String,
    pub role: Role,
}

/// An invitation to join a workspace, waiting for the person it names.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct InvitationView {
    pub id: Id,
    /// The workspace it invites to.
    pub workspace: String,
    pub workspace_name: String,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    /// After this it can no longer be accepted.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MemberView {
    pub user: UserRef,
    pub role: Role,
    /// Hours a week they work.
    pub capacity_hours: f64,
    pub version: i64,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView {
            user: m.user,
            role: m.role,
            capacity_hours: m.capacity_hours,
            version: m.version,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAvailability {
    /// Hours a week (40 for full time).
    #[schemars(required)]
    pub capacity_hours: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTimeOff {
    #[schemars(required)]
    pub start_date: Option<NaiveDate>,
    /// Defaults to the start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TimeOffView {
    pub id: Id,
    pub user_id: Id,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub note: Option<String>,
}

impl From<TimeOff> for TimeOffView {
    fn from(t: TimeOff) -> Self {
        TimeOffView {
            id: t.id,
            user_id: t.user_id,
            start_date: t.start,
            end_date: t.end,
            note: t.note,
        }
    }
}

// --- projects ---------------------------------------------------------------

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
    /// end): work not done is scheduled after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<String>,
}

/// The working week a request asks for, on top of `current`.
fn work_week(
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

fn email_field(v: &mut Validation, field: &str, value: Option<&str>) -> Option<Email> {
    value
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| v.take(field, Email::parse(s)))
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
        };
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
}

fn patch_text(
    v: &mut Validation,
    field: &str,
    value: Option<Option<String>>,
    current: Option<String>,
) -> Option<String> {
    match value {
        None => current,
        Some(None) => None,
        Some(Some(text)) => optional_text(Some(&text), field, 10_000, v),
    }
}

fn patch_email(
    v: &mut Validation,
    field: &str,
    value: Option<Option<String>>,
    current: Option<Email>,
) -> Option<Email> {
    match value {
        None => current,
        Some(None) => None,
        Some(Some(text)) => email_field(v, field, Some(&text)),
    }
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
    /// Rolled up from the leaf tasks; present on single-project reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressView>,
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
            progress: None,
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

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

// --- phases and milestones --------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
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
    pub end_date: Option<Option<NaiveDate>>,
}

impl PhaseInput {
    /// Applies the input to `current`, or builds a new phase when `None`.
    pub fn apply(self, current: Option<PhaseFields>) -> Result<PhaseFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = match (self.name, &current) {
            (Some(name), _) => validate::required_text(Some(&name), "name", 200, &mut v),
            (None, Some(c)) => c.name.clone(),
            (None, None) => validate::required_text(None, "name", 200, &mut v),
        };
        let fields = PhaseFields {
            name,
            position: self
                .position
                .or(current.as_ref().map(|c| c.position))
                .unwrap_or(0),
            start_date: Patch::from_option(self.start_date)
                .apply(current.as_ref().and_then(|c| c.start_date)),
            end_date: Patch::from_option(self.end_date)
                .apply(current.as_ref().and_then(|c| c.end_date)),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PhaseView {
    pub id: Id,
    pub name: String,
    pub position: i64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressView>,
    pub version: i64,
}

impl From<Phase> for PhaseView {
    fn from(p: Phase) -> Self {
        PhaseView {
            id: p.id,
            name: p.name,
            position: p.position,
            start_date: p.start_date,
            end_date: p.end_date,
            progress: None,
            version: p.version,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub phase_id: Option<Option<Id>>,
}

impl MilestoneInput {
    pub fn apply(
        self,
        current: Option<MilestoneFields>,
    ) -> Result<MilestoneFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = match (self.name, &current) {
            (Some(name), _) => validate::required_text(Some(&name), "name", 200, &mut v),
            (None, Some(c)) => c.name.clone(),
            (None, None) => validate::required_text(None, "name", 200, &mut v),
        };
        let fields = MilestoneFields {
            name,
            date: Patch::from_option(self.date).apply(current.as_ref().and_then(|c| c.date)),
            description: patch_text(
                &mut v,
                "description",
                self.description,
                current.as_ref().and_then(|c| c.description.clone()),
            ),
            phase_id: Patch::from_option(self.phase_id)
                .apply(current.as_ref().and_then(|c| c.phase_id)),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MilestoneView {
    pub id: Id,
    pub name: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    pub phase_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressView>,
    pub version: i64,
}

impl From<Milestone> for MilestoneView {
    fn from(m: Milestone) -> Self {
        MilestoneView {
            id: m.id,
            name: m.name,
            date: m.date,
            description: m.description,
            phase_id: m.phase_id,
            progress: None,
            version: m.version,
        }
    }
}

// --- tasks ------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreePointView {
    pub optimistic: f64,
    pub likely: f64,
    pub pessimistic: f64,
}

/// One line that becomes a task: `Write brief @ana #WEB due fri !high`
/// (the title; `@person` by email, name or first name; `#PROJECT`; `due`
/// and a date or date words; `!priority`: low, medium, high or urgent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickAdd {
    #[schemars(required)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    #[schemars(required)]
    pub title: Option<String>,
    /// The project's key; none for a personal task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The owner's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collaborators: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Duration estimate in working days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_point: Option<ThreePointView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<i64>,
    /// asap, alap, snet, snlt, fnet, fnlt, mso or mfo; without one, a start
    /// date means "start no earlier than".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_type: Option<ConstraintType>,
    /// `YYYY-MM-DDTHH:MM`, or a date (the start of its working day for
    /// start constraints, the end for finish constraints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_date: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, or a date (08:00).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_start: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, or a date (17:00).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_finish: Option<String>,
    /// The parent task's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_reason: Option<String>,
}

fn emails(v: &mut Validation, field: &str, list: &[String]) -> Vec<Email> {
    list.iter()
        .filter_map(|e| v.take(field, Email::parse(e)))
        .collect()
}

fn tags(v: &mut Validation, list: &[String]) -> Vec<String> {
    list.iter()
        .filter_map(|t| v.take("tags", parse_tag(t)))
        .collect()
}

/// A plan instant as the API takes it: `YYYY-MM-DDTHH:MM` (seconds
/// allowed), or a bare date at `default_hour`.
fn local_time(
    v: &mut Validation,
    field: &str,
    value: Option<&str>,
    default_hour: u32,
) -> Option<NaiveDateTime> {
    let text = value?.trim();
    let parsed = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(default_hour, 0, 0))
        });
    if parsed.is_none() {
        v.push(field, "must be YYYY-MM-DDTHH:MM or YYYY-MM-DD");
    }
    parsed
}

/// Formats a plan instant as the API writes it.
pub fn format_local(instant: NaiveDateTime) -> String {
    instant.format("%Y-%m-%dT%H:%M").to_string()
}

/// Whether a bare constraint date means the start (08:00) or the end
/// (17:00) of its working day.
fn constraint_hour(kind: Option<ConstraintType>) -> u32 {
    match kind {
        Some(ConstraintType::Fnet | ConstraintType::Fnlt | ConstraintType::Mfo) => 17,
        _ => 8,
    }
}

fn three_point(tp: ThreePointView) -> ThreePoint {
    ThreePoint {
        optimistic: tp.optimistic,
        likely: tp.likely,
        pessimistic: tp.pessimistic,
    }
}

impl CreateTask {
    pub fn into_domain(self) -> Result<NewTask, Vec<FieldError>> {
        let mut v = Validation::new();
        let project = self
            .project
            .as_deref()
            .and_then(|k| v.take("project", ProjectKey::parse(k)));
        let title = validate::required_text(self.title.as_deref(), "title", 500, &mut v);
        let fields = TaskFields {
            title,
            description: self.description.filter(|d| !d.trim().is_empty()),
            owner: email_field(&mut v, "owner", self.owner.as_deref()),
            collaborators: emails(
                &mut v,
                "collaborators",
                self.collaborators.as_deref().unwrap_or_default(),
            ),
            status: self.status.unwrap_or(TaskStatus::Todo),
            priority: self.priority.unwrap_or(Priority::None),
            start_date: self.start_date,
            due_date: self.due_date,
            estimate_days: self.estimate_days,
            effort_hours: self.effort_hours,
            three_point: self.three_point.map(three_point),
            percent_complete: self.percent_complete.unwrap_or(0),
            schedule: TaskScheduling {
                constraint_type: self.constraint_type,
                constraint_date: local_time(
                    &mut v,
                    "constraint_date",
                    self.constraint_date.as_deref(),
                    constraint_hour(self.constraint_type),
                ),
                actual_start: local_time(&mut v, "actual_start", self.actual_start.as_deref(), 8),
                actual_finish: local_time(
                    &mut v,
                    "actual_finish",
                    self.actual_finish.as_deref(),
                    17,
                ),
            },
            parent: self.parent.filter(|p| !p.trim().is_empty()),
            phase_id: self.phase_id,
            milestone_id: self.milestone_id,
            tags: tags(&mut v, self.tags.as_deref().unwrap_or_default()),
            blocked_reason: self.blocked_reason.filter(|r| !r.trim().is_empty()),
        };
        v.merge(fields.check());
        v.finish(|| NewTask { project, fields })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collaborators: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
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
    pub due_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub estimate_days: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub effort_hours: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_point: Option<Option<ThreePointView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<i64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub constraint_type: Option<Option<ConstraintType>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub constraint_date: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub actual_start: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub actual_finish: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub parent: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub phase_id: Option<Option<Id>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub milestone_id: Option<Option<Id>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub blocked_reason: Option<Option<String>>,
}

impl UpdateTask {
    pub fn apply(self, current: TaskFields) -> Result<TaskFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let title = match self.title {
            Some(title) => validate::required_text(Some(&title), "title", 500, &mut v),
            None => current.title,
        };
        let fields = TaskFields {
            title,
            description: Patch::from_option(self.description).apply(current.description),
            owner: patch_email(&mut v, "owner", self.owner, current.owner),
            collaborators: match self.collaborators {
                Some(list) => emails(&mut v, "collaborators", &list),
                None => current.collaborators,
            },
            status: self.status.unwrap_or(current.status),
            priority: self.priority.unwrap_or(current.priority),
            start_date: Patch::from_option(self.start_date).apply(current.start_date),
            due_date: Patch::from_option(self.due_date).apply(current.due_date),
            estimate_days: Patch::from_option(self.estimate_days).apply(current.estimate_days),
            effort_hours: Patch::from_option(self.effort_hours).apply(current.effort_hours),
            three_point: Patch::from_option(self.three_point)
                .map(three_point)
                .apply(current.three_point),
            percent_complete: self.percent_complete.unwrap_or(current.percent_complete),
            schedule: {
                let constraint_type = Patch::from_option(self.constraint_type)
                    .apply(current.schedule.constraint_type);
                let mut time = |field: &str, patch: Option<Option<String>>, old, hour| match patch {
                    None => old,
                    Some(None) => None,
                    Some(Some(text)) => local_time(&mut v, field, Some(&text), hour),
                };
                TaskScheduling {
                    constraint_type,
                    constraint_date: time(
                        "constraint_date",
                        self.constraint_date,
                        current.schedule.constraint_date,
                        constraint_hour(constraint_type),
                    ),
                    actual_start: time(
                        "actual_start",
                        self.actual_start,
                        current.schedule.actual_start,
                        8,
                    ),
                    actual_finish: time(
                        "actual_finish",
                        self.actual_finish,
                        current.schedule.actual_finish,
                        17,
                    ),
                }
            },
            parent: Patch::from_option(self.parent).apply(current.parent),
            phase_id: Patch::from_option(self.phase_id).apply(current.phase_id),
            milestone_id: Patch::from_option(self.milestone_id).apply(current.milestone_id),
            tags: match self.tags {
                Some(list) => tags(&mut v, &list),
                None => current.tags,
            },
            blocked_reason: Patch::from_option(self.blocked_reason).apply(current.blocked_reason),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TaskView {
    pub id: Id,
    pub key: String,
    pub project: Option<ProjectRef>,
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<UserRef>,
    pub collaborators: Vec<UserRef>,
    pub status: TaskStatus,
    pub priority: Priority,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub three_point: Option<ThreePointView>,
    pub percent_complete: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_type: Option<ConstraintType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_finish: Option<String>,
    pub parent: Option<TaskRef>,
    pub phase_id: Option<Id>,
    pub milestone_id: Option<Id>,
    pub tags: Vec<String>,
    pub blocked_reason: Option<String>,
    pub created_by: Option<UserRef>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<Task> for TaskView {
    fn from(t: Task) -> Self {
        TaskView {
            id: t.id,
            key: t.key,
            project: t.project,
            title: t.title,
            description: t.description,
            owner: t.owner,
            collaborators: t.collaborators,
            status: t.status,
            priority: t.priority,
            start_date: t.start_date,
            due_date: t.due_date,
            estimate_days: t.estimate_days,
            effort_hours: t.effort_hours,
            three_point: t.three_point.map(|tp| ThreePointView {
                optimistic: tp.optimistic,
                likely: tp.likely,
                pessimistic: tp.pessimistic,
            }),
            percent_complete: t.percent_complete,
            constraint_type: t.schedule.constraint_type,
            constraint_date: t.schedule.constraint_date.map(format_local),
            actual_start: t.schedule.actual_start.map(format_local),
            actual_finish: t.schedule.actual_finish.map(format_local),
            parent: t.parent,
            phase_id: t.phase_id,
            milestone_id: t.milestone_id,
            tags: t.tags,
            blocked_reason: t.blocked_reason,
            created_by: t.created_by,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
            completed_at: t.completed_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TaskPage {
    pub tasks: Vec<TaskView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

// --- dependencies -----------------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDependency {
    #[schemars(required)]
    pub predecessor: Option<String>,
    #[schemars(required)]
    pub successor: Option<String>,
    #[serde(rename = "type")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DependencyKind>,
    /// The lag, negative for a lead: working days, elapsed days, or a
    /// percentage of the predecessor's duration, as `lag_format` says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_days: Option<f64>,
    /// working_days (default), elapsed_days or percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_format: Option<LagFormat>,
}

impl CreateDependency {
    pub fn into_domain(self) -> Result<NewDependency, Vec<FieldError>> {
        let mut v = Validation::new();
        let predecessor =
            validate::required_text(self.predecessor.as_deref(), "predecessor", 40, &mut v);
        let successor = validate::required_text(self.successor.as_deref(), "successor", 40, &mut v);
        let dependency = NewDependency {
            predecessor,
            successor,
            kind: self.kind.unwrap_or(DependencyKind::Fs),
            lag_days: self.lag_days.unwrap_or(0.0),
            lag_format: self.lag_format.unwrap_or(LagFormat::WorkingDays),
        };
        v.merge(dependency.check());
        v.finish(|| dependency)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDependency {
    #[serde(rename = "type")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DependencyKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_format: Option<LagFormat>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DependencyView {
    pub id: Id,
    pub predecessor: TaskRef,
    pub successor: TaskRef,
    #[serde(rename = "type")]
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub lag_format: LagFormat,
    pub version: i64,
}

impl From<Dependency> for DependencyView {
    fn from(d: Dependency) -> Self {
        DependencyView {
            id: d.id,
            predecessor: d.predecessor,
            successor: d.successor,
            kind: d.kind,
            lag_days: d.lag_days,
            lag_format: d.lag_format,
            version: d.version,
        }
    }
}

// --- stakeholders and risks -------------------------------------------------

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StakeholderInput {
    /// A workspace member's email.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub member: Option<Option<String>>,
    /// An external person's name.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<StakeholderRole>,
}

impl StakeholderInput {
    pub fn apply(
        self,
        current: Option<StakeholderFields>,
    ) -> Result<StakeholderFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let role = match (self.role, &current) {
            (Some(role), _) => role,
            (None, Some(c)) => c.role,
            (None, None) => {
                v.push("role", "is required");
                StakeholderRole::Informed
            }
        };
        let fields = StakeholderFields {
            member: patch_email(
                &mut v,
                "member",
                self.member,
                current.as_ref().and_then(|c| c.member.clone()),
            ),
            name: Patch::from_option(self.name)
                .apply(current.as_ref().and_then(|c| c.name.clone())),
            email: patch_email(
                &mut v,
                "email",
                self.email,
                current.as_ref().and_then(|c| c.email.clone()),
            ),
            role,
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StakeholderView {
    pub id: Id,
    pub user: Option<UserRef>,
    pub name: String,
    pub email: Option<String>,
    pub role: StakeholderRole,
    pub version: i64,
}

impl From<Stakeholder> for StakeholderView {
    fn from(s: Stakeholder) -> Self {
        StakeholderView {
            id: s.id,
            user: s.user,
            name: s.name,
            email: s.email,
            role: s.role,
            version: s.version,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    /// 1 (rare) to 5 (almost certain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<i64>,
    /// 1 (negligible) to 5 (severe).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<i64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub mitigation: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<RiskStatus>,
    /// Keys of linked tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<String>>,
    /// Ids of linked milestones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestones: Option<Vec<Id>>,
}

impl RiskInput {
    pub fn apply(self, current: Option<RiskFields>) -> Result<RiskFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let title = match (self.title, &current) {
            (Some(t), _) => validate::required_text(Some(&t), "title", 500, &mut v),
            (None, Some(c)) => c.title.clone(),
            (None, None) => validate::required_text(None, "title", 500, &mut v),
        };
        let mut number =
            |field: &str, given: Option<i64>, current: Option<i64>| match given.or(current) {
                Some(n) => n,
                None => {
                    v.push(field, "is required");
                    0
                }
            };
        let probability = number(
            "probability",
            self.probability,
            current.as_ref().map(|c| c.probability),
        );
        let impact = number("impact", self.impact, current.as_ref().map(|c| c.impact));
        let fields = RiskFields {
            title,
            description: patch_text(
                &mut v,
                "description",
                self.description,
                current.as_ref().and_then(|c| c.description.clone()),
            ),
            probability,
            impact,
            owner: patch_email(
                &mut v,
                "owner",
                self.owner,
                current.as_ref().and_then(|c| c.owner.clone()),
            ),
            mitigation: patch_text(
                &mut v,
                "mitigation",
                self.mitigation,
                current.as_ref().and_then(|c| c.mitigation.clone()),
            ),
            status: self
                .status
                .or(current.as_ref().map(|c| c.status))
                .unwrap_or(RiskStatus::Open),
            task_keys: self
                .tasks
                .or(current.as_ref().map(|c| c.task_keys.clone()))
                .unwrap_or_default(),
            milestone_ids: self
                .milestones
                .or(current.as_ref().map(|c| c.milestone_ids.clone()))
                .unwrap_or_default(),
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RiskView {
    pub id: Id,
    pub title: String,
    pub description: Option<String>,
    pub probability: i64,
    pub impact: i64,
    /// Probability × impact, 1 to 25.
    pub score: i64,
    /// low, medium or high.
    pub level: String,
    pub owner: Option<UserRef>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub tasks: Vec<TaskRef>,
    pub milestones: Vec<Id>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Risk> for RiskView {
    fn from(r: Risk) -> Self {
        let score = r.score();
        RiskView {
            id: r.id,
            title: r.title,
            description: r.description,
            probability: r.probability,
            impact: r.impact,
            score,
            level: risk_level(score).to_string(),
            owner: r.owner,
            mitigation: r.mitigation,
            status: r.status,
            tasks: r.tasks,
            milestones: r.milestone_ids,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

// --- activity ---------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ActivityView {
    pub id: Id,
    pub actor: Option<UserRef>,
    pub at: DateTime<Utc>,
    pub entity_kind: EntityKind,
    pub entity_id: Id,
    pub entity_label: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
    pub version: String,
}

// --- schedule ---------------------------------------------------------------

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
    /// Keys of the critical leaf tasks, in start order.
    pub critical_path: Vec<String>,
    pub tasks: Vec<ScheduledTaskView>,
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
    /// Whether the delays were written to the tasks (as "start no earlier
    /// than" their levelled start), or this is only a preview.
    #[serde(default)]
    pub applied: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn wire(request: &impl Serialize) -> Value {
        serde_json::to_value(request).unwrap()
    }

    /// A client that sets nothing sends nothing: a partial update must not
    /// clear what it does not name.
    #[test]
    fn requests_leave_out_what_is_not_set() {
        assert_eq!(wire(&UpdateProject::default()), json!({}));
        assert_eq!(wire(&UpdateTask::default()), json!({}));
        assert_eq!(wire(&UpdateDependency::default()), json!({}));
        assert_eq!(wire(&PhaseInput::default()), json!({}));
        assert_eq!(wire(&MilestoneInput::default()), json!({}));
        assert_eq!(wire(&StakeholderInput::default()), json!({}));
        assert_eq!(wire(&RiskInput::default()), json!({}));
        assert_eq!(wire(&CreateBaseline::default()), json!({}));
        let task = CreateTask {
            title: Some("Write brief".into()),
            ..CreateTask::default()
        };
        assert_eq!(wire(&task), json!({"title": "Write brief"}));
    }

    /// `null` clears, and reads back as a clear.
    #[test]
    fn a_cleared_field_is_sent_as_null_and_read_back_as_cleared() {
        let patch = UpdateTask {
            owner: Some(None),
            status: Some(TaskStatus::Done),
            ..UpdateTask::default()
        };
        let sent = wire(&patch);
        assert_eq!(sent, json!({"owner": null, "status": "done"}));
        let read: UpdateTask = serde_json::from_value(sent).unwrap();
        assert!(matches!(read.owner, Some(None)), "{read:?}");
        assert!(read.due_date.is_none(), "{read:?}");
    }
}
