//! Automation rules and their runs; the queries, compiled once per backend
//! (see `mod.rs`).

use tandem_domain::automation::{Action, Condition, Rule, RuleFields, Trigger};

use super::*;
use crate::rules::{RUN_PAGE, RuleRun, RuleStore};

/// What a rule keeps as JSON: its trigger, conditions and actions.
#[derive(serde::Serialize, serde::Deserialize)]
struct Definition {
    trigger: Trigger,
    #[serde(default)]
    conditions: Vec<Condition>,
    actions: Vec<Action>,
}

const RULE_SELECT: &str = "SELECT r.id, r.project_id, p.key AS project_key, r.name, r.enabled, \
    r.definition, r.created_by, u.email AS creator_email, u.name AS creator_name, r.created_on, \
    r.runs, r.version, r.workspace_id \
    FROM rules r LEFT JOIN projects p ON p.id = r.project_id LEFT JOIN users u ON u.id = r.created_by";

fn rule_from_row(row: &<Db as sqlx::Database>::Row) -> Result<Rule> {
    let definition: String = row.try_get("definition")?;
    let definition: Definition = serde_json::from_str(&definition)
        .map_err(|e| StoreError::Config(format!("a stored rule's definition: {e}")))?;
    let project = match row.try_get::<Option<i64>, _>("project_id")? {
        Some(id) => Some(ProjectRef {
            id,
            key: row.try_get("project_key")?,
        }),
        None => None,
    };
    Ok(Rule {
        id: row.try_get("id")?,
        project,
        name: row.try_get("name")?,
        enabled: row.try_get("enabled")?,
        trigger: definition.trigger,
        conditions: definition.conditions,
        actions: definition.actions,
        created_by: user_ref(row, "created_by", "creator_email", "creator_name")?,
        created_on: row.try_get("created_on")?,
        runs: row.try_get("runs")?,
        version: row.try_get("version")?,
    })
}

fn trigger_kind(trigger: &Trigger) -> String {
    serde_json::to_value(trigger)
        .ok()
        .and_then(|v| v["on"].as_str().map(str::to_string))
        .unwrap_or_default()
}

fn definition_of(rule: &RuleFields) -> String {
    serde_json::to_string(&Definition {
        trigger: rule.trigger.clone(),
        conditions: rule.conditions.clone(),
        actions: rule.actions.clone(),
    })
    .unwrap_or_default()
}

fn rule_snapshot(rule: &RuleFields) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    map.insert("name".into(), serde_json::json!(rule.name));
    map.insert("project".into(), serde_json::json!(rule.project));
    map.insert("enabled".into(), serde_json::json!(rule.enabled));
    map.insert("definition".into(), serde_json::json!(definition_of(rule)));
    map
}

