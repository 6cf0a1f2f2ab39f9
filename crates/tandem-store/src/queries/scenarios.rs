//! What-if scenarios: kept, edited, applied, discarded; the queries,
//! compiled once per backend (see `mod.rs`).

use tandem_domain::calendar::WorkWeek;
use tandem_domain::scenarios::{CalendarChange, CalendarEdit, Held, TaskEdit, check_name};

use super::*;
use crate::scenarios::{Applied, LostChange, Scenario, ScenarioLink, ScenarioStore, ScenarioTask};

fn name_of(name: &str) -> Result<String> {
    check_name(name).map_err(|m| StoreError::invalid("name", m))
}

/// The project's key, for the history rows of its scenarios.
async fn project_key_tx(tx: &mut Tx, project_id: Id) -> Result<String> {
    Ok(sqlx::query_scalar("SELECT key FROM projects WHERE id = $1")
        .bind(project_id)
        .fetch_one(&mut **tx)
        .await?)
}

/// A scenario's link: its ends' ids and numbers, their project's key, its
/// type, lag and whether it is taken away, and the plan's link as it was.
type LinkRow = (
    Id,
    i64,
    Id,
    i64,
    String,
    String,
    f64,
    bool,
    Option<String>,
    Option<f64>,
);

/// Reads the scenarios of a project (all, or the one named), with their
/// changes.
async fn read_scenarios(
    conn: &mut <Db as sqlx::Database>::Connection,
    project_id: Id,
    name: Option<&str>,
) -> Result<Vec<Scenario>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT s.id, s.name, s.created_at, s.version, u.id, u.email, u.name, s.calendar, s.lost FROM scenarios s \
         LEFT JOIN users u ON u.id = s.created_by WHERE s.project_id = ",
    );
    qb.push_bind(project_id);
    if let Some(name) = name {
        qb.push(" AND s.name = ");
        qb.push_bind(name.to_string());
    }
    qb.push(" ORDER BY s.name");
    type Head = (
        Id,
        String,
        DateTime<Utc>,
        i64,
        Option<Id>,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let heads: Vec<Head> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(heads.len());
    for (id, name, created_at, version, user_id, email, user_name, calendar, lost) in heads {
        let calendar: CalendarEdit = serde_json::from_str(&calendar)
            .map_err(|e| StoreError::Config(format!("a scenario's calendar: {e}")))?;
        let lost: Vec<LostChange> = serde_json::from_str(&lost)
            .map_err(|e| StoreError::Config(format!("a scenario's lost changes: {e}")))?;
        // Only the project's own tasks: one that left it (a promotion)
        // is no part of its plan, nor for its readers to see.
        let rows: Vec<(Id, String, i64, String, String, String)> = sqlx::query_as(
            "SELECT t.id, p.key, t.number, t.title, st.edit, st.base FROM scenario_tasks st \
             JOIN tasks t ON t.id = st.task_id JOIN projects p ON p.id = t.project_id \
             WHERE st.scenario_id = $1 AND t.project_id = $2 ORDER BY t.number",
        )
        .bind(id)
        .bind(project_id)
        .fetch_all(&mut *conn)
        .await?;
        let edit_of = |text: &str| -> Result<TaskEdit> {
            serde_json::from_str(text)
                .map_err(|e| StoreError::Config(format!("a scenario's edit: {e}")))
        };
        let mut tasks = Vec::with_capacity(rows.len());
        for (task_id, key, number, title, edit, base) in rows {
            tasks.push(ScenarioTask {
                task_id,
                key: format!("{key}-{number}"),
                title,
                edit: edit_of(&edit)?,
                base: edit_of(&base)?,
            });
        }
        let rows: Vec<LinkRow> = sqlx::query_as(
            "SELECT a.id, a.number, b.id, b.number, p.key, l.kind, l.lag_days, l.removed, \
                 l.base_kind, l.base_lag FROM scenario_links l \
                 JOIN tasks a ON a.id = l.predecessor_id JOIN tasks b ON b.id = l.successor_id \
                 JOIN projects p ON p.id = b.project_id \
                 WHERE l.scenario_id = $1 AND a.project_id = $2 AND b.project_id = $2 \
                 ORDER BY a.number, b.number",
        )
        .bind(id)
        .bind(project_id)
        .fetch_all(&mut *conn)
        .await?;
        let links = rows
            .into_iter()
            .map(
                |(a, an, b, bn, key, kind, lag_days, removed, base_kind, base_lag)| {
                    let kind_of = |k: &str| k.parse().map_err(|e: String| StoreError::Config(e));
                    Ok(ScenarioLink {
                        predecessor: (a, format!("{key}-{an}")),
                        successor: (b, format!("{key}-{bn}")),
                        kind: kind_of(&kind)?,
                        lag_days,
                        removed,
                        base: match base_kind {
                            Some(k) => Some((kind_of(&k)?, base_lag.unwrap_or(0.0))),
                            None => None,
                        },
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        out.push(Scenario {
            id,
            name,
            created_by: match (user_id, email, user_name) {
                (Some(id), Some(email), Some(name)) => Some(UserRef { id, email, name }),
                _ => None,
            },
            created_at,
            version,
            tasks,
            links,
            calendar,
            lost,
        });
    }
    Ok(out)
}

/// Before the tasks `ids` (a task and its subtasks) are deleted: each
/// scenario's changes to them (their edits, links with one of them at an
/// end), which the deletion takes with it, are written into the
/// scenario's `lost`, and the scenario's version moves on (what a reader
/// saw of it is no longer what applying it writes).
pub(super) async fn lose_with_tasks_tx(tx: &mut Tx, ids: &[Id], at: DateTime<Utc>) -> Result<()> {
    // (scenario, project key, task number, edit) and (scenario, project
    // key, predecessor's number, successor's).
    let mut edits: Vec<(Id, String, i64, String)> = Vec::new();
    let mut links: Vec<(Id, String, i64, i64)> = Vec::new();
    // Bounded statements: a task may have thousands of subtasks.
    for chunk in ids.chunks(500) {
        let among = |qb: &mut QueryBuilder<'_, Db>, column: &str| {
            qb.push(format!("{column} IN ("));
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
        };
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT st.scenario_id, p.key, t.number, st.edit FROM scenario_tasks st \
             JOIN tasks t ON t.id = st.task_id JOIN projects p ON p.id = t.project_id WHERE ",
        );
        among(&mut qb, "st.task_id");
        edits.extend(
            qb.build_query_as::<(Id, String, i64, String)>()
                .fetch_all(&mut **tx)
                .await?,
        );
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT l.scenario_id, p.key, a.number, b.number FROM scenario_links l \
             JOIN tasks a ON a.id = l.predecessor_id JOIN tasks b ON b.id = l.successor_id \
             JOIN projects p ON p.id = b.project_id WHERE ",
        );
        among(&mut qb, "l.predecessor_id");
        qb.push(" OR ");
        among(&mut qb, "l.successor_id");
        links.extend(
            qb.build_query_as::<(Id, String, i64, i64)>()
                .fetch_all(&mut **tx)
                .await?,
        );
    }
    // By scenario, then task number; a link between two chunks is found
    // twice.
    edits.sort_by_key(|(scenario, _, number, _)| (*scenario, *number));
    links.sort_by_key(|(scenario, _, a, b)| (*scenario, *a, *b));
    links.dedup();
    let mut by_scenario: std::collections::BTreeMap<Id, Vec<LostChange>> = Default::default();
    for (scenario, key, number, edit) in edits {
        let edit: TaskEdit = serde_json::from_str(&edit)
            .map_err(|e| StoreError::Config(format!("a scenario's edit: {e}")))?;
        by_scenario.entry(scenario).or_default().push(LostChange {
            object: format!("{key}-{number}"),
            fields: edit.fields().into_iter().map(String::from).collect(),
            deleted_at: at,
        });
    }
    for (scenario, key, a, b) in links {
        by_scenario.entry(scenario).or_default().push(LostChange {
            object: format!("{key}-{a} → {key}-{b}"),
            fields: Vec::new(),
            deleted_at: at,
        });
    }
    for (scenario, more) in by_scenario {
        let lost: String = sqlx::query_scalar("SELECT lost FROM scenarios WHERE id = $1")
            .bind(scenario)
            .fetch_one(&mut **tx)
            .await?;
        let mut lost: Vec<LostChange> = serde_json::from_str(&lost)
            .map_err(|e| StoreError::Config(format!("a scenario's lost changes: {e}")))?;
        lost.extend(more);
        let lost = serde_json::to_string(&lost)
            .map_err(|e| StoreError::Config(format!("a scenario's lost changes: {e}")))?;
        sqlx::query("UPDATE scenarios SET lost = $1, version = version + 1 WHERE id = $2")
            .bind(lost)
            .bind(scenario)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn scenario_tx(tx: &mut Tx, project_id: Id, name: &str) -> Result<Scenario> {
    read_scenarios(&mut *tx, project_id, Some(name))
        .await?
        .pop()
        .ok_or(StoreError::NotFound("scenario"))
}

/// A task of the project, as the caller may open it, named by `field`.
async fn project_task_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    key: &str,
    field: &str,
) -> Result<Task> {
    match fetch_task_tx(tx, scope, key).await {
        Ok(task) if task.project.as_ref().map(|p| p.id) == Some(project_id) => Ok(task),
        Ok(_) | Err(StoreError::NotFound(_)) => Err(StoreError::invalid(
            field,
            format!("must be a task of this project, not {key}"),
        )),
        Err(e) => Err(e),
    }
}

/// The plan's link from one task to another now: its type and lag.
async fn plan_link_tx(tx: &mut Tx, pred: Id, succ: Id) -> Result<Option<(DependencyKind, f64)>> {
    let row: Option<(String, f64)> = sqlx::query_as(
        "SELECT kind, lag_days FROM dependencies WHERE predecessor_id = $1 AND successor_id = $2",
    )
    .bind(pred)
    .bind(succ)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|(kind, lag)| {
        kind.parse()
            .map(|k| (k, lag))
            .map_err(|e: String| StoreError::Config(e))
    })
    .transpose()
}

/// Refuses a link the scenario adds (`pred` → `succ`) where the plan's
/// links with the scenario's laid over them would close a cycle, or tie
/// a summary task to its own subtask, as a link's own write refuses it:
/// told when the scenario is edited, not first when it is compared.
async fn refuse_scenario_cycle(
    tx: &mut Tx,
    scope: Scope,
    scenario: &Scenario,
    pred: &Task,
    succ: &Task,
) -> Result<()> {
    refuse_summary_link(&mut *tx, pred, succ).await?;
    // What comes after the new link's successor in the plan, and after
    // each link the scenario adds (which the plan's order does not
    // reach through): all that a cycle through the new link could pass.
    let added: Vec<(Id, Id)> = scenario
        .links
        .iter()
        .filter(|l| !l.removed)
        .map(|l| (l.predecessor.0, l.successor.0))
        .collect();
    let mut links = Vec::new();
    let mut parents = Vec::new();
    let mut from: Vec<Id> = added.iter().map(|(_, b)| *b).collect();
    from.push(succ.id);
    from.sort_unstable();
    from.dedup();
    for start in from {
        let (l, p) = order_after(&mut *tx, scope, Point::Start(start)).await?;
        links.extend(l);
        parents.extend(p);
    }
    let taken: std::collections::HashSet<(Id, Id)> = scenario
        .links
        .iter()
        .filter(|l| l.removed)
        .map(|l| (l.predecessor.0, l.successor.0))
        .collect();
    links.retain(|link| !taken.contains(link));
    links.extend(added);
    links.sort_unstable();
    links.dedup();
    parents.sort_unstable();
    parents.dedup();
    if let Some(cycle) = cycle_through(&Order::new(&links, &parents), pred.id, succ.id) {
        return Err(StoreError::Cycle(cycle_keys(&mut *tx, scope, cycle).await?));
    }
    Ok(())
}

/// The project's working week and its calendar exceptions now.
async fn plan_calendar_tx(
    tx: &mut Tx,
    workspace_id: Id,
    project_id: Id,
) -> Result<(WorkWeek, Vec<CalendarException>)> {
    let (text, hours_per_day): (String, f64) =
        sqlx::query_as("SELECT work_week, hours_per_day FROM projects WHERE id = $1")
            .bind(project_id)
            .fetch_one(&mut **tx)
            .await?;
    let rows = sqlx::query(CALENDAR_EXCEPTIONS)
        .bind(workspace_id)
        .bind(project_id)
        .fetch_all(&mut **tx)
        .await?;
    let exceptions = rows
        .iter()
        .map(exception_from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok((work_week_from(text, hours_per_day)?, exceptions))
}

/// Writes the scenario's calendar to the project in the caller's
/// transaction: its week (refused, a conflict, where the plan's changed
/// since the scenario changed it), the exceptions it adds and those it
/// takes away (gone meanwhile: what it wanted holds). Gives the history's
/// changes.
async fn apply_calendar_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    calendar: &CalendarEdit,
) -> Result<Vec<FieldChange>> {
    let mut changes = Vec::new();
    let (now, exceptions) = plan_calendar_tx(&mut *tx, scope.workspace_id, project_id).await?;
    if calendar.days.is_some() || calendar.hours_per_day.is_some() {
        let week = calendar.week(&now);
        sqlx::query(
            "UPDATE projects SET work_week = $1, hours_per_day = $2, version = version + 1, \
             updated_at = $3 WHERE id = $4",
        )
        .bind(work_week_text(&week))
        .bind(week.hours_per_day)
        .bind(Utc::now())
        .bind(project_id)
        .execute(&mut **tx)
        .await?;
        changes.push(FieldChange {
            field: "work_week".into(),
            before: serde_json::json!({"days": now.texts(), "hours_per_day": now.hours_per_day}),
            after: serde_json::json!({"days": week.texts(), "hours_per_day": week.hours_per_day}),
        });
    }
    // Gone meanwhile, what the scenario wanted holds; an id handed out
    // again names another exception, which stays.
    for gone in exceptions.iter().filter(|e| calendar.takes_away(e)) {
        sqlx::query("DELETE FROM calendar_exceptions WHERE id = $1 AND project_id = $2")
            .bind(gone.id)
            .bind(project_id)
            .execute(&mut **tx)
            .await?;
        changes.push(FieldChange {
            field: "calendar_exception".into(),
            before: serde_json::json!({"name": gone.name, "start_date": gone.start.to_string(),
                                       "end_date": gone.end.to_string()}),
            after: serde_json::Value::Null,
        });
    }
    // A day has one exception: one the plan added since, on a day the
    // scenario gives another, is a conflict to settle first.
    if let Some((added, other)) = calendar.clash(&exceptions) {
        return Err(StoreError::Conflict(CalendarEdit::clash_message(
            added, other,
        )));
    }
    for added in &calendar.added {
        sqlx::query(
            "INSERT INTO calendar_exceptions (workspace_id, project_id, name, start_date, end_date, hours) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .bind(&added.name)
        .bind(added.start)
        .bind(added.end)
        .bind(&added.hours)
        .execute(&mut **tx)
        .await?;
        changes.push(FieldChange {
            field: "calendar_exception".into(),
            before: serde_json::Value::Null,
            after: serde_json::json!({"name": added.name, "start_date": added.start.to_string(),
                                      "end_date": added.end.to_string(), "hours": added.hours}),
        });
    }
    Ok(changes)
}

/// Ends an edit of `scenario`: its version moves on, and it is read back
/// as the edit left it, in the same transaction, which is committed.
async fn edited_tx(mut tx: Tx, project_id: Id, scenario: &Scenario) -> Result<Scenario> {
    sqlx::query("UPDATE scenarios SET version = version + 1 WHERE id = $1")
        .bind(scenario.id)
        .execute(&mut *tx)
        .await?;
    let scenario = scenario_tx(&mut tx, project_id, &scenario.name).await?;
    tx.commit().await?;
    Ok(scenario)
}

impl DbStore {
    /// Starts a write of the project's scenario `name`: the project
    /// locked (every writer of a project takes its lock first), the
    /// scenario read.
    async fn scenario_write_tx(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
    ) -> Result<(Tx, Scenario)> {
        same_workspace(writer, access)?;
        let mut tx = self.write_tx().await?;
        lock_project_tx(&mut tx, access.project_id()).await?;
        let scenario = scenario_tx(&mut tx, access.project_id(), name.trim()).await?;
        Ok((tx, scenario))
    }
}

/// A refusal of one of the scenario's changes, named by its task or link.
fn prefixed(e: StoreError, what: &str) -> StoreError {
    match e {
        StoreError::Invalid(errors) => StoreError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError::new(format!("{what}.{}", e.field), e.message))
                .collect(),
        ),
        other => other,
    }
}

