//! Workspaces and their people: members, roles, hours, time off and
//! invitations; the queries, compiled once per backend (see `mod.rs`).

use super::*;

pub(super) async fn member_count_with_role(
    tx: &mut Tx,
    workspace_id: Id,
    role: Role,
) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE workspace_id = $1 AND role = $2")
            .bind(workspace_id)
            .bind(role.as_str())
            .fetch_one(&mut **tx)
            .await?,
    )
}

pub(super) const MEMBER_SELECT: &str = "SELECT u.id, u.email, u.name, m.role, m.capacity_hours, m.cost_rate, m.version \
    FROM members m JOIN users u ON u.id = m.user_id";

pub(super) async fn fetch_member_tx(tx: &mut Tx, workspace_id: Id, user_id: Id) -> Result<Member> {
    let row = sqlx::query(&format!(
        "{MEMBER_SELECT} WHERE m.workspace_id = $1 AND m.user_id = $2"
    ))
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("member"))?;
    member_from_row(&row)
}

pub(super) async fn fetch_invitation_tx(
    tx: &mut Tx,
    condition: &str,
    id: Id,
) -> Result<crate::Invitation> {
    let row = sqlx::query(&format!("{INVITATION_SELECT} WHERE {condition}"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("invitation"))?;
    invitation_from_row(&row)
}

/// Makes `user` a member as `invitation` says, in this transaction, and
/// closes it (its notice read and put away); none where they were a
/// member already.
async fn join_tx(
    tx: &mut Tx,
    user: &UserRef,
    invitation: &crate::Invitation,
) -> Result<Option<Membership>> {
    sqlx::query("DELETE FROM invitations WHERE id = $1")
        .bind(invitation.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM deactivated_members WHERE workspace_id = $1 AND user_id = $2")
        .bind(invitation.workspace.id)
        .bind(user.id)
        .execute(&mut **tx)
        .await?;
    // Answered: its notice is read and put away, kept as history.
    let now_at = Utc::now();
    sqlx::query(
            "UPDATE notifications SET read_at = COALESCE(read_at, $1), archived_at = COALESCE(archived_at, $1) \
             WHERE user_id = $2 AND once_key = $3",
        )
        .bind(now_at)
        .bind(user.id)
        .bind(invitation_notice(invitation.id))
        .execute(&mut **tx)
        .await?;
    let joined =
        sqlx::query("INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, $3)")
            .bind(invitation.workspace.id)
            .bind(user.id)
            .bind(invitation.role.as_str())
            .execute(&mut **tx)
            .await;
    match joined {
        Ok(_) => {}
        // Already a member (joined another way meanwhile):
        // the invitation is spent, the membership stands.
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let scope = Scope {
        workspace_id: invitation.workspace.id,
        user_id: user.id,
        role: invitation.role,
    };
    let changes = activity::created(&serde_json::Map::from_iter([(
        "role".to_string(),
        invitation.role.as_str().into(),
    )]));
    record_member(tx, scope, user.id, &user.email, "joined", &changes).await?;
    Ok(Some(Membership {
        workspace: invitation.workspace.clone(),
        role: invitation.role,
    }))
}

/// The open, unexpired invitation whose link's secret hashes to
/// `token_hash`, whoever it is addressed to.
async fn open_invitation_by_token(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<crate::Invitation> {
    let row = sqlx::query(&format!(
        "{INVITATION_SELECT} WHERE i.token_hash = $1 AND i.expires_at > $2"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("invitation"))?;
    invitation_from_row(&row)
}

/// The once-key of the notice of invitation `id`.
fn invitation_notice(id: Id) -> String {
    format!("invitation:{id}")
}

/// A withdrawn, replaced or declined invitation leaves no notice to
/// answer.
async fn forget_invitation_notice(tx: &mut Tx, id: Id) -> Result<()> {
    sqlx::query("DELETE FROM notifications WHERE kind = 'invitation' AND once_key = $1")
        .bind(invitation_notice(id))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Takes member `user_id` out of the workspace (removed or deactivated,
/// as `action` records it): only owners and admins, only an owner for an
/// owner, and never the last owner.
async fn leave_tx(tx: &mut Tx, scope: Scope, user_id: Id, action: &str) -> Result<()> {
    let member = fetch_member_tx(tx, scope.workspace_id, user_id).await?;
    check_member_change(scope, member.role, None)?;
    if member.role == Role::Owner
        && member_count_with_role(tx, scope.workspace_id, Role::Owner).await? <= 1
    {
        return Err(StoreError::Conflict(
            "a workspace keeps at least one owner".into(),
        ));
    }
    sqlx::query("DELETE FROM members WHERE workspace_id = $1 AND user_id = $2")
        .bind(scope.workspace_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let changes = vec![FieldChange {
        field: "role".into(),
        before: member.role.as_str().into(),
        after: serde_json::Value::Null,
    }];
    record_member(tx, scope, user_id, &member.user.email, action, &changes).await
}

/// The workspace's deactivated members (or the one `user_id` names), by
/// name, with their open project tasks counted.
async fn deactivated_tx(
    tx: &mut Tx,
    workspace_id: Id,
    user_id: Option<Id>,
) -> Result<Vec<DeactivatedMember>> {
    let rows = sqlx::query(&format!(
        "SELECT d.user_id, u.email, u.name, d.role, d.deactivated_at, d.deactivated_by, \
         b.email AS by_email, b.name AS by_name, \
         (SELECT COUNT(*) FROM tasks t WHERE t.workspace_id = d.workspace_id \
          AND t.owner_id = d.user_id AND t.project_id IS NOT NULL AND t.{OPEN_TASK}) AS open_tasks \
         FROM deactivated_members d JOIN users u ON u.id = d.user_id \
         LEFT JOIN users b ON b.id = d.deactivated_by \
         WHERE d.workspace_id = $1 AND ($2 IS NULL OR d.user_id = $2) ORDER BY u.name, u.id"
    ))
    .bind(workspace_id)
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DeactivatedMember {
                user: UserRef {
                    id: Columns::get(row, "user_id")?,
                    email: Columns::get(row, "email")?,
                    name: Columns::get(row, "name")?,
                },
                role: vocab(row.text("role")?)?,
                deactivated_at: Columns::get(row, "deactivated_at")?,
                deactivated_by: user_ref(row, "deactivated_by", "by_email", "by_name")?,
                open_tasks: Columns::get::<i64>(row, "open_tasks")?.max(0) as usize,
            })
        })
        .collect()
}

#[async_trait]
impl WorkspaceStore for DbStore {
    async fn create_workspace(
        &self,
        slug: &Slug,
        name: &str,
        owner: Option<Id>,
    ) -> Result<Workspace> {
        let mut tx = self.write_tx().await?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO workspaces (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(slug.as_str())
        .bind(name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_to_conflict(e, "a workspace with this slug"))?;
        if let Some(owner) = owner {
            sqlx::query(
                "INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, 'owner')",
            )
            .bind(id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
            let scope = Scope {
                workspace_id: id,
                user_id: owner,
                role: Role::Owner,
            };
            let changes = activity::created(&serde_json::Map::from_iter([
                ("slug".to_string(), slug.as_str().into()),
                ("name".to_string(), name.into()),
            ]));
            record(
                &mut tx,
                scope,
                None,
                EntityKind::Workspace,
                id,
                slug.as_str(),
                "created",
                &changes,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Workspace {
            id,
            slug: slug.as_str().to_string(),
            name: name.to_string(),
            version: 1,
            created_at: now,
        })
    }

    async fn rename_workspace(&self, scope: AdminScope, name: &str) -> Result<Workspace> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let before: String = sqlx::query_scalar("SELECT name FROM workspaces WHERE id = $1")
            .bind(scope.workspace_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("workspace"))?;
        let row = sqlx::query("UPDATE workspaces SET name = $1 WHERE id = $2 RETURNING *")
            .bind(name)
            .bind(scope.workspace_id)
            .fetch_one(&mut *tx)
            .await?;
        let workspace = workspace_from_row(&row)?;
        if before != name {
            let change = FieldChange {
                field: "name".into(),
                before: before.into(),
                after: name.into(),
            };
            record(
                &mut tx,
                scope,
                None,
                EntityKind::Workspace,
                scope.workspace_id,
                name,
                "updated",
                &[change],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(workspace)
    }

    async fn workspace_by_slug(&self, slug: &str) -> Result<Option<Workspace>> {
        let row = sqlx::query("SELECT * FROM workspaces WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(workspace_from_row).transpose()
    }

    async fn memberships(&self, user_id: Id) -> Result<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT w.*, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY w.slug",
        )
        .bind(user_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(membership_from_row).collect()
    }

    async fn membership(&self, user_id: Id, slug: &str) -> Result<Option<Membership>> {
        let row = sqlx::query(
            "SELECT w.*, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 AND w.slug = $2",
        )
        .bind(user_id)
        .bind(slug)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(membership_from_row).transpose()
    }

    async fn list_members(&self, scope: Scope) -> Result<Vec<Member>> {
        let rows = sqlx::query(&format!(
            "{MEMBER_SELECT} WHERE m.workspace_id = $1 ORDER BY u.email"
        ))
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    async fn add_member(&self, scope: AdminScope, user_id: Id, role: Role) -> Result<Member> {
        let scope = *scope;
        check_member_change(scope, Role::Guest, Some(role))?;
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, $3)")
            .bind(scope.workspace_id)
            .bind(user_id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_to_conflict(e, "this member"))?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        let changes = activity::created(&serde_json::Map::from_iter([(
            "role".to_string(),
            role.as_str().into(),
        )]));
        record_member(
            &mut tx,
            scope,
            user_id,
            &member.user.email,
            "created",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(member)
    }

    async fn set_member_role(
        &self,
        scope: AdminScope,
        user_id: Id,
        role: Role,
        expected_version: Option<i64>,
    ) -> Result<Member> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        check_member_change(scope, member.role, Some(role))?;
        check_version(expected_version, member.version)?;
        if member.role == Role::Owner
            && role != Role::Owner
            && member_count_with_role(&mut tx, scope.workspace_id, Role::Owner).await? <= 1
        {
            return Err(StoreError::Conflict(
                "a workspace keeps at least one owner".into(),
            ));
        }
        sqlx::query("UPDATE members SET role = $1, version = version + 1 WHERE workspace_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(scope.workspace_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let changes = vec![FieldChange {
            field: "role".into(),
            before: member.role.as_str().into(),
            after: role.as_str().into(),
        }];
        record_member(
            &mut tx,
            scope,
            user_id,
            &member.user.email,
            "updated",
            &changes,
        )
        .await?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        tx.commit().await?;
        Ok(member)
    }

    async fn remove_member(&self, scope: AdminScope, user_id: Id) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        leave_tx(&mut tx, scope, user_id, "deleted").await?;
        tx.commit().await?;
        Ok(())
    }

    async fn deactivate_member(&self, scope: AdminScope, user_id: Id) -> Result<DeactivatedMember> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        sqlx::query(
            "INSERT INTO deactivated_members (workspace_id, user_id, role, capacity_hours, deactivated_at, deactivated_by, cost_rate) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role, \
             capacity_hours = excluded.capacity_hours, deactivated_at = excluded.deactivated_at, \
             deactivated_by = excluded.deactivated_by, cost_rate = excluded.cost_rate",
        )
        .bind(scope.workspace_id)
        .bind(user_id)
        .bind(member.role.as_str())
        .bind(member.capacity_hours)
        .bind(Utc::now())
        .bind(scope.user_id)
        .bind(member.cost_rate)
        .execute(&mut *tx)
        .await?;
        // Refused (the last owner, an admin and an owner): the
        // transaction goes, the row above with it.
        leave_tx(&mut tx, scope, user_id, "deactivated").await?;
        let mut rows = deactivated_tx(&mut tx, scope.workspace_id, Some(user_id)).await?;
        tx.commit().await?;
        rows.pop().ok_or(StoreError::NotFound("member"))
    }

    async fn reactivate_member(&self, scope: AdminScope, user_id: Id) -> Result<Member> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let row: Option<(String, f64, Option<f64>)> = sqlx::query_as(
            "SELECT role, capacity_hours, cost_rate FROM deactivated_members WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(scope.workspace_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((role, hours, rate)) = row else {
            return Err(StoreError::NotFound("deactivated member"));
        };
        let role: Role = vocab(&role)?;
        check_member_change(scope, Role::Guest, Some(role))?;
        sqlx::query("DELETE FROM deactivated_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(scope.workspace_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // Back as they were, unless they came back another way meanwhile
        // (an invitation accepted): then as they are.
        sqlx::query(
            "INSERT INTO members (workspace_id, user_id, role, capacity_hours, cost_rate) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (workspace_id, user_id) DO NOTHING",
        )
        .bind(scope.workspace_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(hours)
        .bind(rate)
        .execute(&mut *tx)
        .await?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        let changes = vec![FieldChange {
            field: "role".into(),
            before: serde_json::Value::Null,
            after: member.role.as_str().into(),
        }];
        record_member(
            &mut tx,
            scope,
            user_id,
            &member.user.email,
            "reactivated",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(member)
    }

    async fn deactivated_members(&self, scope: AdminScope) -> Result<Vec<DeactivatedMember>> {
        let mut tx = self.read_tx().await?;
        let rows = deactivated_tx(&mut tx, scope.workspace_id, None).await?;
        tx.commit().await?;
        Ok(rows)
    }

    async fn open_work_of(&self, scope: AdminScope, user_id: Id) -> Result<Vec<(String, i64)>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT p.key, t.number, t.version FROM tasks t JOIN projects p ON p.id = t.project_id \
             WHERE t.workspace_id = $1 AND t.owner_id = $2 AND t.{OPEN_TASK} ORDER BY t.id"
        ))
        .bind(scope.workspace_id)
        .bind(user_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(key, number, version)| (format!("{key}-{number}"), version))
            .collect())
    }

    async fn set_member_capacity(
        &self,
        scope: WriteScope,
        user_id: Id,
        hours: f64,
        expected_version: Option<i64>,
    ) -> Result<Member> {
        check_capacity(hours).map_err(StoreError::Invalid)?;
        let change = MemberNumber {
            column: "capacity_hours",
            value: Some(hours),
            before: |m| Some(m.capacity_hours),
            // A person's hours shape every plan they work in.
            action: "updated",
        };
        self.set_member_number(*scope, user_id, change, expected_version)
            .await
    }

    async fn set_member_cost_rate(
        &self,
        scope: AdminScope,
        user_id: Id,
        rate: Option<f64>,
        expected_version: Option<i64>,
    ) -> Result<Member> {
        check_cost_rate(rate).map_err(StoreError::Invalid)?;
        let change = MemberNumber {
            column: "cost_rate",
            value: rate,
            before: |m| m.cost_rate,
            // Not "updated": a rate changes what work costs, not when it
            // is done, so no plan is rescheduled.
            action: "cost rate changed",
        };
        self.set_member_number(*scope, user_id, change, expected_version)
            .await
    }

    async fn list_time_off(&self, scope: Scope, user_id: Option<Id>) -> Result<Vec<TimeOff>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT id, user_id, start_date, end_date, note FROM time_off WHERE workspace_id = ",
        );
        qb.push_bind(scope.workspace_id);
        if let Some(user_id) = user_id {
            qb.push(" AND user_id = ").push_bind(user_id);
        }
        qb.push(" ORDER BY start_date, id");
        let rows = qb.build().fetch_all(self.reader()).await?;
        rows.iter().map(time_off_from_row).collect()
    }

    async fn create_time_off(
        &self,
        scope: WriteScope,
        user_id: Id,
        start: NaiveDate,
        end: NaiveDate,
        note: Option<&str>,
    ) -> Result<TimeOff> {
        let scope = *scope;
        check_time_off(start, end, note).map_err(StoreError::Invalid)?;
        let mut tx = self.write_tx().await?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        let row = sqlx::query(
            "INSERT INTO time_off (workspace_id, user_id, start_date, end_date, note) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, user_id, start_date, end_date, note",
        )
        .bind(scope.workspace_id)
        .bind(user_id)
        .bind(start)
        .bind(end)
        .bind(note.map(str::trim).filter(|n| !n.is_empty()))
        .fetch_one(&mut *tx)
        .await?;
        let created = time_off_from_row(&row)?;
        let snapshot = serde_json::Map::from_iter([(
            "time_off".to_string(),
            serde_json::json!({"start_date": start.to_string(), "end_date": end.to_string(), "note": created.note}),
        )]);
        record_member(
            &mut tx,
            scope,
            user_id,
            &member.user.email,
            "time off added",
            &activity::created(&snapshot),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn delete_time_off(&self, scope: WriteScope, user_id: Id, id: Id) -> Result<()> {
        let scope = *scope;
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "DELETE FROM time_off WHERE id = $1 AND user_id = $2 AND workspace_id = $3 \
             RETURNING id, user_id, start_date, end_date, note",
        )
        .bind(id)
        .bind(user_id)
        .bind(scope.workspace_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("time off"))?;
        let gone = time_off_from_row(&row)?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        let changes = [FieldChange {
            field: "time_off".into(),
            before: serde_json::json!({"start_date": gone.start.to_string(), "end_date": gone.end.to_string()}),
            after: serde_json::Value::Null,
        }];
        record_member(
            &mut tx,
            scope,
            user_id,
            &member.user.email,
            "time off removed",
            &changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_invitation(
        &self,
        scope: AdminScope,
        email: &Email,
        role: Role,
        expires_at: DateTime<Utc>,
        token_hash: &str,
    ) -> Result<crate::Invitation> {
        let scope = *scope;
        check_member_change(scope, Role::Guest, Some(role))?;
        let mut tx = self.write_tx().await?;
        let member: Option<i64> = sqlx::query_scalar(
            "SELECT m.user_id FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.email = $2",
        )
        .bind(scope.workspace_id)
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if member.is_some() {
            // Who is a member the inviter sees anyway.
            return Err(StoreError::Conflict(format!("{email} is already a member")));
        }
        let replaced: Vec<(Id,)> = sqlx::query_as(
            "DELETE FROM invitations WHERE workspace_id = $1 AND email = $2 RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(email.as_str())
        .fetch_all(&mut *tx)
        .await?;
        for (old,) in replaced {
            forget_invitation_notice(&mut tx, old).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invitations (workspace_id, email, role, invited_by, created_at, expires_at, token_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(scope.workspace_id)
        .bind(email.as_str())
        .bind(role.as_str())
        .bind(scope.user_id)
        .bind(Utc::now())
        .bind(expires_at)
        .bind(token_hash)
        .fetch_one(&mut *tx)
        .await?;
        let changes = activity::created(&serde_json::Map::from_iter([(
            "role".to_string(),
            role.as_str().into(),
        )]));
        record_member(&mut tx, scope, id, email.as_str(), "invited", &changes).await?;
        // Someone with an account hears of it in their inbox, whichever
        // workspace they read it in; the inviter is told the same either
        // way.
        sqlx::query(
            "INSERT INTO notifications (workspace_id, user_id, kind, once_key, subject_kind, actor_id, note, created_at) \
             SELECT $1, u.id, 'invitation', $2, 'workspace', $3, $4, $5 FROM users u \
             WHERE u.email = $6 AND NOT EXISTS (SELECT 1 FROM notification_prefs np \
                 WHERE np.user_id = u.id AND np.kind = 'invitation' AND NOT np.inbox) \
             ON CONFLICT (user_id, once_key) DO NOTHING",
        )
        .bind(scope.workspace_id)
        .bind(invitation_notice(id))
        .bind(scope.user_id)
        .bind(format!("as {}", role.as_str()))
        .bind(Utc::now())
        .bind(email.as_str())
        .execute(&mut *tx)
        .await?;
        let invitation = fetch_invitation_tx(&mut tx, "i.id = $1", id).await?;
        tx.commit().await?;
        Ok(invitation)
    }

    async fn list_invitations(&self, scope: Scope) -> Result<Vec<crate::Invitation>> {
        let rows = sqlx::query(&format!(
            "{INVITATION_SELECT} WHERE i.workspace_id = $1 ORDER BY i.email"
        ))
        .bind(scope.workspace_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(invitation_from_row).collect()
    }

    async fn delete_invitation(&self, scope: AdminScope, id: Id) -> Result<()> {
        let scope = *scope;
        if !scope.role.can_manage_members() {
            return Err(StoreError::Forbidden(
                "only owners and admins manage members".into(),
            ));
        }
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("DELETE FROM invitations WHERE id = $1 AND workspace_id = $2")
            .bind(id)
            .bind(scope.workspace_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("invitation"));
        }
        forget_invitation_notice(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn invitation_by_token(
        &self,
        user: &UserRef,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<crate::Invitation> {
        let mut tx = self.read_tx().await?;
        let invitation = open_invitation_by_token(&mut tx, token_hash, now).await?;
        tx.commit().await?;
        // Someone else's link finds nothing, as a wrong one does.
        if !invitation.email.as_str().eq_ignore_ascii_case(&user.email) {
            return Err(StoreError::NotFound("invitation"));
        }
        Ok(invitation)
    }

    async fn invitations_for(
        &self,
        email: &Email,
        now: DateTime<Utc>,
    ) -> Result<Vec<crate::Invitation>> {
        let rows = sqlx::query(&format!(
            "{INVITATION_SELECT} WHERE i.email = $1 AND i.expires_at > $2 ORDER BY w.slug"
        ))
        .bind(email.as_str())
        .bind(now)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(invitation_from_row).collect()
    }

    async fn accept_invitation(
        &self,
        user: &UserRef,
        id: Id,
        now: DateTime<Utc>,
    ) -> Result<Membership> {
        let mut tx = self.write_tx().await?;
        let invitation = fetch_invitation_tx(&mut tx, "i.id = $1", id).await?;
        // Someone else's invitation is no business of the caller's.
        if !invitation.email.as_str().eq_ignore_ascii_case(&user.email)
            || invitation.expires_at <= now
        {
            return Err(StoreError::NotFound("invitation"));
        }
        match join_tx(&mut tx, user, &invitation).await? {
            Some(membership) => {
                tx.commit().await?;
                Ok(membership)
            }
            // Already a member (joined another way meanwhile): the
            // invitation is spent, the membership stands.
            None => {
                tx.commit().await?;
                self.membership(user.id, &invitation.workspace.slug)
                    .await?
                    .ok_or(StoreError::NotFound("invitation"))
            }
        }
    }

    async fn join_as_new_user(
        &self,
        token_hash: &str,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(UserRef, Membership)> {
        let mut tx = self.write_tx().await?;
        let invitation = open_invitation_by_token(&mut tx, token_hash, now).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(invitation.email.as_str())
        .bind(name)
        .bind(password_hash)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(
                "an account with the invited email exists: sign in with it to accept the invitation"
                    .into(),
            ),
            _ => StoreError::from(e),
        })?;
        let user = UserRef {
            id,
            email: invitation.email.as_str().to_string(),
            name: name.to_string(),
        };
        let membership = join_tx(&mut tx, &user, &invitation)
            .await?
            .ok_or(StoreError::NotFound("invitation"))?;
        tx.commit().await?;
        Ok((user, membership))
    }

    async fn decline_invitation(&self, user: &UserRef, id: Id) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("DELETE FROM invitations WHERE id = $1 AND email = $2")
            .bind(id)
            .bind(user.email.to_lowercase())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("invitation"));
        }
        forget_invitation_notice(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One number of a member's set, with the history entry (`action`) that
/// says so.
struct MemberNumber {
    /// A column of `members`, named by the code, never by a caller.
    column: &'static str,
    value: Option<f64>,
    before: fn(&Member) -> Option<f64>,
    action: &'static str,
}

impl DbStore {
    async fn set_member_number(
        &self,
        scope: Scope,
        user_id: Id,
        change: MemberNumber,
        expected_version: Option<i64>,
    ) -> Result<Member> {
        let mut tx = self.write_tx().await?;
        let current = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        check_version(expected_version, current.version)?;
        sqlx::query(&format!(
            "UPDATE members SET {} = $1, version = version + 1 WHERE workspace_id = $2 AND user_id = $3",
            change.column
        ))
        .bind(change.value)
        .bind(scope.workspace_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        let changes = [FieldChange {
            field: change.column.into(),
            before: serde_json::json!((change.before)(&current)),
            after: serde_json::json!(change.value),
        }];
        record_member(
            &mut tx,
            scope,
            user_id,
            &current.user.email,
            change.action,
            &changes,
        )
        .await?;
        let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
        tx.commit().await?;
        Ok(member)
    }
}

/// Records a change to a member in the workspace's history, named by
/// their email.
async fn record_member(
    tx: &mut Tx,
    scope: Scope,
    user_id: Id,
    email: &str,
    action: &str,
    changes: &[FieldChange],
) -> Result<()> {
    record(
        tx,
        scope,
        None,
        EntityKind::Member,
        user_id,
        email,
        action,
        changes,
    )
    .await
}
