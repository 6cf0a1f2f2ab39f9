//! What the API answers besides its resources: RFC 9457 problem details
//! for every refusal, and the health check.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

/// RFC 9457 problem details, with Tandem's extensions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Every field that broke a rule, for validation errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The task keys on a dependency cycle, in link order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Vec<String>>,
}

/// What `/healthz` answers: the server's and its database's state (not a
/// project's health, which is `tandem_domain::Health`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ServiceHealth {
    pub status: String,
    pub database: String,
    pub version: String,
}
