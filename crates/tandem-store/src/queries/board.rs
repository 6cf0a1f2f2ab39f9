//! A project's board order: where a card sits among its column's, and
//! the renumbering that widens the gaps again; the queries, compiled once
//! per backend (see `mod.rs`). Moving a card is `TaskStore::move_task`
//! (`tasks.rs`), which uses these.

use super::*;

/// A task's place on the board (see `UNRANKED_STEP`), if named.
pub(super) async fn board_rank_tx(
    tx: &mut Tx,
    scope: Scope,
    key: Option<&str>,
) -> Result<Option<f64>> {
    let Some(key) = key else { return Ok(None) };
    let id = fetch_task_tx(&mut *tx, scope, key).await?.id;
    let rank: Option<f64> = sqlx::query_scalar("SELECT board_rank FROM tasks WHERE id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(Some(rank.unwrap_or(id as f64 * UNRANKED_STEP)))
}

/// Spaces a project's board ranks a step apart, order kept.
pub(super) async fn renumber_board_tx(tx: &mut Tx, scope: Scope, project_id: Id) -> Result<()> {
    let rows: Vec<(Id, Option<f64>)> = sqlx::query_as(
        "SELECT id, board_rank FROM tasks WHERE workspace_id = $1 AND project_id = $2",
    )
    .bind(scope.workspace_id)
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut order: Vec<(f64, Id)> = rows
        .into_iter()
        .map(|(id, rank)| (rank.unwrap_or(id as f64 * UNRANKED_STEP), id))
        .collect();
    order.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    for (place, (_, id)) in order.iter().enumerate() {
        sqlx::query("UPDATE tasks SET board_rank = $1 WHERE id = $2")
            .bind((place as f64 + 1.0) * UNRANKED_STEP)
            .bind(*id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
