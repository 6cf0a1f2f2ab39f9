//! The entities of the model, their closed vocabularies (roles, statuses,
//! priorities, link types) and the parsed values (keys, emails) that carry
//! their preconditions in their type.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::calendar::WorkWeek;
use crate::validate::{
    FieldError, Validation, check_characters, check_date, optional_text, required_text,
};

pub type Id = i64;

/// Declares a closed vocabulary: a fieldless enum spelled in snake_case on
/// the wire and in storage, with `ALL`, `as_str` and `FromStr`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let wanted = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                match wanted.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "must be one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// A member's role in a workspace.
    Role { Owner = "owner", Admin = "admin", Member = "member", Guest = "guest" }
);

impl Role {
    /// Guests read what is shared with them and change nothing.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Guest)
    }

    pub fn can_manage_members(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Guests see only the projects they are a stakeholder of.
    pub fn sees_all_projects(self) -> bool {
        !matches!(self, Role::Guest)
    }
}

vocabulary!(
    ProjectStatus {
        Proposed = "proposed",
        Active = "active",
        OnHold = "on_hold",
        Done = "done",
        Cancelled = "cancelled",
    }
);

vocabulary!(
    Stage { Initiation = "initiation", Planning = "planning", Execution = "execution", Closing = "closing" }
);

vocabulary!(
    /// The fixed status categories of a task; projects may rename them for
    /// display, but roll-ups and My Work always reason in these.
    TaskStatus {
        Backlog = "backlog",
        Todo = "todo",
        InProgress = "in_progress",
        Blocked = "blocked",
        InReview = "in_review",
        Done = "done",
        Cancelled = "cancelled",
    }
);

impl TaskStatus {
    /// Done and cancelled tasks need no more work.
    pub fn is_closed(self) -> bool {
        matches!(self, TaskStatus::Done | TaskStatus::Cancelled)
    }
}

vocabulary!(
    Priority { Urgent = "urgent", High = "high", Medium = "medium", Low = "low", None = "none" }
);

vocabulary!(
    /// The four link types of a dependency, as in Microsoft Project.
    DependencyKind { Fs = "fs", Ss = "ss", Ff = "ff", Sf = "sf" }
);

vocabulary!(
    /// What a dependency's lag counts: working days on the project's
    /// calendar, elapsed (calendar) days, or a percentage of the
    /// predecessor's duration.
    LagFormat { WorkingDays = "working_days", ElapsedDays = "elapsed_days", Percent = "percent" }
);

vocabulary!(
    /// When a task may be scheduled, as in Microsoft Project: as soon or as
    /// late as possible, start or finish no earlier / no later than a date,
    /// or must start / finish on it.
    ConstraintType {
        Asap = "asap",
        Alap = "alap",
        Snet = "snet",
        Snlt = "snlt",
        Fnet = "fnet",
        Fnlt = "fnlt",
        Mso = "mso",
        Mfo = "mfo",
    }
);

impl ConstraintType {
    /// Whether the constraint names a date (all but ASAP and ALAP).
    pub fn has_date(self) -> bool {
        !matches!(self, ConstraintType::Asap | ConstraintType::Alap)
    }
}

vocabulary!(
    StakeholderRole {
        Sponsor = "sponsor",
        Approver = "approver",
        Contributor = "contributor",
        Informed = "informed",
    }
);

vocabulary!(
    RiskStatus { Open = "open", Mitigating = "mitigating", Closed = "closed", Occurred = "occurred" }
);

vocabulary!(
    /// What kind of object an activity record or a risk link is about.
    EntityKind {
        Workspace = "workspace",
        Member = "member",
        Project = "project",
        Phase = "phase",
        Milestone = "milestone",
        Task = "task",
        Dependency = "dependency",
        Stakeholder = "stakeholder",
        Risk = "risk",
        Baseline = "baseline",
    }
);

/// A project's key: an upper-case letter then 1 to 9 upper-case letters or
/// digits, e.g. `LAUNCH`. Task keys are built from it (`LAUNCH-12`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectKey(String);

/// The prefix of personal tasks' keys (`TASK-7`); no project may take it.
pub const PERSONAL_KEY_PREFIX: &str = "TASK";