fn same_workspace(writer: WriteScope, access: ProjectAccess) -> Result<()> {
    if writer.workspace_id != access.scope().workspace_id {
        return Err(StoreError::NotFound("project"));
    }
    Ok(())
}

#[async_trait]
impl ScenarioStore for DbStore {
    async fn create_scenario(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
    ) -> Result<Scenario> {
        same_workspace(writer, access)?;
        let name = name_of(name)?;
        let project_id = access.project_id();
        let mut tx = self.write_tx().await?;
        lock_project_tx(&mut tx, project_id).await?;
        sqlx::query(
            "INSERT INTO scenarios (workspace_id, project_id, name, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(writer.workspace_id)
        .bind(project_id)
        .bind(&name)
        .bind(writer.user_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await
        .map_err(|e| match unique_to_conflict(e, "a scenario of this name") {
            StoreError::Conflict(_) => {
                StoreError::invalid("name", format!("the project has a scenario named {name}"))
            }
            other => other,
        })?;
        let key = project_key_tx(&mut tx, project_id).await?;
        record(
            &mut tx,
            *writer,
            Some(project_id),
            EntityKind::Project,
            project_id,
            &key,
            "scenario added",
            &[FieldChange {
                field: "scenario".into(),
                before: "".into(),
                after: name.clone().into(),
            }],
        )
        .await?;
        let scenario = scenario_tx(&mut tx, project_id, &name).await?;
        tx.commit().await?;
        Ok(scenario)
    }

    async fn list_scenarios(&self, access: ProjectAccess) -> Result<Vec<Scenario>> {
        let mut conn = self.reader().acquire().await?;
        read_scenarios(&mut conn, access.project_id(), None).await
    }

    async fn get_scenario(&self, access: ProjectAccess, name: &str) -> Result<Scenario> {
        let mut conn = self.reader().acquire().await?;
        read_scenarios(&mut conn, access.project_id(), Some(name.trim()))
            .await?
            .pop()
            .ok_or(StoreError::NotFound("scenario"))
    }

    async fn delete_scenario(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
    ) -> Result<()> {
        let project_id = access.project_id();
        let (mut tx, scenario) = self.scenario_write_tx(writer, access, name).await?;
        sqlx::query("DELETE FROM scenarios WHERE id = $1")
            .bind(scenario.id)
            .execute(&mut *tx)
            .await?;
        let key = project_key_tx(&mut tx, project_id).await?;
        record(
            &mut tx,
            *writer,
            Some(project_id),
            EntityKind::Project,
            project_id,
            &key,
            "scenario discarded",
            &[FieldChange {
                field: "scenario".into(),
                before: scenario.name.into(),
                after: "".into(),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn edit_scenario_tasks(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        edits: &[(String, TaskEdit)],
    ) -> Result<Scenario> {
        let project_id = access.project_id();
        let (mut tx, scenario) = self.scenario_write_tx(writer, access, name).await?;
        let text = |edit: &TaskEdit| {
            serde_json::to_string(edit)
                .map_err(|e| StoreError::Config(format!("a scenario's edit: {e}")))
        };
        for (key, edit) in edits {
            let task = project_task_tx(&mut tx, *writer, project_id, key, "task").await?;
            let before = scenario.tasks.iter().find(|t| t.task_id == task.id);
            let merged = before
                .map(|t| t.edit.clone())
                .unwrap_or_default()
                .merged(edit.clone());
            // A field changed again takes the plan's value now as its
            // base; the others keep theirs.
            let held = Held::from(&task.fields());
            let base = before
                .map(|t| t.base.clone())
                .unwrap_or_default()
                .merged(edit.base_in(&held));
            // What the plan holds already is no change (a levelling that
            // leaves a delay as the plan has it, a field set back).
            let (merged, base) = merged.without_unchanged(&base, &held);
            // The task's own rules judge the edit now, not when it is
            // applied. Of several tasks, the one at fault is named.
            let mut fields = task.fields();
            let named = |e: StoreError| match edits.len() {
                1 => e,
                _ => prefixed(e, key),
            };
            merged
                .apply_to_fields(&mut fields)
                .map_err(|errors| named(StoreError::Invalid(errors)))?;
            if let Some(owner) = &fields.owner
                && !task
                    .owner
                    .as_ref()
                    .is_some_and(|o| o.email.eq_ignore_ascii_case(owner.as_str()))
            {
                member_id(&mut tx, *writer, owner, "owner")
                    .await
                    .map_err(named)?;
            }
            if merged.is_empty() {
                sqlx::query("DELETE FROM scenario_tasks WHERE scenario_id = $1 AND task_id = $2")
                    .bind(scenario.id)
                    .bind(task.id)
                    .execute(&mut *tx)
                    .await?;
                continue;
            }
            sqlx::query(
                "INSERT INTO scenario_tasks (scenario_id, task_id, edit, base) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (scenario_id, task_id) DO UPDATE SET edit = excluded.edit, base = excluded.base",
            )
            .bind(scenario.id)
            .bind(task.id)
            .bind(text(&merged)?)
            .bind(text(&base)?)
            .execute(&mut *tx)
            .await?;
        }
        edited_tx(tx, project_id, &scenario).await
    }

    async fn edit_scenario_link(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        predecessor: &str,
        successor: &str,
        kind: DependencyKind,
        lag_days: f64,
        removed: bool,
    ) -> Result<Scenario> {
        if !lag_days.is_finite() || lag_days.abs() > 3650.0 {
            return Err(StoreError::invalid(
                "lag_days",
                "must be a number of days between -3650 and 3650",
            ));
        }
        let project_id = access.project_id();
        let (mut tx, scenario) = self.scenario_write_tx(writer, access, name).await?;
        let pred =
            project_task_tx(&mut tx, *writer, project_id, predecessor, "predecessor").await?;
        let succ = project_task_tx(&mut tx, *writer, project_id, successor, "successor").await?;
        if pred.id == succ.id {
            return Err(StoreError::invalid(
                "successor",
                "a task cannot be linked to itself",
            ));
        }
        if !removed {
            refuse_scenario_cycle(&mut tx, *writer, &scenario, &pred, &succ).await?;
        }
        let base = plan_link_tx(&mut tx, pred.id, succ.id).await?;
        // What the plan has already is no change: asked for, it takes the
        // scenario's own change of the link back, or is refused.
        let same = if removed {
            base.is_none()
        } else {
            base.is_some_and(|(k, lag)| k == kind && lag == lag_days)
        };
        if same {
            let undone = sqlx::query(
                "DELETE FROM scenario_links WHERE scenario_id = $1 AND predecessor_id = $2 \
                 AND successor_id = $3",
            )
            .bind(scenario.id)
            .bind(pred.id)
            .bind(succ.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if undone == 0 {
                return Err(StoreError::invalid(
                    "successor",
                    if removed {
                        format!(
                            "the plan has no link {} → {} to take away",
                            pred.key, succ.key
                        )
                    } else {
                        format!(
                            "the plan has the link {} → {} already, of this type and lag",
                            pred.key, succ.key
                        )
                    },
                ));
            }
            return edited_tx(tx, project_id, &scenario).await;
        }
        sqlx::query(
            "INSERT INTO scenario_links (scenario_id, predecessor_id, successor_id, kind, lag_days, removed, \
             base_kind, base_lag) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (scenario_id, predecessor_id, successor_id) \
             DO UPDATE SET kind = excluded.kind, lag_days = excluded.lag_days, removed = excluded.removed, \
             base_kind = excluded.base_kind, base_lag = excluded.base_lag",
        )
        .bind(scenario.id)
        .bind(pred.id)
        .bind(succ.id)
        .bind(kind.as_str())
        .bind(lag_days)
        .bind(removed)
        .bind(base.map(|(kind, _)| kind.as_str()))
        .bind(base.map(|(_, lag)| lag))
        .execute(&mut *tx)
        .await?;
        edited_tx(tx, project_id, &scenario).await
    }

    async fn edit_scenario_calendar(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        change: CalendarChange,
    ) -> Result<Scenario> {
        let project_id = access.project_id();
        let (mut tx, scenario) = self.scenario_write_tx(writer, access, name).await?;
        let (week, exceptions) = plan_calendar_tx(&mut tx, writer.workspace_id, project_id).await?;
        let mut calendar = scenario.calendar.clone();
        calendar
            .change(change, &week, &exceptions)
            .map_err(|(field, message)| StoreError::invalid(field, message))?;
        let text = serde_json::to_string(&calendar)
            .map_err(|e| StoreError::Config(format!("a scenario's calendar: {e}")))?;
        sqlx::query("UPDATE scenarios SET calendar = $1 WHERE id = $2")
            .bind(text)
            .bind(scenario.id)
            .execute(&mut *tx)
            .await?;
        edited_tx(tx, project_id, &scenario).await
    }

    async fn apply_scenario(
        &self,
        writer: WriteScope,
        access: ProjectAccess,
        name: &str,
        expected_version: Option<i64>,
    ) -> Result<Applied> {
        same_workspace(writer, access)?;
        let scope = *writer;
        let project_id = access.project_id();
        let mut tx = self.write_tx().await?;
        // Links take the workspace's graph lock before a project's (as
        // a link's own write does): the same order, no deadlock.
        if let Some(lock) = DbStore::GRAPH_LOCK {
            sqlx::query(lock)
                .bind(scope.workspace_id)
                .execute(&mut *tx)
                .await?;
        }
        lock_project_tx(&mut tx, project_id).await?;
        let scenario = scenario_tx(&mut tx, project_id, name.trim()).await?;
        check_version(expected_version, scenario.version)?;
        // What the plan changed since the scenario changed it is shown,
        // not written over.
        let mut current = Vec::with_capacity(scenario.tasks.len());
        let mut changed = Vec::new();
        for edited in &scenario.tasks {
            let task = fetch_task_tx(&mut tx, scope, &edited.key).await?;
            let fields = edited.base.changed_since(&Held::from(&task.fields()));
            if !fields.is_empty() {
                changed.push(format!("{} ({})", edited.key, fields.join(", ")));
            }
            current.push((task, edited));
        }
        for link in &scenario.links {
            if plan_link_tx(&mut tx, link.predecessor.0, link.successor.0).await? != link.base {
                changed.push(format!(
                    "the link {} → {}",
                    link.predecessor.1, link.successor.1
                ));
            }
        }
        let (week, _) = plan_calendar_tx(&mut tx, scope.workspace_id, project_id).await?;
        let week_changed = scenario.calendar.week_changed_since(&week);
        if !week_changed.is_empty() {
            changed.push(format!(
                "the project's working week ({})",
                week_changed.join(", ")
            ));
        }
        if !changed.is_empty() {
            return Err(StoreError::Conflict(format!(
                "the plan changed since the scenario did: {}; change {} in the scenario again, or discard it",
                changed.join(", "),
                if changed.len() == 1 { "it" } else { "them" },
            )));
        }
        let tasks = current.len();
        for (task, edited) in current {
            let mut fields = task.fields();
            edited.edit.apply_to_fields(&mut fields).map_err(|errors| {
                StoreError::Invalid(
                    errors
                        .into_iter()
                        .map(|e| FieldError::new(format!("{}.{}", edited.key, e.field), e.message))
                        .collect(),
                )
            })?;
            let key = edited.key.clone();
            update_task_tx(&mut tx, scope, task, fields)
                .await
                .map_err(|e| prefixed(e, &key))?;
        }
        let links = scenario.links.len();
        for link in scenario.links.iter().filter(|l| l.removed) {
            match delete_dependency_tx(&mut tx, scope, &link.predecessor.1, &link.successor.1).await
            {
                // Taken away meanwhile: what the scenario wanted holds.
                Err(StoreError::NotFound(_)) | Ok(()) => {}
                Err(e) => return Err(e),
            }
        }
        for link in scenario.links.iter().filter(|l| !l.removed) {
            // A link the plan has between the two is replaced by the
            // scenario's.
            match delete_dependency_tx(&mut tx, scope, &link.predecessor.1, &link.successor.1).await
            {
                Err(StoreError::NotFound(_)) | Ok(()) => {}
                Err(e) => return Err(e),
            }
            let new = NewDependency {
                predecessor: link.predecessor.1.clone(),
                successor: link.successor.1.clone(),
                kind: link.kind,
                lag_days: link.lag_days,
                lag_format: LagFormat::WorkingDays,
            };
            let what = format!("{} → {}", link.predecessor.1, link.successor.1);
            insert_dependency_tx(&mut tx, scope, &new)
                .await
                .map_err(|e| prefixed(e, &what))?;
        }
        let calendar = scenario.calendar.count();
        let mut history = apply_calendar_tx(&mut tx, scope, project_id, &scenario.calendar).await?;
        sqlx::query("DELETE FROM scenarios WHERE id = $1")
            .bind(scenario.id)
            .execute(&mut *tx)
            .await?;
        let key = project_key_tx(&mut tx, project_id).await?;
        record(
            &mut tx,
            scope,
            Some(project_id),
            EntityKind::Project,
            project_id,
            &key,
            "scenario applied",
            &{
                history.insert(
                    0,
                    FieldChange {
                        field: "scenario".into(),
                        before: scenario.name.into(),
                        after: format!("{tasks} tasks, {links} links, {calendar} calendar changes")
                            .into(),
                    },
                );
                history
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Applied {
            tasks,
            links,
            calendar,
        })
    }
}
