//! Saved views; the queries, compiled once per backend (see `mod.rs`).

use super::*;

const VIEW_SELECT: &str = "SELECT v.id, v.project_id, v.user_id, u.email, u.name AS user_name, \
    v.name, v.query, v.shared, v.created_at FROM saved_views v JOIN users u ON u.id = v.user_id";

fn view_from_row(row: &impl Columns) -> Result<SavedView> {
    Ok(SavedView {
        id: row.get("id")?,
        project_id: row.get("project_id")?,
        owner: UserRef {
            id: row.get("user_id")?,
            email: row.get("email")?,
            name: row.get("user_name")?,
        },
        name: row.get("name")?,
        query: row.get("query")?,
        shared: row.get("shared")?,
        created_at: row.get("created_at")?,
    })
}

#[async_trait]
impl ViewStore for DbStore {
    async fn create_view(
        &self,
        scope: WriteScope,
        access: ProjectAccess,
        view: &ViewFields,
    ) -> Result<SavedView> {
        let scope = *scope;
        view.check().map_err(StoreError::Invalid)?;
        if access.scope().workspace_id != scope.workspace_id {
            return Err(StoreError::NotFound("project"));
        }
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO saved_views (workspace_id, project_id, user_id, name, query, shared, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(access.project_id())
        .bind(scope.user_id)
        .bind(view.name.trim())
        .bind(&view.query)
        .bind(view.shared)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        let row = sqlx::query(&format!("{VIEW_SELECT} WHERE v.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let saved = view_from_row(&row)?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn list_views(&self, access: ProjectAccess) -> Result<Vec<SavedView>> {
        let scope = access.scope();
        let rows = sqlx::query(&format!(
            "{VIEW_SELECT} WHERE v.workspace_id = $1 AND v.project_id = $2 \
             AND (v.user_id = $3 OR v.shared = $4) ORDER BY LOWER(v.name), v.id"
        ))
        .bind(scope.workspace_id)
        .bind(access.project_id())
        .bind(scope.user_id)
        .bind(true)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(view_from_row).collect()
    }

    async fn delete_view(&self, scope: WriteScope, id: Id) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let mut qb =
            QueryBuilder::<Db>::new("SELECT v.user_id, v.shared FROM saved_views v WHERE v.id = ");
        qb.push_bind(id);
        qb.push(" AND v.workspace_id = ");
        qb.push_bind(scope.workspace_id);
        // A view of a project the caller may not open is not theirs to see.
        push_project_visibility(&mut qb, "v.project_id", scope);
        let found: Option<(i64, bool)> = qb.build_query_as().fetch_optional(&mut *tx).await?;
        match found {
            Some((owner, _)) if owner == scope.user_id => {}
            Some((_, true)) if scope.role.can_manage_members() => {}
            Some((_, true)) => {
                return Err(StoreError::Forbidden(
                    "a shared view is deleted by the person who saved it, or an owner or admin"
                        .into(),
                ));
            }
            _ => return Err(StoreError::NotFound("view")),
        }
        sqlx::query("DELETE FROM saved_views WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
