//! Approvals and their answers; the queries, compiled once per backend
//! (see `mod.rs`).

use super::*;
use crate::approvals::{APPROVAL_PAGE, ApprovalFilter, ApprovalStore};

/// The state and id of a milestone's latest approval not withdrawn: what
/// its gate is judged on.
pub(super) async fn latest_milestone_approval(
    tx: &mut Tx,
    milestone_id: Id,
) -> Result<Option<(Id, ApprovalState)>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, state FROM approvals WHERE milestone_id = $1 AND state <> 'cancelled' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(milestone_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|(id, state)| Ok((id, vocab(&state)?))).transpose()
}

/// The approvals [`APPROVAL_SELECT`] and `conditions` find in the
/// caller's workspace and visible projects, newest first, with their
/// answers.
async fn approvals_where(
    tx: &mut Tx,
    scope: Scope,
    conditions: impl FnOnce(&mut QueryBuilder<'_, Db>),
) -> Result<Vec<Approval>> {
    let mut qb = QueryBuilder::<Db>::new(APPROVAL_SELECT);
    qb.push(" WHERE a.workspace_id = ");
    qb.push_bind(scope.workspace_id);
    push_project_visibility(&mut qb, "a.project_id", scope);
    conditions(&mut qb);
    qb.push(" ORDER BY a.id DESC LIMIT ");
    qb.push_bind(APPROVAL_PAGE);
    let rows = qb.build().fetch_all(&mut **tx).await?;
    let mut approvals = rows
        .iter()
        .map(approval_from_row)
        .collect::<Result<Vec<_>>>()?;
    if approvals.is_empty() {
        return Ok(approvals);
    }
    let mut qb = QueryBuilder::<Db>::new(ANSWER_SELECT);
    qb.push(" WHERE aa.approval_id IN (");
    let mut ids = qb.separated(", ");
    for approval in &approvals {
        ids.push_bind(approval.id);
    }
    qb.push(") ORDER BY aa.approval_id, aa.position");
    for row in qb.build().fetch_all(&mut **tx).await? {
        let (id, answer) = answer_from_row(&row)?;
        if let Some(approval) = approvals.iter_mut().find(|a| a.id == id) {
            approval.answers.push(answer);
        }
    }
    Ok(approvals)
}

async fn fetch_approval_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Approval> {
    approvals_where(tx, scope, |qb| {
        qb.push(" AND a.id = ");
        qb.push_bind(id);
    })
    .await?
    .pop()
    .ok_or(StoreError::NotFound("approval"))
}

/// The approval read again after its project's lock is taken: what it is
/// now, which no other writer changes before this transaction ends.
async fn locked_approval_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Approval> {
    let approval = fetch_approval_tx(tx, scope, id).await?;
    if lock_project_tx(tx, approval.project_id).await? {
        fetch_approval_tx(tx, scope, id).await
    } else {
        Ok(approval)
    }
}

/// What a request names, found: its project, the subject's columns, and
/// its words for the history.
struct Subject {
    project_id: Id,
    kind: &'static str,
    task_id: Option<Id>,
    milestone_id: Option<Id>,
    stage: Option<Stage>,
    label: String,
}

async fn resolve_subject(tx: &mut Tx, scope: Scope, subject: &ApprovalSubject) -> Result<Subject> {
    Ok(match subject {
        ApprovalSubject::Task(key) => {
            let task = fetch_task_tx(tx, scope, key).await?;
            let Some(project) = task.project else {
                return Err(StoreError::invalid(
                    "task",
                    format!(
                        "{} is a personal task, which nobody else may open to approve",
                        task.key
                    ),
                ));
            };
            Subject {
                project_id: project.id,
                kind: "task",
                task_id: Some(task.id),
                milestone_id: None,
                stage: None,
                label: format!("{} {}", task.key, task.title),
            }
        }
        ApprovalSubject::Milestone(id) => {
            let milestone = fetch_milestone_tx(tx, scope, *id).await?;
            if let Some(day) = milestone.reached {
                return Err(StoreError::invalid(
                    "milestone",
                    format!("{} was reached on {day} already", milestone.name),
                ));
            }
            Subject {
                project_id: milestone.project_id,
                kind: "milestone",
                task_id: None,
                milestone_id: Some(milestone.id),
                stage: None,
                label: format!("milestone {}", milestone.name),
            }
        }
        ApprovalSubject::Stage { project, stage } => {
            let project = fetch_project_tx(tx, scope, project).await?;
            if project.stage == *stage {
                return Err(StoreError::invalid(
                    "stage",
                    format!("{} is in the {stage} stage already", project.key),
                ));
            }
            Subject {
                project_id: project.id,
                kind: "stage",
                task_id: None,
                milestone_id: None,
                stage: Some(*stage),
                label: format!("{} moving to the {stage} stage", project.key),
            }
        }
    })
}

/// The approvers' ids, in the order named; or else the project's
/// stakeholders with the approver role who may answer. Guests may not:
/// they change nothing in a workspace.
async fn resolve_approvers(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    named: &[Email],
) -> Result<Vec<Id>> {
    if named.is_empty() {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT s.user_id FROM stakeholders s \
             JOIN members m ON m.user_id = s.user_id AND m.workspace_id = $1 \
             WHERE s.project_id = $2 AND s.role = 'approver' AND m.role <> 'guest' ORDER BY s.id",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_all(&mut **tx)
        .await?;
        // Nobody approves what they asked for.
        let mut unique = Vec::new();
        for id in ids {
            if !unique.contains(&id) && id != scope.user_id {
                unique.push(id);
            }
        }
        unique.truncate(MAX_APPROVERS);
        if unique.is_empty() {
            return Err(StoreError::invalid(
                "approvers",
                "name at least one: the project has no stakeholder with the approver role \
                 who is a member, other than you (guests do not answer approvals)",
            ));
        }
        return Ok(unique);
    }
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for email in named {
        let found: Option<(i64, String)> = sqlx::query_as(
            "SELECT u.id, m.role FROM users u JOIN members m ON m.user_id = u.id AND m.workspace_id = $1 \
             WHERE u.email = $2",
        )
        .bind(scope.workspace_id)
        .bind(email.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        match found {
            None => errors.push(FieldError::new(
                "approvers",
                format!("{email} is not a member of this workspace"),
            )),
            Some((_, role)) if role == Role::Guest.as_str() => errors.push(FieldError::new(
                "approvers",
                format!("{email} is a guest, and guests do not answer approvals"),
            )),
            Some((id, _)) if id == scope.user_id => errors.push(FieldError::new(
                "approvers",
                format!("{email} is you: nobody approves what they asked for"),
            )),
            Some((id, _)) => ids.push(id),
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    Ok(ids)
}

/// Whether the caller may resubmit or withdraw it: its requester, or an
/// owner or admin.
fn may_manage(scope: Scope, approval: &Approval) -> Result<()> {
    let requester = approval.requested_by.as_ref().map(|u| u.id);
    if requester == Some(scope.user_id) || scope.role.can_manage_members() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "only who asked for an approval, an owner or an admin may resubmit or withdraw it"
                .into(),
        ))
    }
}

/// Records a change of an approval's state in its history.
async fn record_approval(
    tx: &mut Tx,
    scope: Scope,
    approval: &Approval,
    action: &str,
    after: ApprovalState,
    answer: Option<&AnswerInput>,
) -> Result<()> {
    let before = approval_snapshot(approval.state, None, None);
    let after = approval_snapshot(
        after,
        answer.map(|a| a.decision),
        answer.and_then(|a| a.comment.as_deref()),
    );
    record(
        tx,
        scope,
        Some(approval.project_id),
        EntityKind::Approval,
        approval.id,
        &approval.subject.describe(),
        action,
        &activity::diff(&before, &after),
    )
    .await
}

/// Moves a project to the stage its approval asked for, in the approval's
/// transaction, with the project's own history row.
async fn move_stage(tx: &mut Tx, scope: Scope, approval: &Approval, stage: Stage) -> Result<()> {
    let before: String = sqlx::query_scalar("SELECT stage FROM projects WHERE id = $1")
        .bind(approval.project_id)
        .fetch_one(&mut **tx)
        .await?;
    if before == stage.as_str() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE projects SET stage = $1, updated_at = $2, version = version + 1 WHERE id = $3",
    )
    .bind(stage.as_str())
    .bind(Utc::now())
    .bind(approval.project_id)
    .execute(&mut **tx)
    .await?;
    let changes = activity::diff(
        &serde_json::Map::from_iter([("stage".to_string(), serde_json::json!(before))]),
        &serde_json::Map::from_iter([("stage".to_string(), serde_json::json!(stage.as_str()))]),
    );
    record(
        tx,
        scope,
        Some(approval.project_id),
        EntityKind::Project,
        approval.project_id,
        &approval.project_key,
        "updated",
        &changes,
    )
    .await
}

