//! Status updates of projects, portfolios and goals; the queries,
//! compiled once per backend (see `mod.rs`).

use tandem_domain::health::StatusFigures;

use super::*;

/// The status update `id` and its project, if the caller may read it: a
/// project's while they may open the project, a portfolio's or a goal's
/// unless they are a guest (as the updates' history decides).
pub(super) async fn fetch_status_update_tx(
    tx: &mut Tx,
    scope: Scope,
    id: Id,
) -> Result<(StatusUpdate, Option<Id>)> {
    let mut qb = QueryBuilder::<Db>::new(format!("{STATUS_UPDATE_SELECT} WHERE s.id = "));
    qb.push_bind(id);
    qb.push(" AND s.workspace_id = ");
    qb.push_bind(scope.workspace_id);
    if !scope.role.sees_all_projects() {
        qb.push(" AND s.project_id IS NOT NULL");
        push_project_visibility(&mut qb, "s.project_id", scope);
    }
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("status update"))?;
    Ok((
        status_update_from_row(&row)?,
        Columns::get(&row, "project_id")?,
    ))
}

#[async_trait]
impl StatusUpdateStore for DbStore {
    async fn create_status_update(
        &self,
        scope: WriteScope,
        on: UpdateOn,
        update: &StatusUpdateFields,
        figures: &StatusFigures,
    ) -> Result<StatusUpdate> {
        let scope = *scope;
        update.check().map_err(StoreError::Invalid)?;
        let figures = serde_json::to_string(figures)
            .map_err(|e| StoreError::Config(format!("status figures: {e}")))?;
        let text = update.text.trim();
        let (column, table, what, subject_id, project_id) = match on {
            UpdateOn::Project(access) => (
                "project_id",
                "projects",
                "project",
                access.project_id(),
                Some(access.project_id()),
            ),
            UpdateOn::Portfolio(id) => ("portfolio_id", "portfolios", "portfolio", id, None),
            UpdateOn::Goal(id) => ("goal_id", "goals", "goal", id, None),
        };
        let mut tx = self.write_tx().await?;
        // What it is posted on may have been deleted since it was read:
        // then nothing is inserted.
        let id: i64 = sqlx::query_scalar(&format!(
            "INSERT INTO status_updates (workspace_id, {column}, author_id, health, body, figures, created_at) \
             SELECT $1, id, $3, $4, $5, $6, $7 FROM {table} WHERE id = $2 AND workspace_id = $1 RETURNING id",
        ))
        .bind(scope.workspace_id)
        .bind(subject_id)
        .bind(scope.user_id)
        .bind(update.health.as_str())
        .bind(text)
        .bind(figures)
        .bind(Utc::now())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound(what))?;
        let row = sqlx::query(&format!("{STATUS_UPDATE_SELECT} WHERE s.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let created = status_update_from_row(&row)?;
        let changes = activity::created(&serde_json::Map::from_iter([
            (
                "health".to_string(),
                serde_json::json!(update.health.as_str()),
            ),
            ("text".to_string(), serde_json::json!(text)),
            (what.to_string(), serde_json::json!(subject_id)),
        ]));
        record(
            &mut tx,
            scope,
            project_id,
            EntityKind::StatusUpdate,
            id,
            update.health.label(),
            "posted",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn get_status_update(&self, scope: Scope, id: Id) -> Result<StatusUpdate> {
        let mut tx = self.read_tx().await?;
        let (update, _) = fetch_status_update_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(update)
    }

    async fn list_status_updates(
        &self,
        scope: Scope,
        on: UpdateOn,
        before: Option<Id>,
        limit: usize,
    ) -> Result<Vec<StatusUpdate>> {
        let (column, id) = match on {
            UpdateOn::Project(access) => ("project_id", access.project_id()),
            UpdateOn::Portfolio(id) => ("portfolio_id", id),
            UpdateOn::Goal(id) => ("goal_id", id),
        };
        let rows = sqlx::query(&format!(
            "{STATUS_UPDATE_SELECT} WHERE s.workspace_id = $1 AND s.{column} = $2 AND s.id < $3 \
             ORDER BY s.id DESC LIMIT $4"
        ))
        .bind(scope.workspace_id)
        .bind(id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit as i64)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(status_update_from_row).collect()
    }
}