impl ProjectKey {
    pub fn parse(s: &str) -> Result<Self, String> {
        let key = s.trim().to_ascii_uppercase();
        let mut chars = key.chars();
        let well_formed = matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && (2..=10).contains(&key.len());
        if !well_formed {
            return Err("must be 2 to 10 letters or digits, starting with a letter".into());
        }
        if key == PERSONAL_KEY_PREFIX {
            return Err(format!(
                "{PERSONAL_KEY_PREFIX} is reserved for personal tasks"
            ));
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A task's key: its project's key and its number in that project
/// (`LAUNCH-12`), or `TASK-<id>` for a personal task.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskKey {
    Project { project: String, number: i64 },
    Personal { id: Id },
}

impl TaskKey {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_uppercase();
        let (prefix, number) = s
            .rsplit_once('-')
            .ok_or_else(|| "must look like KEY-12".to_string())?;
        let number: i64 = number
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| "must end in a positive number, like KEY-12".to_string())?;
        if prefix == PERSONAL_KEY_PREFIX {
            return Ok(TaskKey::Personal { id: number });
        }
        let project = ProjectKey::parse(prefix).map_err(|e| format!("project key {e}"))?;
        Ok(TaskKey::Project {
            project: project.0,
            number,
        })
    }

    pub fn format(project_key: Option<&str>, number: i64, id: Id) -> String {
        match project_key {
            Some(key) => format!("{key}-{number}"),
            None => format!("{PERSONAL_KEY_PREFIX}-{id}"),
        }
    }
}