#[async_trait]
impl ApprovalStore for DbStore {
    async fn request_approval(
        &self,
        scope: WriteScope,
        request: &ApprovalRequest,
    ) -> Result<Approval> {
        let scope = *scope;
        request.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let mut subject = resolve_subject(&mut tx, scope, &request.subject).await?;
        if lock_project_tx(&mut tx, subject.project_id).await? {
            subject = resolve_subject(&mut tx, scope, &request.subject).await?;
        }
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM approvals WHERE project_id = $1 AND subject_kind = $2 \
             AND COALESCE(task_id, 0) = $3 AND COALESCE(milestone_id, 0) = $4 \
             AND state IN ('pending', 'changes_requested') LIMIT 1",
        )
        .bind(subject.project_id)
        .bind(subject.kind)
        .bind(subject.task_id.unwrap_or(0))
        .bind(subject.milestone_id.unwrap_or(0))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(open) = open {
            return Err(StoreError::Conflict(format!(
                "approval #{open} of {} is still open; answer, resubmit or withdraw it first",
                subject.label
            )));
        }
        let approvers =
            resolve_approvers(&mut tx, scope, subject.project_id, &request.approvers).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO approvals (workspace_id, project_id, subject_kind, task_id, milestone_id, stage, \
             note, state, requested_by, requested_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(subject.project_id)
        .bind(subject.kind)
        .bind(subject.task_id)
        .bind(subject.milestone_id)
        .bind(subject.stage.map(|s| s.as_str()))
        .bind(request.note.as_deref().map(str::trim).filter(|n| !n.is_empty()))
        .bind(scope.user_id)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        for (position, user_id) in approvers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO approval_answers (approval_id, user_id, position) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(user_id)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        let mut snapshot = approval_snapshot(ApprovalState::Pending, None, None);
        snapshot.insert("note".into(), serde_json::json!(request.note));
        record(
            &mut tx,
            scope,
            Some(subject.project_id),
            EntityKind::Approval,
            id,
            &subject.label,
            "requested",
            &activity::created(&snapshot),
        )
        .await?;
        let approval = fetch_approval_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(approval)
    }

