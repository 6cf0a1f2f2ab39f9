//! Automation rules: a trigger, conditions on the task's fields, and
//! actions; what each is in plain words (the CLI's `--when`, `--if` and
//! `--then`, the web form's lines) and in its stored form (JSON, the
//! API's); whether a change sets a rule off; and the loop guard.
//!
//! What this is not: running actions, reading the clock or the store.
//! The server's automation job hears the outbox, asks [`fires_on`] and
//! [`conditions_hold`], and makes the actions' writes through the use
//! cases, marked as the rule's so no rule reacts to its own change.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::validate::{FieldError, Validation, required_text};

/// Rules set off by rules' changes go this deep and no deeper: a rule's
/// write may set off another rule (depth 1), whose write may set off a
/// third (depth 2); changes made at depth [`MAX_DEPTH`] set off none.
pub const MAX_DEPTH: i64 = 3;

/// The most rules a workspace keeps.
pub const MAX_RULES: usize = 5_000;

/// A task's field a trigger watches, a condition tests or an action sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Status,
    Priority,
    Owner,
    Due,
    Phase,
    Milestone,
    Tag,
    Title,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Status,
        Field::Priority,
        Field::Owner,
        Field::Due,
        Field::Phase,
        Field::Milestone,
        Field::Tag,
        Field::Title,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Priority => "priority",
            Field::Owner => "owner",
            Field::Due => "due",
            Field::Phase => "phase",
            Field::Milestone => "milestone",
            Field::Tag => "tag",
            Field::Title => "title",
        }
    }

    /// The name an update's event gives it in `fields`.
    pub fn event_field(self) -> &'static str {
        match self {
            Field::Due => "due_date",
            Field::Phase => "phase_id",
            Field::Milestone => "milestone_id",
            Field::Tag => "tags",
            other => other.as_str(),
        }
    }

    fn parse(word: &str) -> Result<Field, String> {
        let word = word.trim().to_ascii_lowercase();
        let word = match word.as_str() {
            "due_date" | "due date" => "due",
            "tags" => "tag",
            "phase_id" => "phase",
            "milestone_id" => "milestone",
            other => other,
        };
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == word)
            .ok_or_else(|| {
                format!(
                    "'{word}' is not a field; the fields are {}",
                    Field::ALL
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

/// What sets a rule off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Trigger {
    /// A task is created.
    TaskCreated,
    /// A task's field changes; to this value, when `to` is given (`set`
    /// for any value, `none` for none).
    FieldChanged {
        field: Field,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// An open task comes due within this many days (once a due date).
    DueSoon { days: i64 },
    /// An open task's due date has passed (once a due date).
    Overdue,
    /// A milestone (this one, or any) is marked reached.
    MilestoneReached {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        milestone: Option<Id>,
    },
    /// The project's scheduled finish is more than this many days past
    /// its target date (once each new finish).
    ScheduleSlipped { days: i64 },
    /// On the dates of a recurrence rule (RFC 5545 or plain words), from
    /// the day the rule was made.
    OnDates { rule: String },
}

impl Trigger {
    /// Whether the trigger is about one task (its conditions and the
    /// actions that change "the task" apply), rather than a project.
    pub fn is_about_a_task(&self) -> bool {
        matches!(
            self,
            Trigger::TaskCreated
                | Trigger::FieldChanged { .. }
                | Trigger::DueSoon { .. }
                | Trigger::Overdue
        )
    }

    /// Whether the server's clock sets it off, not a change.
    pub fn is_timed(&self) -> bool {
        matches!(
            self,
            Trigger::DueSoon { .. } | Trigger::Overdue | Trigger::OnDates { .. }
        )
    }
}

/// How a condition tests a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Is,
    IsNot,
    /// Has a value (for `tag`: any tag).
    Set,
    /// Has none.
    Empty,
    /// The title holds the value (any case); a tag is among the tags.
    Contains,
}

/// A test of the task's fields; all of a rule's must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Condition {
    pub field: Field,
    pub op: Op,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// Sets a field of the task: status, priority, owner (an email or
    /// `none`), due (a date, `+N` days from today, or `none`), phase and
    /// milestone (an id or `none`); `tag` adds a tag.
    Set { field: Field, value: String },
    /// Adds a task to the project: a title, or a task template with its
    /// subtasks; due `+N` days from the day it runs, if given.
    CreateTask {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        template: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due_in_days: Option<i64>,
    },
    /// Makes a project from a template, its key this prefix and the first
    /// free number (`ONB` → `ONB1`, `ONB2`, …), starting the day it runs.
    CreateProject {
        template: String,
        key_prefix: String,
    },
    /// Asks for an approval of the task (or, for a milestone that was
    /// reached, nothing: it is reached); approvers as an approval's.
    RequestApproval {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        approvers: Vec<String>,
    },
    /// Sends the task (or project) to one of the workspace's webhooks as
    /// the event `rule.fired`, signed and retried as its other events.
    CallWebhook { webhook: Id },
    /// Comments on the task (or, for a trigger about a project, on the
    /// project), in Markdown, as the rule's last writer under the rule's
    /// name.
    Comment { text: String },
    /// Tells people in their inbox: members by email, `owner` (the task's
    /// owner, or the project's) or `followers` (of the task, or of the
    /// project); each only if they may open what it is about.
    Notify {
        people: Vec<String>,
        message: String,
    },
}

/// The longest message a rule's notification carries.
pub const MAX_NOTIFY_MESSAGE: usize = 500;

/// A rule as written, before its project is found.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFields {
    pub name: String,
    /// None: every project of the workspace.
    pub project: Option<String>,
    pub enabled: bool,
    pub trigger: Trigger,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: Id,
    pub project: Option<ProjectRef>,
    pub name: String,
    pub enabled: bool,
    pub trigger: Trigger,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
    pub created_by: Option<UserRef>,
    /// The day it was made: dates triggers count from it.
    pub created_on: NaiveDate,
    pub runs: i64,
    pub version: i64,
}