/// An email address, trimmed and lower-cased. Checked for shape only; mail
/// is never sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, String> {
        let email = s.trim().to_lowercase();
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.contains(char::is_whitespace)
                    && !email.chars().any(crate::validate::is_invisible)
                    && email.matches('@').count() == 1
                    && email.len() <= 254
            }
            None => false,
        };
        if valid {
            Ok(Self(email))
        } else {
            Err("must be an email address".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A workspace's slug: lower-case letters, digits and dashes, used in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, String> {
        let slug = s.trim().to_ascii_lowercase();
        let valid = (2..=40).contains(&slug.len())
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !slug.starts_with('-')
            && !slug.ends_with('-');
        if valid {
            Ok(Self(slug))
        } else {
            Err("must be 2 to 40 lower-case letters, digits or dashes".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tag: lower-case, no spaces.
pub fn parse_tag(s: &str) -> Result<String, String> {
    let tag = s.trim().trim_start_matches('#').to_lowercase();
    if tag.is_empty() || tag.chars().count() > 40 || tag.chars().any(crate::validate::is_invisible)
    {
        return Err("tags are 1 to 40 characters without spaces".into());
    }
    Ok(tag)
}

/// A password as typed; only its length is a rule.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 8 {
        return Err("must be at least 8 characters".into());
    }
    if password.len() > 1024 {
        return Err("must be at most 1024 bytes".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Entities as read back.

/// A user as others see them: enough to show and to address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserRef {
    pub id: Id,
    pub email: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub id: Id,
    pub slug: String,
    pub name: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub user: UserRef,
    pub role: Role,
    /// Hours a week they work (40 for full time); levelling and effort
    /// estimates go by it.
    pub capacity_hours: f64,
    pub version: i64,
}

/// Days a member is away (inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeOff {
    pub id: Id,
    pub user_id: Id,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub note: Option<String>,
}

/// A member's capacity must be a week's hours.
pub fn check_capacity(hours: f64) -> Result<(), Vec<FieldError>> {
    let mut v = Validation::new();
    if !hours.is_finite() || !(0.0..=168.0).contains(&hours) {
        v.push("capacity_hours", "must be between 0 and 168 hours a week");
    }
    v.into_result()
}

/// Checks time off as given.
pub fn check_time_off(
    start: NaiveDate,
    end: NaiveDate,
    note: Option<&str>,
) -> Result<(), Vec<FieldError>> {
    let mut v = Validation::new();
    check_date(Some(start), "start_date", &mut v);
    check_date(Some(end), "end_date", &mut v);
    if end < start {
        v.push("end_date", "must not be before start_date");
    } else if (end - start).num_days() > 366 {
        v.push("end_date", "time off spans at most a year at a time");
    }
    if let Some(note) = note {
        crate::validate::text(note, "note", 500, &mut v);
    }
    v.into_result()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
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
    pub work_week: WorkWeek,
    pub status_date: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub position: i64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    pub phase_id: Option<Id>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreePoint {
    pub optimistic: f64,
    pub likely: f64,
    pub pessimistic: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: Id,
    pub key: String,
    pub project: Option<ProjectRef>,
    pub number: i64,
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
    pub three_point: Option<ThreePoint>,
    pub percent_complete: i64,
    pub schedule: TaskScheduling,
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

/// How a task is held in the plan beyond its estimate: an explicit
/// constraint (without one, a start date means "start no earlier than"),
/// and the actual start and finish of work, local to the project's
/// calendar. Minute precision, as Microsoft Project keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TaskScheduling {
    pub constraint_type: Option<ConstraintType>,
    pub constraint_date: Option<NaiveDateTime>,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_finish: Option<NaiveDateTime>,
}

impl TaskScheduling {
    fn check(&self, v: &mut Validation) {
        check_date(self.constraint_date.map(|d| d.date()), "constraint_date", v);
        check_date(self.actual_start.map(|d| d.date()), "actual_start", v);
        check_date(self.actual_finish.map(|d| d.date()), "actual_finish", v);
        match (self.constraint_type, self.constraint_date) {
            (Some(kind), None) if kind.has_date() => v.push(
                "constraint_date",
                format!("a {kind} constraint needs a date"),
            ),
            (Some(kind), Some(_)) if !kind.has_date() => v.push(
                "constraint_date",
                format!("a {kind} constraint takes no date"),
            ),
            (None, Some(_)) => v.push("constraint_type", "a constraint date needs a type"),
            _ => {}
        }
        match (self.actual_start, self.actual_finish) {
            (None, Some(_)) => v.push("actual_start", "a task that finished has started"),
            (Some(start), Some(finish)) if finish < start => {
                v.push("actual_finish", "must not be before actual_start")
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProjectRef {
    pub id: Id,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TaskRef {
    pub id: Id,
    pub key: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    pub id: Id,
    pub predecessor: TaskRef,
    pub successor: TaskRef,
    pub kind: DependencyKind,
    /// The lag (negative for a lead), in `lag_format`'s unit.
    pub lag_days: f64,
    pub lag_format: LagFormat,
    pub version: i64,
}

/// A dependency by its ends' ids: all that planning and drawing need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub id: Id,
    pub predecessor_id: Id,
    pub successor_id: Id,
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub lag_format: LagFormat,
    pub version: i64,
}

impl Dependency {
    pub fn link(&self) -> Link {
        Link {
            id: self.id,
            predecessor_id: self.predecessor.id,
            successor_id: self.successor.id,
            kind: self.kind,
            lag_days: self.lag_days,
            lag_format: self.lag_format,
            version: self.version,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stakeholder {
    pub id: Id,
    pub project_id: Id,
    pub user: Option<UserRef>,
    pub name: String,
    pub email: Option<String>,
    pub role: StakeholderRole,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub id: Id,
    pub project_id: Id,
    pub title: String,
    pub description: Option<String>,
    pub probability: i64,
    pub impact: i64,
    pub owner: Option<UserRef>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub tasks: Vec<TaskRef>,
    pub milestone_ids: Vec<Id>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Risk {
    pub fn fields(&self) -> RiskFields {
        RiskFields {
            title: self.title.clone(),
            description: self.description.clone(),
            probability: self.probability,
            impact: self.impact,
            owner: self
                .owner
                .as_ref()
                .and_then(|u| Email::parse(&u.email).ok()),
            mitigation: self.mitigation.clone(),
            status: self.status,
            task_keys: self.tasks.iter().map(|t| t.key.clone()).collect(),
            milestone_ids: self.milestone_ids.clone(),
        }
    }

    /// Probability times impact, 1 to 25.
    pub fn score(&self) -> i64 {
        self.probability * self.impact
    }
}

/// Low below 5, medium below 12, high from 12: the usual thresholds of a
/// 5 × 5 matrix, so a "likely, major" risk (4 × 3) is high.
pub fn risk_level(score: i64) -> &'static str {
    match score {
        ..=4 => "low",
        5..=11 => "medium",
        _ => "high",
    }
}

impl Task {
    /// The task's fields as an input, for applying a partial update.
    pub fn fields(&self) -> TaskFields {
        TaskFields {
            title: self.title.clone(),
            description: self.description.clone(),
            owner: self
                .owner
                .as_ref()
                .and_then(|u| Email::parse(&u.email).ok()),
            collaborators: self
                .collaborators
                .iter()
                .filter_map(|u| Email::parse(&u.email).ok())
                .collect(),
            status: self.status,
            priority: self.priority,
            start_date: self.start_date,
            due_date: self.due_date,
            estimate_days: self.estimate_days,
            effort_hours: self.effort_hours,
            three_point: self.three_point.clone(),
            percent_complete: self.percent_complete,
            schedule: self.schedule,
            parent: self.parent.as_ref().map(|p| p.key.clone()),
            phase_id: self.phase_id,
            milestone_id: self.milestone_id,
            tags: self.tags.clone(),
            blocked_reason: self.blocked_reason.clone(),
        }
    }
}

impl Project {
    pub fn fields(&self) -> ProjectFields {
        ProjectFields {
            name: self.name.clone(),
            objective: self.objective.clone(),
            scope_in: self.scope_in.clone(),
            scope_out: self.scope_out.clone(),
            owner: self
                .owner
                .as_ref()
                .and_then(|u| Email::parse(&u.email).ok()),
            status: self.status,
            stage: self.stage,
            start_date: self.start_date,
            target_date: self.target_date,
            budget: self.budget,
            ongoing: self.ongoing,
            work_week: self.work_week.clone(),
            status_date: self.status_date,
        }
    }
}

impl Phase {
    pub fn fields(&self) -> PhaseFields {
        PhaseFields {
            name: self.name.clone(),
            position: self.position,
            start_date: self.start_date,
            end_date: self.end_date,
        }
    }
}

impl Milestone {
    pub fn fields(&self) -> MilestoneFields {
        MilestoneFields {
            name: self.name.clone(),
            date: self.date,
            description: self.description.clone(),
            phase_id: self.phase_id,
        }
    }
}

impl Stakeholder {
    pub fn fields(&self) -> StakeholderFields {
        match &self.user {
            Some(user) => StakeholderFields {
                member: Email::parse(&user.email).ok(),
                name: None,
                email: None,
                role: self.role,
            },
            None => StakeholderFields {
                member: None,
                name: Some(self.name.clone()),
                email: self.email.as_deref().and_then(|e| Email::parse(e).ok()),
                role: self.role,
            },
        }
    }
}

// ---------------------------------------------------------------------------
// Inputs: what a caller asks for, already parsed. `check` methods apply the
// rules that relate fields to each other.

/// A field of a partial update: absent, cleared, or set.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub fn from_option(value: Option<Option<T>>) -> Self {
        match value {
            None => Patch::Keep,
            Some(None) => Patch::Clear,
            Some(Some(v)) => Patch::Set(v),
        }
    }

    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(v) => Some(v),
        }
    }

    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(v) => Patch::Set(f(v)),
        }
    }
}

/// The fields of a project, complete: what is created, and what an update
/// yields once applied to the stored project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFields {
    pub name: String,
    pub objective: Option<String>,
    pub scope_in: Option<String>,
    pub scope_out: Option<String>,
    pub owner: Option<Email>,
    pub status: ProjectStatus,
    pub stage: Stage,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    pub budget: Option<f64>,
    pub ongoing: bool,
    /// The project's working calendar (exceptions are kept apart).
    pub work_week: WorkWeek,
    /// When progress was last reported: work not done is scheduled after
    /// it. None: the plan as planned.
    pub status_date: Option<NaiveDateTime>,
}

impl ProjectFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        for (field, value) in [
            ("objective", &self.objective),
            ("scope_in", &self.scope_in),
            ("scope_out", &self.scope_out),
        ] {
            if let Some(text) = value {
                if text.chars().count() > 10_000 {
                    v.push(field, "must be at most 10000 characters");
                }
                check_characters(text, field, true, &mut v);
            }
        }
        check_date(self.start_date, "start_date", &mut v);
        check_date(self.target_date, "target_date", &mut v);
        check_date(self.status_date.map(|d| d.date()), "status_date", &mut v);
        if let (Some(start), Some(target)) = (self.start_date, self.target_date)
            && target < start
        {
            v.push("target_date", "must not be before start_date");
        }
        if let Some(budget) = self.budget
            && (!budget.is_finite() || budget < 0.0)
        {
            v.push("budget", "must be zero or more");
        }
        if self.ongoing && self.target_date.is_some() {
            v.push("target_date", "an ongoing project has no target date");
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    pub key: ProjectKey,
    pub fields: ProjectFields,
}

/// The fields of a task, complete, as for [`ProjectFields`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFields {
    pub title: String,
    pub description: Option<String>,
    pub owner: Option<Email>,
    pub collaborators: Vec<Email>,
    pub status: TaskStatus,
    pub priority: Priority,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub three_point: Option<ThreePoint>,
    pub percent_complete: i64,
    pub schedule: TaskScheduling,
    pub parent: Option<String>,
    pub phase_id: Option<Id>,
    pub milestone_id: Option<Id>,
    pub tags: Vec<String>,
    pub blocked_reason: Option<String>,
}

impl TaskFields {
    /// A task titled `title` with every other field at its default.
    pub fn titled(title: impl Into<String>) -> Self {
        TaskFields {
            title: title.into(),
            description: None,
            owner: None,
            collaborators: Vec::new(),
            status: TaskStatus::Todo,
            priority: Priority::None,
            start_date: None,
            due_date: None,
            estimate_days: None,
            effort_hours: None,
            three_point: None,
            percent_complete: 0,
            schedule: TaskScheduling::default(),
            parent: None,
            phase_id: None,
            milestone_id: None,
            tags: Vec::new(),
            blocked_reason: None,
        }
    }

    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.title), "title", 500, &mut v);
        if let Some(description) = &self.description {
            if description.len() > 100_000 {
                v.push("description", "must be at most 100000 bytes");
            }
            check_characters(description, "description", true, &mut v);
        }
        check_date(self.start_date, "start_date", &mut v);
        check_date(self.due_date, "due_date", &mut v);
        if let (Some(start), Some(due)) = (self.start_date, self.due_date)
            && due < start
        {
            v.push("due_date", "must not be before start_date");
        }
        for (field, value) in [
            ("estimate_days", self.estimate_days),
            ("effort_hours", self.effort_hours),
        ] {
            if value.is_some_and(|x| !x.is_finite() || !(0.0..=100_000.0).contains(&x)) {
                v.push(field, "must be between 0 and 100000");
            }
        }
        if let Some(tp) = &self.three_point {
            let all = [tp.optimistic, tp.likely, tp.pessimistic];
            if all.iter().any(|x| !x.is_finite() || *x < 0.0) {
                v.push("three_point", "estimates must be zero or more");
            } else if !(tp.optimistic <= tp.likely && tp.likely <= tp.pessimistic) {
                v.push(
                    "three_point",
                    "must satisfy optimistic <= likely <= pessimistic",
                );
            }
        }
        if !(0..=100).contains(&self.percent_complete) {
            v.push("percent_complete", "must be between 0 and 100");
        }
        self.schedule.check(&mut v);
        if self.tags.len() > 50 {
            v.push("tags", "at most 50 tags");
        }
        if self.collaborators.len() > 100 {
            v.push("collaborators", "at most 100 collaborators");
        }
        if let Some(reason) = &self.blocked_reason {
            if reason.chars().count() > 2000 {
                v.push("blocked_reason", "must be at most 2000 characters");
            }
            check_characters(reason, "blocked_reason", true, &mut v);
        }
        v.into_result()
    }

    /// Keeps the fields consistent with the status: a done task is 100 %
    /// complete, and only a blocked task has a blocked reason.
    pub fn normalize(&mut self) {
        if self.status == TaskStatus::Done {
            self.percent_complete = 100;
        }
        if self.status != TaskStatus::Blocked {
            self.blocked_reason = None;
        }
        self.tags.sort();
        self.tags.dedup();
        self.collaborators
            .sort_by(|a, b| a.as_str().cmp(b.as_str()));
        self.collaborators.dedup();
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub project: Option<ProjectKey>,
    pub fields: TaskFields,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewDependency {
    pub predecessor: String,
    pub successor: String,
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub lag_format: LagFormat,
}

impl NewDependency {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        if let Err(message) = check_lag(self.lag_days, self.lag_format) {
            v.push("lag_days", message);
        }
        if self.predecessor.eq_ignore_ascii_case(&self.successor) {
            v.push("successor", "a task cannot depend on itself");
        }
        v.into_result()
    }
}

/// A link's lag as given: days within ten thousand either way; as a
/// percentage, a lead of the whole predecessor at most and a lag of ten
/// times it at most (5000 % is a slip for 50 %).
pub fn check_lag(lag: f64, format: LagFormat) -> Result<(), String> {
    if !lag.is_finite() || lag.abs() > 10_000.0 {
        return Err("must be between -10000 and 10000".into());
    }
    if format == LagFormat::Percent && !(-100.0..=1_000.0).contains(&lag) {
        return Err(
            "a percentage lag must be between -100 and 1000 (% of the predecessor's duration)"
                .into(),
        );
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseFields {
    pub name: String,
    pub position: i64,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// The largest position a phase takes: far more phases than any project
/// has, far from the ends of an integer.
pub const PHASE_POSITIONS: i64 = 1_000_000;

impl PhaseFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        if !(0..=PHASE_POSITIONS).contains(&self.position) {
            v.push(
                "position",
                format!("must be between 0 and {PHASE_POSITIONS}"),
            );
        }
        check_date(self.start_date, "start_date", &mut v);
        check_date(self.end_date, "end_date", &mut v);
        if let (Some(s), Some(e)) = (self.start_date, self.end_date)
            && e < s
        {
            v.push("end_date", "must not be before start_date");
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneFields {
    pub name: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    pub phase_id: Option<Id>,
}

impl MilestoneFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        optional_text(self.description.as_deref(), "description", 10_000, &mut v);
        check_date(self.date, "date", &mut v);
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StakeholderFields {
    /// A member of the workspace, by email; or else an external person
    /// described by `name` and `email`.
    pub member: Option<Email>,
    pub name: Option<String>,
    pub email: Option<Email>,
    pub role: StakeholderRole,
}

impl StakeholderFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        match (&self.member, &self.name) {
            (None, None) => v.push(
                "name",
                "an external stakeholder needs a name (or give member)",
            ),
            (Some(_), Some(_)) => v.push("name", "give either member or name, not both"),
            (None, Some(name)) => {
                required_text(Some(name), "name", 200, &mut v);
            }
            (Some(_), None) => {}
        }
        if self.member.is_some() && self.email.is_some() {
            v.push("email", "a member stakeholder's email is the member's");
        }
        v.into_result()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RiskFields {
    pub title: String,
    pub description: Option<String>,
    pub probability: i64,
    pub impact: i64,
    pub owner: Option<Email>,
    pub mitigation: Option<String>,
    pub status: RiskStatus,
    pub task_keys: Vec<String>,
    pub milestone_ids: Vec<Id>,
}

impl RiskFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.title), "title", 500, &mut v);
        if !(1..=5).contains(&self.probability) {
            v.push("probability", "must be between 1 and 5");
        }
        if !(1..=5).contains(&self.impact) {
            v.push("impact", "must be between 1 and 5");
        }
        optional_text(self.mitigation.as_deref(), "mitigation", 10_000, &mut v);
        v.into_result()
    }
}

// ---------------------------------------------------------------------------
// Schedules: what the scheduler made of a project, and baselines of it.

/// A saved copy of a project's schedule, to measure variance against.
/// `tasks` is empty where only the list of baselines was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub id: Id,
    pub project_id: Id,
    pub name: String,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub tasks: Vec<BaselineTask>,
}

