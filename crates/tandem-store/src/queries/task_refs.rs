//! What a task's row refers to and the sets that hang off it: its owner,
//! collaborators, parent, phase and milestone resolved in its project
//! (every failure collected), and its tags and collaborators written; the
//! queries, compiled once per backend (see `mod.rs`).
//!
//! Not here: writing the task's own row (`tasks.rs`).

use super::*;

/// Whether a link joins `task` or a task under it to one of `above`: what
/// would link a summary task to its own subtask once `task` moved under
/// them.
async fn linked_across(tx: &mut Tx, task: Id, above: &[Id]) -> Result<bool> {
    if above.is_empty() {
        return Ok(false);
    }
    let mut qb = QueryBuilder::<Db>::new(
        "WITH RECURSIVE down(id) AS ( \
            SELECT CAST(",
    );
    qb.push_bind(task);
    qb.push(
        " AS BIGINT) UNION SELECT t.id FROM tasks t JOIN down ON t.parent_id = down.id) \
         SELECT d.id FROM dependencies d WHERE \
         (d.predecessor_id IN (SELECT id FROM down) AND d.successor_id IN (",
    );
    let mut list = qb.separated(", ");
    for id in above {
        list.push_bind(*id);
    }
    qb.push(")) OR (d.successor_id IN (SELECT id FROM down) AND d.predecessor_id IN (");
    let mut list = qb.separated(", ");
    for id in above {
        list.push_bind(*id);
    }
    qb.push(")) LIMIT 1");
    Ok(qb.build().fetch_optional(&mut **tx).await?.is_some())
}

/// [`cycle_under`] on what the task's start and the new summary's finish
/// reach (a task moved under a summary takes on the summary's links).
async fn cycle_under_tx(
    tx: &mut Tx,
    scope: Scope,
    task: Id,
    parent: Id,
) -> Result<Option<Vec<Id>>> {
    let (mut links, mut parents) = order_after(tx, scope, Point::Start(task)).await?;
    let (more_links, more_parents) = order_after(tx, scope, Point::Finish(parent)).await?;
    links.extend(more_links);
    parents.extend(more_parents);
    Ok(cycle_under(&links, &parents, task, parent))
}

pub(super) struct TaskRefs {
    pub(super) owner_id: Option<Id>,
    pub(super) collaborator_ids: Vec<Id>,
    pub(super) parent_id: Option<Id>,
}

/// The member a task's owner email names, when the write has already read
/// it along with something else (a new task's project): one statement
/// fewer on the write's path.
#[derive(Clone, Copy)]
pub(super) enum Owner {
    ToLookUp,
    /// `None`: no member of the workspace has that email.
    LookedUp(Option<Id>),
}

