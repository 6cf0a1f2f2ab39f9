//! Users, sessions and API tokens.

use tandem_domain::UserRef;

use super::{Columns, membership_from_row};
use crate::{ApiToken, Membership, Result};

/// A user from the columns `id`, `email` and `name`.
pub(crate) fn user_from_row(row: &impl Columns) -> Result<UserRef> {
    Ok(UserRef {
        id: row.get("id")?,
        email: row.get("email")?,
        name: row.get("name")?,
    })
}

/// A user and their password hash (empty for an account that has none).
pub(crate) fn credentials_from_row(row: &impl Columns) -> Result<(UserRef, String)> {
    let hash: Option<String> = row.get("password_hash")?;
    Ok((user_from_row(row)?, hash.unwrap_or_default()))
}

pub(crate) fn api_token_from_row(row: &impl Columns) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.get("id")?,
        name: row.get("name")?,
        created_at: row.get("created_at")?,
        revoked_at: row.get("revoked_at")?,
    })
}

/// The holder of a credential (`user_id`, `email`, `user_name`) and their
/// membership of the workspace the row also holds.
pub(crate) fn credential_from_row(row: &impl Columns) -> Result<(UserRef, Membership)> {
    let user = UserRef {
        id: row.get("user_id")?,
        email: row.get("email")?,
        name: row.get("user_name")?,
    };
    Ok((user, membership_from_row(row)?))
}