/// The rules `conditions` find in the caller's workspace: a guest's only
/// of its projects, never the workspace's own.
async fn rules_where(
    tx: &mut Tx,
    scope: Scope,
    conditions: impl FnOnce(&mut QueryBuilder<'_, Db>),
) -> Result<Vec<Rule>> {
    let mut qb = QueryBuilder::<Db>::new(RULE_SELECT);
    qb.push(" WHERE r.workspace_id = ");
    qb.push_bind(scope.workspace_id);
    if !scope.role.sees_all_projects() {
        qb.push(" AND r.project_id IS NOT NULL");
        push_project_visibility(&mut qb, "r.project_id", scope);
    }
    conditions(&mut qb);
    qb.push(" ORDER BY r.id");
    let rows = qb.build().fetch_all(&mut **tx).await?;
    rows.iter().map(rule_from_row).collect()
}

async fn fetch_rule_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Rule> {
    rules_where(tx, scope, |qb| {
        qb.push(" AND r.id = ");
        qb.push_bind(id);
    })
    .await?
    .pop()
    .ok_or(StoreError::NotFound("rule"))
}

/// The project a rule names, if it may be opened.
async fn rule_project(tx: &mut Tx, scope: Scope, rule: &RuleFields) -> Result<Option<Id>> {
    match &rule.project {
        Some(key) => match fetch_project_tx(tx, scope, key).await {
            Ok(project) => Ok(Some(project.id)),
            Err(StoreError::NotFound(_)) => Err(StoreError::invalid(
                "project",
                format!("no project {key} you can open"),
            )),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

async fn bump_rules_version(tx: &mut Tx, workspace_id: Id) -> Result<()> {
    sqlx::query("UPDATE workspaces SET rules_version = rules_version + 1 WHERE id = $1")
        .bind(workspace_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl RuleStore for DbStore {
    async fn create_rule(&self, scope: WriteScope, rule: &RuleFields) -> Result<Rule> {
        let scope = *scope;
        rule.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let project_id = rule_project(&mut tx, scope, rule).await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rules WHERE workspace_id = $1")
            .bind(scope.workspace_id)
            .fetch_one(&mut *tx)
            .await?;
        if count as usize >= tandem_domain::automation::MAX_RULES {
            return Err(StoreError::Conflict(format!(
                "a workspace keeps at most {} rules",
                tandem_domain::automation::MAX_RULES
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rules (workspace_id, project_id, name, enabled, trigger_kind, definition, created_by, created_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .bind(rule.name.trim())
        .bind(rule.enabled)
        .bind(trigger_kind(&rule.trigger))
        .bind(definition_of(rule))
        .bind(scope.user_id)
        .bind(Utc::now().date_naive())
        .fetch_one(&mut *tx)
        .await?;
        bump_rules_version(&mut tx, scope.workspace_id).await?;
        record(
            &mut tx,
            scope,
            project_id,
            EntityKind::Rule,
            id,
            &rule.name,
            "created",
            &activity::created(&rule_snapshot(rule)),
        )
        .await?;
        let rule = fetch_rule_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(rule)
    }

    async fn list_rules(&self, scope: Scope) -> Result<Vec<Rule>> {
        let mut tx = self.read_tx().await?;
        let rules = rules_where(&mut tx, scope, |_| {}).await?;
        tx.commit().await?;
        Ok(rules)
    }

    async fn get_rule(&self, scope: Scope, id: Id) -> Result<Rule> {
        let mut tx = self.read_tx().await?;
        let rule = fetch_rule_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(rule)
    }

    async fn update_rule(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, RuleFields>,
    ) -> Result<Rule> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_rule_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        let before = current.fields();
        let rule = &patched(change, before.clone())?;
        rule.check().map_err(StoreError::Invalid)?;
        let project_id = rule_project(&mut tx, scope, rule).await?;
        sqlx::query(
            "UPDATE rules SET project_id = $1, name = $2, enabled = $3, trigger_kind = $4, definition = $5, \
             created_by = $6, version = version + 1 WHERE id = $7",
        )
        .bind(project_id)
        .bind(rule.name.trim())
        .bind(rule.enabled)
        .bind(trigger_kind(&rule.trigger))
        .bind(definition_of(rule))
        // A rule acts as whoever last wrote it: what it does is theirs,
        // never another's under their name and role.
        .bind(scope.user_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        bump_rules_version(&mut tx, scope.workspace_id).await?;
        record(
            &mut tx,
            scope,
            project_id,
            EntityKind::Rule,
            id,
            &rule.name,
            "updated",
            &activity::diff(&rule_snapshot(&before), &rule_snapshot(rule)),
        )
        .await?;
        let rule = fetch_rule_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(rule)
    }

    async fn delete_rule(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_rule_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        sqlx::query("DELETE FROM rules WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        bump_rules_version(&mut tx, scope.workspace_id).await?;
        record(
            &mut tx,
            scope,
            current.project.as_ref().map(|p| p.id),
            EntityKind::Rule,
            id,
            &current.name,
            "deleted",
            &activity::deleted(&rule_snapshot(&current.fields())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rule_runs(&self, scope: Scope, id: Id) -> Result<Vec<RuleRun>> {
        let mut tx = self.read_tx().await?;
        fetch_rule_tx(&mut tx, scope, id).await?;
        let rows: Vec<(i64, i64, DateTime<Utc>, String, String, Option<String>)> = sqlx::query_as(
            "SELECT id, rule_id, at, object, outcome, detail FROM rule_runs WHERE rule_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(id)
        .bind(RUN_PAGE)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(id, rule_id, at, object, outcome, detail)| RuleRun {
                id,
                rule_id,
                at,
                object,
                outcome,
                detail,
            })
            .collect())
    }

    async fn rules_version(&self, workspace_id: Id) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT rules_version FROM workspaces WHERE id = $1")
                .bind(workspace_id)
                .fetch_optional(self.reader())
                .await?
                .unwrap_or(0),
        )
    }

    async fn enabled_rules(&self, workspace_id: Id) -> Result<Vec<Rule>> {
        let rows = sqlx::query(&format!(
            "{RULE_SELECT} WHERE r.workspace_id = $1 AND r.enabled ORDER BY r.id"
        ))
        .bind(workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(rule_from_row).collect()
    }

    async fn timed_rules(&self) -> Result<Vec<(Id, Rule)>> {
        let rows = sqlx::query(&format!(
            "{RULE_SELECT} WHERE r.enabled AND r.trigger_kind IN ('due_soon', 'overdue', 'on_dates', 'schedule_slipped') \
             ORDER BY r.id"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("workspace_id")?, rule_from_row(row)?)))
            .collect()
    }

    async fn start_run(&self, rule_id: Id, object: &str, fire_key: &str) -> Result<Option<Id>> {
        // Read first: the clock's rules ask again each minute of every
        // task still due, and a write each would keep SQLite's one
        // writer busy for nothing.
        let ran: Option<i64> =
            sqlx::query_scalar("SELECT id FROM rule_runs WHERE rule_id = $1 AND fire_key = $2")
                .bind(rule_id)
                .bind(fire_key)
                .fetch_optional(self.reader())
                .await?;
        if ran.is_some() {
            return Ok(None);
        }
        let mut tx = self.write_tx().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO rule_runs (rule_id, at, object, outcome, fire_key) VALUES ($1, $2, $3, 'running', $4) \
             ON CONFLICT (rule_id, fire_key) WHERE fire_key IS NOT NULL DO NOTHING RETURNING id",
        )
        .bind(rule_id)
        .bind(Utc::now())
        .bind(object)
        .bind(fire_key)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn finish_run(
        &self,
        run_id: Id,
        rule_id: Id,
        outcome: &str,
        detail: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE rule_runs SET outcome = $1, detail = $2 WHERE id = $3")
            .bind(outcome)
            .bind(detail)
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        if outcome == "done" {
            sqlx::query("UPDATE rules SET runs = runs + 1 WHERE id = $1")
                .bind(rule_id)
                .execute(&mut *tx)
                .await?;
        }
        // Told as an event (no history row: the run is its own record),
        // so a page showing the rule, or a test, hears that it ended.
        let home: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT workspace_id, project_id FROM rules WHERE id = $1")
                .bind(rule_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((workspace_id, project_id)) = home {
            let mut batch = Batch::default();
            emit(
                &mut batch,
                workspace_id,
                project_id,
                EntityKind::Rule.as_str(),
                "ran",
                &rule_id.to_string(),
                None,
                &[],
                None,
            );
            batch.run(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
