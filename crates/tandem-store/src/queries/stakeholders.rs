//! A project's stakeholders; the queries, compiled once per backend (see
//! `mod.rs`).

use super::*;

pub(super) async fn fetch_stakeholder_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Stakeholder> {
    let mut qb = QueryBuilder::<Db>::new(STAKEHOLDER_SELECT);
    qb.push(" WHERE s.id = ");
    qb.push_bind(id);
    qb.push(" AND s.workspace_id = ");
    qb.push_bind(scope.workspace_id);
    push_project_visibility(&mut qb, "s.project_id", scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("stakeholder"))?;
    stakeholder_from_row(&row)
}

/// Adds a stakeholder (checked) to a project, with its history row: its
/// id.
pub(super) async fn insert_stakeholder_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    stakeholder: &StakeholderFields,
) -> Result<Id> {
    let user_id = optional_member(tx, scope, stakeholder.member.as_ref(), "member").await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO stakeholders (workspace_id, project_id, user_id, name, email, role) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(scope.workspace_id)
    .bind(project_id)
    .bind(user_id)
    .bind(stakeholder.name.as_deref().map(str::trim))
    .bind(stakeholder.email.as_ref().map(|e| e.as_str()))
    .bind(stakeholder.role.as_str())
    .fetch_one(&mut **tx)
    .await?;
    let created = fetch_stakeholder_tx(tx, scope, id).await?;
    record(
        tx,
        scope,
        Some(project_id),
        EntityKind::Stakeholder,
        id,
        &created.name,
        "created",
        &activity::created(&stakeholder_snapshot(stakeholder)),
    )
    .await?;
    Ok(id)
}

#[async_trait]
impl StakeholderStore for DbStore {
    async fn create_stakeholder(
        &self,
        scope: WriteScope,
        project_id: Id,
        stakeholder: &StakeholderFields,
    ) -> Result<Stakeholder> {
        let scope = *scope;
        stakeholder.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let id = insert_stakeholder_tx(&mut tx, scope, project_id, stakeholder).await?;
        let created = fetch_stakeholder_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_stakeholders(&self, access: ProjectAccess) -> Result<Vec<Stakeholder>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let rows = sqlx::query(&format!(
            "{STAKEHOLDER_SELECT} WHERE s.workspace_id = $1 AND s.project_id = $2 ORDER BY s.id"
        ))
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(stakeholder_from_row).collect()
    }

    async fn update_stakeholder(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, StakeholderFields>,
    ) -> Result<Stakeholder> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let mut current = fetch_stakeholder_tx(&mut tx, scope, id).await?;
        if lock_project_tx(&mut tx, current.project_id).await? {
            current = fetch_stakeholder_tx(&mut tx, scope, id).await?;
        }
        check_version(expected_version, current.version)?;
        let stakeholder = &patched(change, current.fields())?;
        stakeholder.check().map_err(StoreError::Invalid)?;
        let user_id =
            optional_member(&mut tx, scope, stakeholder.member.as_ref(), "member").await?;
        sqlx::query("UPDATE stakeholders SET user_id = $1, name = $2, email = $3, role = $4, version = version + 1 WHERE id = $5")
            .bind(user_id)
            .bind(stakeholder.name.as_deref().map(str::trim))
            .bind(stakeholder.email.as_ref().map(|e| e.as_str()))
            .bind(stakeholder.role.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let before = current.fields();
        let changes = activity::diff(
            &stakeholder_snapshot(&before),
            &stakeholder_snapshot(stakeholder),
        );
        let updated = fetch_stakeholder_tx(&mut tx, scope, id).await?;
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Stakeholder,
            id,
            &updated.name,
            "updated",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn get_stakeholder(&self, scope: Scope, id: Id) -> Result<Stakeholder> {
        let mut tx = self.read_tx().await?;
        let s = fetch_stakeholder_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(s)
    }

    async fn delete_stakeholder(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_stakeholder_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        sqlx::query("DELETE FROM stakeholders WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let changes = activity::deleted(&stakeholder_snapshot(&current.fields()));
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Stakeholder,
            id,
            &current.name,
            "deleted",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
