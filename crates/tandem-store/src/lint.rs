//! Which plan lint rules a project has switched off
//! (`tandem_domain::lint`); every rule is on until someone who may write
//! the project switches it off, and the switch is in the project's
//! history.

use async_trait::async_trait;
use tandem_domain::Id;
use tandem_domain::lint::LintRule;

use crate::{ProjectAccess, Result, WriteScope};

#[async_trait]
pub trait LintStore: Send + Sync {
    /// The rules the project the caller opened has switched off, in the
    /// rules' order.
    async fn lint_rules_off(&self, access: ProjectAccess) -> Result<Vec<LintRule>>;
    /// Whether any task of the project has a link, and the links
    /// (predecessor, successor) into `successors`: what the lint needs of
    /// a network it never reads whole.
    async fn lint_links(
        &self,
        access: ProjectAccess,
        successors: &[Id],
    ) -> Result<(bool, Vec<(Id, Id)>)>;
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
