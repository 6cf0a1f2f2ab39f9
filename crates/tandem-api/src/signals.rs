//! Is it a task or a project: the signals that hold and the verdict.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::WorkLevel;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SignalsView {
    /// The signals that hold, by name. A task's: `spans_weeks` (two
    /// working weeks or more), `several_people` (three or more),
    /// `needs_approval`, `depends_on_other_work` (two links or more),
    /// `many_steps` (five subtasks, or three over two people),
    /// `large_effort` (80 hours or more). A project's: `one_person`,
    /// `few_days` (a working week at most), `no_links`, `no_milestones`.
    pub signals: Vec<String>,
    /// What it behaves like: `task` or `project`. A task behaves like a
    /// project when three of its signals hold; a project could be a task
    /// when all four of its do.
    pub verdict: WorkLevel,
    /// The signals as a person reads them.
    pub reasons: Vec<String>,
}
