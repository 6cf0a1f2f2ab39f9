//! Approvals and their answers: the SELECT lists, row mappers and the
//! history snapshot.

use serde_json::{Map, Value, json};
use tandem_domain::{Answer, Approval, ApprovalState, Decision, SubjectRef, TaskKey, TaskRef};

use super::{Columns, object, user_ref, vocab};
use crate::Result;

/// An approval with its project's key, its subject's name and its
/// requester; the caller adds the conditions.
pub(crate) const APPROVAL_SELECT: &str = "SELECT a.id, a.project_id, p.key AS project_key, \
    a.subject_kind, a.task_id, t.number AS task_number, t.title AS task_title, \
    a.milestone_id, m.name AS milestone_name, a.stage, a.note, a.state, \
    a.requested_by, r.email AS requester_email, r.name AS requester_name, \
    a.requested_at, a.decided_at, a.version \
    FROM approvals a JOIN projects p ON p.id = a.project_id \
    LEFT JOIN tasks t ON t.id = a.task_id \
    LEFT JOIN milestones m ON m.id = a.milestone_id \
    LEFT JOIN users r ON r.id = a.requested_by";

/// The answers of the approvals whose ids follow `IN`, in each one's
/// order of approvers.
pub(crate) const ANSWER_SELECT: &str = "SELECT aa.approval_id, aa.user_id, u.email, u.name, \
    aa.decision, aa.comment, aa.answered_at \
    FROM approval_answers aa JOIN users u ON u.id = aa.user_id";

pub(crate) fn approval_from_row(row: &impl Columns) -> Result<Approval> {
    let project_key: String = row.get("project_key")?;
    let subject = match row.text("subject_kind")? {
        "task" => {
            let id: i64 = row.get("task_id")?;
            SubjectRef::Task(TaskRef {
                id,
                key: TaskKey::format(Some(&project_key), row.get("task_number")?, id),
                title: row.get("task_title")?,
            })
        }
        "milestone" => SubjectRef::Milestone {
            id: row.get("milestone_id")?,
            name: row.get("milestone_name")?,
        },
        _ => SubjectRef::Stage(vocab(row.text("stage")?)?),
    };
    Ok(Approval {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        project_key,
        subject,
        note: row.get("note")?,
        state: vocab(row.text("state")?)?,
        requested_by: user_ref(row, "requested_by", "requester_email", "requester_name")?,
        requested_at: row.get("requested_at")?,
        decided_at: row.get("decided_at")?,
        answers: Vec::new(),
        version: row.get("version")?,
    })
}

/// One row of [`ANSWER_SELECT`]: the approval's id and the answer.
pub(crate) fn answer_from_row(row: &impl Columns) -> Result<(i64, Answer)> {
    Ok((
        row.get("approval_id")?,
        Answer {
            approver: tandem_domain::UserRef {
                id: row.get("user_id")?,
                email: row.get("email")?,
                name: row.get("name")?,
            },
            decision: row.text_opt("decision")?.map(vocab).transpose()?,
            comment: row.get("comment")?,
            answered_at: row.get("answered_at")?,
        },
    ))
}

/// What an approval's history row records: where it stands, and the
/// answer the write gave (the actor is the approver).
pub(crate) fn approval_snapshot(
    state: ApprovalState,
    decision: Option<Decision>,
    comment: Option<&str>,
) -> Map<String, Value> {
    object(json!({
        "state": state.as_str(),
        "decision": decision.map(|d| d.as_str()),
        "comment": comment,
    }))
}
