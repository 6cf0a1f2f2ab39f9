//! Promoting a task to a project and demoting a project to a task; the
//! queries, compiled once per backend (see `mod.rs`). Both move rows
//! rather than copy them, so every id that points at a moved task (links,
//! comments, files, approvals, goals, history) still does.

use std::collections::HashMap;

use tandem_domain::levels::{self, DemoteBlockers};

use super::*;
use crate::levels::{DemoteTo, Demoted, LevelStore, Promoted, Promotion};

/// `(a, b, …)`: the ids bound, for an `IN`. Callers skip empty lists.
fn push_ids(qb: &mut QueryBuilder<'_, Db>, ids: &[Id]) {
    qb.push("(");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
}

/// Whose parent is `from` gets `to` as its parent: a promotion lifts the
/// promoted task's children to the top of the new project, a demotion
/// puts a project's top-level tasks under the task it became.
#[derive(Clone, Copy)]
struct Reparent {
    from: Option<Id>,
    to: Option<Id>,
}

/// A task about to move: its id, parent, number, project and that
/// project's key.
type MovedRow = (Id, Option<Id>, i64, Option<Id>, Option<String>);

/// Moves the tasks `ids` into the project `to` (or makes them personal):
/// each takes back a number it had there before, or the project's next;
/// the key it leaves is kept as a former key; phases and milestones of
/// the project it left are cleared; what follows a task's project for
/// visibility (its comments, files, inbox items, approvals, recurring
/// series, history) moves with it. Each move is in the task's history.
/// The caller watches the roll-ups.
async fn move_tasks_tx(
    tx: &mut Tx,
    scope: Scope,
    ids: &[Id],
    to: Option<&ProjectRef>,
    reparent: Reparent,
    batch: &mut Batch,
) -> Result<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT t.id, t.parent_id, t.number, t.project_id, p.key FROM tasks t \
         LEFT JOIN projects p ON p.id = t.project_id WHERE t.id IN ",
    );
    push_ids(&mut qb, ids);
    qb.push(" ORDER BY t.number, t.id");
    let rows: Vec<MovedRow> = qb.build_query_as().fetch_all(&mut **tx).await?;

    let leaving: Vec<_> = rows
        .iter()
        .filter(|r| r.3.is_some() && r.2 > 0 && r.3 != to.map(|p| p.id))
        .collect();
    if !leaving.is_empty() {
        let mut former = QueryBuilder::<Db>::new(
            "INSERT INTO task_former_keys (workspace_id, project_key, number, project_id, task_id) ",
        );
        former.push_values(leaving, |mut b, (id, _, number, project, key)| {
            b.push_bind(scope.workspace_id)
                .push_bind(key.clone().unwrap_or_default())
                .push_bind(*number)
                .push_bind(*project)
                .push_bind(*id);
        });
        // A key used again (a project of the same key made anew) names
        // the task that had it last.
        former.push(
            " ON CONFLICT (workspace_id, project_key, number) DO UPDATE \
             SET project_id = excluded.project_id, task_id = excluded.task_id",
        );
        former.build().execute(&mut **tx).await?;
    }

    // Numbers the tasks had in the project they go to, theirs again.
    let mut reclaimed: HashMap<Id, i64> = HashMap::new();
    if let Some(project) = to {
        let mut qb = QueryBuilder::<Db>::new("DELETE FROM task_former_keys WHERE project_id = ");
        qb.push_bind(project.id);
        qb.push(" AND task_id IN ");
        push_ids(&mut qb, ids);
        qb.push(" RETURNING task_id, number");
        let back: Vec<(Id, i64)> = qb.build_query_as().fetch_all(&mut **tx).await?;
        reclaimed.extend(back);
    }
    let fresh = rows.len() - reclaimed.len();
    let mut next = match to {
        Some(project) if fresh > 0 => take_task_numbers(tx, project.id, fresh).await?,
        _ => 0,
    };

    let now = Utc::now();
    for (id, parent, number, _, project_key) in &rows {
        let new_number = match to {
            None => 0,
            Some(_) => match reclaimed.get(id) {
                Some(n) => *n,
                None => {
                    next += 1;
                    next - 1
                }
            },
        };
        let new_parent = if *parent == reparent.from {
            reparent.to
        } else {
            *parent
        };
        batch
            .push(
                "UPDATE tasks SET project_id = $1, number = $2, parent_id = $3, phase_id = NULL, \
                 milestone_id = NULL, version = version + 1, updated_at = $4 WHERE id = $5",
            )
            .bind(to.map(|p| p.id))
            .bind(new_number)
            .bind(new_parent)
            .bind(now)
            .bind(*id);
        let before = TaskKey::format(project_key.as_deref(), *number, *id);
        let after = TaskKey::format(to.map(|p| p.key.as_str()), new_number, *id);
        let changes = [FieldChange {
            field: "key".into(),
            before: before.into(),
            after: after.clone().into(),
        }];
        record_in(
            batch,
            scope,
            to.map(|p| p.id),
            EntityKind::Task,
            *id,
            &after,
            "moved",
            &changes,
        );
    }
    batch.flush(tx).await?;

    let to_id = to.map(|p| p.id);
    let list = ids_text(ids);
    for sql in [
        "UPDATE comments SET project_id = $1 WHERE task_id IN {ids}",
        "UPDATE attachments SET project_id = $1 WHERE task_id IN {ids} \
         OR comment_id IN (SELECT id FROM comments WHERE task_id IN {ids})",
        "UPDATE notifications SET project_id = $1 WHERE task_id IN {ids}",
        "UPDATE approvals SET project_id = $1 WHERE task_id IN {ids}",
        "UPDATE recurrences SET project_id = $1 \
         WHERE id IN (SELECT recurrence_id FROM tasks WHERE id IN {ids})",
        "UPDATE activity SET project_id = $1 WHERE entity_kind = 'task' AND entity_id IN {ids}",
    ] {
        sqlx::query(&sql.replace("{ids}", &list))
            .persistent(false)
            .bind(to_id)
            .execute(&mut **tx)
            .await?;
    }
    reindex_files_tx(tx, to_id, ids).await?;
    // A risk names tasks of its own project only: the links of a task
    // that left are undone, in the risk's history.
    let unlinked: Vec<(Id, Id)> = sqlx::query_as(&format!(
        "DELETE FROM risk_tasks WHERE task_id IN {list} \
         AND risk_id IN (SELECT id FROM risks WHERE $1 IS NULL OR project_id <> $1) \
         RETURNING risk_id, task_id"
    ))
    .persistent(false)
    .bind(to_id)
    .fetch_all(&mut **tx)
    .await?;
    for (risk_id, task_id) in unlinked {
        let (title, project_id): (String, Id) =
            sqlx::query_as("SELECT title, project_id FROM risks WHERE id = $1")
                .bind(risk_id)
                .fetch_one(&mut **tx)
                .await?;
        let gone = rows
            .iter()
            .find(|r| r.0 == task_id)
            .map(|(id, _, number, _, key)| TaskKey::format(key.as_deref(), *number, *id))
            .unwrap_or_default();
        record_in(
            batch,
            scope,
            Some(project_id),
            EntityKind::Risk,
            risk_id,
            &title,
            "updated",
            &changed("tasks", &gone, ""),
        );
    }
    batch.flush(tx).await?;
    // A scenario changes its own project's tasks: what one held of a
    // task that left is no longer its to change.
    for sql in [
        "DELETE FROM scenario_tasks WHERE task_id IN {list} \
         AND scenario_id IN (SELECT id FROM scenarios WHERE $1 IS NULL OR project_id <> $1)",
        "DELETE FROM scenario_links WHERE (predecessor_id IN {list} OR successor_id IN {list}) \
         AND scenario_id IN (SELECT id FROM scenarios WHERE $1 IS NULL OR project_id <> $1)",
    ] {
        sqlx::query(&sql.replace("{list}", &list))
            .persistent(false)
            .bind(to_id)
            .execute(&mut **tx)
            .await?;
    }
    let mut qb = QueryBuilder::<Db>::new("DELETE FROM task_schedules WHERE task_id IN ");
    push_ids(&mut qb, ids);
    qb.build().execute(&mut **tx).await?;
    Ok(rows.len())
}

