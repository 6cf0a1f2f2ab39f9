//! Projects, their phases and milestones, and their progress; the queries,
//! compiled once per backend (see `mod.rs`).

use super::*;

pub(super) async fn fetch_project_tx(tx: &mut Tx, scope: Scope, key: &str) -> Result<Project> {
    let mut qb = QueryBuilder::<Db>::new("");
    push_project_by_key(&mut qb, scope, key);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("project"))?;
    project_from_row(&row)
}

/// The project `key` names in the caller's workspace, if they may open it:
/// [`PROJECT_SELECT`] and its conditions.
pub(super) fn push_project_by_key(qb: &mut QueryBuilder<'_, Db>, scope: Scope, key: &str) {
    qb.push(PROJECT_SELECT);
    qb.push(" WHERE p.workspace_id = ");
    qb.push_bind(scope.workspace_id);
    qb.push(" AND p.key = ");
    qb.push_bind(key.to_ascii_uppercase());
    push_project_visibility(qb, "p.id", scope);
}

/// Inserts a project (its fields already checked) and records it.
pub(super) async fn insert_project_tx(
    tx: &mut Tx,
    scope: Scope,
    project: &NewProject,
) -> Result<Id> {
    let f = &project.fields;
    let owner_id = optional_member(&mut *tx, scope, f.owner.as_ref(), "owner").await?;
    let now = Utc::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO projects (workspace_id, key, name, objective, scope_in, scope_out, owner_id, status, stage, \
         start_date, target_date, budget, ongoing, created_at, updated_at, work_week, hours_per_day, status_date, \
         update_cadence_days) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18) RETURNING id",
    )
    .bind(scope.workspace_id)
    .bind(project.key.as_str())
    .bind(&f.name)
    .bind(&f.objective)
    .bind(&f.scope_in)
    .bind(&f.scope_out)
    .bind(owner_id)
    .bind(f.status.as_str())
    .bind(f.stage.as_str())
    .bind(f.start_date)
    .bind(f.target_date)
    .bind(f.budget)
    .bind(f.ongoing)
    .bind(now)
    .bind(work_week_text(&f.work_week))
    .bind(f.work_week.hours_per_day)
    .bind(local_time(f.status_date))
    .bind(f.update_cadence_days)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| match unique_to_conflict(e, "a project with this key") {
        StoreError::Conflict(_) => StoreError::invalid("key", format!("{} is taken in this workspace", project.key)),
        other => other,
    })?;
    let mut snapshot = project_snapshot(f);
    snapshot.insert("key".into(), project.key.as_str().into());
    record(
        &mut *tx,
        scope,
        Some(id),
        EntityKind::Project,
        id,
        project.key.as_str(),
        "created",
        &activity::created(&snapshot),
    )
    .await?;
    Ok(id)
}

pub(super) async fn fetch_phase_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Phase> {
    let mut qb = QueryBuilder::<Db>::new("SELECT * FROM phases WHERE id = ");
    qb.push_bind(id);
    qb.push(" AND workspace_id = ");
    qb.push_bind(scope.workspace_id);
    push_project_visibility(&mut qb, "project_id", scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("phase"))?;
    phase_from_row(&row)
}

/// A project's phases in their order, read where `db` reads (a pool, or
/// a write's transaction).
async fn project_phases<'c>(
    db: impl sqlx::Executor<'c, Database = Db>,
    scope: Scope,
    project_id: Id,
) -> Result<Vec<Phase>> {
    let rows = sqlx::query(
        "SELECT * FROM phases WHERE workspace_id = $1 AND project_id = $2 ORDER BY position, id",
    )
    .bind(scope.workspace_id)
    .bind(project_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(phase_from_row).collect()
}

/// A milestone's phase, if it has one, must be a phase of its project.
pub(super) async fn phase_of_project(
    tx: &mut Tx,
    scope: Scope,
    phase_id: Option<Id>,
    project_id: Id,
) -> Result<()> {
    let Some(phase_id) = phase_id else {
        return Ok(());
    };
    match fetch_phase_tx(tx, scope, phase_id).await {
        Ok(phase) if phase.project_id == project_id => Ok(()),
        Ok(_) | Err(StoreError::NotFound(_)) => Err(StoreError::invalid(
            "phase_id",
            "must be a phase of this project",
        )),
        Err(other) => Err(other),
    }
}

pub(super) async fn fetch_milestone_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Milestone> {
    let mut qb = QueryBuilder::<Db>::new("SELECT * FROM milestones WHERE id = ");
    qb.push_bind(id);
    qb.push(" AND workspace_id = ");
    qb.push_bind(scope.workspace_id);
    push_project_visibility(&mut qb, "project_id", scope);
    let row = qb
        .build()
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("milestone"))?;
    milestone_from_row(&row)
}

