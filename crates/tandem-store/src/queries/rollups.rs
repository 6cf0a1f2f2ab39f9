//! Roll-ups kept current by each write: the sums a project's, phase's and
//! milestone's progress are made of, its open tasks, and its open tasks by
//! due date (tables `rollup_cells` and `project_open_due`, migration 8);
//! and each person's open tasks by due date, which My Work counts
//! (`owner_open_due`, migration 14).
//! A write reads what the tasks it touches contribute before it changes
//! them ([`RollupWatch::before`]), and again after
//! ([`RollupWatch::settle`]; a task it created contributes what its
//! fields say, [`Contribution::created`]), and adds the difference, all
//! in its own transaction and as statements of its batch; so a read of
//! progress costs the few cells of one project, never its tasks. The
//! queries, compiled once per backend (see `mod.rs`).
//!
//! Not here: what a task contributes (the domain's
//! [`tandem_domain::rollup::RollupSums`]), or reading progress back
//! (`projects.rs`).

use std::collections::BTreeMap;

use tandem_domain::rollup::{ProgressInput, RollupSums};

use super::*;

/// What one task adds to its project's roll-up and to its owner's count.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Contribution {
    /// None: a personal task, in no project's roll-up.
    cell: Option<Cell>,
    sums: RollupSums,
    open: bool,
    due: Option<NaiveDate>,
    /// Its workspace and owner, whose My Work counts it while it is open.
    owner: Option<(Id, Id)>,
}

/// A project, phase and milestone (0: none).
type Cell = (Id, Id, Id);

/// A workspace and a person, and a due date ([`NO_DUE`]: none).
type OwnerDue = ([Id; 2], NaiveDate);

/// Where `owner_open_due` keeps tasks without a due date (migration 14):
/// after every date a band can start on, and a date both backends store
/// as they store any other.
const NO_DUE: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();

type ContributionRow = (
    Option<Id>,
    Option<Id>,
    Option<Id>,
    String,
    i64,
    Option<f64>,
    Option<f64>,
    Option<NaiveDate>,
    i64,
    Id,
    Option<Id>,
);

const CONTRIBUTION_SELECT: &str = "SELECT t.project_id, t.phase_id, t.milestone_id, t.status, \
    t.percent_complete, t.effort_hours, t.estimate_days, t.due_date, \
    CAST(CASE WHEN EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id) THEN 1 ELSE 0 END AS BIGINT), \
    t.workspace_id, t.owner_id \
    FROM tasks t WHERE ";

fn contribution(row: ContributionRow) -> Result<Contribution> {
    let (
        project_id,
        phase_id,
        milestone_id,
        status,
        percent,
        effort,
        estimate,
        due,
        children,
        workspace_id,
        owner_id,
    ) = row;
    let input = ProgressInput {
        id: 0,
        parent_id: None,
        status: vocab(&status)?,
        percent_complete: percent,
        effort_hours: effort,
        estimate_days: estimate,
    };
    let cell = project_id.map(|p| (p, phase_id.unwrap_or(0), milestone_id.unwrap_or(0)));
    let owner = owner_id.map(|o| (workspace_id, o));
    Ok(Contribution::of(cell, owner, &input, due, children == 0))
}

impl Contribution {
    fn of(
        cell: Option<Cell>,
        owner: Option<(Id, Id)>,
        input: &ProgressInput,
        due: Option<NaiveDate>,
        leaf: bool,
    ) -> Self {
        Contribution {
            cell,
            sums: RollupSums::of(input, leaf),
            open: !input.status.is_closed(),
            due,
            owner,
        }
    }

    /// What a task just written with `fields` contributes: a leaf, since
    /// nothing is under it yet. The fields and ids are the ones its row
    /// was written from, so this is what reading the row back would give.
    pub(super) fn created(
        workspace_id: Id,
        project_id: Option<Id>,
        owner_id: Option<Id>,
        fields: &TaskFields,
    ) -> Self {
        let input = ProgressInput {
            id: 0,
            parent_id: None,
            status: fields.status,
            percent_complete: fields.percent_complete,
            effort_hours: fields.effort_hours,
            estimate_days: fields.estimate_days,
        };
        let cell = project_id.map(|p| {
            (
                p,
                fields.phase_id.unwrap_or(0),
                fields.milestone_id.unwrap_or(0),
            )
        });
        let owner = owner_id.map(|o| (workspace_id, o));
        Contribution::of(cell, owner, &input, fields.due_date, true)
    }
}