impl Rule {
    pub fn fields(&self) -> RuleFields {
        RuleFields {
            name: self.name.clone(),
            project: self.project.as_ref().map(|p| p.key.clone()),
            enabled: self.enabled,
            trigger: self.trigger.clone(),
            conditions: self.conditions.clone(),
            actions: self.actions.clone(),
        }
    }
}

impl RuleFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 200, &mut v);
        match &self.trigger {
            Trigger::DueSoon { days } if !(0..=365).contains(days) => {
                v.push("trigger", "due within: 0 to 365 days")
            }
            Trigger::ScheduleSlipped { days } if !(0..=3650).contains(days) => {
                v.push("trigger", "a slip of 0 to 3650 days")
            }
            Trigger::FieldChanged { field, to } => {
                if let Some(to) = to
                    && let Err(e) = check_value(*field, to, true)
                {
                    v.push("trigger", e);
                }
                if *field == Field::Title && to.is_some() {
                    v.push("trigger", "a title change has no value to wait for");
                }
            }
            Trigger::OnDates { rule } => {
                if let Err(e) = crate::recurrence::Rule::parse(rule) {
                    v.push("trigger", e);
                }
            }
            _ => {}
        }
        if self.conditions.len() > 20 {
            v.push("conditions", "at most 20");
        }
        for c in &self.conditions {
            let needs_value = matches!(c.op, Op::Is | Op::IsNot | Op::Contains);
            match (&c.value, needs_value) {
                (None, true) => v.push(
                    "conditions",
                    format!("{} {}: give a value", c.field.as_str(), op_words(c.op)),
                ),
                (Some(value), true) if c.field != Field::Title && c.field != Field::Tag => {
                    if let Err(e) = check_value(c.field, value, false) {
                        v.push("conditions", e);
                    }
                }
                _ => {}
            }
            if !self.trigger.is_about_a_task() {
                v.push(
                    "conditions",
                    "test a task's fields, and this trigger is about a project",
                );
            }
        }
        if self.actions.is_empty() {
            v.push("actions", "name at least one");
        }
        if self.actions.len() > 10 {
            v.push("actions", "at most 10");
        }
        for action in &self.actions {
            match action {
                Action::Set { field, value } => {
                    if !self.trigger.is_about_a_task() {
                        v.push(
                            "actions",
                            "setting a field needs a task: this trigger is about a project",
                        );
                    }
                    if *field == Field::Title {
                        v.push("actions", "a rule does not rename tasks");
                    } else if let Err(e) = check_value(*field, value, false) {
                        v.push("actions", e);
                    }
                }
                Action::CreateTask {
                    title, template, ..
                } => {
                    if title.as_deref().is_none_or(|t| t.trim().is_empty()) && template.is_none() {
                        v.push("actions", "create task: give a title or a task template");
                    }
                    if self.project.is_none() && !self.trigger.is_about_a_task() {
                        v.push(
                            "actions",
                            "create task: a workspace rule without a task has no project to add it to",
                        );
                    }
                }
                Action::CreateProject { key_prefix, .. } => {
                    let ok = (1..=6).contains(&key_prefix.len())
                        && key_prefix.chars().all(|c| c.is_ascii_alphabetic());
                    if !ok {
                        v.push("actions", "create project: a key prefix of 1 to 6 letters");
                    }
                }
                Action::Notify { people, message } => {
                    if people.is_empty() {
                        v.push(
                            "actions",
                            "notify: name who to tell: owner, followers or members' emails",
                        );
                    }
                    for who in people {
                        if !matches!(who.as_str(), "owner" | "followers")
                            && let Err(e) = Email::parse(who)
                        {
                            v.push(
                                "actions",
                                format!("notify: {who}: {e} (or owner, or followers)"),
                            );
                        }
                    }
                    if message.trim().is_empty() {
                        v.push("actions", "notify: say what: notify PEOPLE: MESSAGE");
                    } else if message.chars().count() > MAX_NOTIFY_MESSAGE {
                        v.push(
                            "actions",
                            format!("notify: a message of at most {MAX_NOTIFY_MESSAGE} characters"),
                        );
                    }
                    if self.project.is_none() && !self.trigger.is_about_a_task() {
                        v.push(
                            "actions",
                            "notify: a workspace rule without a task has nothing to tell of",
                        );
                    }
                }
                Action::Comment { text } => {
                    if let Err(errors) = crate::check_comment_body(text) {
                        for e in errors {
                            v.push("actions", format!("comment: {}", e.message));
                        }
                    }
                    if self.project.is_none() && !self.trigger.is_about_a_task() {
                        v.push(
                            "actions",
                            "comment: a workspace rule without a task has nothing to comment on",
                        );
                    }
                }
                Action::RequestApproval { approvers } => {
                    if !self.trigger.is_about_a_task() {
                        v.push(
                            "actions",
                            "request approval: this trigger has no task to approve",
                        );
                    }
                    for a in approvers {
                        if let Err(e) = Email::parse(a) {
                            v.push("actions", format!("request approval: {a}: {e}"));
                        }
                    }
                }
                Action::CallWebhook { .. } => {}
            }
        }
        v.into_result()
    }
}