/// Resolves a task's references (people, parent, phase,
/// milestone) in its project, collecting every failure. `task` is the
/// task written and its present parent, for an edit; `present` are the
/// collaborators it has, who stay even if no longer members.
pub(super) async fn resolve_task_refs(
    tx: &mut Tx,
    scope: Scope,
    project: Option<(Id, &str)>,
    task: Option<(Id, Option<Id>)>,
    fields: &TaskFields,
    owner: Owner,
    present: &[tandem_domain::UserRef],
) -> Result<TaskRefs> {
    let mut errors = Vec::new();
    let mut take = |result: Result<Id>| -> Result<Option<Id>> {
        match result {
            Ok(id) => Ok(Some(id)),
            Err(StoreError::Invalid(e)) => {
                errors.extend(e);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    };
    let owner_id = match (&fields.owner, owner) {
        (Some(email), Owner::LookedUp(found)) => {
            take(found.ok_or_else(|| not_a_member(email, "owner")))?
        }
        (Some(email), Owner::ToLookUp) => take(member_id(tx, scope, email, "owner").await)?,
        (None, _) => None,
    };
    let mut collaborator_ids = Vec::new();
    for email in &fields.collaborators {
        let kept = present
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email.as_str()));
        if let Some(user) = kept {
            collaborator_ids.push(user.id);
        } else if let Some(id) = take(member_id(tx, scope, email, "collaborators").await)? {
            collaborator_ids.push(id);
        }
    }
    let mut parent_id = None;
    if let Some(parent_key) = &fields.parent {
        match fetch_task_tx(tx, scope, parent_key).await {
            Ok(parent) => {
                if parent.project.as_ref().map(|p| p.id) != project.map(|p| p.0) {
                    errors.push(FieldError::new(
                        "parent",
                        "must be a task of the same project",
                    ));
                } else if let Some((task_id, present)) = task {
                    // The new parent's ancestors, itself included: a walk
                    // up one branch, not a read of every parented task.
                    let ancestors: Vec<i64> = sqlx::query_scalar(
                        "WITH RECURSIVE up(id, parent_id) AS ( \
                         SELECT id, parent_id FROM tasks WHERE id = $1 \
                         UNION SELECT t.id, t.parent_id FROM tasks t JOIN up ON t.id = up.parent_id) \
                         SELECT id FROM up",
                    )
                    .bind(parent.id)
                    .fetch_all(&mut **tx)
                    .await?;
                    if ancestors.contains(&task_id) {
                        errors.push(FieldError::new(
                            "parent",
                            "a task cannot be its own ancestor",
                        ));
                    } else if linked_across(tx, task_id, &ancestors).await? {
                        errors.push(FieldError::new(
                            "parent",
                            format!(
                                "this task or one of its subtasks is linked to {parent_key} \
                                 or a task above it: a summary task and its own subtasks \
                                 cannot be linked"
                            ),
                        ));
                    } else if present != Some(parent.id)
                        && let Some(cycle) = cycle_under_tx(tx, scope, task_id, parent.id).await?
                    {
                        let keys = cycle_keys(tx, scope, cycle).await?;
                        errors.push(FieldError::new(
                            "parent",
                            format!(
                                "under {parent_key} this task would wait for itself: {}",
                                keys.join(" → ")
                            ),
                        ));
                    } else {
                        parent_id = Some(parent.id);
                    }
                } else {
                    parent_id = Some(parent.id);
                }
            }
            Err(StoreError::NotFound(_)) => errors.push(FieldError::new(
                "parent",
                format!("must be the key of a task you can open, not {parent_key}"),
            )),
            Err(other) => return Err(other),
        }
    }
    for (field, id, table) in [
        ("phase_id", fields.phase_id, "phases"),
        ("milestone_id", fields.milestone_id, "milestones"),
    ] {
        if let Some(id) = id {
            let found: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT project_id FROM {table} WHERE id = $1 AND workspace_id = $2"
            ))
            .bind(id)
            .bind(scope.workspace_id)
            .fetch_optional(&mut **tx)
            .await?;
            if found.is_none() || found != project.map(|p| p.0) {
                errors.push(FieldError::new(field, "must belong to the task's project"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    Ok(TaskRefs {
        owner_id,
        collaborator_ids,
        parent_id,
    })
}

/// The tags and collaborators of a task in `scope`'s workspace: `Fresh`
/// for a task just created, which has none yet, `Replace` for one that
/// may.
pub(super) enum TaskSets {
    Fresh,
    Replace,
}

pub(super) fn push_task_sets(
    batch: &mut Batch,
    scope: Scope,
    task_id: Id,
    sets: TaskSets,
    tags: &[String],
    collaborators: &[Id],
) {
    if let TaskSets::Replace = sets {
        batch
            .push("DELETE FROM task_tags WHERE task_id = $1")
            .bind(task_id);
        batch
            .push("DELETE FROM task_collaborators WHERE task_id = $1")
            .bind(task_id);
    }
    for tag in tags {
        // The workspace is the task's, copied for the tag filter's index.
        batch
            .push("INSERT INTO task_tags (task_id, tag, workspace_id) VALUES ($1, $2, $3)")
            .bind(task_id)
            .bind(tag.clone())
            .bind(scope.workspace_id);
    }
    for user_id in collaborators {
        batch
            .push("INSERT INTO task_collaborators (task_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(task_id)
            .bind(*user_id);
    }
}
