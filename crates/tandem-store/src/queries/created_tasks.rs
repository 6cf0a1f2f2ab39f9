//! The history and events of many tasks created at once (a recurring
//! job's occurrences): a few multi-row statements for all of them, where
//! `record_in` writes one write's. Not here: the outbox itself, its
//! deliveries and their claims (`events.rs`).

use super::*;

/// [`record_created_tasks`] as one statement, where a backend takes
/// writes as `WITH` clauses: $1 to $6 the tasks' workspaces, projects,
/// actors, ids, keys and changes, a column each (`rows_column`), $7 the
/// time, $8 the rule's name, $9 its id and $10 the depth (`rules::Mark`).
/// Each project's plan version moves on once, and its events keep the
/// new one; rows keep their order (`n`) so that the events' ids do. The
/// rescheduler has one delivery a project, its last event: it serves a
/// project's every event up to the one it was given.
static CREATED_TASKS_WITH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH r AS MATERIALIZED (SELECT * FROM unnest(CAST($1 AS BIGINT[]), CAST($2 AS BIGINT[]), \
         CAST($3 AS BIGINT[]), CAST($4 AS BIGINT[]), CAST($5 AS TEXT[]), CAST($6 AS TEXT[])) WITH ORDINALITY \
         AS r(workspace_id, project_id, actor_id, task_id, key, changes, n)), \
         v AS (UPDATE projects SET plan_version = plan_version + 1 \
         WHERE id IN (SELECT project_id FROM r) RETURNING id, plan_version), \
         a AS (INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes, rule_name) \
         SELECT workspace_id, project_id, actor_id, $7, '{task}', task_id, key, 'created', changes, $8 FROM r ORDER BY n), \
         e AS (INSERT INTO events (workspace_id, project_id, kind, action, object_key, actor_id, at, plan_version, fields, rule_id, depth) \
         SELECT r.workspace_id, r.project_id, 'task', 'created', r.key, r.actor_id, $7, v.plan_version, NULL, $9, $10 \
         FROM r LEFT JOIN v ON v.id = r.project_id ORDER BY r.n \
         RETURNING id, workspace_id, project_id, kind, action, object_key, actor_id, at, rule_id, depth), \
         d AS (INSERT INTO event_deliveries (consumer, event_id) \
         SELECT '{rescheduler}', MAX(e.id) FROM e WHERE e.project_id IS NOT NULL GROUP BY e.project_id \
         UNION ALL SELECT '{webhooks}', e.id FROM e WHERE EXISTS \
         (SELECT 1 FROM webhooks w WHERE w.workspace_id = e.workspace_id AND w.active) \
         UNION ALL SELECT '{automation}', e.id FROM e WHERE EXISTS \
         (SELECT 1 FROM rules x WHERE x.workspace_id = e.workspace_id AND x.enabled)) \
         {notify}",
        task = EntityKind::Task.as_str(),
        rescheduler = crate::events::RESCHEDULER,
        webhooks = crate::events::WEBHOOKS,
        automation = crate::events::AUTOMATION,
        notify = DbStore::NOTIFY.unwrap_or("SELECT 1"),
    )
});

/// A task a write created, for [`record_created_tasks`].
pub(super) struct Created {
    pub(super) scope: Scope,
    pub(super) project_id: Option<Id>,
    pub(super) task_id: Id,
    pub(super) key: String,
    pub(super) changes: String,
}

