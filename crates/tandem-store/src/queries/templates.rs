//! Templates and projects made from them; the queries, compiled once per
//! backend (see `mod.rs`).

use tandem_domain::templates::{PlannedTask, ProjectPlan};

use crate::templates::{Template, TemplateStore};

use super::risks::insert_risk_tx;
use super::stakeholders::insert_stakeholder_tx;
use super::*;

const TEMPLATE_SELECT: &str = "SELECT t.id, t.name, t.kind, v.version, t.version AS latest, \
    v.description, v.body, v.source, v.created_by, u.email AS creator_email, \
    u.name AS creator_name, v.created_at \
    FROM templates t JOIN template_versions v ON v.template_id = t.id \
    LEFT JOIN users u ON u.id = v.created_by";

fn template_from_row(row: &impl Columns) -> Result<Template> {
    Ok(Template {
        id: row.get("id")?,
        name: row.get("name")?,
        kind: row.get("kind")?,
        version: row.get("version")?,
        latest: row.get("latest")?,
        description: row.get("description")?,
        body: row.get("body")?,
        source: row.get("source")?,
        created_by: user_ref(row, "created_by", "creator_email", "creator_name")?,
        created_at: row.get("created_at")?,
    })
}

async fn fetch_template_tx(
    tx: &mut Tx,
    scope: Scope,
    kind: &str,
    name: &str,
    version: Option<i64>,
) -> Result<Template> {
    let row = sqlx::query(&format!(
        "{TEMPLATE_SELECT} WHERE t.workspace_id = $1 AND t.kind = $2 AND lower(t.name) = lower($3) \
         AND v.version = COALESCE($4, t.version)"
    ))
    .bind(scope.workspace_id)
    .bind(kind)
    .bind(name.trim())
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("template"))?;
    template_from_row(&row)
}

