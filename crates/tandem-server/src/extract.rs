//! Request extractors: who is calling ([`Caller`]), in which workspace and
//! role ([`Ctx`]), the JSON body with every bad field reported
//! ([`JsonBody`]), and the `If-Match` version ([`IfMatch`]).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{HeaderMap, header, request::Parts};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tandem_domain::{FieldError, UserRef};
use tandem_store::Scope;

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "tandem_session";

/// SHA-256 of a secret, hex: what the database keeps of sessions and tokens.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The signed-in user, from a bearer token or the session cookie.
#[derive(Debug, Clone)]
pub struct Caller(pub UserRef);

/// The secret a request presents, hashed as stored: a bearer token, or else
/// the session cookie (`true`).
fn credential(parts: &Parts) -> Option<(String, bool)> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match bearer {
        Some(token) => Some((hash_secret(token), false)),
        None => session_cookie(&parts.headers).map(|s| (hash_secret(&s), true)),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = match credential(parts) {
            Some((hash, false)) => state.store.token_user(&hash).await?,
            Some((hash, true)) => state.store.session_user(&hash, chrono::Utc::now()).await?,
            None => None,
        };
        user.map(Caller).ok_or(ApiError::Unauthorized)
    }
}

/// A caller inside a workspace named by the `{ws}` path segment. A
/// workspace the caller is not a member of answers 404, like one that does
/// not exist.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: UserRef,
    pub scope: Scope,
}

impl Ctx {
    /// Guests read; everyone else may write.
    pub fn writer(&self) -> Result<Scope, ApiError> {
        if self.scope.role.can_write() {
            Ok(self.scope)
        } else {
            Err(ApiError::Forbidden("guests have read-only access".into()))
        }
    }

    /// Members write their own availability; owners and admins anyone's.
    pub fn for_member(&self, user_id: tandem_domain::Id) -> Result<Scope, ApiError> {
        let scope = self.writer()?;
        if self.user.id == user_id || scope.role.can_manage_members() {
            Ok(scope)
        } else {
            Err(ApiError::Forbidden(
                "only owners, admins and the member themself may change this".into(),
            ))
        }
    }

    pub fn admin(&self) -> Result<Scope, ApiError> {
        if self.scope.role.can_manage_members() {
            Ok(self.scope)
        } else {
            Err(ApiError::Forbidden(
                "only owners and admins may do this".into(),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("workspace not found".into()))?;
        let slug = params
            .iter()
            .find(|(name, _)| *name == "ws")
            .map(|(_, value)| value.to_string())
            .ok_or_else(|| ApiError::NotFound("workspace not found".into()))?;
        let (hash, session) = credential(parts).ok_or(ApiError::Unauthorized)?;
        // One lookup on the common path; telling a bad credential (401)
        // from a foreign workspace (404) costs a second only on failure.
        let found = state
            .store
            .credential_membership(&hash, session, &slug, chrono::Utc::now())
            .await?;
        let Some((user, membership)) = found else {
            Caller::from_request_parts(parts, state).await?;
            return Err(ApiError::NotFound("workspace not found".into()));
        };
        let scope = Scope {
            workspace_id: membership.workspace.id,
            user_id: user.id,
            role: membership.role,
        };
        Ok(Ctx { user, scope })
    }
}

/// The version an update or delete expects, from `If-Match: "3"`.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or("").trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        text.trim_start_matches("W/")
            .trim_matches('"')
            .parse()
            .map(|v| IfMatch(Some(v)))
            .map_err(|_| {
                ApiError::BadRequest("If-Match must be a version ETag such as \"3\"".into())
            })
    }
}

/// A JSON object body. Fields with the wrong type and unknown fields are all
/// collected (not just the first): the value holds what did parse, and
/// `errors` what did not, so handlers can add the domain's own complaints
/// and answer once.
#[derive(Debug)]
pub struct JsonBody<T> {
    pub value: T,
    pub errors: Vec<FieldError>,
}