/// Ids written out as a list for an `IN`: integers the store read itself,
/// never caller text, so a statement may name the list twice.
fn ids_text(ids: &[Id]) -> String {
    let list: Vec<String> = ids.iter().map(Id::to_string).collect();
    format!("({})", list.join(", "))
}

/// The search entries of the files on these tasks and their comments,
/// under the project they are in now (a personal task's files are found
/// by the task instead).
async fn reindex_files_tx(tx: &mut Tx, project_id: Option<Id>, ids: &[Id]) -> Result<()> {
    let list = ids_text(ids);
    sqlx::query(&format!(
        "UPDATE search_entries SET project_id = $1, task_id = CASE WHEN $1 IS NULL THEN \
         (SELECT COALESCE(a.task_id, c.task_id) FROM attachments a \
          LEFT JOIN comments c ON c.id = a.comment_id WHERE a.id = search_entries.attachment_ref) END \
         WHERE attachment_ref IN (SELECT a.id FROM attachments a WHERE a.task_id IN {list} \
         OR a.comment_id IN (SELECT id FROM comments WHERE task_id IN {list}))"
    ))
    .bind(project_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What stands in the way of demoting `project` (see [`DemoteBlockers`]);
/// `personal`: to one of `user_id`'s personal tasks.
async fn demote_blockers(
    tx: &mut Tx,
    project_id: Id,
    personal: bool,
    user_id: Id,
) -> Result<DemoteBlockers> {
    let row = sqlx::query(
        "SELECT \
         (SELECT COUNT(*) FROM phases WHERE project_id = $1), \
         (SELECT COUNT(*) FROM milestones WHERE project_id = $1), \
         (SELECT COUNT(*) FROM risks WHERE project_id = $1), \
         (SELECT COUNT(*) FROM status_updates WHERE project_id = $1), \
         (SELECT COUNT(*) FROM baselines WHERE project_id = $1), \
         (SELECT COUNT(*) FROM portfolio_projects WHERE project_id = $1), \
         (SELECT COUNT(*) FROM stakeholders WHERE project_id = $1 AND user_id IS NULL), \
         (SELECT COUNT(*) FROM calendar_exceptions WHERE project_id = $1), \
         (SELECT COUNT(*) FROM rules WHERE project_id = $1), \
         (SELECT COUNT(*) FROM approvals WHERE project_id = $1 AND task_id IS NULL), \
         (SELECT COUNT(*) FROM saved_views WHERE project_id = $1), \
         (SELECT COUNT(*) FROM tasks WHERE project_id = $1 AND $2 \
            AND NOT (COALESCE(owner_id = $3, FALSE) OR COALESCE(created_by = $3, FALSE))), \
         (SELECT COUNT(DISTINCT task_id) FROM approvals WHERE project_id = $1 AND $2 \
            AND task_id IS NOT NULL), \
         (SELECT COUNT(*) FROM goal_projects WHERE project_id = $1 AND $2), \
         (SELECT COUNT(*) FROM scenarios WHERE project_id = $1)",
    )
    .bind(project_id)
    .bind(personal)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    let n = |i: usize| -> Result<i64> { Ok(row.try_get::<i64, _>(i)?) };
    Ok(DemoteBlockers {
        phases: n(0)?,
        milestones: n(1)?,
        risks: n(2)?,
        status_updates: n(3)?,
        baselines: n(4)?,
        portfolios: n(5)?,
        outside_stakeholders: n(6)?,
        calendar_exceptions: n(7)?,
        automation_rules: n(8)?,
        stage_approvals: n(9)?,
        saved_views: n(10)?,
        others_tasks: n(11)?,
        task_approvals: n(12)?,
        goals: n(13)?,
        scenarios: n(14)?,
    })
}

fn changed(field: &str, before: &str, after: &str) -> [FieldChange; 1] {
    [FieldChange {
        field: field.into(),
        before: before.into(),
        after: after.into(),
    }]
}

/// A unique file name met on the way (a file of the same name and
/// version on the task a project goes back under) is the caller's to
/// sort out, not a database error.
fn file_clash(e: sqlx::Error) -> StoreError {
    match unique_to_conflict(e, "a file of the same name") {
        StoreError::Conflict(_) => StoreError::Conflict(
            "a file of the same name and version is on both; rename one first".into(),
        ),
        other => other,
    }
}

/// The key the task that once had `key` has now, when the caller may
/// open it: what every lookup of a task by key falls back on.
pub(super) async fn moved_key_tx(
    conn: &mut <Db as sqlx::Database>::Connection,
    scope: Scope,
    key: &str,
) -> Result<Option<String>> {
    let Ok(TaskKey::Project { project, number }) = TaskKey::parse(key) else {
        return Ok(None);
    };
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT t.id, p.key, t.number FROM task_former_keys f \
         JOIN tasks t ON t.id = f.task_id LEFT JOIN projects p ON p.id = t.project_id \
         WHERE f.workspace_id = ",
    );
    qb.push_bind(scope.workspace_id);
    qb.push(" AND f.project_key = ");
    qb.push_bind(project);
    qb.push(" AND f.number = ");
    qb.push_bind(number);
    push_task_visibility(&mut qb, scope);
    let row: Option<(Id, Option<String>, i64)> =
        qb.build_query_as().fetch_optional(&mut *conn).await?;
    Ok(row.map(|(id, project_key, number)| TaskKey::format(project_key.as_deref(), number, id)))
}

#[async_trait]
impl LevelStore for DbStore {
    async fn promote_task(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        promotion: &Promotion,
    ) -> Result<Promoted> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let task = locked_task_tx(&mut tx, scope, key).await?;
        check_version(expected_version, task.version)?;
        let already: Option<String> = sqlx::query_scalar(
            "SELECT p.key FROM tasks t JOIN projects p ON p.id = t.promoted_to WHERE t.id = $1",
        )
        .bind(task.id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(project) = already {
            return Err(StoreError::Conflict(format!(
                "{} was promoted to {project} already",
                task.key
            )));
        }
        let work_week = match &task.project {
            Some(p) => fetch_project_tx(&mut tx, scope, &p.key).await?.work_week,
            None => Default::default(),
        };
        let fields = levels::project_of_task(&task, promotion.name.as_deref(), work_week);
        fields.check().map_err(StoreError::Invalid)?;
        let new = NewProject {
            key: promotion.key.clone(),
            fields,
        };
        let project_id = insert_project_tx(&mut tx, scope, &new).await?;
        let to = ProjectRef {
            id: project_id,
            key: new.key.as_str().to_string(),
        };
        sqlx::query("UPDATE projects SET promoted_from = $1 WHERE id = $2")
            .bind(task.id)
            .bind(project_id)
            .execute(&mut *tx)
            .await?;

        let mut ids = subtree_ids(&mut tx, task.id).await?;
        ids.retain(|id| *id != task.id);
        // A personal task's subtasks may be someone else's, hidden from
        // the caller: a project would show them to everyone.
        if !ids.is_empty() {
            let mut qb = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM tasks t WHERE t.id IN ");
            push_ids(&mut qb, &ids);
            push_task_visibility(&mut qb, scope);
            let visible: i64 = qb.build_query_scalar().fetch_one(&mut *tx).await?;
            let hidden = ids.len() as i64 - visible;
            if hidden > 0 {
                return Err(StoreError::Conflict(format!(
                    "{} has {hidden} subtask{} you cannot open; only their owners may move them",
                    task.key,
                    if hidden == 1 { "" } else { "s" }
                )));
            }
        }
        let watch = RollupWatch::before(&mut tx, ids.iter().copied().chain([task.id])).await?;
        let mut batch = Batch::default();
        let reparent = Reparent {
            from: Some(task.id),
            to: None,
        };
        let moved = move_tasks_tx(&mut tx, scope, &ids, Some(&to), reparent, &mut batch).await?;

        // The task's conversation, files and history are the project's now.
        for (sql, task_bound) in [
            (
                "UPDATE comments SET subject_kind = 'project', task_id = NULL, on_project = $1, \
                 project_id = $1 WHERE task_id = $2",
                true,
            ),
            (
                "UPDATE attachments SET subject_kind = 'project', task_id = NULL, on_project = $1, \
                 project_id = $1 WHERE task_id = $2",
                true,
            ),
            (
                "UPDATE attachments SET project_id = $1 \
                 WHERE comment_id IN (SELECT id FROM comments WHERE on_project = $1)",
                false,
            ),
            (
                "UPDATE search_entries SET project_id = $1, task_id = NULL \
                 WHERE attachment_ref IN (SELECT id FROM attachments WHERE project_id = $1)",
                false,
            ),
            (
                "UPDATE activity SET entity_kind = 'project', entity_id = $1, project_id = $1 \
                 WHERE entity_kind = 'task' AND entity_id = $2",
                true,
            ),
        ] {
            let query = sqlx::query(sql).bind(project_id);
            let query = if task_bound {
                query.bind(task.id)
            } else {
                query
            };
            query.execute(&mut *tx).await.map_err(file_clash)?;
        }
        // Who followed the task follows the project too (the task stays,
        // and so do its followers).
        sqlx::query(
            "INSERT INTO follows (user_id, subject_key, on_project, following) \
             SELECT user_id, $1, $2, following FROM follows WHERE task_id = $3 \
             ON CONFLICT (user_id, subject_key) DO NOTHING",
        )
        .bind(format!("project:{project_id}"))
        .bind(project_id)
        .bind(task.id)
        .execute(&mut *tx)
        .await?;
        // The days off of the calendar its work was planned on.
        if let Some(from) = &task.project {
            sqlx::query(
                "INSERT INTO calendar_exceptions (workspace_id, project_id, name, start_date, end_date, hours) \
                 SELECT workspace_id, $1, name, start_date, end_date, hours FROM calendar_exceptions \
                 WHERE project_id = $2",
            )
            .bind(project_id)
            .bind(from.id)
            .execute(&mut *tx)
            .await?;
        }
        // Who worked with the task's owner has a stake in the outcome.
        let stakeholders: Vec<(Id, String)> = sqlx::query_as(
            "INSERT INTO stakeholders (workspace_id, project_id, user_id, role) \
             SELECT $1, $2, c.user_id, 'contributor' FROM task_collaborators c \
             WHERE c.task_id = $3 AND ($4 IS NULL OR c.user_id <> $4) \
             RETURNING id, (SELECT u.email FROM users u WHERE u.id = stakeholders.user_id)",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .bind(task.id)
        .bind(task.owner.as_ref().map(|o| o.id))
        .fetch_all(&mut *tx)
        .await?;
        for (id, email) in &stakeholders {
            record_in(
                &mut batch,
                scope,
                Some(project_id),
                EntityKind::Stakeholder,
                *id,
                email,
                "created",
                &changed("role", "", "contributor"),
            );
        }
        batch
            .push(
                "UPDATE tasks SET promoted_to = $1, version = version + 1, updated_at = $2 WHERE id = $3",
            )
            .bind(project_id)
            .bind(Utc::now())
            .bind(task.id);
        record_in(
            &mut batch,
            scope,
            task.project.as_ref().map(|p| p.id),
            EntityKind::Task,
            task.id,
            &task.key,
            "promoted",
            &changed("promoted_to", "", &to.key),
        );
        record_in(
            &mut batch,
            scope,
            Some(project_id),
            EntityKind::Project,
            project_id,
            &to.key,
            "promoted",
            &changed("promoted_from", "", &task.key),
        );
        watch.settle(&mut tx, &mut batch, None).await?;
        batch.run(&mut tx).await?;
        let project = fetch_project_tx(&mut tx, scope, &to.key).await?;
        let task = fetch_task_tx(&mut tx, scope, &task.key).await?;
        tx.commit().await?;
        Ok(Promoted {
            project,
            task,
            moved,
            stakeholders: stakeholders.len(),
        })
    }

    async fn demote_project(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        to: &DemoteTo,
    ) -> Result<Demoted> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let project = fetch_project_tx(&mut tx, scope, key).await?;
        let target = match to {
            DemoteTo::Personal => None,
            DemoteTo::Project(other) => {
                let found = match fetch_project_tx(&mut tx, scope, other).await {
                    Err(StoreError::NotFound(_)) => {
                        return Err(StoreError::invalid(
                            "to_project",
                            format!("no project {other}"),
                        ));
                    }
                    found => found?,
                };
                if found.id == project.id {
                    return Err(StoreError::invalid(
                        "to_project",
                        "a project cannot become a task of itself",
                    ));
                }
                Some(found)
            }
        };
        // Both locks in id order, as links take theirs: two demotions the
        // opposite ways wait for each other instead of deadlocking.
        let mut locks: Vec<Id> = std::iter::once(project.id)
            .chain(target.as_ref().map(|p| p.id))
            .collect();
        locks.sort_unstable();
        let mut locked = false;
        for id in locks {
            locked |= lock_project_tx(&mut tx, id).await?;
        }
        let (project, target) = if locked {
            let target = match &target {
                Some(p) => Some(fetch_project_tx(&mut tx, scope, &p.key).await?),
                None => None,
            };
            (fetch_project_tx(&mut tx, scope, key).await?, target)
        } else {
            (project, target)
        };
        check_version(expected_version, project.version)?;
        let blockers =
            demote_blockers(&mut tx, project.id, target.is_none(), scope.user_id).await?;
        if let Some(refusal) = blockers.refusal(&project.key) {
            return Err(StoreError::Conflict(refusal));
        }
        let to_ref = target.as_ref().map(|p| ProjectRef {
            id: p.id,
            key: p.key.clone(),
        });
        let to_id = to_ref.as_ref().map(|p| p.id);

        // The task it was promoted from takes its work back, when it goes
        // back to where that task is.
        // A personal one, when it is the caller's (theirs to open).
        let origin: Option<(Id, Option<Id>, bool)> = sqlx::query_as(
            "SELECT t.id, t.project_id, \
             (COALESCE(t.owner_id = $2, FALSE) OR COALESCE(t.created_by = $2, FALSE)) \
             FROM projects p JOIN tasks t ON t.id = p.promoted_from \
             WHERE p.id = $1 AND t.promoted_to = p.id",
        )
        .bind(project.id)
        .bind(scope.user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let restored = origin
            .filter(|(_, project_id, callers)| {
                *project_id == to_id && (to_id.is_some() || *callers)
            })
            .map(|(id, project_id, _)| (id, project_id));

        let ids: Vec<Id> =
            sqlx::query_scalar("SELECT id FROM tasks WHERE project_id = $1 ORDER BY number")
                .bind(project.id)
                .fetch_all(&mut *tx)
                .await?;
        if let (Some((origin_id, _)), false) = (restored, ids.is_empty()) {
            // Back under the task (or its ancestors), a task linked to it
            // would be linked to its own summary.
            let list = ids_text(&ids);
            let linked: bool = sqlx::query_scalar(&format!(
                "WITH RECURSIVE up(id) AS (SELECT CAST($1 AS BIGINT) \
                 UNION SELECT t.parent_id FROM tasks t JOIN up ON t.id = up.id \
                 WHERE t.parent_id IS NOT NULL) \
                 SELECT EXISTS (SELECT 1 FROM dependencies d WHERE \
                 (d.predecessor_id IN (SELECT id FROM up) AND d.successor_id IN {list}) \
                 OR (d.successor_id IN (SELECT id FROM up) AND d.predecessor_id IN {list}))"
            ))
            .persistent(false)
            .bind(origin_id)
            .fetch_one(&mut *tx)
            .await?;
            if linked {
                return Err(StoreError::Conflict(format!(
                    "the task {} was promoted from is linked to its tasks, which would be its \
                     subtasks again: remove those links first",
                    project.key
                )));
            }
        }
        let started: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM tasks WHERE project_id = $1 \
             AND (status NOT IN ('backlog', 'todo') OR percent_complete > 0))",
        )
        .bind(project.id)
        .fetch_one(&mut *tx)
        .await?;

        let (task_id, task_key) = match restored {
            Some((id, _)) => {
                let number: i64 = sqlx::query_scalar("SELECT number FROM tasks WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let project_key = to_ref.as_ref().map(|p| p.key.as_str());
                (id, TaskKey::format(project_key, number, id))
            }
            None => {
                let mut fields = levels::task_of_project(&project, started);
                if to_ref.is_none() {
                    // A personal task is its owner's: the caller's.
                    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                        .bind(scope.user_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    fields.owner = Email::parse(&email).ok();
                }
                let mut created = Batch::default();
                let made = insert_task_tx(
                    &mut tx,
                    scope,
                    target.as_ref(),
                    &fields,
                    Owner::ToLookUp,
                    &mut created,
                )
                .await?;
                created.run(&mut tx).await?;
                made
            }
        };

        let watch = RollupWatch::before(&mut tx, ids.iter().copied().chain([task_id])).await?;
        let mut batch = Batch::default();
        let reparent = Reparent {
            from: None,
            to: Some(task_id),
        };
        let moved =
            move_tasks_tx(&mut tx, scope, &ids, to_ref.as_ref(), reparent, &mut batch).await?;

        // The project's conversation, files, history, goals and people
        // are the task's now.
        let task_and_project = [
            "UPDATE comments SET subject_kind = 'task', on_project = NULL, task_id = $1, \
             project_id = $2 WHERE on_project = $3",
            "UPDATE attachments SET subject_kind = 'task', on_project = NULL, task_id = $1, \
             project_id = $2 WHERE on_project = $3",
            "UPDATE notifications SET subject_kind = 'task', on_project = NULL, task_id = $1, \
             project_id = $2 WHERE on_project = $3",
        ];
        for sql in task_and_project {
            sqlx::query(sql)
                .bind(task_id)
                .bind(to_id)
                .bind(project.id)
                .execute(&mut *tx)
                .await
                .map_err(file_clash)?;
        }
        let to_task = [
            "UPDATE activity SET entity_kind = 'task', entity_id = $1 \
             WHERE entity_kind = 'project' AND entity_id = $2",
            "INSERT INTO goal_tasks (goal_id, task_id, position) \
             SELECT g.goal_id, $1, g.position FROM goal_projects g WHERE g.project_id = $2 \
             ON CONFLICT DO NOTHING",
            "UPDATE goals SET version = version + 1 \
             WHERE id IN (SELECT goal_id FROM goal_projects WHERE project_id = $2) AND $1 > 0",
            "INSERT INTO task_collaborators (task_id, user_id) \
             SELECT DISTINCT $1, s.user_id FROM stakeholders s \
             JOIN members m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id \
             WHERE s.project_id = $2 ON CONFLICT DO NOTHING",
        ];
        for sql in to_task {
            sqlx::query(sql)
                .bind(task_id)
                .bind(project.id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE attachments SET project_id = $1 \
             WHERE comment_id IN (SELECT id FROM comments WHERE task_id = $2)",
        )
        .bind(to_id)
        .bind(task_id)
        .execute(&mut *tx)
        .await?;
        for sql in [
            "UPDATE activity SET project_id = $1 WHERE project_id = $2",
            "UPDATE recurrences SET project_id = $1 WHERE project_id = $2",
        ] {
            sqlx::query(sql)
                .bind(to_id)
                .bind(project.id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO follows (user_id, subject_key, task_id, following) \
             SELECT user_id, $1, $2, following FROM follows WHERE on_project = $3 \
             ON CONFLICT (user_id, subject_key) DO NOTHING",
        )
        .bind(format!("task:{task_id}"))
        .bind(task_id)
        .bind(project.id)
        .execute(&mut *tx)
        .await?;
        reindex_files_tx(&mut tx, to_id, &[task_id]).await?;
        if restored.is_some() {
            batch
                .push(
                    "UPDATE tasks SET promoted_to = NULL, version = version + 1, updated_at = $1 \
                     WHERE id = $2",
                )
                .bind(Utc::now())
                .bind(task_id);
        }
        record_in(
            &mut batch,
            scope,
            to_id,
            EntityKind::Task,
            task_id,
            &task_key,
            "demoted",
            &changed("demoted_from", &project.key, ""),
        );
        watch.settle(&mut tx, &mut batch, None).await?;
        batch.run(&mut tx).await?;
        sqlx::query("DELETE FROM projects WHERE id = $1")
            .bind(project.id)
            .execute(&mut *tx)
            .await?;
        // The project's own last word, in the history of where its work
        // went (its own history went with the work).
        record(
            &mut tx,
            scope,
            to_id,
            EntityKind::Project,
            project.id,
            &project.key,
            "demoted",
            &changed("demoted_to", "", &task_key),
        )
        .await?;
        let task = fetch_task_tx(&mut tx, scope, &task_key).await?;
        tx.commit().await?;
        Ok(Demoted {
            task,
            moved,
            restored: restored.is_some(),
        })
    }

    async fn promoted_to(&self, scope: Scope, task_id: Id) -> Result<Option<ProjectRef>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT p.id, p.key FROM tasks t JOIN projects p ON p.id = t.promoted_to WHERE t.id = ",
        );
        qb.push_bind(task_id);
        qb.push(" AND p.workspace_id = ");
        qb.push_bind(scope.workspace_id);
        push_project_visibility(&mut qb, "p.id", scope);
        let row: Option<(Id, String)> = qb.build_query_as().fetch_optional(self.reader()).await?;
        Ok(row.map(|(id, key)| ProjectRef { id, key }))
    }

    async fn promoted_from(&self, scope: Scope, project_id: Id) -> Result<Option<TaskRef>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT t.id, pp.key, t.number, t.title FROM projects p \
             JOIN tasks t ON t.id = p.promoted_from LEFT JOIN projects pp ON pp.id = t.project_id \
             WHERE p.id = ",
        );
        qb.push_bind(project_id);
        push_task_visibility(&mut qb, scope);
        let row: Option<(Id, Option<String>, i64, String)> =
            qb.build_query_as().fetch_optional(self.reader()).await?;
        Ok(row.map(|(id, project_key, number, title)| TaskRef {
            id,
            key: TaskKey::format(project_key.as_deref(), number, id),
            title,
        }))
    }

    async fn moved_task_key(&self, scope: Scope, key: &str) -> Result<Option<String>> {
        let mut conn = self.reader().acquire().await?;
        moved_key_tx(&mut conn, scope, key).await
    }
}