/// A task's planned dates when the baseline was saved (local instants).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaselineTask {
    pub task_id: Id,
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    pub duration_minutes: i64,
}

/// A project's schedule as computed and stored, with the fingerprint of
/// the plan it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchedule {
    pub fingerprint: String,
    /// When the plan it was computed from was read: of two schedules of a
    /// project, the later reading is the newer.
    pub computed_at: DateTime<Utc>,
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    /// Task ids, in order along the path.
    pub critical_path: Vec<Id>,
    pub warnings: Vec<String>,
    pub tasks: Vec<TaskSchedule>,
}

/// One task's computed dates (local instants) and slack (working minutes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskSchedule {
    pub task_id: Id,
    pub early_start: NaiveDateTime,
    pub early_finish: NaiveDateTime,
    pub late_start: NaiveDateTime,
    pub late_finish: NaiveDateTime,
    pub total_slack: i64,
    pub free_slack: i64,
    pub critical: bool,
    pub summary: bool,
    pub milestone: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_keys() {
        assert_eq!(ProjectKey::parse("launch").unwrap().as_str(), "LAUNCH");
        assert!(ProjectKey::parse("1AB").is_err());
        assert!(ProjectKey::parse("A").is_err());
        assert!(ProjectKey::parse("TASK").is_err());
        assert!(ProjectKey::parse("AB-C").is_err());
    }

    #[test]
    fn task_keys() {
        assert_eq!(
            TaskKey::parse("launch-12").unwrap(),
            TaskKey::Project {
                project: "LAUNCH".into(),
                number: 12
            }
        );
        assert_eq!(
            TaskKey::parse("TASK-7").unwrap(),
            TaskKey::Personal { id: 7 }
        );
        assert!(TaskKey::parse("LAUNCH").is_err());
        assert!(TaskKey::parse("LAUNCH-0").is_err());
        assert!(TaskKey::parse("LAUNCH-x").is_err());
    }

    #[test]
    fn vocabularies_parse_loosely_and_print_strictly() {
        assert_eq!(
            "In Progress".parse::<TaskStatus>().unwrap(),
            TaskStatus::InProgress
        );
        assert_eq!(
            "on-hold".parse::<ProjectStatus>().unwrap(),
            ProjectStatus::OnHold
        );
        assert_eq!(TaskStatus::InReview.as_str(), "in_review");
        let err = "soon".parse::<Priority>().unwrap_err();
        assert!(err.contains("urgent"), "{err}");
    }

    #[test]
    fn task_rules_report_every_field() {
        let mut fields = TaskFields::titled("  ");
        fields.percent_complete = 120;
        fields.start_date = NaiveDate::from_ymd_opt(2026, 5, 2);
        fields.due_date = NaiveDate::from_ymd_opt(2026, 5, 1);
        fields.three_point = Some(ThreePoint {
            optimistic: 3.0,
            likely: 2.0,
            pessimistic: 4.0,
        });
        let errors = fields.check().unwrap_err();
        let named: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            named,
            ["title", "due_date", "three_point", "percent_complete"]
        );
    }

    #[test]
    fn done_tasks_are_complete_and_unblocked() {
        let mut fields = TaskFields::titled("x");
        fields.blocked_reason = Some("waiting".into());
        fields.status = TaskStatus::Done;
        fields.tags = vec!["b".into(), "a".into(), "b".into()];
        fields.normalize();
        assert_eq!(fields.percent_complete, 100);
        assert_eq!(fields.blocked_reason, None);
        assert_eq!(fields.tags, ["a", "b"]);
    }

    #[test]
    fn ongoing_projects_have_no_target() {
        let fields = ProjectFields {
            name: "Ops".into(),
            objective: None,
            scope_in: None,
            scope_out: None,
            owner: None,
            status: ProjectStatus::Active,
            stage: Stage::Execution,
            start_date: None,
            target_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            budget: Some(-1.0),
            ongoing: true,
            work_week: WorkWeek::default(),
            status_date: None,
        };
        let errors = fields.check().unwrap_err();
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        assert!(Email::parse("ana").is_err());
        assert!(Email::parse("a@b@c").is_err());
        assert!(Email::parse("@x.org").is_err());
    }
}
