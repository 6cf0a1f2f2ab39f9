//! Approvals of a task, a milestone or a project's stage change, and the
//! approvers' answers.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

/// Asks for an approval of exactly one thing: a task (`task`), a
/// milestone (`milestone`), or a project's move to a stage (`project`
/// and `stage`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    /// A project task's key, e.g. `WEB-12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// A milestone's id: it cannot be marked reached until approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Id>,
    /// A project's key, with `stage`: the project moves to that stage
    /// when approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// initiation, planning, execution or closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Members' emails (not guests'). Left out: the project's stakeholders
    /// with the approver role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approvers: Option<Vec<String>>,
    /// What is asked, and why (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ApprovalInput {
    pub fn into_request(self) -> Result<ApprovalRequest, Vec<FieldError>> {
        let mut v = Validation::new();
        let stage = match self.stage.as_deref().map(str::parse::<Stage>) {
            Some(Ok(stage)) => Some(stage),
            Some(Err(e)) => {
                v.push("stage", e);
                None
            }
            None => None,
        };
        let named = [
            self.task.is_some(),
            self.milestone.is_some(),
            self.project.is_some(),
        ]
        .iter()
        .filter(|given| **given)
        .count();
        let subject = match (self.task, self.milestone, self.project) {
            _ if named > 1 => {
                v.push(
                    "task",
                    "name one of task, milestone or project, not several",
                );
                None
            }
            (Some(task), _, _) => {
                if stage.is_some() {
                    v.push("stage", "goes with project, not with task");
                }
                Some(ApprovalSubject::Task(task.trim().to_string()))
            }
            (_, Some(id), _) => {
                if stage.is_some() {
                    v.push("stage", "goes with project, not with milestone");
                }
                Some(ApprovalSubject::Milestone(id))
            }
            (_, _, Some(project)) => match stage {
                Some(stage) => Some(ApprovalSubject::Stage {
                    project: project.trim().to_string(),
                    stage,
                }),
                None => {
                    if self.stage.is_none() {
                        v.push(
                            "stage",
                            format!(
                                "is required with project: the stage to move to ({})",
                                words(Stage::ALL)
                            ),
                        );
                    }
                    None
                }
            },
            (None, None, None) => {
                v.push(
                    "task",
                    "name what to approve: task, milestone, or project with stage",
                );
                None
            }
        };
        let mut approvers = Vec::new();
        for text in self.approvers.unwrap_or_default() {
            match Email::parse(&text) {
                Ok(email) => approvers.push(email),
                Err(e) => v.push("approvers", format!("{text}: {e}")),
            }
        }
        let request = subject.map(|subject| ApprovalRequest {
            subject,
            approvers,
            note: self.note,
        });
        if let Some(request) = &request {
            v.merge(request.check());
        }
        v.finish(|| request.expect("a subject when nothing was refused"))
    }
}

fn words<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// An approver's answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// approve, request_changes or reject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Why; required when requesting changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl AnswerBody {
    pub fn into_answer(self) -> Result<AnswerInput, Vec<FieldError>> {
        let mut v = Validation::new();
        let decision = match self.decision.as_deref().map(str::parse::<Decision>) {
            Some(Ok(decision)) => Some(decision),
            Some(Err(e)) => {
                v.push("decision", e);
                None
            }
            None => {
                v.push(
                    "decision",
                    format!("is required: one of {}", words(Decision::ALL)),
                );
                None
            }
        };
        let answer = decision.map(|decision| AnswerInput {
            decision,
            comment: self.comment,
        });
        if let Some(answer) = &answer {
            v.merge(answer.check());
        }
        v.finish(|| answer.expect("a decision when nothing was refused"))
    }
}

/// Which approvals to list; all that are given must hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalQuery {
    /// Of this project (key).
    pub project: Option<String>,
    /// Of this task (key).
    pub task: Option<String>,
    /// Of this milestone (id).
    pub milestone: Option<Id>,
    /// pending, changes_requested, approved, rejected or cancelled.
    pub state: Option<String>,
    /// `true`: only those waiting for the caller's answer.
    pub mine: Option<bool>,
    /// `true`: only those the caller asked for.
    pub requested_by_me: Option<bool>,
}

/// What an approval is of.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SubjectView {
    /// task, milestone or stage.
    pub kind: String,
    /// The task's key (kind task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The milestone's id (kind milestone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Id>,
    /// The stage the project moves to when approved (kind stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// The task's title, the milestone's name, or the stage.
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AnswerView {
    pub approver: UserRef,
    /// approve, request_changes or reject; absent while it waits.
    pub decision: Option<Decision>,
    pub comment: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ApprovalView {
    pub id: Id,
    pub project_key: String,
    pub subject: SubjectView,
    pub note: Option<String>,
    /// pending, changes_requested, approved, rejected or cancelled.
    pub state: ApprovalState,
    pub requested_by: Option<UserRef>,
    pub requested_at: DateTime<Utc>,
    /// When it was approved, rejected, sent back or withdrawn.
    pub decided_at: Option<DateTime<Utc>>,
    /// Every approver, in the order named, with their answer.
    pub approvers: Vec<AnswerView>,
    pub version: i64,
}

impl From<Approval> for ApprovalView {
    fn from(a: Approval) -> Self {
        let subject = match &a.subject {
            SubjectRef::Task(t) => SubjectView {
                kind: "task".into(),
                task: Some(t.key.clone()),
                milestone: None,
                stage: None,
                title: t.title.clone(),
            },
            SubjectRef::Milestone { id, name } => SubjectView {
                kind: "milestone".into(),
                task: None,
                milestone: Some(*id),
                stage: None,
                title: name.clone(),
            },
            SubjectRef::Stage(stage) => SubjectView {
                kind: "stage".into(),
                task: None,
                milestone: None,
                stage: Some(*stage),
                title: format!("Move to {stage}"),
            },
        };
        ApprovalView {
            id: a.id,
            project_key: a.project_key,
            subject,
            note: a.note,
            state: a.state,
            requested_by: a.requested_by,
            requested_at: a.requested_at,
            decided_at: a.decided_at,
            approvers: a
                .answers
                .into_iter()
                .map(|x| AnswerView {
                    approver: x.approver,
                    decision: x.decision,
                    comment: x.comment,
                    answered_at: x.answered_at,
                })
                .collect(),
            version: a.version,
        }
    }
}