/// Adds a phase (checked) to a project, with its history row: its id.
pub(super) async fn insert_phase_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    phase: &PhaseFields,
) -> Result<Id> {
    // Position 0 (none asked for) puts the new phase after the last.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO phases (workspace_id, project_id, name, position, start_date, end_date) \
         VALUES ($1, $2, $3, CASE WHEN $4 > 0 THEN $4 \
             ELSE (SELECT COALESCE(MAX(position), 0) + 1 FROM phases WHERE project_id = $2) END, $5, $6) \
         RETURNING id",
    )
    .bind(scope.workspace_id)
    .bind(project_id)
    .bind(phase.name.trim())
    .bind(phase.position)
    .bind(phase.start_date)
    .bind(phase.end_date)
    .fetch_one(&mut **tx)
    .await?;
    record(
        tx,
        scope,
        Some(project_id),
        EntityKind::Phase,
        id,
        &phase.name,
        "created",
        &activity::created(&phase_snapshot(phase)),
    )
    .await?;
    Ok(id)
}

/// Adds a milestone (checked) to a project, with its history row: its id.
pub(super) async fn insert_milestone_tx(
    tx: &mut Tx,
    scope: Scope,
    project_id: Id,
    milestone: &MilestoneFields,
) -> Result<Id> {
    phase_of_project(tx, scope, milestone.phase_id, project_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO milestones (workspace_id, project_id, phase_id, name, date, description, reached, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT COALESCE(MAX(position), 0) + 1 FROM milestones WHERE project_id = $2)) RETURNING id",
    )
    .bind(scope.workspace_id)
    .bind(project_id)
    .bind(milestone.phase_id)
    .bind(milestone.name.trim())
    .bind(milestone.date)
    .bind(&milestone.description)
    .bind(milestone.reached)
    .fetch_one(&mut **tx)
    .await?;
    record(
        tx,
        scope,
        Some(project_id),
        EntityKind::Milestone,
        id,
        &milestone.name,
        "created",
        &activity::created(&milestone_snapshot(milestone)),
    )
    .await?;
    Ok(id)
}

