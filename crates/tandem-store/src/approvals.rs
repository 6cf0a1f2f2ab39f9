//! Approvals: asked on a task, a milestone or a project's stage change,
//! answered by each approver, decided by their answers together
//! (`tandem_domain::state_after`). A project's stage moves, and a
//! milestone's gate opens, in the transaction of the answer that decides.

use async_trait::async_trait;
use tandem_domain::{AnswerInput, Approval, ApprovalRequest, ApprovalState, Id};

use crate::{Result, Scope, WriteScope};

/// Which approvals a list shows; every filter set must hold.
#[derive(Debug, Clone, Default)]
pub struct ApprovalFilter {
    /// Of this project (its key).
    pub project: Option<String>,
    /// Of this task (its key).
    pub task: Option<String>,
    pub milestone: Option<Id>,
    pub state: Option<ApprovalState>,
    /// Waiting for this person's answer.
    pub waiting_for: Option<Id>,
    /// Asked by this person.
    pub requested_by: Option<Id>,
}

/// The most approvals one list returns, newest first.
pub const APPROVAL_PAGE: i64 = 200;

#[async_trait]
pub trait ApprovalStore: Send + Sync {
    /// Asks for an approval; the approvers default to the project's
    /// stakeholders with the approver role who are members and not
    /// guests. Refused while another approval of the same subject waits.
    async fn request_approval(
        &self,
        scope: WriteScope,
        request: &ApprovalRequest,
    ) -> Result<Approval>;
    /// Newest first, at most [`APPROVAL_PAGE`], of projects the caller
    /// may open.
    async fn list_approvals(&self, scope: Scope, filter: &ApprovalFilter) -> Result<Vec<Approval>>;
    async fn get_approval(&self, scope: Scope, id: Id) -> Result<Approval>;
    /// The caller's answer, as one of its approvers, while it waits.
    async fn answer_approval(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        answer: &AnswerInput,
    ) -> Result<Approval>;
    /// Asks again after changes were asked for: every answer is cleared.
    /// Its requester, an owner or an admin.
    async fn resubmit_approval(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<Approval>;
    /// Withdraws an approval not yet decided. Its requester, an owner or
    /// an admin.
    async fn cancel_approval(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<Approval>;
}
