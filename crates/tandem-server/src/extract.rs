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
use tandem_usecases::Actor;

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

/// The bearer token of an `Authorization` header. The scheme's name is
/// case-insensitive (RFC 9110), so `bearer` and `BEARER` count too.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The secret a request presents, hashed as stored: a bearer token, or else
/// the session cookie (`true`).
pub fn presented_credential(headers: &HeaderMap) -> Option<(String, bool)> {
    match bearer_token(headers) {
        Some(token) => Some((hash_secret(token), false)),
        None => session_cookie(headers).map(|s| (hash_secret(&s), true)),
    }
}

/// Whether a request presents a credential at all (nothing hashed).
pub fn has_credential(headers: &HeaderMap) -> bool {
    bearer_token(headers).is_some() || session_cookie(headers).is_some()
}

/// What the browser says of where a request comes from: `Some(true)` when
/// it is this site, `Some(false)` when it is another (or an opaque
/// `null` origin), `None` when nothing says (not a browser). Browsers set
/// `Sec-Fetch-Site` and `Origin` themselves; pages cannot forge them.
pub fn same_origin(headers: &HeaderMap) -> Option<bool> {
    if let Some(site) = headers.get("sec-fetch-site") {
        return Some(site == "same-origin");
    }
    let origin = headers.get(header::ORIGIN)?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin = origin.to_str().unwrap_or("");
    Some(origin == format!("http://{host}") || origin == format!("https://{host}"))
}

/// Refuses writes to the API that ride on a browser's session cookie when
/// the browser says another site started them. A cookie is sent by the
/// browser whichever site starts the request, and some bodies (a
/// `text/plain` form, a multipart upload, an XML file) need no preflight,
/// so the content type alone cannot stop another site. Every browser sends
/// `Origin` (and current ones `Sec-Fetch-Site`) on a cross-origin write, so
/// a request that carries neither did not come from another site's page:
/// the CLI signing in, a script with a cookie jar. Bearer tokens are never
/// sent by a browser on its own and pass.
pub async fn api_same_origin(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let headers = request.headers();
    if !request.method().is_safe()
        && bearer_token(headers).is_none()
        && session_cookie(headers).is_some()
        && same_origin(headers) == Some(false)
    {
        return ApiError::Forbidden(
            "a write with the session cookie must come from Tandem's own pages \
             (Origin or Sec-Fetch-Site naming this site); scripts use a bearer token"
                .into(),
        )
        .into_response();
    }
    next.run(request).await
}

/// `application/json` or a `+json` type, judged by the media type itself:
/// its parameters (`text/plain;charset=+json`) do not count.
pub fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    let essence = essence.to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.len() > "+json".len() && sub.ends_with("+json"))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = match presented_credential(&parts.headers) {
            Some((hash, false)) => state.store.token_user(&hash).await?,
            Some((hash, true)) => state.store.session_user(&hash, chrono::Utc::now()).await?,
            None => None,
        };
        user.map(Caller).ok_or(ApiError::Unauthorized)
    }
}

