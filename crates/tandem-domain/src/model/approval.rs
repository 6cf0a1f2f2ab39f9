//! Approvals: a sign-off asked of one or more people on a task, a milestone
//! (a gate) or a change of a project's stage; each approver's answer, and
//! what the answers together decide.
//!
//! What this is not: who may see or answer one (the store checks that
//! against the project and the approvers it holds).

use chrono::{DateTime, Utc};

use super::*;
use crate::validate::{FieldError, Validation, optional_text};

/// The most approvers one approval asks.
pub const MAX_APPROVERS: usize = 20;

/// What an approval is of.
#[derive(Debug, Clone, PartialEq)]
pub enum ApprovalSubject {
    /// A task of a project, by key.
    Task(String),
    /// A milestone, by id: it cannot be marked reached until approved.
    Milestone(Id),
    /// A project moving to a stage, which it does once approved.
    Stage { project: String, stage: Stage },
}

/// An approval asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalRequest {
    pub subject: ApprovalSubject,
    /// Who must answer; none means the project's stakeholders with the
    /// approver role who are members.
    pub approvers: Vec<Email>,
    /// What is asked, and why.
    pub note: Option<String>,
}

impl ApprovalRequest {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        if self.approvers.len() > MAX_APPROVERS {
            v.push(
                "approvers",
                format!("at most {MAX_APPROVERS} people approve one request"),
            );
        }
        let mut seen = Vec::new();
        for email in &self.approvers {
            if seen.contains(&email) {
                v.push("approvers", format!("{email} is named twice"));
            }
            seen.push(email);
        }
        optional_text(self.note.as_deref(), "note", 10_000, &mut v);
        v.into_result()
    }
}

/// One approver's answer, as given.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerInput {
    pub decision: Decision,
    pub comment: Option<String>,
}

impl AnswerInput {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        optional_text(self.comment.as_deref(), "comment", 10_000, &mut v);
        let blank = self.comment.as_deref().is_none_or(|c| c.trim().is_empty());
        if self.decision == Decision::RequestChanges && blank {
            v.push("comment", "is required when requesting changes: say which");
        }
        v.into_result()
    }
}

/// What an approval is of, as read back.
#[derive(Debug, Clone, PartialEq)]
pub enum SubjectRef {
    Task(TaskRef),
    Milestone { id: Id, name: String },
    Stage(Stage),
}

impl SubjectRef {
    pub fn kind(&self) -> &'static str {
        match self {
            SubjectRef::Task(_) => "task",
            SubjectRef::Milestone { .. } => "milestone",
            SubjectRef::Stage(_) => "stage",
        }
    }

    /// In words: "ACME-3 Draft the contract", "milestone Beta", "stage
    /// execution".
    pub fn describe(&self) -> String {
        match self {
            SubjectRef::Task(t) => format!("{} {}", t.key, t.title),
            SubjectRef::Milestone { name, .. } => format!("milestone {name}"),
            SubjectRef::Stage(stage) => format!("moving to the {stage} stage"),
        }
    }
}

/// One approver and their answer, if given.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub approver: UserRef,
    pub decision: Option<Decision>,
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub id: Id,
    pub project_id: Id,
    pub project_key: String,
    pub subject: SubjectRef,
    pub note: Option<String>,
    pub state: ApprovalState,
    pub requested_by: Option<UserRef>,
    pub requested_at: DateTime<Utc>,
    /// When it was approved, rejected, sent back or cancelled.
    pub decided_at: Option<DateTime<Utc>>,
    /// In the order they were named.
    pub answers: Vec<Answer>,
    pub version: i64,
}

impl Approval {
    /// Whether `user` is an approver who has not answered yet, while an
    /// answer is still wanted.
    pub fn waits_for(&self, user: Id) -> bool {
        self.state == ApprovalState::Pending
            && self
                .answers
                .iter()
                .any(|a| a.approver.id == user && a.decision.is_none())
    }
}

/// What the answers given so far decide: one rejection rejects, one
/// request for changes sends it back, and it is approved when every
/// approver approved; until then it waits.
pub fn state_after(decisions: &[Option<Decision>]) -> ApprovalState {
    if decisions.contains(&Some(Decision::Reject)) {
        ApprovalState::Rejected
    } else if decisions.contains(&Some(Decision::RequestChanges)) {
        ApprovalState::ChangesRequested
    } else if !decisions.is_empty() && decisions.iter().all(|d| *d == Some(Decision::Approve)) {
        ApprovalState::Approved
    } else {
        ApprovalState::Pending
    }
}

/// Why a milestone may not be marked reached, given the state of its
/// latest approval that was not cancelled: a gate holds while one waits,
/// was sent back, or was rejected (a later approval that passes lifts it).
pub fn gate_refusal(latest: Option<(Id, ApprovalState)>) -> Option<String> {
    let (id, state) = latest?;
    match state {
        ApprovalState::Pending => Some(format!(
            "cannot be set while approval #{id} waits for its approvers"
        )),
        ApprovalState::ChangesRequested => Some(format!(
            "cannot be set: approval #{id} asks for changes; resubmit it once they are made"
        )),
        ApprovalState::Rejected => Some(format!(
            "cannot be set: approval #{id} was rejected; request a new approval"
        )),
        ApprovalState::Approved | ApprovalState::Cancelled => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApprovalState::*;
    use Decision::*;

    #[test]
    fn every_approver_must_approve_and_one_no_decides() {
        assert_eq!(state_after(&[None, None]), Pending);
        assert_eq!(state_after(&[Some(Approve), None]), Pending);
        assert_eq!(state_after(&[Some(Approve), Some(Approve)]), Approved);
        assert_eq!(
            state_after(&[Some(Approve), Some(RequestChanges)]),
            ChangesRequested
        );
        assert_eq!(state_after(&[Some(RequestChanges), Some(Reject)]), Rejected);
        assert_eq!(state_after(&[]), Pending, "no approver approves nothing");
    }

    #[test]
    fn a_gate_holds_until_the_latest_approval_passes() {
        assert_eq!(gate_refusal(None), None);
        assert_eq!(gate_refusal(Some((3, Approved))), None);
        assert_eq!(gate_refusal(Some((3, Cancelled))), None);
        for state in [Pending, ChangesRequested, Rejected] {
            let why = gate_refusal(Some((3, state))).unwrap();
            assert!(why.contains("#3"), "{why}");
        }
    }

    #[test]
    fn changes_asked_for_are_named() {
        let answer = |comment: Option<&str>| AnswerInput {
            decision: RequestChanges,
            comment: comment.map(str::to_string),
        };
        let errors = answer(Some("  ")).check().unwrap_err();
        assert_eq!(errors[0].field, "comment");
        assert!(answer(Some("Add the budget")).check().is_ok());
        let approve = AnswerInput {
            decision: Approve,
            comment: None,
        };
        assert!(approve.check().is_ok());
    }

    #[test]
    fn approvers_are_named_once_and_few() {
        let email = |n: usize| Email::parse(&format!("p{n}@x.org")).unwrap();
        let request = |approvers: Vec<Email>| ApprovalRequest {
            subject: ApprovalSubject::Milestone(1),
            approvers,
            note: None,
        };
        assert!(request(vec![email(1), email(2)]).check().is_ok());
        let twice = request(vec![email(1), email(1)]).check().unwrap_err();
        assert!(twice[0].message.contains("twice"), "{twice:?}");
        let many = request((0..=MAX_APPROVERS).map(email).collect());
        assert_eq!(many.check().unwrap_err()[0].field, "approvers");
    }
}
