//! The plan lint's switches; the queries, compiled once per backend (see
//! `mod.rs`).

use tandem_domain::lint::LintRule;

use super::*;
use crate::lint::LintStore;

#[async_trait]
impl LintStore for DbStore {
    async fn lint_rules_off(&self, access: ProjectAccess) -> Result<Vec<LintRule>> {
        let names: Vec<String> =
            sqlx::query_scalar("SELECT rule FROM lint_rules_off WHERE project_id = $1")
                .bind(access.project_id())
                .fetch_all(self.reader())
                .await?;
        // A rule a later binary no longer knows is simply not switched off.
        let mut off: Vec<LintRule> = names.iter().filter_map(|n| n.parse().ok()).collect();
        off.sort();
        Ok(off)
    }

    async fn project_linked(&self, access: ProjectAccess) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM dependencies d JOIN tasks t ON t.id = d.successor_id \
             WHERE t.project_id = $1)",
        )
        .bind(access.project_id())
        .fetch_one(self.reader())
        .await?)
    }

    async fn switch_lint_rule(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        rule: LintRule,
        on: bool,
    ) -> Result<bool> {
        if writer.workspace_id != access.scope().workspace_id {
            return Err(StoreError::NotFound("project"));
        }
        let mut tx = self.write_tx().await?;
        lock_project_tx(&mut tx, access.project_id()).await?;
        let changed = if on {
            sqlx::query("DELETE FROM lint_rules_off WHERE project_id = $1 AND rule = $2")
        } else {
            sqlx::query(
                "INSERT INTO lint_rules_off (project_id, rule) VALUES ($1, $2) \
                 ON CONFLICT (project_id, rule) DO NOTHING",
            )
        }
        .bind(access.project_id())
        .bind(rule.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if changed {
            let key: String = sqlx::query_scalar("SELECT key FROM projects WHERE id = $1")
                .bind(access.project_id())
                .fetch_one(&mut *tx)
                .await?;
            let change = FieldChange {
                field: format!("lint {}", rule.as_str()),
                before: if on { "off" } else { "on" }.into(),
                after: if on { "on" } else { "off" }.into(),
            };
            record(
                &mut tx,
                *writer,
                Some(access.project_id()),
                EntityKind::Project,
                access.project_id(),
                &key,
                if on {
                    "lint rule switched on"
                } else {
                    "lint rule switched off"
                },
                &[change],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }
}
