//! What people do with approvals: ask for one, answer it, resubmit it
//! after changes, withdraw it. Who may answer (its approvers) and who may
//! resubmit or withdraw (its requester, owners and admins) is the store's
//! to check, which holds the approvers in the write's transaction.

use tandem_domain::{AnswerInput, Approval, ApprovalRequest, Id};
use tandem_store::Store;

use crate::{Result, Writer};

pub async fn request(
    store: &dyn Store,
    writer: &Writer,
    request: &ApprovalRequest,
) -> Result<Approval> {
    Ok(store.request_approval(writer.scope(), request).await?)
}

pub async fn answer(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
    answer: &AnswerInput,
) -> Result<Approval> {
    Ok(store
        .answer_approval(writer.scope(), id, expected_version, answer)
        .await?)
}

pub async fn resubmit(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<Approval> {
    Ok(store
        .resubmit_approval(writer.scope(), id, expected_version)
        .await?)
}

pub async fn cancel(
    store: &dyn Store,
    writer: &Writer,
    id: Id,
    expected_version: Option<i64>,
) -> Result<Approval> {
    Ok(store
        .cancel_approval(writer.scope(), id, expected_version)
        .await?)
}
