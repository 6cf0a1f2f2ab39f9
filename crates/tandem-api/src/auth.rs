//! Signing in, who the caller is, and personal API tokens.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

use crate::workspaces::WorkspaceView;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Me {
    pub user: UserRef,
    pub workspaces: Vec<WorkspaceView>,
}

/// The caller's own profile: the name everyone sees (the email is how
/// they sign in, and stays).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A new password for the caller, given with the one it replaces. Their
/// other sign-in sessions end; API tokens stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[schemars(required)]
    pub current_password: Option<String>,
    /// At least 8 characters.
    #[schemars(required)]
    pub new_password: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TokenView {
    pub id: Id,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The secret, shown once, when the token is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}