    async fn list_approvals(&self, scope: Scope, filter: &ApprovalFilter) -> Result<Vec<Approval>> {
        let task = match &filter.task {
            Some(key) => match TaskKey::parse(key) {
                Ok(TaskKey::Project { project, number }) => Some((project, number)),
                // A personal task has no approvals; a bad key names none.
                _ => return Ok(Vec::new()),
            },
            None => None,
        };
        let mut tx = self.read_tx().await?;
        let approvals = approvals_where(&mut tx, scope, |qb| {
            if let Some(project) = &filter.project {
                qb.push(" AND p.key = ");
                qb.push_bind(project.to_ascii_uppercase());
            }
            if let Some((project, number)) = task {
                qb.push(" AND p.key = ");
                qb.push_bind(project);
                qb.push(" AND t.number = ");
                qb.push_bind(number);
            }
            if let Some(milestone) = filter.milestone {
                qb.push(" AND a.milestone_id = ");
                qb.push_bind(milestone);
            }
            if let Some(state) = filter.state {
                qb.push(" AND a.state = ");
                qb.push_bind(state.as_str());
            }
            if let Some(user) = filter.waiting_for {
                qb.push(
                    " AND a.state = 'pending' AND EXISTS (SELECT 1 FROM approval_answers w \
                     WHERE w.approval_id = a.id AND w.decision IS NULL AND w.user_id = ",
                );
                qb.push_bind(user);
                qb.push(")");
            }
            if let Some(user) = filter.requested_by {
                qb.push(" AND a.requested_by = ");
                qb.push_bind(user);
            }
        })
        .await?;
        tx.commit().await?;
        Ok(approvals)
    }