/// Whether `value` is one `field` takes: a status or priority word, an
/// email or `none`, a date or `+N`, an id or `none`. A trigger's value
/// may also be `set`.
fn check_value(field: Field, value: &str, trigger: bool) -> Result<(), String> {
    let value = value.trim();
    if trigger && value.eq_ignore_ascii_case("set") {
        return Ok(());
    }
    let none = value.eq_ignore_ascii_case("none");
    match field {
        Field::Status => value
            .parse::<TaskStatus>()
            .map(|_| ())
            .map_err(|e| format!("status {e}")),
        Field::Priority => value
            .parse::<Priority>()
            .map(|_| ())
            .map_err(|e| format!("priority {e}")),
        Field::Owner if none => Ok(()),
        Field::Owner => Email::parse(value)
            .map(|_| ())
            .map_err(|e| format!("owner: {e}")),
        Field::Due if none => Ok(()),
        Field::Due => due_value(value, NaiveDate::MIN).map(|_| ()),
        Field::Phase | Field::Milestone if none => Ok(()),
        Field::Phase | Field::Milestone => value
            .parse::<Id>()
            .map(|_| ())
            .map_err(|_| format!("{}: an id or none", field.as_str())),
        Field::Tag => parse_tag(value).map(|_| ()),
        Field::Title => Ok(()),
    }
}

