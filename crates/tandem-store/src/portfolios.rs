//! Portfolios: named sets of projects and of other portfolios. The store
//! keeps what each holds; which of its projects a reader may see, and
//! what the portfolio's table shows of them, is the use cases' (a
//! portfolio holds every project named in it, whoever reads).

use async_trait::async_trait;
use tandem_domain::{Id, Portfolio, PortfolioFields};

use crate::{Patch, Result, Scope, WriteScope};

/// The portfolios of a workspace.
#[async_trait]
pub trait PortfolioStore: Send + Sync {
    async fn create_portfolio(
        &self,
        scope: WriteScope,
        portfolio: &PortfolioFields,
    ) -> Result<Portfolio>;
    /// Every portfolio of the workspace, by name, with what each holds.
    async fn list_portfolios(&self, scope: Scope) -> Result<Vec<Portfolio>>;
    async fn update_portfolio(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: Patch<'_, PortfolioFields>,
    ) -> Result<Portfolio>;
    async fn delete_portfolio(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()>;
}