/// The address of the client at the other end of the connection, where the
/// server was started with connection info (as `serve` does). A proxy's
/// `X-Forwarded-For` is not believed: any client could write one.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
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
    /// The caller as the use cases take it.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user.clone(),
            scope: self.scope,
        }
    }

    /// Guests read; everyone else may write. For an adapter that must
    /// refuse a guest before it calls a handler; writes take the use
    /// cases' `Writer` from [`Ctx::actor`].
    pub fn writer(&self) -> Result<Scope, ApiError> {
        Ok(*self.actor().writer()?.scope())
    }

    /// Owners and admins only: for reads only they may make (the open
    /// invitations).
    pub fn admin(&self) -> Result<Scope, ApiError> {
        Ok(*self.actor().admin()?.scope())
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
        let (hash, session) = presented_credential(&parts.headers).ok_or(ApiError::Unauthorized)?;
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

/// What an `If-Match` that names no version expects: no stored version is
/// negative, so the change fails as stale (412), as RFC 9110 has it for
/// tags that match nothing, rather than going ahead unchecked.
const NO_VERSION: i64 = -1;

/// The version an `If-Match` value expects: `None` for `*`, else the first
/// entity tag (weak or strong) that is a version, or [`NO_VERSION`] when
/// none is (an empty list, or tags another server made). A bare number is
/// taken too. `Err` when the value is no list of entity tags.
fn expected_version(value: &str) -> Result<Option<i64>, ()> {
    let value = value.trim_matches([' ', '\t']);
    if value == "*" {
        return Ok(None);
    }
    if let Ok(version) = value.parse() {
        return Ok(Some(version));
    }
    let mut first = None;
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Ok(Some(first.unwrap_or(NO_VERSION)));
        }
        let quoted = rest.strip_prefix("W/").unwrap_or(rest);
        let tag = quoted.strip_prefix('"').ok_or(())?;
        let end = tag.find('"').ok_or(())?;
        let opaque = &tag[..end];
        if !opaque
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b))
        {
            return Err(());
        }
        first = first.or_else(|| opaque.parse().ok());
        rest = &tag[end + 1..];
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        value
            .to_str()
            .map_err(|_| ())
            .and_then(expected_version)
            .map(IfMatch)
            .map_err(|_| {
                ApiError::BadRequest("If-Match must be a version ETag such as \"3\"".into())
            })
    }
}

/// A JSON object body. Fields with the wrong type and unknown fields are all
/// collected (not just the first): the value holds what did parse, and
/// `errors` what did not, so handlers can add the domain's own complaints
/// and answer once.
///
/// A body that is not JSON at all (wrong content type, too large, not an
/// object, a required field missing) is not refused while extracting: the
/// refusal waits until the handler converts the body, after its role
/// check, so a caller who may not write hears 403 whatever they sent.
#[derive(Debug)]
pub struct JsonBody<T> {
    parsed: Result<(T, Vec<FieldError>), ApiError>,
}

impl<T> JsonBody<T> {
    /// A body built by the server itself (a form turned into the API's
    /// input).
    pub fn new(value: T) -> JsonBody<T> {
        JsonBody {
            parsed: Ok((value, Vec::new())),
        }
    }

    /// A body already parsed, with the fields that did not parse.
    pub fn from_parts(value: T, errors: Vec<FieldError>) -> JsonBody<T> {
        JsonBody {
            parsed: Ok((value, errors)),
        }
    }

