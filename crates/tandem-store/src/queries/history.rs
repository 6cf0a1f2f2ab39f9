//! The activity history, read back; the queries, compiled once per
//! backend (see `mod.rs`). Writing it is `record` in `mod.rs`.

use super::*;

#[async_trait]
impl ActivityStore for DbStore {
    async fn list_activity(
        &self,
        scope: Scope,
        filter: &ActivityFilter,
    ) -> Result<Vec<ActivityEntry>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT a.id, a.actor_id, u.email AS actor_email, u.name AS actor_name, a.at, a.entity_kind, a.entity_id, \
             a.entity_label, a.action, a.changes, a.rule_name FROM activity a LEFT JOIN users u ON u.id = a.actor_id WHERE a.workspace_id = ",
        );
        qb.push_bind(scope.workspace_id);
        if !scope.role.sees_all_projects() {
            qb.push(" AND a.project_id IS NOT NULL");
            push_project_visibility(&mut qb, "a.project_id", scope);
        }
        if let Some((kind, id)) = filter.entity {
            qb.push(" AND a.entity_kind = ");
            qb.push_bind(kind.as_str());
            qb.push(" AND a.entity_id = ");
            qb.push_bind(id);
        }
        if let Some(project_id) = filter.project_id {
            qb.push(" AND a.project_id = ");
            qb.push_bind(project_id);
        }
        if let Some(before) = filter.before_id {
            qb.push(" AND a.id < ");
            qb.push_bind(before);
        }
        qb.push(" ORDER BY a.id DESC LIMIT ");
        qb.push_bind(filter.limit.clamp(1, 500) as i64);
        let rows = qb.build().fetch_all(self.reader()).await?;
        let mut entries = rows
            .iter()
            .map(activity_from_row)
            .collect::<Result<Vec<ActivityEntry>>>()?;
        // A link's history is labelled by its ends' keys: an
        // end the caller may not open is not named.
        for entry in entries
            .iter_mut()
            .filter(|e| e.entity_kind == EntityKind::Dependency)
        {
            let mut ends = Vec::new();
            for key in entry.entity_label.split(" → ") {
                let visible = match parse_task_key(key) {
                    Ok(parsed) => {
                        let mut qb = QueryBuilder::<Db>::new("SELECT t.id FROM tasks t");
                        push_task_key(&mut qb, scope, &parsed);
                        push_task_visibility(&mut qb, scope);
                        qb.build().fetch_optional(self.reader()).await?.is_some()
                    }
                    Err(_) => false,
                };
                ends.push(if visible {
                    key.to_string()
                } else {
                    HIDDEN_TASK.to_string()
                });
            }
            entry.entity_label = ends.join(" → ");
        }
        Ok(entries)
    }
}
