//! Automation rules: a trigger, conditions and actions, given as
//! structures or in plain words (`when`, `if`, `then`), their runs, and
//! a dry run.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::automation::{
    self, Action, Condition, Rule, RuleFields, Trigger, parse_action, parse_condition,
    parse_trigger,
};
use tandem_domain::*;

use crate::common::double_option;

/// A rule to make, or what changes of one. Give the trigger, conditions
/// and actions as structures (`trigger`, `conditions`, `actions`) or as
/// words (`when`, `if`, `then`), not both.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The project's key; `null` (or left out when made): every project
    /// of the workspace (owners and admins).
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub project: Option<Option<String>>,
    /// `true` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Action>>,
    /// The trigger in words: `created`, `status=done`, `priority=urgent`,
    /// `owner set`, `phase=4`, `due in 2 days`, `overdue`, `milestone
    /// reached`, `slip > 5 days`, `every monday`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Conditions in words: `status!=done`, `priority=high`, `tag=web`,
    /// `owner empty`, `title~launch`.
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub if_: Option<Vec<String>>,
    /// Actions in words: `owner=ben@x.org`, `status=in_progress`,
    /// `due=+3`, `phase=4`, `tag=urgent`, `create task: Title`, `create
    /// task from TEMPLATE`, `create project ONB from TEMPLATE`, `request
    /// approval from a@x.org`, `webhook 3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Vec<String>>,
}

impl RuleInput {
    pub fn apply(self, current: Option<RuleFields>) -> Result<RuleFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = match (self.name, &current) {
            (Some(name), _) => validate::required_text(Some(&name), "name", 200, &mut v),
            (None, Some(c)) => c.name.clone(),
            (None, None) => validate::required_text(None, "name", 200, &mut v),
        };
        if self.when.is_some() && self.trigger.is_some() {
            v.push(
                "when",
                "give the trigger as `when` or as `trigger`, not both",
            );
        }
        if self.if_.is_some() && self.conditions.is_some() {
            v.push("if", "give conditions as `if` or as `conditions`, not both");
        }
        if self.then.is_some() && self.actions.is_some() {
            v.push("then", "give actions as `then` or as `actions`, not both");
        }
        let trigger = match (self.when, self.trigger, &current) {
            (Some(words), _, _) => v.take("when", parse_trigger(&words)),
            (None, Some(t), _) => Some(t),
            (None, None, Some(c)) => Some(c.trigger.clone()),
            (None, None, None) => {
                v.push("when", "is required: what sets the rule off");
                None
            }
        };
        let conditions = match (self.if_, self.conditions, &current) {
            (Some(words), _, _) => words
                .iter()
                .filter(|w| !w.trim().is_empty())
                .filter_map(|w| v.take("if", parse_condition(w)))
                .collect(),
            (None, Some(c), _) => c,
            (None, None, Some(c)) => c.conditions.clone(),
            (None, None, None) => Vec::new(),
        };
        let actions = match (self.then, self.actions, &current) {
            (Some(words), _, _) => words
                .iter()
                .filter(|w| !w.trim().is_empty())
                .filter_map(|w| v.take("then", parse_action(w)))
                .collect(),
            (None, Some(a), _) => a,
            (None, None, Some(c)) => c.actions.clone(),
            (None, None, None) => Vec::new(),
        };
        let project = match (self.project, &current) {
            (Some(p), _) => p.map(|k| k.trim().to_ascii_uppercase()),
            (None, Some(c)) => c.project.clone(),
            (None, None) => None,
        };
        let enabled = self
            .enabled
            .or(current.as_ref().map(|c| c.enabled))
            .unwrap_or(true);
        let Some(trigger) = trigger else {
            return Err(v.into_result().err().unwrap_or_default());
        };
        let fields = RuleFields {
            name,
            project,
            enabled,
            trigger,
            conditions,
            actions,
        };
        if v.is_empty() {
            v.merge(fields.check());
        }
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RuleView {
    pub id: Id,
    pub name: String,
    /// The project's key; absent for a rule of the whole workspace.
    pub project: Option<String>,
    pub enabled: bool,
    pub trigger: Trigger,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
    /// The rule in words.
    pub description: String,
    pub created_by: Option<UserRef>,
    pub created_on: NaiveDate,
    /// How many times it ran to the end.
    pub runs: i64,
    pub version: i64,
}

impl From<Rule> for RuleView {
    fn from(r: Rule) -> Self {
        let description = automation::describe_rule(&r.trigger, &r.conditions, &r.actions);
        RuleView {
            id: r.id,
            name: r.name,
            project: r.project.map(|p| p.key),
            enabled: r.enabled,
            trigger: r.trigger,
            conditions: r.conditions,
            actions: r.actions,
            description,
            created_by: r.created_by,
            created_on: r.created_on,
            runs: r.runs,
            version: r.version,
        }
    }
}

/// One run of a rule.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RuleRunView {
    pub id: Id,
    pub at: DateTime<Utc>,
    /// The task or project key it ran on.
    pub object: String,
    /// running, done, failed or refused (a chain of rules stopped).
    pub outcome: String,
    /// What it did, or why it failed or was refused.
    pub detail: Option<String>,
}

/// What a rule would do now, writing nothing.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DryRunView {
    /// The tasks it would touch (at most 500).
    pub tasks: Vec<TaskRef>,
    /// Its actions, in words.
    pub actions: Vec<String>,
    /// What the list means for its trigger.
    pub note: String,
}