#[async_trait]
impl ProjectStore for DbStore {
    async fn create_project(&self, scope: WriteScope, project: &NewProject) -> Result<Project> {
        let scope = *scope;
        project.fields.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        insert_project_tx(&mut tx, scope, project).await?;
        let project = fetch_project_tx(&mut tx, scope, project.key.as_str()).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn list_projects(&self, scope: Scope) -> Result<Vec<Project>> {
        let mut qb = QueryBuilder::<Db>::new(PROJECT_SELECT);
        qb.push(" WHERE p.workspace_id = ");
        qb.push_bind(scope.workspace_id);
        push_project_visibility(&mut qb, "p.id", scope);
        qb.push(" ORDER BY p.key");
        let rows = qb.build().fetch_all(self.reader()).await?;
        rows.iter().map(project_from_row).collect()
    }

    async fn project_keys(&self, scope: Scope) -> Result<Vec<(Id, String)>> {
        let mut qb =
            QueryBuilder::<Db>::new("SELECT p.id, p.key FROM projects p WHERE p.workspace_id = ");
        qb.push_bind(scope.workspace_id);
        push_project_visibility(&mut qb, "p.id", scope);
        Ok(qb
            .build_query_as::<(i64, String)>()
            .fetch_all(self.reader())
            .await?)
    }

    async fn get_project(&self, scope: Scope, key: &str) -> Result<Project> {
        let mut tx = self.read_tx().await?;
        let project = fetch_project_tx(&mut tx, scope, key).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn update_project(
        &self,
        scope: WriteScope,
        key: &str,
        expected_version: Option<i64>,
        change: crate::Patch<'_, ProjectFields>,
    ) -> Result<Project> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let mut current = fetch_project_tx(&mut tx, scope, key).await?;
        if lock_project_tx(&mut tx, current.id).await? {
            current = fetch_project_tx(&mut tx, scope, key).await?;
        }
        check_version(expected_version, current.version)?;
        let fields = &patched(change, current.fields())?;
        fields.check().map_err(StoreError::Invalid)?;
        let owner_id = optional_member(&mut tx, scope, fields.owner.as_ref(), "owner").await?;
        let f = fields;
        let updated = sqlx::query(
            "UPDATE projects SET name = $1, objective = $2, scope_in = $3, scope_out = $4, owner_id = $5, status = $6, \
             stage = $7, start_date = $8, target_date = $9, budget = $10, ongoing = $11, updated_at = $12, \
             work_week = $15, hours_per_day = $16, status_date = $17, update_cadence_days = $18, version = version + 1 \
             WHERE id = $13 AND version = $14",
        )
        .bind(&f.name)
        .bind(&f.objective)
        .bind(&f.scope_in)
        .bind(&f.scope_out)
        .bind(owner_id)
        .bind(f.status.as_str())
        .bind(f.stage.as_str())
        .bind(f.start_date)
        .bind(f.target_date)
        .bind(f.budget)
        .bind(f.ongoing)
        .bind(Utc::now())
        .bind(current.id)
        .bind(current.version)
        .bind(work_week_text(&f.work_week))
        .bind(f.work_week.hours_per_day)
        .bind(local_time(f.status_date))
        .bind(f.update_cadence_days)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::VersionMismatch {
                current: current.version + 1,
            });
        }
        let changes = activity::diff(&project_snapshot(&current.fields()), &project_snapshot(f));
        record(
            &mut tx,
            scope,
            Some(current.id),
            EntityKind::Project,
            current.id,
            &current.key,
            "updated",
            &changes,
        )
        .await?;
        let project = fetch_project_tx(&mut tx, scope, key).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn archive_project(
        &self,
        scope: AdminScope,
        key: &str,
        expected_version: Option<i64>,
        archived: bool,
    ) -> Result<Project> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_project_tx(&mut tx, scope, key).await?;
        check_version(expected_version, current.version)?;
        if current.archived_at.is_some() == archived {
            tx.commit().await?;
            return Ok(current);
        }
        let now = Utc::now();
        sqlx::query(
            "UPDATE projects SET archived_at = $1, updated_at = $2, version = version + 1 WHERE id = $3",
        )
        .bind(archived.then_some(now))
        .bind(now)
        .bind(current.id)
        .execute(&mut *tx)
        .await?;
        let change = FieldChange {
            field: "archived".into(),
            before: (!archived).into(),
            after: archived.into(),
        };
        record(
            &mut tx,
            scope,
            Some(current.id),
            EntityKind::Project,
            current.id,
            &current.key,
            if archived { "archived" } else { "unarchived" },
            &[change],
        )
        .await?;
        let project = fetch_project_tx(&mut tx, scope, key).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn delete_project(
        &self,
        scope: AdminScope,
        key: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_project_tx(&mut tx, scope, key).await?;
        check_version(expected_version, current.version)?;
        forget_project_owners(&mut tx, current.id).await?;
        sqlx::query("DELETE FROM projects WHERE id = $1")
            .bind(current.id)
            .execute(&mut *tx)
            .await?;
        let changes = activity::deleted(&project_snapshot(&current.fields()));
        record(
            &mut tx,
            scope,
            Some(current.id),
            EntityKind::Project,
            current.id,
            &current.key,
            "deleted",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn project_progress(&self, access: ProjectAccess) -> Result<ProjectProgress> {
        let project_id = access.project_id();
        let cells = project_cells(self.reader(), project_id).await?;
        let phase_ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM phases WHERE project_id = $1 ORDER BY position, id")
                .bind(project_id)
                .fetch_all(self.reader())
                .await?;
        let milestone_ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM milestones WHERE project_id = $1 ORDER BY position, id",
        )
        .bind(project_id)
        .fetch_all(self.reader())
        .await?;
        Ok(super::health::progress_of(
            &cells,
            &phase_ids,
            &milestone_ids,
        ))
    }

    async fn health_reads(
        &self,
        projects: &[ProjectAccess],
        today: NaiveDate,
    ) -> Result<HashMap<Id, HealthReads>> {
        super::health::health_reads(self, projects, today).await
    }

    async fn projects_to_judge(&self) -> Result<Vec<(Id, Id)>> {
        Ok(sqlx::query_as(
            "SELECT workspace_id, id FROM projects WHERE archived_at IS NULL ORDER BY workspace_id, id",
        )
        .fetch_all(self.reader())
        .await?)
    }

    async fn note_health(&self, access: ProjectAccess, health: Health) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        // Judges on other nodes wait here and then find the change made.
        lock_project_tx(&mut tx, access.project_id()).await?;
        let (key, kept): (String, Option<String>) =
            sqlx::query_as("SELECT key, health FROM projects WHERE id = $1")
                .bind(access.project_id())
                .fetch_one(&mut *tx)
                .await?;
        if kept.as_deref() == Some(health.as_str()) {
            tx.commit().await?;
            return Ok(false);
        }
        // Not an edit of the project: its version stays, and nobody's
        // If-Match is made stale by a judgement.
        sqlx::query("UPDATE projects SET health = $1 WHERE id = $2")
            .bind(health.as_str())
            .bind(access.project_id())
            .execute(&mut *tx)
            .await?;
        let changed = kept.is_some();
        if let Some(before) = kept {
            let change = FieldChange {
                field: "health".into(),
                before: before.into(),
                after: health.as_str().into(),
            };
            let nobody = Scope {
                user_id: 0,
                ..access.scope()
            };
            record(
                &mut tx,
                nobody,
                Some(access.project_id()),
                EntityKind::Project,
                access.project_id(),
                &key,
                "health changed",
                &[change],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn overdue_tasks(&self, access: ProjectAccess, today: NaiveDate) -> Result<usize> {
        let overdue: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(open_tasks) AS BIGINT) FROM project_open_due WHERE project_id = $1 AND due_date < $2",
        )
        .bind(access.project_id())
        .bind(today)
        .fetch_one(self.reader())
        .await?;
        Ok(overdue.unwrap_or(0).max(0) as usize)
    }

    async fn create_phase(
        &self,
        scope: WriteScope,
        project_id: Id,
        phase: &PhaseFields,
    ) -> Result<Phase> {
        let scope = *scope;
        phase.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let id = insert_phase_tx(&mut tx, scope, project_id, phase).await?;
        let phase = fetch_phase_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(phase)
    }

    async fn list_phases(&self, access: ProjectAccess) -> Result<Vec<Phase>> {
        project_phases(self.reader(), access.scope(), access.project_id()).await
    }

    async fn get_phase(&self, scope: Scope, id: Id) -> Result<Phase> {
        let mut tx = self.read_tx().await?;
        let phase = fetch_phase_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(phase)
    }

    async fn update_phase(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, PhaseFields>,
    ) -> Result<Phase> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let mut current = fetch_phase_tx(&mut tx, scope, id).await?;
        if lock_project_tx(&mut tx, current.project_id).await? {
            current = fetch_phase_tx(&mut tx, scope, id).await?;
        }
        check_version(expected_version, current.version)?;
        let phase = &patched(change, current.fields())?;
        phase.check().map_err(StoreError::Invalid)?;
        sqlx::query("UPDATE phases SET name = $1, position = $2, start_date = $3, end_date = $4, version = version + 1 WHERE id = $5")
            .bind(phase.name.trim())
            .bind(phase.position)
            .bind(phase.start_date)
            .bind(phase.end_date)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let before = current.fields();
        let changes = activity::diff(&phase_snapshot(&before), &phase_snapshot(phase));
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Phase,
            id,
            &phase.name,
            "updated",
            &changes,
        )
        .await?;
        let phase = fetch_phase_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(phase)
    }

    async fn reorder_phases(
        &self,
        scope: WriteScope,
        project_id: Id,
        order: &[Id],
    ) -> Result<Vec<Phase>> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        lock_project_tx(&mut tx, project_id).await?;
        let phases = project_phases(&mut *tx, scope, project_id).await?;
        whole_order("phases", phases.iter().map(|p| p.id), order)?;
        // Each phase moved is written and recorded; the answer is the
        // phases as read, in their new places (no second read).
        let mut phases = phases;
        for phase in &mut phases {
            let position = order.iter().position(|id| *id == phase.id).unwrap_or(0) as i64 + 1;
            if phase.position == position {
                continue;
            }
            sqlx::query("UPDATE phases SET position = $1, version = version + 1 WHERE id = $2")
                .bind(position)
                .bind(phase.id)
                .execute(&mut *tx)
                .await?;
            let before = phase.fields();
            phase.position = position;
            phase.version += 1;
            let changes =
                activity::diff(&phase_snapshot(&before), &phase_snapshot(&phase.fields()));
            record(
                &mut tx,
                scope,
                Some(project_id),
                EntityKind::Phase,
                phase.id,
                &phase.name,
                "updated",
                &changes,
            )
            .await?;
        }
        phases.sort_by_key(|p| p.position);
        tx.commit().await?;
        Ok(phases)
    }

    async fn delete_phase(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_phase_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        fold_cells(&mut tx, FoldColumn::Phase, id).await?;
        sqlx::query("DELETE FROM phases WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let before = current.fields();
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Phase,
            id,
            &current.name,
            "deleted",
            &activity::deleted(&phase_snapshot(&before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_milestone(
        &self,
        scope: WriteScope,
        project_id: Id,
        milestone: &MilestoneFields,
    ) -> Result<Milestone> {
        let scope = *scope;
        milestone.check().map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let id = insert_milestone_tx(&mut tx, scope, project_id, milestone).await?;
        let milestone = fetch_milestone_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(milestone)
    }

    async fn list_milestones(&self, access: ProjectAccess) -> Result<Vec<Milestone>> {
        let (scope, project_id) = (access.scope(), access.project_id());
        let rows = sqlx::query("SELECT * FROM milestones WHERE workspace_id = $1 AND project_id = $2 ORDER BY position, id")
            .bind(scope.workspace_id)
            .bind(project_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(milestone_from_row).collect()
    }

    async fn workspace_milestones(
        &self,
        scope: Scope,
    ) -> Result<Vec<(Milestone, Option<NaiveDate>)>> {
        let rows = sqlx::query(
            "SELECT m.*, f.finish AS scheduled FROM milestones m \
             LEFT JOIN (SELECT t.milestone_id, MAX(s.early_finish) AS finish FROM tasks t \
                JOIN task_schedules s ON s.task_id = t.id \
                WHERE t.milestone_id IN (SELECT id FROM milestones WHERE workspace_id = $1) \
                GROUP BY t.milestone_id) f ON f.milestone_id = m.id \
             WHERE m.workspace_id = $1 ORDER BY m.project_id, m.position, m.id",
        )
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                let scheduled: Option<&str> = row.text_opt("scheduled")?;
                Ok((
                    milestone_from_row(row)?,
                    parse_local_time(scheduled)?.map(|t| t.date()),
                ))
            })
            .collect()
    }

    async fn cross_project_links(&self, scope: Scope) -> Result<Vec<CrossLink>> {
        let rows = sqlx::query(
            "SELECT d.id, d.kind, a.id AS a_id, a.number AS a_number, pa.key AS a_key, a.title AS a_title, \
             a.project_id AS a_project, a.milestone_id AS a_milestone, \
             b.id AS b_id, b.number AS b_number, pb.key AS b_key, b.title AS b_title, \
             b.project_id AS b_project, b.milestone_id AS b_milestone \
             FROM dependencies d JOIN tasks a ON a.id = d.predecessor_id \
             JOIN tasks b ON b.id = d.successor_id \
             JOIN projects pa ON pa.id = a.project_id JOIN projects pb ON pb.id = b.project_id \
             WHERE d.workspace_id = $1 AND a.project_id <> b.project_id ORDER BY d.id",
        )
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(cross_link_from_row).collect()
    }

    async fn reorder_milestones(
        &self,
        scope: WriteScope,
        project_id: Id,
        order: &[Id],
    ) -> Result<Vec<Milestone>> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        lock_project_tx(&mut tx, project_id).await?;
        let rows = sqlx::query(
            "SELECT * FROM milestones WHERE workspace_id = $1 AND project_id = $2 ORDER BY position, id",
        )
        .bind(scope.workspace_id)
        .bind(project_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut milestones = rows
            .iter()
            .map(milestone_from_row)
            .collect::<Result<Vec<_>>>()?;
        whole_order("milestones", milestones.iter().map(|m| m.id), order)?;
        for milestone in &mut milestones {
            let position = order.iter().position(|id| *id == milestone.id).unwrap_or(0) as i64 + 1;
            if milestone.position == position {
                continue;
            }
            sqlx::query("UPDATE milestones SET position = $1, version = version + 1 WHERE id = $2")
                .bind(position)
                .bind(milestone.id)
                .execute(&mut *tx)
                .await?;
            let changes = activity::diff(
                &position_snapshot(milestone.position),
                &position_snapshot(position),
            );
            milestone.position = position;
            milestone.version += 1;
            record(
                &mut tx,
                scope,
                Some(project_id),
                EntityKind::Milestone,
                milestone.id,
                &milestone.name,
                "updated",
                &changes,
            )
            .await?;
        }
        milestones.sort_by_key(|m| m.position);
        tx.commit().await?;
        Ok(milestones)
    }

    async fn get_milestone(&self, scope: Scope, id: Id) -> Result<Milestone> {
        let mut tx = self.read_tx().await?;
        let milestone = fetch_milestone_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(milestone)
    }

    async fn update_milestone(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
        change: crate::Patch<'_, MilestoneFields>,
    ) -> Result<Milestone> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let mut current = fetch_milestone_tx(&mut tx, scope, id).await?;
        if lock_project_tx(&mut tx, current.project_id).await? {
            current = fetch_milestone_tx(&mut tx, scope, id).await?;
        }
        check_version(expected_version, current.version)?;
        let milestone = &patched(change, current.fields())?;
        milestone.check().map_err(StoreError::Invalid)?;
        phase_of_project(&mut tx, scope, milestone.phase_id, current.project_id).await?;
        let reaching = current.reached.is_none() && milestone.reached.is_some();
        if reaching && let Some(why) = gate_refusal(latest_milestone_approval(&mut tx, id).await?) {
            return Err(StoreError::invalid("reached", why));
        }
        sqlx::query("UPDATE milestones SET name = $1, date = $2, description = $3, phase_id = $4, reached = $5, version = version + 1 WHERE id = $6")
            .bind(milestone.name.trim())
            .bind(milestone.date)
            .bind(&milestone.description)
            .bind(milestone.phase_id)
            .bind(milestone.reached)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let before = current.fields();
        let changes = activity::diff(&milestone_snapshot(&before), &milestone_snapshot(milestone));
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Milestone,
            id,
            &milestone.name,
            if reaching { "reached" } else { "updated" },
            &changes,
        )
        .await?;
        let milestone = fetch_milestone_tx(&mut tx, scope, id).await?;
        tx.commit().await?;
        Ok(milestone)
    }

    async fn delete_milestone(
        &self,
        scope: WriteScope,
        id: Id,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let current = fetch_milestone_tx(&mut tx, scope, id).await?;
        check_version(expected_version, current.version)?;
        fold_cells(&mut tx, FoldColumn::Milestone, id).await?;
        sqlx::query("DELETE FROM milestones WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let before = current.fields();
        record(
            &mut tx,
            scope,
            Some(current.project_id),
            EntityKind::Milestone,
            id,
            &current.name,
            "deleted",
            &activity::deleted(&milestone_snapshot(&before)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Refuses an `order` that is not each of `ids` once: a reorder names
/// every item, so none is left in a place no one chose.
fn whole_order(field: &str, ids: impl Iterator<Item = Id>, order: &[Id]) -> Result<()> {
    let mut wanted: Vec<Id> = ids.collect();
    wanted.sort_unstable();
    let mut listed = order.to_vec();
    listed.sort_unstable();
    if listed == wanted {
        return Ok(());
    }
    let ids = |ids: &[Id]| ids.iter().map(Id::to_string).collect::<Vec<_>>().join(", ");
    Err(StoreError::Invalid(vec![FieldError::new(
        field,
        format!(
            "must list each of the project's {field} once ({}); got {}",
            ids(&wanted),
            if order.is_empty() {
                "none".to_string()
            } else {
                ids(order)
            }
        ),
    )]))
}
