//! A project's risks and what they threaten; the queries, compiled once per
//! backend (see `mod.rs`).

use super::*;

pub(super) async fn fetch_risk_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Risk> {
    let mut qb = QueryBuilder::<Db>::new(RISK_SELECT);
    qb.push(" WHERE r.id = ");
    qb.push_bind(id);
    qb.push(" AND r.workspace_id = ");
    qb.push_bind(scope.workspace_id);
    push_project_visibility(&mut qb, "r.project_id", scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("risk"))?;
    let mut risk = risk_from_row(&row)?;
    fill_risks(tx, std::slice::from_mut(&mut risk)).await?;
    Ok(risk)
}

pub(super) async fn fill_risks(tx: &mut Tx, risks: &mut [Risk]) -> Result<()> {
    for risk in risks.iter_mut() {
        let rows = sqlx::query(
            "SELECT t.id, t.number, t.title, p.key FROM risk_tasks rt JOIN tasks t ON t.id = rt.task_id \
             LEFT JOIN projects p ON p.id = t.project_id WHERE rt.risk_id = $1 ORDER BY t.id",
        )
        .bind(risk.id)
        .fetch_all(&mut **tx)
        .await?;
        risk.tasks = rows
            .iter()
            .map(task_ref_from_row)
            .collect::<Result<Vec<_>>>()?;
        risk.milestone_ids = sqlx::query_scalar(
            "SELECT milestone_id FROM risk_milestones WHERE risk_id = $1 ORDER BY milestone_id",
        )
        .bind(risk.id)
        .fetch_all(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Resolves and writes a risk's owner and links.
pub(super) async fn resolve_risk(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    risk: &RiskFields,
) -> Result<(Option<Id>, Vec<Id>)> {
    let mut errors = Vec::new();
    let owner_id = match optional_member(tx, scope, risk.owner.as_ref(), "owner").await {
        Ok(id) => id,
        Err(StoreError::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let mut task_ids = Vec::new();
    for key in &risk.task_keys {
        match fetch_task_tx(tx, scope, key).await {
            Ok(task) if task.project.as_ref().map(|p| p.id) == Some(project_id) => {
                task_ids.push(task.id)
            }
            Ok(_) => errors.push(FieldError::new(
                "tasks",
                format!("{key} is not in this project"),
            )),
            Err(StoreError::NotFound(_)) => errors.push(FieldError::new(
                "tasks",
                format!("must name tasks you can open by key, and {key} is none"),
            )),
            Err(e) => return Err(e),
        }
    }
    for id in &risk.milestone_ids {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM milestones WHERE id = $1 AND project_id = $2")
                .bind(id)
                .bind(project_id)
                .fetch_optional(&mut **tx)
                .await?;
        if found.is_none() {
            errors.push(FieldError::new(
                "milestones",
                format!("no milestone {id} in this project"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    Ok((owner_id, task_ids))
}

pub(super) async fn write_risk_links(
    tx: &mut Tx,
    risk_id: Id,
    task_ids: &[Id],
    milestone_ids: &[Id],
) -> Result<()> {
    sqlx::query("DELETE FROM risk_tasks WHERE risk_id = $1")
        .bind(risk_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM risk_milestones WHERE risk_id = $1")
        .bind(risk_id)
        .execute(&mut **tx)
        .await?;
    for task_id in task_ids {
        sqlx::query(
            "INSERT INTO risk_tasks (risk_id, task_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(risk_id)
        .bind(task_id)
        .execute(&mut **tx)
        .await?;
    }
    for milestone_id in milestone_ids {
        sqlx::query("INSERT INTO risk_milestones (risk_id, milestone_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(risk_id)
            .bind(milestone_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds a risk (checked) to a project, with its links and history row:
/// its id.
pub(super) async fn insert_risk_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    risk: &RiskFields,
) -> Result<Id> {
    let (owner_id, task_ids) = resolve_risk(tx, scope, project_id, risk).await?;
    let now = Utc::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO risks (workspace_id, project_id, title, description, probability, impact, owner_id, mitigation, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(scope.workspace_id)
    .bind(project_id)
    .bind(risk.title.trim())
    .bind(&risk.description)
    .bind(risk.probability)
    .bind(risk.impact)
    .bind(owner_id)
    .bind(&risk.mitigation)
    .bind(risk.status.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    write_risk_links(tx, id, &task_ids, &risk.milestone_ids).await?;
    record(
        tx,
        scope,
        Some(project_id),
        EntityKind::Risk,
        id,
        &risk.title,
        "created",
        &activity::created(&risk_snapshot(risk)),
    )
    .await?;
    Ok(id)
}

#[async_trait]
impl RiskStore for DbStore {
    async fn create_risk(
        &self,
        scope: WriteScope,
        project_id: Id,
        risk: &RiskFields,
    ) -> Result<Risk> {
        let scope = *scope;
        risk.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let id = insert_risk_tx(&mut tx, scope, project_id, risk).await?;
        let risk = fetch_risk_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(risk)
    }

    async fn list_risks(&self, access: ProjectAccess) -> Result<Vec<Risk>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let mut tx = self.read_tx().await?;
        let rows = sqlx::query(&format!(
            "{RISK_SELECT} WHERE r.workspace_id = $1 AND r.project_id = $2 ORDER BY r.probability * r.impact DESC, r.id"
        ))
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut risks = rows.iter().map(risk_from_row).collect::<Result<Vec<_>>>()?;
        fill_risks(&mut tx, &mut risks).await?;
        tx.commit().await?;
        Ok(risks)
    }

    async fn open_risk_scores(&self, access: ProjectAccess) -> Result<Vec<i64>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        Ok(sqlx::query_scalar(
            "SELECT probability * impact FROM risks WHERE workspace_id = $1 AND project_id = $2 \
             AND status IN ('open', 'mitigating') ORDER BY probability * impact DESC",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_all(self.reader())
        .await?)
    }

    async fn get_risk(&self, scope: Scope, id: Id) -> Result<Risk> {
        let mut tx = self.read_tx().await?;
        let risk = fetch_risk_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(risk)
    }

    async fn update_risk(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, RiskFields>,
    ) -> Result<Risk> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let mut current = fetch_risk_tx(&mut tx, scope, id).await?;
        if lock_project_tx(&mut tx, current.project_id).await? {
            current = fetch_risk_tx(&mut tx, scope, id).await?;
        }
        check_version(expected_version, current.version)?;
        let risk = &patched(change, current.fields())?;
        risk.check().map_err(StoreError::Invalid)?;
        let (owner_id, task_ids) = resolve_risk(&mut tx, scope, current.project_id, risk).await?;
        sqlx::query(
            "UPDATE risks SET title = $1, description = $2, probability = $3, impact = $4, owner_id = $5, mitigation = $6, \
             status = $7, updated_at = $8, version = version + 1 WHERE id = $9",
        )
        .bind(risk.title.trim())
        .bind(&risk.description)
        .bind(risk.probability)
        .bind(risk.impact)
        .bind(owner_id)
        .bind(&risk.mitigation)
        .bind(risk.status.as_str())
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        write_risk_links(&mut tx, id, &task_ids, &risk.milestone_ids).await?;
        let before = current.fields();
        let changes = activity::diff(&risk_snapshot(&before), &risk_snapshot(risk));
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Risk,
            id,
            &risk.title,
            "updated",
            &changes,
        )
        .await?;
        let risk = fetch_risk_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(risk)
    }

    async fn delete_risk(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_risk_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        let before = current.fields();
        sqlx::query("DELETE FROM risks WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Risk,
            id,
            &current.title,
            "deleted",
            &activity::deleted(&risk_snapshot(&before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
