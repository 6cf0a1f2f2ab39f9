//! Plan lint: a project's findings, its rules switched on or off, and the
//! fixes Tandem makes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::lint::{Finding, LintRule};

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LintView {
    /// The project's key.
    pub project: String,
    /// Worst first (`error`, `warning`, `info`). Each has `rule`,
    /// `severity`, `objects` (each with `kind`: `project`, `task`,
    /// `milestone`, `risk` or `person`, and `id`, `key` or `name`),
    /// `count`, `message`, `why` and, where there is one, `fix`; `action`
    /// names a fix Tandem can make (`POST …/lint/{rule}/fix`).
    pub findings: Vec<Finding>,
    /// Every rule, and whether the project has it on.
    pub rules: Vec<LintRuleView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LintRuleView {
    pub rule: LintRule,
    pub on: bool,
    /// Why its findings matter.
    pub why: String,
}

/// Switches a rule on or off for the project.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LintSwitch {
    pub on: Option<bool>,
}

/// What a fix did.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LintFixView {
    pub rule: LintRule,
    /// In words: "cleared the start-no-earlier-than date of 3 tasks".
    pub done: String,
}
