//! Which plan lint rules a project has switched off
//! (`tandem_domain::lint`); every rule is on until someone who may write
//! the project switches it off, and the switch is in the project's
//! history.

use async_trait::async_trait;
use tandem_domain::lint::LintRule;

use crate::{ProjectAccess, Result, WriteScope};

#[async_trait]
pub trait LintStore: Send + Sync {
    /// The rules the project the caller opened has switched off, in the
    /// rules' order.
    async fn lint_rules_off(&self, access: ProjectAccess) -> Result<Vec<LintRule>>;
    /// Whether any task of the project has a link: all the lint needs of
    /// a network it never reads whole.
    async fn project_linked(&self, access: ProjectAccess) -> Result<bool>;
    /// Switches `rule` on or off for the project; `false` when it already
    /// was.
    async fn switch_lint_rule(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        rule: LintRule,
        on: bool,
    ) -> Result<bool>;
}
