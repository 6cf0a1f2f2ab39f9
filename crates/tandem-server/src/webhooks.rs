//! Webhook deliveries as they go over the wire: the body's stable schema,
//! its signature, and the one HTTP client that sends them, which never
//! connects to a private address unless the server allows it.
//!
//! The body of every delivery:
//!
//! ```json
//! {"event": "task.status_changed", "id": 4121, "at": "2026-12-05T09:30:00Z",
//!  "workspace": "acme", "project_key": "LAUNCH",
//!  "actor": {"id": 3, "email": "ana@example.com", "name": "Ana"},
//!  "changed": ["status"],
//!  "task": { … the task as `GET /tasks/{key}` shows it … }}
//! ```
//!
//! `id` is the event's: the same in every webhook's delivery of it and in a
//! redelivery, so a receiver can drop what it has seen. The object is under
//! its kind's name (`task`, `project`, `milestone`, `phase`, `risk`,
//! `stakeholder`, …) as it was when the delivery was queued, a moment after
//! the change; a deleted one has only its `key` or `id`.
//!
//! What this is not: when deliveries are queued or tried (`jobs::webhooks`)
//! or who may manage webhooks (`tandem_usecases::webhooks`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;
use tandem_domain::webhooks::is_public;
use tandem_domain::{Id, Role, UserRef};
use tandem_store::{Event, Scope, Store, StoreError};

/// How the server treats webhook targets and failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookOptions {
    /// Deliver to private and loopback addresses too (`--allow-private-webhooks`):
    /// for a receiver on the same host or network, and for tests.
    pub allow_private: bool,
    /// The wait after a first failed attempt; each further one waits
    /// twice as long (`tandem_domain::webhooks::retry_after`).
    pub retry_base: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            allow_private: false,
            retry_base: Duration::from_secs(30),
        }
    }
}

/// The header that carries a delivery's signature.
pub const SIGNATURE_HEADER: &str = "X-Tandem-Signature-256";

/// `sha256=<hex>` of HMAC-SHA256 over `body` with `secret`, as GitHub
/// signs its webhooks, so receivers' existing checks work.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256=");
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// What an event tells of, as the whole workspace sees it: the object as
/// the API shows it, or (deleted, or of a kind the API does not show one
/// at a time) its key or id. Read once however many names the event is.
pub async fn object_of(store: &dyn Store, event: &Event) -> Value {
    let object = match event.action.as_str() {
        "deleted" => None,
        _ => read_object(store, event).await,
    };
    object.unwrap_or_else(|| match event.kind.as_str() {
        "task" | "project" => json!({"key": event.key}),
        _ => json!({"id": event.key.parse::<Id>().ok()}),
    })
}

/// A delivery's body: the envelope around `object` (see [`object_of`]),
/// under its kind's name.
pub fn body_of(
    event: &Event,
    name: &str,
    workspace: &str,
    project_key: Option<&str>,
    actor: Option<&UserRef>,
    object: &Value,
) -> Value {
    let mut body = Map::new();
    body.insert("event".into(), json!(name));
    body.insert("id".into(), json!(event.id));
    body.insert("at".into(), json!(event.at));
    body.insert("workspace".into(), json!(workspace));
    body.insert("project_key".into(), json!(project_key));
    body.insert(
        "actor".into(),
        actor.map_or(
            Value::Null,
            |u| json!({"id": u.id, "email": u.email, "name": u.name}),
        ),
    );
    if !event.fields.is_empty() {
        body.insert("changed".into(), json!(event.fields));
    }
    body.insert(event.kind.clone(), object.clone());
    Value::Object(body)
}