    /// Converts the body into a domain input, reporting the parse errors and
    /// the domain's errors together (one per field).
    pub fn into_domain<D>(
        self,
        convert: impl FnOnce(T) -> Result<D, Vec<FieldError>>,
    ) -> Result<D, ApiError> {
        let (value, mut errors) = self.parsed?;
        match convert(value) {
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
    /// As [`JsonBody::to_domain`], with the errors as field errors: what a
    /// store [`Patch`](tandem_store::Patch) answers. A body that is not
    /// readable at all would become a field error here too, so a handler
    /// calls [`JsonBody::check`] first: too large is 413, not JSON 415.
    pub fn to_patch<D>(
        &self,
        convert: impl FnOnce(T) -> Result<D, Vec<FieldError>>,
    ) -> Result<D, Vec<FieldError>> {
        match self.to_domain(convert) {
            Ok(value) => Ok(value),
            Err(ApiError::Invalid(errors)) => Err(errors),
            Err(other) => Err(vec![FieldError::new("body", format!("{other:?}"))]),
        }
    }

    /// As [`JsonBody::into_domain`], keeping the body for another attempt.
    pub fn to_domain<D>(
        &self,
        convert: impl FnOnce(T) -> Result<D, Vec<FieldError>>,
    ) -> Result<D, ApiError> {
        JsonBody {
            parsed: self.parsed.clone(),
        }
        .into_domain(convert)
    }

    /// Whether the body is readable at all; for handlers that must know
    /// before they write anything else.
    pub fn check(&self) -> Result<(), ApiError> {
        self.parsed.as_ref().map(|_| ()).map_err(Clone::clone)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_media_type);
        if !is_json {
            return Ok(JsonBody {
                parsed: Err(ApiError::UnsupportedMediaType),
            });
        }
        let parsed = match Bytes::from_request(req, state).await {
            Ok(bytes) => parse_collecting(&bytes),
            Err(_) => Err(ApiError::PayloadTooLarge),
        };
        Ok(JsonBody { parsed })
    }
}

pub(crate) fn parse_collecting<T: DeserializeOwned>(
    bytes: &[u8],
) -> Result<(T, Vec<FieldError>), ApiError> {
    let mut value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::field("body", format!("not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::field("body", "must be a JSON object"));
    }
    if let Some(field) = nul_in(&value, "") {
        // No text Tandem keeps may hold one (PostgreSQL refuses the byte).
        return Err(ApiError::field(
            if field.is_empty() { "body" } else { &field },
            "must not contain NUL characters",
        ));
    }
    let mut errors = Vec::new();
    // Each round removes the field serde stopped at; an object has finitely
    // many keys, so this ends.
    loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(parsed) => {
                return Ok((parsed, errors));
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

/// The path of the first string (or key) in `value` holding a NUL.
fn nul_in(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(text) if text.contains('\0') => Some(path.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_in(item, &format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let here = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.contains('\0') {
                Some(path.to_string())
            } else {
                nul_in(item, &here)
            }
        }),
        _ => None,
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
        // serde says "expected `a`", "expected `a` or `b`" or "expected
        // one of `a`, `b`, `c`", and "there are no fields" for none.
        Some(rest) => format!(
            "unknown field (allowed: {})",
            rest.split_once("expected ")
                .map(|x| x.1.trim_start_matches("one of ").replace(" or ", ", "))
                .unwrap_or_else(|| "none".into())
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
        let mut fields: Vec<_> = parsed.1.iter().map(|e| e.field.as_str()).collect();
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
    fn only_json_media_types_are_json() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("Application/JSON; charset=utf-8"));
        assert!(is_json_media_type("application/merge-patch+json"));
        assert!(!is_json_media_type("text/plain;charset=+json"));
        assert!(!is_json_media_type("text/plain; application/json"));
        assert!(!is_json_media_type("multipart/form-data; boundary=+json"));
        assert!(!is_json_media_type("application/+json"));
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        let mut headers = HeaderMap::new();
        for value in ["Bearer abc", "bearer abc", "BEARER  abc "] {
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            assert_eq!(bearer_token(&headers), Some("abc"), "{value}");
        }
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer_token(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(bearer_token(&headers), None);
    }

    #[test]
    fn a_nul_anywhere_is_refused_naming_where() {
        let Err(ApiError::Invalid(errors)) = parse_collecting::<Sample>(
            br#"{"title": "ok", "nested": [1], "note": {"a": ["x", "b\u0000"]}}"#,
        ) else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "note.a[1]");
    }

    #[test]
    fn if_match_names_a_version_or_none() {
        assert_eq!(expected_version("*"), Ok(None));
        assert_eq!(expected_version("\"3\""), Ok(Some(3)));
        assert_eq!(expected_version(" W/\"3\" "), Ok(Some(3)));
        assert_eq!(expected_version("3"), Ok(Some(3)));
        assert_eq!(expected_version("\"x,y\", \"7\", \"8\""), Ok(Some(7)));
        // Well-formed, but nothing Tandem stores can match it.
        for value in ["", ",", "\"\"", "\"abc\"", "W/\"v1\", \"-\""] {
            assert_eq!(expected_version(value), Ok(Some(NO_VERSION)), "{value}");
        }
        for value in ["abc", "\"3", "{}", "\"3\" x", "\"a b\""] {
            assert_eq!(expected_version(value), Err(()), "{value}");
        }
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(parse_collecting::<Sample>(b"[1]").is_err());
        assert!(parse_collecting::<Sample>(b"{").is_err());
    }
}
