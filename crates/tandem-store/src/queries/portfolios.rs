//! Portfolios; the queries, compiled once per backend (see `mod.rs`).

use tandem_domain::{Portfolio, PortfolioFields, portfolio_cycle};

use super::*;

/// What every portfolio of the workspace holds: its projects, then its
/// portfolios, each in the order given.
type Holdings = (HashMap<Id, Vec<Id>>, HashMap<Id, Vec<Id>>);

const PROJECTS_HELD: &str = "SELECT i.portfolio_id, i.project_id FROM portfolio_projects i \
    JOIN portfolios f ON f.id = i.portfolio_id WHERE f.workspace_id = $1 ORDER BY i.portfolio_id, i.position";
const PORTFOLIOS_HELD: &str = "SELECT i.portfolio_id, i.child_id FROM portfolio_children i \
    JOIN portfolios f ON f.id = i.portfolio_id WHERE f.workspace_id = $1 ORDER BY i.portfolio_id, i.position";

async fn holdings_tx(tx: &mut Tx, workspace_id: Id) -> Result<Holdings> {
    let projects: Vec<(i64, i64)> = sqlx::query_as(PROJECTS_HELD)
        .bind(workspace_id)
        .fetch_all(&mut **tx)
        .await?;
    let children: Vec<(i64, i64)> = sqlx::query_as(PORTFOLIOS_HELD)
        .bind(workspace_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok((grouped(projects), grouped(children)))
}

async fn fetch_portfolio_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Portfolio> {
    let row = sqlx::query(&format!(
        "{PORTFOLIO_SELECT} WHERE f.id = $1 AND f.workspace_id = $2"
    ))
    .bind(id)
    .bind(scope.workspace_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("portfolio"))?;
    let mut portfolio = portfolio_from_row(&row)?;
    let (mut projects, mut children) = holdings_tx(tx, scope.workspace_id).await?;
    portfolio.project_ids = projects.remove(&id).unwrap_or_default();
    portfolio.child_ids = children.remove(&id).unwrap_or_default();
    Ok(portfolio)
}

/// Checks what `fields` names and writes it as what portfolio `id` holds.
async fn write_holdings_tx(
    tx: &mut Tx,
    scope: Scope,
    id: Id,
    fields: &PortfolioFields,
) -> Result<()> {
    let mut project_ids = Vec::with_capacity(fields.projects.len());
    for key in &fields.projects {
        match fetch_project_tx(tx, scope, key.as_str()).await {
            Ok(project) => project_ids.push(project.id),
            Err(StoreError::NotFound(_)) => {
                return Err(StoreError::invalid("projects", format!("no project {key}")));
            }
            Err(e) => return Err(e),
        }
    }
    let (_, mut holds) = holdings_tx(tx, scope.workspace_id).await?;
    let known: Vec<(i64,)> = sqlx::query_as("SELECT id FROM portfolios WHERE workspace_id = $1")
        .bind(scope.workspace_id)
        .fetch_all(&mut **tx)
        .await?;
    if let Some(unknown) = fields
        .portfolios
        .iter()
        .find(|child| !known.iter().any(|(k,)| k == *child))
    {
        return Err(StoreError::invalid(
            "portfolios",
            format!("no portfolio {unknown}"),
        ));
    }
    holds.remove(&id);
    if let Some(child) = portfolio_cycle(id, &fields.portfolios, &holds) {
        return Err(StoreError::invalid(
            "portfolios",
            format!("portfolio {child} holds this one: a portfolio cannot hold itself"),
        ));
    }
    for table in ["portfolio_projects", "portfolio_children"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE portfolio_id = $1"))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for (position, project_id) in project_ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO portfolio_projects (portfolio_id, project_id, position) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(project_id)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    for (position, child) in fields.portfolios.iter().enumerate() {
        sqlx::query(
            "INSERT INTO portfolio_children (portfolio_id, child_id, position) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(child)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A portfolio's fields as stored, its projects by key.
async fn portfolio_fields_tx(tx: &mut Tx, scope: Scope, p: &Portfolio) -> Result<PortfolioFields> {
    let keys: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, key FROM projects WHERE workspace_id = $1")
            .bind(scope.workspace_id)
            .fetch_all(&mut **tx)
            .await?;
    Ok(PortfolioFields {
        name: p.name.clone(),
        owner: p.owner.as_ref().and_then(|u| Email::parse(&u.email).ok()),
        projects: p
            .project_ids
            .iter()
            .filter_map(|id| keys.iter().find(|(k, _)| k == id))
            .filter_map(|(_, key)| ProjectKey::parse(key).ok())
            .collect(),
        portfolios: p.child_ids.clone(),
    })
}

fn name_taken(e: sqlx::Error, name: &str) -> StoreError {
    match unique_to_conflict(e, "a portfolio with this name") {
        StoreError::Conflict(_) => {
            StoreError::invalid("name", format!("a portfolio named {name} exists already"))
        }
        other => other,
    }
}

#[async_trait]
impl PortfolioStore for DbStore {
    async fn create_portfolio(
        &self,
        scope: WriteScope,
        fields: &PortfolioFields,
    ) -> Result<Portfolio> {
        let scope = *scope;
        fields.check().map_err(StoreError::Invalid)?;
        let name = fields.name.trim();
        let mut tx = self.write_tx().await?;
        let owner = optional_member(&mut tx, scope, fields.owner.as_ref(), "owner").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO portfolios (workspace_id, name, owner_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(name)
        .bind(owner)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| name_taken(e, name))?;
        write_holdings_tx(&mut tx, scope, id, fields).await?;
        let created = fetch_portfolio_tx(&mut tx, scope, id).await?;
        record(
            &mut tx,
            scope,
            None,
            EntityKind::Portfolio,
            id,
            &created.name,
            "created",
            &activity::created(&portfolio_snapshot(fields)),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_portfolios(&self, scope: Scope) -> Result<Vec<Portfolio>> {
        let rows = sqlx::query(&format!(
            "{PORTFOLIO_SELECT} WHERE f.workspace_id = $1 ORDER BY f.name, f.id"
        ))
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        let projects: Vec<(i64, i64)> = sqlx::query_as(PROJECTS_HELD)
            .bind(scope.workspace_id)
            .fetch_all(self.reader())
            .await?;
        let children: Vec<(i64, i64)> = sqlx::query_as(PORTFOLIOS_HELD)
            .bind(scope.workspace_id)
            .fetch_all(self.reader())
            .await?;
        let (mut projects, mut children) = (grouped(projects), grouped(children));
        rows.iter()
            .map(|row| {
                let mut p = portfolio_from_row(row)?;
                p.project_ids = projects.remove(&p.id).unwrap_or_default();
                p.child_ids = children.remove(&p.id).unwrap_or_default();
                Ok(p)
            })
            .collect()
    }

    async fn update_portfolio(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, PortfolioFields>,
    ) -> Result<Portfolio> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_portfolio_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        let before = portfolio_fields_tx(&mut tx, scope, &current).await?;
        let fields = &patched(change, before.clone())?;
        fields.check().map_err(StoreError::Invalid)?;
        let name = fields.name.trim();
        let owner = optional_member(&mut tx, scope, fields.owner.as_ref(), "owner").await?;
        sqlx::query(
            "UPDATE portfolios SET name = $1, owner_id = $2, version = version + 1 WHERE id = $3",
        )
        .bind(name)
        .bind(owner)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| name_taken(e, name))?;
        write_holdings_tx(&mut tx, scope, id, fields).await?;
        let updated = fetch_portfolio_tx(&mut tx, scope, id).await?;
        let changes = activity::diff(&portfolio_snapshot(&before), &portfolio_snapshot(fields));
        record(
            &mut tx,
            scope,
            None,
            EntityKind::Portfolio,
            id,
            &updated.name,
            "updated",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    async fn delete_portfolio(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_portfolio_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        let fields = portfolio_fields_tx(&mut tx, scope, &current).await?;
        sqlx::query("DELETE FROM portfolios WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            scope,
            None,
            EntityKind::Portfolio,
            id,
            &current.name,
            "deleted",
            &activity::deleted(&portfolio_snapshot(&fields)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