/// What the project tasks among `ids` contribute now (no ids: no query).
async fn contributions(tx: &mut Tx, ids: &[Id]) -> Result<Vec<Contribution>> {
    let mut found = Vec::with_capacity(ids.len());
    // Bounded statements: a bulk edit may touch thousands of tasks.
    for chunk in ids.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(CONTRIBUTION_SELECT);
        qb.push("t.id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        let rows: Vec<ContributionRow> = qb.build_query_as().fetch_all(&mut **tx).await?;
        for row in rows {
            found.push(contribution(row)?);
        }
    }
    Ok(found)
}

/// The tasks a write is about to change, with what they contribute before
/// it.
pub(super) struct RollupWatch {
    ids: Vec<Id>,
    before: Vec<Contribution>,
}

impl RollupWatch {
    /// Reads what `ids` contribute now: every task the write changes,
    /// creates under, or deletes, and the parents it takes a subtask from
    /// or gives one to (a task with subtasks is not a leaf).
    pub(super) async fn before(tx: &mut Tx, ids: impl IntoIterator<Item = Id>) -> Result<Self> {
        let mut ids: Vec<Id> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let before = contributions(tx, &ids).await?;
        Ok(RollupWatch { ids, before })
    }

    /// Before deleting `task`: it and its subtasks (`subtree`, from
    /// [`subtree_ids`]) go, and its parent may become a leaf.
    pub(super) async fn before_deleting(tx: &mut Tx, task: &Task, subtree: &[Id]) -> Result<Self> {
        let mut ids = subtree.to_vec();
        ids.extend(task.parent.as_ref().map(|p| p.id));
        Self::before(tx, ids).await
    }

    /// After the write: reads the same tasks again, adds what a `created`
    /// one contributes, and adds the difference to the roll-ups.
    /// The changes go into `batch`, which the write runs with its others.
    pub(super) async fn settle(
        self,
        tx: &mut Tx,
        batch: &mut Batch,
        created: Option<Contribution>,
    ) -> Result<()> {
        let mut after = contributions(tx, &self.ids).await?;
        after.extend(created);
        batch.rollups.before.extend(self.before);
        batch.rollups.after.extend(after);
        Ok(())
    }
}

/// What a write's tasks contributed before it and contribute after it,
/// gathered task by task ([`RollupWatch::settle`]) and written as one
/// difference per roll-up row when its batch runs.
#[derive(Default)]
pub(super) struct RollupDelta {
    before: Vec<Contribution>,
    after: Vec<Contribution>,
}

impl RollupDelta {
    /// Adds what a task made in this write contributes, where no task it
    /// changes needs watching (a new leaf under a parent with subtasks
    /// already, or none).
    pub(super) fn add_created(&mut self, created: Contribution) {
        self.after.push(created);
    }

    pub(super) fn write(self, batch: &mut Batch) {
        if !self.before.is_empty() || !self.after.is_empty() {
            apply(batch, &self.before, &self.after);
        }
    }
}

