//! People, sessions and API tokens; the queries, compiled once per backend
//! (see `mod.rs`).

use super::*;
use crate::accounts::Avatar;

#[async_trait]
impl AccountStore for DbStore {
    async fn create_user(&self, email: &Email, name: &str, password_hash: &str) -> Result<UserRef> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(email.as_str())
        .bind(name)
        .bind(password_hash)
        .bind(Utc::now())
        .fetch_one(self.writer())
        .await
        .map_err(|e| unique_to_conflict(e, "a user with this email"))?;
        Ok(UserRef {
            id,
            email: email.as_str().to_string(),
            name: name.to_string(),
        })
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<UserRef>> {
        Ok(self.credentials(email).await?.map(|(user, _)| user))
    }

    async fn rename_user(&self, user_id: Id, name: &str) -> Result<UserRef> {
        let row = sqlx::query("UPDATE users SET name = $1 WHERE id = $2 RETURNING id, email, name")
            .bind(name)
            .bind(user_id)
            .fetch_optional(self.writer())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        user_from_row(&row)
    }

    async fn set_password(
        &self,
        user_id: Id,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write_tx_alone().await?;
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn credentials(&self, email: &Email) -> Result<Option<(UserRef, String)>> {
        let row = sqlx::query("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(credentials_from_row).transpose()
    }

    async fn create_session(
        &self,
        user_id: Id,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(Utc::now())
            .bind(expires_at)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<UserRef>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }

    async fn create_api_token(
        &self,
        user_id: Id,
        name: &str,
        token_hash: &str,
    ) -> Result<ApiToken> {
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(now)
        .fetch_one(self.writer())
        .await?;
        Ok(ApiToken {
            id,
            name: name.to_string(),
            created_at: now,
            revoked_at: None,
        })
    }

    async fn list_api_tokens(&self, user_id: Id) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query("SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(api_token_from_row).collect()
    }

    async fn revoke_api_token(&self, user_id: Id, token_id: Id) -> Result<()> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(Utc::now())
        .bind(token_id)
        .bind(user_id)
        .execute(self.writer())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("token"));
        }
        Ok(())
    }

    async fn token_user(&self, token_hash: &str) -> Result<Option<UserRef>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn credential_membership(
        &self,
        secret_hash: &str,
        session: bool,
        slug: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserRef, Membership)>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT u.id AS user_id, u.email, u.name AS user_name, w.*, m.role FROM users u \
             JOIN members m ON m.user_id = u.id JOIN workspaces w ON w.id = m.workspace_id WHERE w.slug = ",
        );
        qb.push_bind(slug);
        if session {
            qb.push(" AND u.id = (SELECT user_id FROM sessions WHERE token_hash = ");
            qb.push_bind(secret_hash);
            qb.push(" AND expires_at > ");
            qb.push_bind(now);
        } else {
            qb.push(" AND u.id = (SELECT user_id FROM api_tokens WHERE revoked_at IS NULL AND token_hash = ");
            qb.push_bind(secret_hash);
        }
        qb.push(")");
        let row = qb.build().fetch_optional(self.reader()).await?;
        row.as_ref().map(credential_from_row).transpose()
    }

    async fn set_avatar(&self, user_id: Id, content_type: &str, content: &[u8]) -> Result<()> {
        sqlx::query(
            "INSERT INTO avatars (user_id, content_type, content, version, updated_at) \
             VALUES ($1, $2, $3, 1, $4) ON CONFLICT (user_id) DO UPDATE SET \
             content_type = excluded.content_type, content = excluded.content, \
             version = avatars.version + 1, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(content_type)
        .bind(content)
        .bind(Utc::now())
        .execute(self.writer())
        .await?;
        Ok(())
    }

    async fn remove_avatar(&self, user_id: Id) -> Result<()> {
        sqlx::query("DELETE FROM avatars WHERE user_id = $1")
            .bind(user_id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn avatar_of(&self, scope: Scope, user_id: Id) -> Result<(UserRef, Option<Avatar>)> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, a.content_type, a.content, a.version FROM users u \
             LEFT JOIN avatars a ON a.user_id = u.id WHERE u.id = $1 AND (\
             EXISTS (SELECT 1 FROM members m WHERE m.workspace_id = $2 AND m.user_id = u.id) \
             OR EXISTS (SELECT 1 FROM deactivated_members d WHERE d.workspace_id = $2 AND d.user_id = u.id))",
        )
        .bind(user_id)
        .bind(scope.workspace_id)
        .fetch_optional(self.reader())
        .await?
        .ok_or(StoreError::NotFound("member"))?;
        let user = user_from_row(&row)?;
        let avatar = match Columns::get::<Option<String>>(&row, "content_type")? {
            Some(content_type) => Some(Avatar {
                content_type,
                content: Columns::get(&row, "content")?,
                version: Columns::get(&row, "version")?,
            }),
            None => None,
        };
        Ok((user, avatar))
    }
}