/// A due value: a date (YYYY-MM-DD) or `+N` days from `today`.
pub fn due_value(value: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let value = value.trim();
    if let Some(days) = value.strip_prefix('+') {
        let days: i64 = days
            .trim_end_matches('d')
            .parse()
            .ok()
            .filter(|d| (0..=3650).contains(d))
            .ok_or("due: +N days (0 to 3650) or a date")?;
        return today
            .checked_add_signed(chrono::Duration::days(days))
            .ok_or_else(|| "due: too far".to_string());
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| "due: +N days or a date".into())
}

/// A task as a rule reads it.
fn value_of(task: &Task, field: Field) -> Option<String> {
    match field {
        Field::Status => Some(task.status.as_str().into()),
        Field::Priority => Some(task.priority.as_str().into()),
        Field::Owner => task.owner.as_ref().map(|o| o.email.clone()),
        Field::Due => task.due_date.map(|d| d.to_string()),
        Field::Phase => task.phase_id.map(|id| id.to_string()),
        Field::Milestone => task.milestone_id.map(|id| id.to_string()),
        Field::Tag => (!task.tags.is_empty()).then(|| task.tags.join(",")),
        Field::Title => Some(task.title.clone()),
    }
}

/// Whether `value` names what `task` has in `field` (words as the
/// vocabularies read them, emails in any case).
fn same(field: Field, have: Option<&str>, value: &str) -> bool {
    let value = value.trim();
    match (field, have) {
        (_, None) => value.eq_ignore_ascii_case("none"),
        (Field::Status, Some(have)) => {
            value.parse::<TaskStatus>().ok().map(|s| s.as_str()) == Some(have)
        }
        (Field::Priority, Some(have)) => {
            value.parse::<Priority>().ok().map(|p| p.as_str()) == Some(have)
        }
        (Field::Tag, Some(have)) => have.split(',').any(|t| t.eq_ignore_ascii_case(value)),
        (_, Some(have)) => have.eq_ignore_ascii_case(value),
    }
}

/// Whether every condition holds of `task`.
pub fn conditions_hold(conditions: &[Condition], task: &Task) -> bool {
    conditions.iter().all(|c| {
        let have = value_of(task, c.field);
        let value = c.value.as_deref().unwrap_or("");
        match c.op {
            Op::Set => have.is_some(),
            Op::Empty => have.is_none(),
            Op::Is => same(c.field, have.as_deref(), value),
            Op::IsNot => !same(c.field, have.as_deref(), value),
            Op::Contains => match c.field {
                Field::Title => have
                    .unwrap_or_default()
                    .to_lowercase()
                    .contains(&value.to_lowercase()),
                _ => same(c.field, have.as_deref(), value),
            },
        }
    })
}

/// Whether a change to a task (an outbox event's kind, action and
/// fields), with the task as it is now, sets `trigger` off.
pub fn fires_on(
    trigger: &Trigger,
    kind: &str,
    action: &str,
    fields: &[String],
    task: &Task,
) -> bool {
    if kind != "task" {
        return false;
    }
    match trigger {
        Trigger::TaskCreated => action == "created",
        Trigger::FieldChanged { field, to } => {
            let touched = match action {
                "updated" => fields.iter().any(|f| f == field.event_field()),
                // A board move changes the status (and the rank).
                "moved" => *field == Field::Status,
                _ => false,
            };
            touched
                && match to.as_deref().map(str::trim) {
                    None => true,
                    Some(to) if to.eq_ignore_ascii_case("set") => value_of(task, *field).is_some(),
                    Some(to) => same(*field, value_of(task, *field).as_deref(), to),
                }
        }
        _ => false,
    }
}

// --- plain words ------------------------------------------------------------

