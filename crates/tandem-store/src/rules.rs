//! Automation rules and their runs, and the mark a rule's writes carry.
//!
//! A rule's actions are ordinary writes made by the automation job; it
//! runs them inside [`as_rule`], and every history row and event those
//! writes record carries the rule (its id, its name, how deep a chain of
//! rules set it off). That is how a rule never reacts to its own change
//! and a chain of rules stops at `tandem_domain::automation::MAX_DEPTH`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::Id;
use tandem_domain::automation::{Rule, RuleFields};

use crate::{Patch, Result, Scope, WriteScope};

/// The rule whose actions are being written, and how deep a chain of
/// rules' changes its own run is (its event's depth plus one).
#[derive(Debug, Clone)]
pub struct RuleMark {
    pub rule_id: Id,
    pub name: String,
    pub depth: i64,
}

tokio::task_local! {
    static RULE_MARK: RuleMark;
}

/// Runs `work` with its writes marked as `mark`'s rule's.
pub async fn as_rule<F: std::future::Future>(mark: RuleMark, work: F) -> F::Output {
    RULE_MARK.scope(mark, work).await
}

/// The rule the current writes are made for, if any.
pub(crate) fn current_mark() -> Option<RuleMark> {
    RULE_MARK.try_with(Clone::clone).ok()
}

/// One run of a rule: on what, when, and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRun {
    pub id: Id,
    pub rule_id: Id,
    pub at: DateTime<Utc>,
    /// The task or project key it ran on.
    pub object: String,
    /// `running`, `done`, `failed` or `refused`.
    pub outcome: String,
    pub detail: Option<String>,
}

/// The most runs a rule's log returns, newest first.
pub const RUN_PAGE: i64 = 100;

#[async_trait]
pub trait RuleStore: Send + Sync {
    async fn create_rule(&self, scope: WriteScope, rule: &RuleFields) -> Result<Rule>;
    /// The workspace's rules (for a guest, only those of its projects).
    async fn list_rules(&self, scope: Scope) -> Result<Vec<Rule>>;
    async fn get_rule(&self, scope: Scope, id: Id) -> Result<Rule>;
    async fn update_rule(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, RuleFields>,
    ) -> Result<Rule>;
    async fn delete_rule(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
    /// The newest runs of a rule the caller may open.
    async fn rule_runs(&self, scope: Scope, id: Id) -> Result<Vec<RuleRun>>;

    /// For the automation job: the workspace's rules' version, moved on by
    /// every change to them.
    async fn rules_version(&self, workspace_id: Id) -> Result<i64>;
    /// For the automation job: the workspace's enabled rules.
    async fn enabled_rules(&self, workspace_id: Id) -> Result<Vec<Rule>>;
    /// For the automation job: every workspace's enabled rules the clock
    /// or a schedule sets off, with their workspace.
    async fn timed_rules(&self) -> Result<Vec<(Id, Rule)>>;
    /// Starts a run, once per `fire_key` and rule: `None` when a run with
    /// that key was made already (by this node or another).
    async fn start_run(&self, rule_id: Id, object: &str, fire_key: &str) -> Result<Option<Id>>;
    /// How a run ended; a run `done` counts in the rule's runs.
    async fn finish_run(
        &self,
        run_id: Id,
        rule_id: Id,
        outcome: &str,
        detail: Option<&str>,
    ) -> Result<()>;
}