    async fn get_approval(&self, scope: Scope, id: Id) -> Result<Approval> {
        let mut tx = self.read_tx().await?;
        let approval = fetch_approval_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(approval)
    }

    async fn answer_approval(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        answer: &AnswerInput,
    ) -> Result<Approval> {
        let scope = *scope;
        answer.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let approval = locked_approval_tx(&mut tx, scope, id).await?;
        check_version(expected_version, approval.version)?;
        let Some(mine) = approval
            .answers
            .iter()
            .position(|a| a.approver.id == scope.user_id)
        else {
            return Err(StoreError::Forbidden(format!(
                "only the approvers of approval #{id} answer it"
            )));
        };
        if approval.state != ApprovalState::Pending {
            return Err(StoreError::Conflict(format!(
                "approval #{id} is {}; it takes no answers now",
                approval.state
            )));
        }
        if let Some(given) = approval.answers[mine].decision {
            return Err(StoreError::Conflict(format!(
                "you answered approval #{id} already ({given})"
            )));
        }
        let now = Utc::now();
        let comment = answer
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        sqlx::query(
            "UPDATE approval_answers SET decision = $1, comment = $2, answered_at = $3 \
             WHERE approval_id = $4 AND user_id = $5",
        )
        .bind(answer.decision.as_str())
        .bind(comment)
        .bind(now)
        .bind(id)
        .bind(scope.user_id)
        .execute(&mut *tx)
        .await?;
        let mut decisions: Vec<Option<Decision>> =
            approval.answers.iter().map(|a| a.decision).collect();
        decisions[mine] = Some(answer.decision);
        let state = state_after(&decisions);
        let decided = state != ApprovalState::Pending;
        sqlx::query(
            "UPDATE approvals SET state = $1, decided_at = $2, version = version + 1 WHERE id = $3",
        )
        .bind(state.as_str())
        .bind(decided.then_some(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let action = if decided { "decided" } else { "answered" };
        record_approval(&mut tx, scope, &approval, action, state, Some(answer)).await?;
        if let (ApprovalState::Approved, SubjectRef::Stage(stage)) = (state, &approval.subject) {
            move_stage(&mut tx, scope, &approval, *stage).await?;
        }
        let approval = fetch_approval_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(approval)
    }

    async fn resubmit_approval(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<Approval> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let approval = locked_approval_tx(&mut tx, scope, id).await?;
        check_version(expected_version, approval.version)?;
        may_manage(scope, &approval)?;
        if approval.state != ApprovalState::ChangesRequested {
            return Err(StoreError::Conflict(format!(
                "approval #{id} is {}; only one sent back for changes is resubmitted",
                approval.state
            )));
        }
        sqlx::query(
            "UPDATE approval_answers SET decision = NULL, comment = NULL, answered_at = NULL \
             WHERE approval_id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE approvals SET state = 'pending', decided_at = NULL, version = version + 1 WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record_approval(
            &mut tx,
            scope,
            &approval,
            "resubmitted",
            ApprovalState::Pending,
            None,
        )
        .await?;
        let approval = fetch_approval_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(approval)
    }

    async fn cancel_approval(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<Approval> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let approval = locked_approval_tx(&mut tx, scope, id).await?;
        check_version(expected_version, approval.version)?;
        may_manage(scope, &approval)?;
        if approval.state.is_closed() {
            return Err(StoreError::Conflict(format!(
                "approval #{id} is {} already",
                approval.state
            )));
        }
        sqlx::query(
            "UPDATE approvals SET state = 'cancelled', decided_at = $1, version = version + 1 WHERE id = $2",
        )
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record_approval(
            &mut tx,
            scope,
            &approval,
            "cancelled",
            ApprovalState::Cancelled,
            None,
        )
        .await?;
        let approval = fetch_approval_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(approval)
    }
}