fn op_words(op: Op) -> &'static str {
    match op {
        Op::Is => "is",
        Op::IsNot => "is not",
        Op::Set => "is set",
        Op::Empty => "is empty",
        Op::Contains => "contains",
    }
}

/// A trigger from words: `created`, `status=done`, `priority changed`,
/// `owner set`, `phase=4`, `due in 2 days`, `overdue`, `milestone
/// reached`, `milestone 4 reached`, `slip > 5 days`, `every monday` (or
/// an RRULE).
pub fn parse_trigger(text: &str) -> Result<Trigger, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let number = |w: &str| {
        w.parse::<i64>()
            .map_err(|_| format!("'{w}' is not a number"))
    };
    Ok(match words.as_slice() {
        ["created"] | ["task", "created"] => Trigger::TaskCreated,
        ["overdue"] => Trigger::Overdue,
        ["due", "in", n, "days" | "day"] | ["due", "within", n, "days" | "day"] => {
            Trigger::DueSoon { days: number(n)? }
        }
        ["milestone", "reached"] => Trigger::MilestoneReached { milestone: None },
        ["milestone", id, "reached"] => Trigger::MilestoneReached {
            milestone: Some(number(id)?),
        },
        ["slip", ">", n, "days" | "day"] | ["slips", n, "days" | "day"] => {
            Trigger::ScheduleSlipped { days: number(n)? }
        }
        [field, "changed"] => Trigger::FieldChanged {
            field: Field::parse(field)?,
            to: None,
        },
        [field, "set"] => Trigger::FieldChanged {
            field: Field::parse(field)?,
            to: Some("set".into()),
        },
        _ if lower.starts_with("every ")
            || lower.starts_with("freq=")
            || ["daily", "weekly", "monthly", "yearly"]
                .iter()
                .any(|w| lower.starts_with(w)) =>
        {
            Trigger::OnDates {
                rule: t.to_string(),
            }
        }
        _ => match t.split_once('=') {
            Some((field, value)) => Trigger::FieldChanged {
                field: Field::parse(field)?,
                to: Some(value.trim().to_string()),
            },
            None => {
                return Err(format!(
                    "'{t}' is no trigger: created, FIELD=VALUE, FIELD changed, FIELD set, \
                     due in N days, overdue, milestone [ID] reached, slip > N days, or every …"
                ));
            }
        },
    })
}

/// A condition from words: `status=done`, `priority!=low`, `owner set`,
/// `due empty`, `tag=web`, `title~launch`.
pub fn parse_condition(text: &str) -> Result<Condition, String> {
    let t = text.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    if let [field, op @ ("set" | "empty")] = words.as_slice() {
        return Ok(Condition {
            field: Field::parse(field)?,
            op: if *op == "set" { Op::Set } else { Op::Empty },
            value: None,
        });
    }
    for (mark, op) in [("!=", Op::IsNot), ("~", Op::Contains), ("=", Op::Is)] {
        if let Some((field, value)) = t.split_once(mark) {
            let field = Field::parse(field)?;
            let op = if field == Field::Tag && op == Op::Is {
                Op::Contains
            } else {
                op
            };
            return Ok(Condition {
                field,
                op,
                value: Some(value.trim().to_string()),
            });
        }
    }
    Err(format!(
        "'{t}' is no condition: FIELD=VALUE, FIELD!=VALUE, FIELD set, FIELD empty, or title~WORDS"
    ))
}