impl<T> JsonBody<T> {
    /// Converts the body into a domain input, reporting the parse errors and
    /// the domain's errors together (one per field).
    pub fn into_domain<D>(
        self,
        convert: impl FnOnce(T) -> Result<D, Vec<FieldError>>,
    ) -> Result<D, ApiError> {
        let mut errors = self.errors;
        match convert(self.value) {
            Ok(value) if errors.is_empty() => Ok(value),
            Ok(_) => Err(ApiError::Invalid(errors)),
            Err(more) => {
                for e in more {
                    if !errors.iter().any(|seen| seen.field == e.field) {
                        errors.push(e);
                    }
                }
                Err(ApiError::Invalid(errors))
            }
        }
    }
}

impl<T: Clone> JsonBody<T> {
    /// As [`JsonBody::into_domain`], keeping the body for another attempt.
    pub fn to_domain<D>(
        &self,
        convert: impl FnOnce(T) -> Result<D, Vec<FieldError>>,
    ) -> Result<D, ApiError> {
        JsonBody {
            value: self.value.clone(),
            errors: self.errors.clone(),
        }
        .into_domain(convert)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        parse_collecting(&bytes)
    }
}

pub(crate) fn parse_collecting<T: DeserializeOwned>(bytes: &[u8]) -> Result<JsonBody<T>, ApiError> {
    let mut value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::field("body", format!("not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::field("body", "must be a JSON object"));
    }
    let mut errors = Vec::new();
    // Each round removes the field serde stopped at; an object has finitely
    // many keys, so this ends.
    loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(parsed) => {
                return Ok(JsonBody {
                    value: parsed,
                    errors,
                });
            }
            Err(error) => {
                let path = error.path().to_string();
                let message = error.into_inner().to_string();
                let field = named_field(&message)
                    .map(|name| match path.as_str() {
                        // The path already ends at an unknown field.
                        "." => name.to_string(),
                        p if p.ends_with(name) => p.to_string(),
                        p => format!("{p}.{name}"),
                    })
                    .unwrap_or_else(|| path.clone());
                let top = field.split(['.', '[']).next().unwrap_or("").to_string();
                let removed = value.as_object_mut().and_then(|o| o.remove(&top)).is_some();
                errors.push(FieldError::new(
                    if field == "." { "body".into() } else { field },
                    clean(&message),
                ));
                if !removed {
                    // A required field is missing: nothing left to strip.
                    return Err(ApiError::Invalid(errors));
                }
            }
        }
    }
}

/// The field an unknown-field or missing-field message names.
fn named_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?
        .split('`')
        .next()
}

/// serde's messages end with a position that means nothing in a JSON value.
fn clean(message: &str) -> String {
    match message.strip_prefix("unknown field `") {
        Some(rest) => format!(
            "unknown field (allowed: {})",
            rest.split_once("expected one of ")
                .map(|x| x.1)
                .unwrap_or("none")
                .replace('`', "")
        ),
        None => message.replace('`', "'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: Option<String>,
        percent: Option<i64>,
        nested: Option<Vec<i64>>,
    }

    #[test]
    fn every_bad_field_is_reported() {
        let body = br#"{"title": 5, "percent": "x", "bogus": 1, "nested": [1, "a"]}"#;
        let parsed = parse_collecting::<Sample>(body).unwrap();
        let mut fields: Vec<_> = parsed.errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["bogus", "nested[1]", "percent", "title"]);
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Required {
        email: String,
        password: String,
    }

    #[test]
    fn missing_required_fields_are_named() {
        let Err(ApiError::Invalid(errors)) = parse_collecting::<Required>(br#"{"email": "a@b.c"}"#)
        else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "password");
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(parse_collecting::<Sample>(b"[1]").is_err());
        assert!(parse_collecting::<Sample>(b"{").is_err());
    }
}