/// The object as the API shows it, if it still is and is of a kind the
/// API shows one at a time.
async fn read_object(store: &dyn Store, event: &Event) -> Option<Value> {
    // The whole workspace, whoever's change it was: webhooks are managed
    // by its owners and admins, who see every project. Personal tasks
    // never get here (the job skips them).
    let scope = Scope {
        workspace_id: event.workspace_id,
        user_id: 0,
        role: Role::Owner,
    };
    let id = || event.key.parse::<Id>().ok();
    let read: Result<Value, StoreError> = match event.kind.as_str() {
        "task" => store
            .get_task(scope, &event.key)
            .await
            .map(|t| json!(tandem_api::TaskView::from(t))),
        "project" => store
            .get_project(scope, &event.key)
            .await
            .map(|p| json!(tandem_api::ProjectView::from(p))),
        "milestone" => store
            .get_milestone(scope, id()?)
            .await
            .map(|m| json!(tandem_api::MilestoneView::from(m))),
        "phase" => store
            .get_phase(scope, id()?)
            .await
            .map(|p| json!(tandem_api::PhaseView::from(p))),
        "risk" => store
            .get_risk(scope, id()?)
            .await
            .map(|r| json!(tandem_api::RiskView::from(r))),
        "stakeholder" => store
            .get_stakeholder(scope, id()?)
            .await
            .map(|s| json!(tandem_api::StakeholderView::from(s))),
        "approval" => store
            .get_approval(scope, id()?)
            .await
            .map(|a| json!(tandem_api::ApprovalView::from(a))),
        "comment" => store
            .get_comment(scope, id()?)
            .await
            .map(|c| json!(tandem_api::CommentView::from(c))),
        _ => return None,
    };
    match read {
        Ok(value) => Some(value),
        Err(StoreError::NotFound(_)) => None,
        Err(e) => {
            tracing::warn!(error = %e, kind = %event.kind, key = %event.key, "reading a webhook's object");
            None
        }
    }
}

/// What became of one attempt to send.
#[derive(Debug)]
pub struct Sent {
    pub response_code: Option<i64>,
    pub error: Option<String>,
    pub duration: Duration,
}

/// The HTTP client deliveries go through: no proxy from the environment,
/// no redirects (a 3xx is an answer, not an order to post elsewhere),
/// and a resolver that drops private addresses unless they are allowed.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

/// How long a receiver gets to answer.
const TIMEOUT: Duration = Duration::from_secs(10);

impl Sender {
    pub fn new(options: WebhookOptions) -> Sender {
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(16)
            .user_agent(concat!("Tandem-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !options.allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Sender {
            // Only a TLS backend that cannot start fails here, which no
            // build of this binary has.
            client: builder.build().expect("the webhook client"),
            allow_private: options.allow_private,
        }
    }

    /// POSTs `body` to `url`, signed with `secret`.
    pub async fn send(
        &self,
        url: &str,
        secret: &str,
        event: &str,
        delivery_id: Id,
        body: &str,
    ) -> Sent {
        let started = Instant::now();
        let failed = |error: String| Sent {
            response_code: None,
            error: Some(error),
            duration: started.elapsed(),
        };
        // A name goes through the resolver; an address written in the URL
        // does not, so it is checked here, read as the client reads it
        // (`0x7f.1` is 127.0.0.1).
        match tandem_usecases::webhooks::parse_url(url) {
            Err(e) => return failed(e),
            Ok((_, host, _)) => {
                if let Ok(ip) = host.parse::<IpAddr>()
                    && !self.allow_private
                    && !is_public(ip)
                {
                    return failed(format!(
                        "{ip} is a private or loopback address; the server refuses those unless it runs with --allow-private-webhooks"
                    ));
                }
            }
        }
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Tandem-Event", event)
            .header("X-Tandem-Delivery", delivery_id.to_string())
            .header(SIGNATURE_HEADER, signature(secret, body.as_bytes()))
            .body(body.to_string());
        match request.send().await {
            Ok(response) => {
                let status = response.status();
                let code = Some(i64::from(status.as_u16()));
                // The answer's body is not kept; reading a little of it
                // lets the connection be used again.
                let _ = tokio::time::timeout(Duration::from_secs(1), response.bytes()).await;
                Sent {
                    response_code: code,
                    error: (!status.is_success()).then(|| format!("answered {status}")),
                    duration: started.elapsed(),
                }
            }
            Err(e) => failed(describe(&e)),
        }
    }
}

/// A failed request in a few words, its causes included (reqwest's own
/// text is "error sending request" without them).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if error.is_connect() {
        "could not connect".to_string()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// Resolves a name to its public addresses only: a name that points at
/// this machine or a private network (perhaps only since it was checked)
/// cannot be delivered to.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!(
                    "{host} resolves to no public address; the server refuses private ones unless it runs with --allow-private-webhooks"
                )
                .into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