/// An action from words: `owner=ben@x.org`, `status=in_progress`,
/// `due=+3`, `phase=4`, `tag=urgent`, `create task: Title`, `create task
/// from TEMPLATE`, `create project ONB from TEMPLATE`, `request approval`
/// (`from a@x.org, b@x.org`), `webhook 3`, `comment: Text`, `notify
/// owner, ben@x.org: Text`.
pub fn parse_action(text: &str) -> Result<Action, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("notify ") {
        let Some((people, message)) = t["notify ".len()..].split_once(':') else {
            return Err("notify PEOPLE: MESSAGE (owner, followers or emails)".into());
        };
        return Ok(Action::Notify {
            people: people
                .split([',', ' '])
                .map(|p| p.trim().to_lowercase())
                .filter(|p| !p.is_empty() && p != "and")
                .collect(),
            message: message.trim().to_string(),
        });
    }
    if lower.starts_with("comment") && t["comment".len()..].trim_start().starts_with(':') {
        let said = t["comment".len()..].trim_start()[1..].trim();
        return Ok(Action::Comment {
            text: said.to_string(),
        });
    }
    if let Some(rest) = lower.strip_prefix("create task from ") {
        let start = t.len() - rest.len();
        return Ok(Action::CreateTask {
            title: None,
            template: Some(t[start..].trim().to_string()),
            due_in_days: None,
        });
    }
    if lower.starts_with("create task") {
        let title = t["create task".len()..].trim_start_matches(':').trim();
        return Ok(Action::CreateTask {
            title: Some(title.to_string()),
            template: None,
            due_in_days: None,
        });
    }
    if let Some(rest) = lower.strip_prefix("create project ") {
        let start = t.len() - rest.len();
        let rest = &t[start..];
        return match rest
            .split_once(" from ")
            .or_else(|| rest.split_once(" FROM "))
        {
            Some((prefix, template)) => Ok(Action::CreateProject {
                template: template.trim().to_string(),
                key_prefix: prefix.trim().to_ascii_uppercase(),
            }),
            None => Err("create project PREFIX from TEMPLATE".into()),
        };
    }
    if lower.starts_with("request approval") {
        let rest = t["request approval".len()..].trim();
        let rest = rest
            .strip_prefix("from")
            .or_else(|| rest.strip_prefix("FROM"))
            .unwrap_or(rest);
        return Ok(Action::RequestApproval {
            approvers: rest
                .split([',', ' '])
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    if let Some(id) = lower.strip_prefix("webhook ") {
        return id
            .trim()
            .trim_start_matches('#')
            .parse()
            .map(|webhook| Action::CallWebhook { webhook })
            .map_err(|_| "webhook ID (see `tandem webhook list`)".into());
    }
    match t.split_once('=') {
        Some((field, value)) => Ok(Action::Set {
            field: Field::parse(field.trim_end_matches('+'))?,
            value: value.trim().to_string(),
        }),
        None => Err(format!(
            "'{t}' is no action: FIELD=VALUE, create task: TITLE, create task from TEMPLATE, \
             create project PREFIX from TEMPLATE, request approval [from EMAILS], or webhook ID"
        )),
    }
}

pub fn describe_trigger(t: &Trigger) -> String {
    match t {
        Trigger::TaskCreated => "a task is created".into(),
        Trigger::FieldChanged { field, to: None } => format!("a task's {} changes", field.as_str()),
        Trigger::FieldChanged {
            field,
            to: Some(to),
        } if to.eq_ignore_ascii_case("set") => {
            format!("a task's {} is set", field.as_str())
        }
        Trigger::FieldChanged {
            field,
            to: Some(to),
        } => {
            format!("a task's {} becomes {to}", field.as_str())
        }
        Trigger::DueSoon { days } => format!("an open task is due within {days} days"),
        Trigger::Overdue => "an open task is overdue".into(),
        Trigger::MilestoneReached { milestone: None } => "a milestone is reached".into(),
        Trigger::MilestoneReached {
            milestone: Some(id),
        } => format!("milestone {id} is reached"),
        Trigger::ScheduleSlipped { days } => {
            format!("the scheduled finish slips more than {days} days past the target")
        }
        Trigger::OnDates { rule } => format!("on the dates of \"{rule}\""),
    }
}

/// A whole rule in words: "When …, if … and …: …, then …."
pub fn describe_rule(trigger: &Trigger, conditions: &[Condition], actions: &[Action]) -> String {
    let mut text = format!("When {}", describe_trigger(trigger));
    if !conditions.is_empty() {
        let c: Vec<String> = conditions.iter().map(describe_condition).collect();
        text.push_str(&format!(", if {}", c.join(" and ")));
    }
    let a: Vec<String> = actions.iter().map(describe_action).collect();
    text.push_str(&format!(": {}.", a.join(", then ")));
    text
}

pub fn describe_condition(c: &Condition) -> String {
    match &c.value {
        Some(value) => format!("{} {} {value}", c.field.as_str(), op_words(c.op)),
        None => format!("{} {}", c.field.as_str(), op_words(c.op)),
    }
}

pub fn describe_action(a: &Action) -> String {
    match a {
        Action::Set {
            field: Field::Tag,
            value,
        } => format!("add the tag {value}"),
        Action::Set { field, value } => format!("set {} to {value}", field.as_str()),
        Action::CreateTask {
            title: Some(title), ..
        } => format!("create the task \"{title}\""),
        Action::CreateTask {
            template: Some(t), ..
        } => format!("create a task from \"{t}\""),
        Action::CreateTask { .. } => "create a task".into(),
        Action::CreateProject {
            template,
            key_prefix,
        } => format!("create a project {key_prefix}… from \"{template}\""),
        Action::RequestApproval { approvers } if approvers.is_empty() => {
            "request an approval from the project's approvers".into()
        }
        Action::RequestApproval { approvers } => {
            format!("request an approval from {}", approvers.join(", "))
        }
        Action::CallWebhook { webhook } => format!("call webhook {webhook}"),
        Action::Comment { text } => format!("comment \"{text}\""),
        Action::Notify { people, message } => {
            format!("notify {}: \"{message}\"", people.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> Task {
        Task {
            id: 3,
            key: "LAUNCH-3".into(),
            project: None,
            number: 3,
            title: "Launch the site".into(),
            description: None,
            owner: None,
            collaborators: Vec::new(),
            status: TaskStatus::Done,
            priority: Priority::Urgent,
            start_date: None,
            due_date: None,
            estimate_days: None,
            effort_hours: None,
            three_point: None,
            percent_complete: 0,
            schedule: TaskScheduling::default(),
            scheduling: crate::model::Scheduling::Scheduled,
            parent: None,
            phase_id: None,
            milestone_id: None,
            tags: vec!["web".into()],
            blocked_reason: None,
            created_by: None,
            version: 1,
            created_at: Default::default(),
            updated_at: Default::default(),
            completed_at: None,
        }
    }

    #[test]
    fn words_become_triggers_conditions_and_actions() {
        assert_eq!(parse_trigger("created").unwrap(), Trigger::TaskCreated);
        assert_eq!(
            parse_trigger("status=done").unwrap(),
            Trigger::FieldChanged {
                field: Field::Status,
                to: Some("done".into())
            }
        );
        assert_eq!(
            parse_trigger("owner set").unwrap(),
            Trigger::FieldChanged {
                field: Field::Owner,
                to: Some("set".into())
            }
        );
        assert_eq!(
            parse_trigger("due in 2 days").unwrap(),
            Trigger::DueSoon { days: 2 }
        );
        assert_eq!(
            parse_trigger("milestone 4 reached").unwrap(),
            Trigger::MilestoneReached { milestone: Some(4) }
        );
        assert_eq!(
            parse_trigger("slip > 5 days").unwrap(),
            Trigger::ScheduleSlipped { days: 5 }
        );
        assert!(matches!(
            parse_trigger("every monday").unwrap(),
            Trigger::OnDates { .. }
        ));
        assert!(parse_trigger("whenever").is_err());
        assert!(
            parse_trigger("colour=red")
                .unwrap_err()
                .contains("not a field")
        );

        assert_eq!(
            parse_condition("priority!=low").unwrap(),
            Condition {
                field: Field::Priority,
                op: Op::IsNot,
                value: Some("low".into())
            }
        );
        assert_eq!(parse_condition("owner empty").unwrap().op, Op::Empty);
        assert_eq!(parse_condition("tag=web").unwrap().op, Op::Contains);

        assert_eq!(
            parse_action("owner=ben@x.org").unwrap(),
            Action::Set {
                field: Field::Owner,
                value: "ben@x.org".into()
            }
        );
        assert_eq!(
            parse_action("create task: Write the notes").unwrap(),
            Action::CreateTask {
                title: Some("Write the notes".into()),
                template: None,
                due_in_days: None
            }
        );
        assert_eq!(
            parse_action("create project onb from Client onboarding").unwrap(),
            Action::CreateProject {
                template: "Client onboarding".into(),
                key_prefix: "ONB".into()
            }
        );
        assert_eq!(
            parse_action("notify owner and Ben@x.org: Please update the estimate").unwrap(),
            Action::Notify {
                people: vec!["owner".into(), "ben@x.org".into()],
                message: "Please update the estimate".into()
            }
        );
        assert!(parse_action("notify owner").is_err());
        assert_eq!(
            parse_action("Comment: Please add the **numbers**").unwrap(),
            Action::Comment {
                text: "Please add the **numbers**".into()
            }
        );
        assert_eq!(
            parse_action("request approval from a@x.org, b@x.org").unwrap(),
            Action::RequestApproval {
                approvers: vec!["a@x.org".into(), "b@x.org".into()]
            }
        );
        assert_eq!(
            parse_action("webhook 3").unwrap(),
            Action::CallWebhook { webhook: 3 }
        );
    }

    #[test]
    fn a_change_fires_a_trigger_only_when_the_field_now_has_the_value() {
        let t = task();
        let status = vec!["status".to_string()];
        let done = parse_trigger("status=done").unwrap();
        assert!(fires_on(&done, "task", "updated", &status, &t));
        assert!(!fires_on(
            &done,
            "task",
            "updated",
            &["title".to_string()],
            &t
        ));
        assert!(fires_on(&done, "task", "moved", &[], &t));
        let todo = parse_trigger("status=todo").unwrap();
        assert!(!fires_on(&todo, "task", "updated", &status, &t));
        assert!(fires_on(
            &parse_trigger("created").unwrap(),
            "task",
            "created",
            &[],
            &t
        ));
        assert!(!fires_on(
            &parse_trigger("created").unwrap(),
            "risk",
            "created",
            &[],
            &t
        ));
        let urgent = parse_trigger("priority=urgent").unwrap();
        assert!(fires_on(
            &urgent,
            "task",
            "updated",
            &["priority".into()],
            &t
        ));
    }

    #[test]
    fn conditions_read_the_task_as_it_is() {
        let t = task();
        let hold = |words: &[&str]| {
            let c: Vec<Condition> = words.iter().map(|w| parse_condition(w).unwrap()).collect();
            conditions_hold(&c, &t)
        };
        assert!(hold(&[
            "status=done",
            "priority!=low",
            "tag=web",
            "owner empty"
        ]));
        assert!(!hold(&["status!=done"]));
        assert!(hold(&["title~launch"]) == t.title.to_lowercase().contains("launch"));
        assert!(hold(&[]));
    }

    #[test]
    fn a_rule_is_refused_for_what_it_cannot_do() {
        let rule = |when: &str, then: &[&str]| RuleFields {
            name: "R".into(),
            project: None,
            enabled: true,
            trigger: parse_trigger(when).unwrap(),
            conditions: vec![],
            actions: then.iter().map(|a| parse_action(a).unwrap()).collect(),
        };
        assert!(
            rule("status=done", &["owner=ben@x.org", "due=+3"])
                .check()
                .is_ok()
        );
        let errors = rule("milestone reached", &["owner=ben@x.org"])
            .check()
            .unwrap_err();
        assert_eq!(errors[0].field, "actions");
        assert!(rule("status=finished", &["due=+1"]).check().is_err());
        assert!(rule("status=done", &[]).check().is_err());
        assert!(rule("status=done", &["due=soon"]).check().is_err());
        assert!(
            rule("every monday", &["create task: Report"])
                .check()
                .is_err(),
            "no project"
        );
    }

    #[test]
    fn due_values_are_dates_or_days_from_today() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        assert_eq!(due_value("+3", today).unwrap().to_string(), "2027-01-07");
        assert_eq!(
            due_value("2027-02-01", today).unwrap().to_string(),
            "2027-02-01"
        );
        assert!(due_value("soon", today).is_err());
    }
}
