//! Projects that arrive whole from a file (Microsoft Project): written
//! in batches in a staging workspace nobody belongs to, then moved into
//! place in one transaction, so nobody sees one half done.
//!
//! Reading the file is `tandem-domain`'s (`interop`) and
//! `tandem-schedule`'s (`mspdi`); this only stores what they made of it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_domain::Project;

use crate::{Result, WriteScope};

/// Whole projects from files.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Creates a project with its calendar, tasks, links and baseline, all
    /// or nothing (an imported Microsoft Project file).
    async fn import_project(
        &self,
        scope: WriteScope,
        import: &tandem_domain::interop::ProjectImport,
    ) -> Result<Project>;
    /// Deletes what imports that never finished (the process died) left
    /// in their staging workspaces, for imports started before
    /// `started_before`; how many went.
    async fn purge_abandoned_imports(&self, started_before: DateTime<Utc>) -> Result<u64>;
}