/// The ids of a task and all of its subtasks, which its deletion takes
/// with it.
pub(super) async fn subtree_ids(tx: &mut Tx, task_id: Id) -> Result<Vec<Id>> {
    Ok(sqlx::query_scalar(
        "WITH RECURSIVE sub(id) AS (SELECT CAST($1 AS BIGINT) \
         UNION ALL SELECT t.id FROM tasks t JOIN sub ON t.parent_id = sub.id) \
         SELECT id FROM sub",
    )
    .bind(task_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Makes a project's roll-ups afresh from its tasks: for writes that add
/// a whole project's tasks at once (a Microsoft Project import), which
/// read them all anyway. Its tasks' owners, if any, are counted too: the
/// write added them without counting them.
pub(super) async fn rebuild_rollups(tx: &mut Tx, project_id: Id) -> Result<()> {
    for table in ["rollup_cells", "project_open_due"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE project_id = $1"))
            .bind(project_id)
            .execute(&mut **tx)
            .await?;
    }
    let mut qb = QueryBuilder::<Db>::new(CONTRIBUTION_SELECT);
    qb.push("t.project_id = ");
    qb.push_bind(project_id);
    let rows: Vec<ContributionRow> = qb.build_query_as().fetch_all(&mut **tx).await?;
    let after = rows
        .into_iter()
        .map(contribution)
        .collect::<Result<Vec<_>>>()?;
    let mut batch = Batch::default();
    apply(&mut batch, &[], &after);
    batch.run(tx).await
}

/// Moves a deleted phase's or milestone's cells to "none" (0), as the
/// database sets its tasks' `phase_id` or `milestone_id` to null. (The
/// sums would add up without it; it keeps every cell's group real.)
pub(super) async fn fold_cells(tx: &mut Tx, group: FoldColumn, id: Id) -> Result<()> {
    let column = match group {
        FoldColumn::Phase => "phase_id",
        FoldColumn::Milestone => "milestone_id",
    };
    let rows: Vec<CellRow> = sqlx::query_as(&format!("{CELL_SELECT} WHERE {column} = $1"))
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    let mut cells: BTreeMap<Cell, (RollupSums, i64)> = BTreeMap::new();
    for row in rows {
        let (cell, sums, open) = cell_from_row(row);
        let (project, phase, milestone) = cell;
        let folded = match group {
            FoldColumn::Phase => (project, 0, milestone),
            FoldColumn::Milestone => (project, phase, 0),
        };
        let mut negative = RollupSums::default();
        negative.subtract(&sums);
        add_cell(&mut cells, cell, &negative, -open);
        add_cell(&mut cells, folded, &sums, open);
    }
    let mut batch = Batch::default();
    push_cells(&mut batch, cells);
    batch
        .push(&format!("DELETE FROM rollup_cells WHERE {column} = $1"))
        .bind(id);
    batch.run(tx).await
}

/// Which of a task's groups [`fold_cells`] folds.
pub(super) enum FoldColumn {
    Phase,
    Milestone,
}

pub(super) const CELL_SELECT: &str = "SELECT project_id, phase_id, milestone_id, leaf_tasks, done_tasks, \
    weight_mh, done_mh_pct, open_tasks FROM rollup_cells";

pub(super) type CellRow = (Id, Id, Id, i64, i64, i64, i64, i64);

pub(super) fn cell_from_row(row: CellRow) -> (Cell, RollupSums, i64) {
    let (project, phase, milestone, leaf, done, weight, done_pct, open) = row;
    let sums = RollupSums {
        leaf_tasks: leaf,
        done_tasks: done,
        weight_mh: weight,
        done_mh_pct: done_pct,
    };
    ((project, phase, milestone), sums, open)
}

fn add_cell(
    cells: &mut BTreeMap<Cell, (RollupSums, i64)>,
    cell: Cell,
    sums: &RollupSums,
    open: i64,
) {
    let entry = cells.entry(cell).or_default();
    entry.0.add(sums);
    entry.1 += open;
}

/// Adds `after` and takes away `before`, cell by cell and date by date,
/// in key order (so concurrent writers lock rows in one order).
fn apply(batch: &mut Batch, before: &[Contribution], after: &[Contribution]) {
    let mut cells: BTreeMap<Cell, (RollupSums, i64)> = BTreeMap::new();
    let mut due: BTreeMap<([Id; 1], NaiveDate), i64> = BTreeMap::new();
    let mut owners: BTreeMap<OwnerDue, i64> = BTreeMap::new();
    for (contributions, sign) in [(after, 1), (before, -1)] {
        for c in contributions {
            if let (true, Some((workspace, owner))) = (c.open, c.owner) {
                let date = c.due.unwrap_or(NO_DUE);
                *owners.entry(([workspace, owner], date)).or_default() += sign;
            }
            let Some(cell) = c.cell else {
                continue;
            };
            let mut sums = RollupSums::default();
            if sign > 0 {
                sums.add(&c.sums);
            } else {
                sums.subtract(&c.sums);
            }
            add_cell(&mut cells, cell, &sums, sign * i64::from(c.open));
            if let (true, Some(date)) = (c.open, c.due) {
                *due.entry(([cell.0], date)).or_default() += sign;
            }
        }
    }
    push_cells(batch, cells);
    push_open_dues(batch, &PROJECT_DUES, due);
    push_open_dues(batch, &OWNER_DUES, owners);
}

/// A table of open tasks by due date under a key of `N` ids.
struct OpenDues<const N: usize> {
    upsert: &'static str,
    /// Drops a row the change brought to zero.
    drop_empty: &'static str,
}

/// A project's open tasks by due date (migration 8).
const PROJECT_DUES: OpenDues<1> = OpenDues {
    upsert: "INSERT INTO project_open_due (project_id, due_date, open_tasks) VALUES ($1, $2, $3) \
        ON CONFLICT (project_id, due_date) \
        DO UPDATE SET open_tasks = project_open_due.open_tasks + excluded.open_tasks",
    drop_empty: "DELETE FROM project_open_due \
        WHERE project_id = $1 AND due_date = $2 AND open_tasks = 0",
};

/// A person's open tasks in a workspace by due date (migration 14).
const OWNER_DUES: OpenDues<2> = OpenDues {
    upsert: "INSERT INTO owner_open_due (workspace_id, owner_id, due_date, open_tasks) \
        VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, owner_id, due_date) \
        DO UPDATE SET open_tasks = owner_open_due.open_tasks + excluded.open_tasks",
    drop_empty: "DELETE FROM owner_open_due \
        WHERE workspace_id = $1 AND owner_id = $2 AND due_date = $3 AND open_tasks = 0",
};

/// Adds each change to the open tasks of a key on a date, in key order.
fn push_open_dues<const N: usize>(
    batch: &mut Batch,
    table: &OpenDues<N>,
    changes: BTreeMap<([Id; N], NaiveDate), i64>,
) {
    for ((key, date), change) in changes {
        if change == 0 {
            continue;
        }
        batch.push(table.upsert);
        for id in key {
            batch.bind(id);
        }
        batch.bind(date).bind(change);
        if change < 0 {
            batch.push(table.drop_empty);
            for id in key {
                batch.bind(id);
            }
            batch.bind(date);
        }
    }
}

/// Before a project is deleted with its tasks: its open tasks leave their
/// owners' counts. (Its own roll-up rows go with it.)
pub(super) async fn forget_project_owners(tx: &mut Tx, project_id: Id) -> Result<()> {
    let rows: Vec<(Id, Id, Option<NaiveDate>, i64)> = sqlx::query_as(
        "SELECT workspace_id, owner_id, due_date, COUNT(*) FROM tasks \
         WHERE project_id = $1 AND owner_id IS NOT NULL AND status NOT IN ('done', 'cancelled') \
         GROUP BY workspace_id, owner_id, due_date",
    )
    .bind(project_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut owners: BTreeMap<OwnerDue, i64> = BTreeMap::new();
    for (workspace, owner, due, open) in rows {
        *owners
            .entry(([workspace, owner], due.unwrap_or(NO_DUE)))
            .or_default() -= open;
    }
    let mut batch = Batch::default();
    push_open_dues(&mut batch, &OWNER_DUES, owners);
    batch.run(tx).await
}

fn push_cells(batch: &mut Batch, cells: BTreeMap<Cell, (RollupSums, i64)>) {
    for ((project_id, phase_id, milestone_id), (sums, open)) in cells {
        if sums.is_zero() && open == 0 {
            continue;
        }
        batch
            .push(
                "INSERT INTO rollup_cells (project_id, phase_id, milestone_id, leaf_tasks, done_tasks, \
                 weight_mh, done_mh_pct, open_tasks) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (project_id, phase_id, milestone_id) DO UPDATE SET \
                 leaf_tasks = rollup_cells.leaf_tasks + excluded.leaf_tasks, \
                 done_tasks = rollup_cells.done_tasks + excluded.done_tasks, \
                 weight_mh = rollup_cells.weight_mh + excluded.weight_mh, \
                 done_mh_pct = rollup_cells.done_mh_pct + excluded.done_mh_pct, \
                 open_tasks = rollup_cells.open_tasks + excluded.open_tasks",
            )
            .bind(project_id)
            .bind(phase_id)
            .bind(milestone_id)
            .bind(sums.leaf_tasks)
            .bind(sums.done_tasks)
            .bind(sums.weight_mh)
            .bind(sums.done_mh_pct)
            .bind(open);
    }
}

/// A project's cells: what its progress, and its phases' and milestones',
/// are read from. Each is its phase, its milestone, its sums and its open
/// tasks.
pub(super) async fn project_cells(
    pool: &sqlx::Pool<Db>,
    project_id: Id,
) -> Result<Vec<(Id, Id, RollupSums, i64)>> {
    let rows: Vec<CellRow> = sqlx::query_as(&format!("{CELL_SELECT} WHERE project_id = $1"))
        .bind(project_id)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let ((_, phase, milestone), sums, open) = cell_from_row(row);
            (phase, milestone, sums, open)
        })
        .collect())
}