/// The history rows, events and deliveries of many created tasks, as
/// [`record_in`] writes one's, in a few multi-row statements: for a job
/// that makes thousands (recurring tasks' occurrences), where a
/// statement a row was most of its time. Each project's plan version
/// moves on once, and the rescheduler hears of each project once.
pub(super) async fn record_created_tasks(tx: &mut Tx, created: &[Created]) -> Result<()> {
    if created.is_empty() {
        return Ok(());
    }
    let mark = crate::rules::current_mark();
    let now = Utc::now();
    if DbStore::WITH_WRITES {
        // The rows as a parameter a column: a VALUES list of thousands of
        // parameters is taken apart and planned anew each time, and each
        // row's own read of its plan version was most of that.
        sqlx::query(&CREATED_TASKS_WITH)
            .bind(rows_column(
                created.iter().map(|c| c.scope.workspace_id).collect(),
            ))
            .bind(rows_column(created.iter().map(|c| c.project_id).collect()))
            .bind(rows_column(
                created.iter().map(|c| c.scope.user_id).collect(),
            ))
            .bind(rows_column(created.iter().map(|c| c.task_id).collect()))
            .bind(rows_column(
                created.iter().map(|c| c.key.as_str()).collect(),
            ))
            .bind(rows_column(
                created.iter().map(|c| c.changes.as_str()).collect(),
            ))
            .bind(now)
            .bind(mark.as_ref().map(|m| m.name.clone()))
            .bind(mark.as_ref().map(|m| m.rule_id))
            .bind(mark.as_ref().map_or(0, |m| m.depth))
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    let mut projects: Vec<Id> = created.iter().filter_map(|c| c.project_id).collect();
    projects.sort_unstable();
    projects.dedup();
    if !projects.is_empty() {
        let mut qb = QueryBuilder::<Db>::new(
            "UPDATE projects SET plan_version = plan_version + 1 WHERE id IN (",
        );
        let mut list = qb.separated(", ");
        for id in &projects {
            list.push_bind(*id);
        }
        qb.push(")");
        qb.build().execute(&mut **tx).await?;
    }
    for chunk in created.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes, rule_name) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.scope.workspace_id)
                .push_bind(c.project_id)
                .push_bind(c.scope.user_id)
                .push_bind(now)
                .push_bind(EntityKind::Task.as_str())
                .push_bind(c.task_id)
                .push_bind(c.key.clone())
                .push_bind("created")
                .push_bind(c.changes.clone())
                .push_bind(mark.as_ref().map(|m| m.name.clone()));
        });
        qb.build().execute(&mut **tx).await?;
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO events (workspace_id, project_id, kind, action, object_key, actor_id, at, plan_version, fields, rule_id, depth) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.scope.workspace_id)
                .push_bind(c.project_id)
                .push_bind("task")
                .push_bind("created")
                .push_bind(c.key.clone())
                .push_bind(c.scope.user_id)
                .push_bind(now)
                .push("(SELECT plan_version FROM projects WHERE id = ")
                .push_bind_unseparated(c.project_id)
                .push_unseparated(")")
                .push_bind(None::<String>)
                .push_bind(mark.as_ref().map(|m| m.rule_id))
                .push_bind(mark.as_ref().map_or(0, |m| m.depth));
        });
        qb.push(" RETURNING id, project_id");
        let events: Vec<(i64, Option<i64>)> = qb.build_query_as().fetch_all(&mut **tx).await?;
        let ids = |only_projects: bool| {
            events
                .iter()
                .filter(|(_, p)| !only_projects || p.is_some())
                .map(|(id, _)| *id)
                .collect::<Vec<_>>()
        };
        let deliveries = |consumer: &str, ids: &[Id], condition: &str| {
            let mut qb = QueryBuilder::<Db>::new(format!(
                "INSERT INTO event_deliveries (consumer, event_id) SELECT '{consumer}', e.id FROM events e WHERE e.id IN ("
            ));
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.push(condition);
            qb
        };
        // A project's task created feeds its plan; a personal one no
        // plan. The rescheduler reads a delivery for its project and
        // serves every event of it up to then: one a project.
        let mut last_of_project: std::collections::BTreeMap<Id, Id> =
            std::collections::BTreeMap::new();
        for (id, project) in &events {
            if let Some(project) = project {
                let last = last_of_project.entry(*project).or_insert(*id);
                *last = (*last).max(*id);
            }
        }
        let planned: Vec<Id> = last_of_project.into_values().collect();
        if !planned.is_empty() {
            deliveries(crate::events::RESCHEDULER, &planned, "")
                .build()
                .execute(&mut **tx)
                .await?;
        }
        let all = ids(false);
        deliveries(
            crate::events::WEBHOOKS,
            &all,
            " AND EXISTS (SELECT 1 FROM webhooks w WHERE w.workspace_id = e.workspace_id AND w.active)",
        )
        .build()
        .execute(&mut **tx)
        .await?;
        deliveries(
            crate::events::AUTOMATION,
            &all,
            " AND EXISTS (SELECT 1 FROM rules r WHERE r.workspace_id = e.workspace_id AND r.enabled)",
        )
        .build()
        .execute(&mut **tx)
        .await?;
        if let Some(notify) = DbStore::NOTIFY_EVENTS {
            let mut qb = QueryBuilder::<Db>::new(notify);
            qb.push(" WHERE id IN (");
            let mut list = qb.separated(", ");
            for id in &all {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.build().execute(&mut **tx).await?;
        }
    }
    Ok(())
}