#[async_trait]
impl TemplateStore for DbStore {
    async fn save_template(
        &self,
        scope: WriteScope,
        name: &str,
        kind: &str,
        description: Option<&str>,
        body: &str,
        source: Option<&str>,
    ) -> Result<Template> {
        let scope = *scope;
        let name = name.trim();
        let mut tx = self.write_tx().await?;
        let now = Utc::now();
        let existing: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, version FROM templates WHERE workspace_id = $1 AND kind = $2 AND lower(name) = lower($3)",
        )
        .bind(scope.workspace_id)
        .bind(kind)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, version) = match existing {
            Some((id, version)) => {
                sqlx::query("UPDATE templates SET version = $1, updated_at = $2 WHERE id = $3")
                    .bind(version + 1)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                (id, version + 1)
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO templates (workspace_id, name, kind, version, created_at, updated_at) \
                     VALUES ($1, $2, $3, 1, $4, $4) RETURNING id",
                )
                .bind(scope.workspace_id)
                .bind(name)
                .bind(kind)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| unique_to_conflict(e, "a template of this name"))?;
                (id, 1)
            }
        };
        sqlx::query(
            "INSERT INTO template_versions (template_id, version, description, body, source, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(version)
        .bind(description)
        .bind(body)
        .bind(source)
        .bind(scope.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let saved = fetch_template_tx(&mut tx, scope, kind, name, Some(version)).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn list_templates(&self, scope: Scope) -> Result<Vec<Template>> {
        let rows = sqlx::query(&format!(
            "{TEMPLATE_SELECT} WHERE t.workspace_id = $1 AND v.version = t.version ORDER BY t.kind, lower(t.name)"
        ))
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(template_from_row).collect()
    }

    async fn get_template(
        &self,
        scope: Scope,
        kind: &str,
        name: &str,
        version: Option<i64>,
    ) -> Result<Template> {
        let mut tx = self.read_tx().await?;
        let found = fetch_template_tx(&mut tx, scope, kind, name, version).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn template_versions(
        &self,
        scope: Scope,
        kind: &str,
        name: &str,
    ) -> Result<Vec<Template>> {
        let rows = sqlx::query(&format!(
            "{TEMPLATE_SELECT} WHERE t.workspace_id = $1 AND t.kind = $2 AND lower(t.name) = lower($3) \
             ORDER BY v.version DESC"
        ))
        .bind(scope.workspace_id)
        .bind(kind)
        .bind(name.trim())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                let mut t = template_from_row(row)?;
                t.body = String::new();
                Ok(t)
            })
            .collect()
    }

    async fn delete_template(&self, scope: WriteScope, kind: &str, name: &str) -> Result<()> {
        let done = sqlx::query(
            "DELETE FROM templates WHERE workspace_id = $1 AND kind = $2 AND lower(name) = lower($3)",
        )
        .bind(scope.workspace_id)
        .bind(kind)
        .bind(name.trim())
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("template"));
        }
        Ok(())
    }

    async fn create_project_from_plan(
        &self,
        scope: WriteScope,
        plan: &ProjectPlan,
        template: (&str, i64),
    ) -> Result<Project> {
        let scope = *scope;
        plan.project.fields.check().map_err(StoreError::Invalid)?;
        let named = |part: &str, i: usize, errors: Vec<FieldError>| {
            StoreError::Invalid(
                errors
                    .into_iter()
                    .map(|e| FieldError::new(format!("{part}[{i}].{}", e.field), e.message))
                    .collect(),
            )
        };
        for (i, p) in plan.phases.iter().enumerate() {
            p.check().map_err(|e| named("phases", i, e))?;
        }
        for (i, (m, _)) in plan.milestones.iter().enumerate() {
            m.check().map_err(|e| named("milestones", i, e))?;
        }
        for (i, r) in plan.risks.iter().enumerate() {
            r.check().map_err(|e| named("risks", i, e))?;
        }
        let mut tx = self.write_tx().await?;
        insert_project_tx(&mut tx, scope, &plan.project).await?;
        let key = plan.project.key.as_str();
        sqlx::query(
            "UPDATE projects SET template_name = $1, template_version = $2 WHERE workspace_id = $3 AND key = $4",
        )
        .bind(template.0)
        .bind(template.1)
        .bind(scope.workspace_id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
        let project = fetch_project_tx(&mut tx, scope, key).await?;
        let mut phases = Vec::with_capacity(plan.phases.len());
        for phase in &plan.phases {
            phases.push(insert_phase_tx(&mut tx, scope, project.id, phase).await?);
        }
        let mut milestones = Vec::with_capacity(plan.milestones.len());
        for (milestone, phase) in &plan.milestones {
            let mut milestone = milestone.clone();
            milestone.phase_id = phase.and_then(|p| phases.get(p).copied());
            milestones.push(insert_milestone_tx(&mut tx, scope, project.id, &milestone).await?);
        }
        let mut tasks: Vec<(Id, String)> = Vec::with_capacity(plan.tasks.len());
        let mut batch = Batch::default();
        for (i, planned) in plan.tasks.iter().enumerate() {
            let mut fields = planned.fields.clone();
            fields.parent = planned
                .parent
                .and_then(|p| tasks.get(p))
                .map(|(_, key)| key.clone());
            fields.phase_id = planned.phase.and_then(|p| phases.get(p).copied());
            fields.milestone_id = planned.milestone.and_then(|m| milestones.get(m).copied());
            let made = insert_task_tx(
                &mut tx,
                scope,
                Some(&project),
                &fields,
                Owner::ToLookUp,
                &mut batch,
            )
            .await
            .map_err(|e| match e {
                StoreError::Invalid(errors) => named("tasks", i, errors),
                other => other,
            })?;
            tasks.push(made);
        }
        batch.run(&mut tx).await?;
        for link in &plan.dependencies {
            let (Some(pred), Some(succ)) = (tasks.get(link.predecessor), tasks.get(link.successor))
            else {
                continue;
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dependencies (workspace_id, predecessor_id, successor_id, kind, lag_days, lag_format) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(scope.workspace_id)
            .bind(pred.0)
            .bind(succ.0)
            .bind(link.kind.as_str())
            .bind(link.lag_days)
            .bind(link.lag_format.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_to_conflict(e, "a dependency between these tasks"))?;
            record(
                &mut tx,
                scope,
                Some(project.id),
                EntityKind::Dependency,
                id,
                &format!("{} → {}", pred.1, succ.1),
                "created",
                &activity::created(&dependency_snapshot(
                    link.kind,
                    link.lag_days,
                    link.lag_format,
                )),
            )
            .await?;
        }
        for risk in &plan.risks {
            insert_risk_tx(&mut tx, scope, project.id, risk).await?;
        }
        for stakeholder in &plan.stakeholders {
            insert_stakeholder_tx(&mut tx, scope, project.id, stakeholder).await?;
        }
        let project = fetch_project_tx(&mut tx, scope, key).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn create_task_tree(
        &self,
        scope: WriteScope,
        project: Option<&str>,
        tasks: &[PlannedTask],
    ) -> Result<Task> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let project = match project {
            Some(key) => Some(fetch_project_tx(&mut tx, scope, key).await?),
            None => None,
        };
        let mut made: Vec<(Id, String)> = Vec::with_capacity(tasks.len());
        let mut batch = Batch::default();
        for (i, planned) in tasks.iter().enumerate() {
            let mut fields = planned.fields.clone();
            fields.parent = planned
                .parent
                .and_then(|p| made.get(p))
                .map(|(_, key)| key.clone());
            let task = insert_task_tx(
                &mut tx,
                scope,
                project.as_ref(),
                &fields,
                Owner::ToLookUp,
                &mut batch,
            )
            .await
            .map_err(|e| match e {
                StoreError::Invalid(errors) => StoreError::Invalid(
                    errors
                        .into_iter()
                        .map(|e| FieldError::new(format!("tasks[{i}].{}", e.field), e.message))
                        .collect(),
                ),
                other => other,
            })?;
            made.push(task);
        }
        let Some((_, top)) = made.first().cloned() else {
            return Err(StoreError::invalid("tasks", "a task template holds a task"));
        };
        batch.run(&mut tx).await?;
        let task = fetch_task_tx(&mut tx, scope, &top).await?;
        tx.commit().await?;
        Ok(task)
    }
}
