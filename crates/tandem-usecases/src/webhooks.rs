//! Webhooks: a workspace's owners and admins subscribe an address to
//! events, change or remove the subscription, read its delivery log, and
//! send a delivery again or a ping by hand.
//!
//! A target must be on the public internet unless the server allows
//! private ones (`--allow-private-webhooks`): a webhook is a request the
//! server makes on a user's behalf, and one to `127.0.0.1:5432` or a
//! cloud's metadata address would reach what the user cannot. The check
//! here words the refusal; the sender checks again at every delivery
//! (a name may resolve elsewhere later).
//!
//! What this is not: building bodies or sending them (the server's
//! webhook job), or which change is which event (the domain's
//! `webhooks`).

use std::net::IpAddr;

use tandem_domain::webhooks::{is_public, parse_events};
use tandem_domain::{FieldError, Id, Validation};
use tandem_store::webhooks::{WebhookDelivery, WebhookFields};
use tandem_store::{Store, Webhook};

use crate::{Admin, Error, Result};

/// The longest target address accepted.
const URL_LIMIT: usize = 2048;

/// The most webhooks a workspace has (GitHub allows a repository as
/// many): each costs every write of the workspace a delivery.
pub const MAX_WEBHOOKS: usize = 20;

/// The longest secret accepted.
const SECRET_LIMIT: usize = 256;

/// What may be changed of a webhook; `None` keeps what it is.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub url: Option<String>,
    pub secret: Option<String>,
    pub events: Option<String>,
    pub active: Option<bool>,
}

/// A webhook as asked for: its target, secret and events as typed.
#[derive(Debug, Clone)]
pub struct New {
    pub url: String,
    pub secret: String,
    pub events: String,
}

pub async fn add(
    store: &dyn Store,
    admin: &Admin,
    new: &New,
    allow_private: bool,
) -> Result<Webhook> {
    let fields = checked(&new.url, &new.secret, &new.events, true, allow_private).await?;
    if store.list_webhooks(admin.scope()).await?.len() >= MAX_WEBHOOKS {
        return Err(Error::Invalid(vec![FieldError::new(
            "url",
            format!("a workspace has at most {MAX_WEBHOOKS} webhooks: remove one first"),
        )]));
    }
    Ok(store.create_webhook(admin.scope(), &fields).await?)
}

pub async fn list(store: &dyn Store, admin: &Admin) -> Result<Vec<Webhook>> {
    Ok(store.list_webhooks(admin.scope()).await?)
}

pub async fn get(store: &dyn Store, admin: &Admin, id: Id) -> Result<Webhook> {
    Ok(store.get_webhook(admin.scope(), id).await?)
}

pub async fn update(
    store: &dyn Store,
    admin: &Admin,
    id: Id,
    expected_version: Option<i64>,
    change: &Change,
    allow_private: bool,
) -> Result<Webhook> {
    let current = store.get_webhook(admin.scope(), id).await?;
    let events = current.events.join(",");
    let fields = checked(
        change.url.as_deref().unwrap_or(&current.url),
        change.secret.as_deref().unwrap_or(&current.secret),
        change.events.as_deref().unwrap_or(&events),
        change.active.unwrap_or(current.active),
        // An address already accepted is not refused again for a change
        // of something else.
        allow_private || change.url.is_none(),
    )
    .await?;
    Ok(store
        .update_webhook(
            admin.scope(),
            id,
            expected_version.or(Some(current.version)),
            &fields,
        )
        .await?)
}

pub async fn delete(
    store: &dyn Store,
    admin: &Admin,
    id: Id,
    expected_version: Option<i64>,
) -> Result<()> {
    Ok(store
        .delete_webhook(admin.scope(), id, expected_version)
        .await?)
}

/// The most deliveries a page of the log holds.
pub const LOG_PAGE: usize = 100;

pub async fn deliveries(
    store: &dyn Store,
    admin: &Admin,
    id: Id,
    before: Option<Id>,
    limit: usize,
) -> Result<Vec<WebhookDelivery>> {
    Ok(store
        .webhook_deliveries(admin.scope(), id, before, limit.clamp(1, LOG_PAGE))
        .await?)
}

pub async fn delivery(
    store: &dyn Store,
    admin: &Admin,
    id: Id,
    delivery_id: Id,
) -> Result<WebhookDelivery> {
    Ok(store
        .get_webhook_delivery(admin.scope(), id, delivery_id)
        .await?)
}

/// Queues delivery `delivery_id` of webhook `id` again: the same event and
/// body (signed with the webhook's secret as it is now), as a new delivery
/// of its own.
pub async fn redeliver(
    store: &dyn Store,
    admin: &Admin,
    id: Id,
    delivery_id: Id,
) -> Result<WebhookDelivery> {
    let original = store
        .get_webhook_delivery(admin.scope(), id, delivery_id)
        .await?;
    Ok(store
        .queue_by_hand(
            admin.scope(),
            id,
            &original.event,
            &original.body,
            Some(original.id),
        )
        .await?)
}

/// Queues a `ping` with `body` (the adapter's: this layer knows no JSON).
pub async fn ping(store: &dyn Store, admin: &Admin, id: Id, body: &str) -> Result<WebhookDelivery> {
    Ok(store
        .queue_by_hand(admin.scope(), id, PING, body, None)
        .await?)
}

/// The event of a delivery asked for to try a webhook.
pub const PING: &str = "ping";

async fn checked(
    url: &str,
    secret: &str,
    events: &str,
    active: bool,
    allow_private: bool,
) -> Result<WebhookFields> {
    let mut v = Validation::new();
    let url = v.take("url", parse_url(url));
    if !secret.trim().is_empty() && secret.trim() != secret {
        // Kept exactly as given, so the receiver's check matches: spaces
        // around it would be kept too, and are surely a slip.
        v.push("secret", "must not begin or end with spaces");
    }
    if secret.trim().is_empty() {
        v.push(
            "secret",
            "give a secret: every delivery is signed with it, so the receiver can tell it is Tandem's",
        );
    } else if secret.chars().count() > SECRET_LIMIT {
        v.push(
            "secret",
            format!("must be at most {SECRET_LIMIT} characters"),
        );
    } else if secret.chars().any(char::is_control) {
        v.push("secret", "must not hold control characters");
    }
    let events = v.take("events", parse_events(events));
    v.into_result()?;
    let (Some((url, host, port)), Some(events)) = (url, events) else {
        unreachable!("a field that did not parse is an error above");
    };
    if !allow_private {
        check_public(&host, port)
            .await
            .map_err(|message| Error::Invalid(vec![FieldError::new("url", message)]))?;
    }
    Ok(WebhookFields {
        url,
        secret: secret.to_string(),
        events,
        active,
    })
}

/// An `http` or `https` address with a host and no credentials, read as
/// the HTTP client will read it (WHATWG): the address as written, its
/// host (an IP address in its usual form when it is one, however it was
/// spelled: `0x7f.1` is 127.0.0.1), and its port.
pub fn parse_url(text: &str) -> Result<(String, String, u16), String> {
    let text = text.trim();
    if text.len() > URL_LIMIT {
        return Err(format!("must be at most {URL_LIMIT} characters"));
    }
    // The parser would drop or encode these silently: refused instead, so
    // what is sent is what was written.
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not hold spaces, tabs or line breaks".into());
    }
    let url = url::Url::parse(text).map_err(|e| {
        format!("'{text}' is not an address ({e}): give one like https://example.com/hooks/tandem")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "must be an http or https address, not {}",
            url.scheme()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not hold a user name or password: the secret signs each delivery".into());
    }
    let host = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(url::Host::Domain(name)) if !name.is_empty() => name.trim_end_matches('.').to_string(),
        _ => return Err(format!("'{text}' has no host")),
    };
    let port = url
        .port_or_known_default()
        .ok_or_else(|| format!("'{text}' has no port"))?;
    Ok((text.to_string(), host, port))
}

/// Refuses a host that is, or resolves to, an address off the public
/// internet.
pub async fn check_public(host: &str, port: u16) -> std::result::Result<(), String> {
    let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} could not be resolved: {e}"))?
            .map(|a| a.ip())
            .collect(),
    };
    match addresses.iter().find(|ip| !is_public(**ip)) {
        Some(ip) => Err(format!(
            "{host} is a private, loopback or reserved address ({ip}); the server refuses those unless it runs with --allow-private-webhooks"
        )),
        None if addresses.is_empty() => Err(format!("{host} resolves to no address")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_http_or_https_with_a_host_and_no_credentials() {
        assert_eq!(
            parse_url(" https://Hooks.Example.com/tandem?x=1 ").unwrap(),
            (
                "https://Hooks.Example.com/tandem?x=1".to_string(),
                "hooks.example.com".to_string(),
                443
            )
        );
        assert_eq!(parse_url("http://127.0.0.1:9000/h").unwrap().2, 9000);
        assert_eq!(parse_url("http://[::1]:81/").unwrap().1, "::1");
        assert!(
            parse_url("ftp://example.com")
                .unwrap_err()
                .contains("http or https")
        );
        assert!(
            parse_url("https://u:p@example.com")
                .unwrap_err()
                .contains("password")
        );
        assert!(
            parse_url("example.com")
                .unwrap_err()
                .contains("not an address")
        );
        assert!(parse_url("https://:80/").unwrap_err().contains("host"));
        assert!(
            parse_url("https://example.com:99999/")
                .unwrap_err()
                .contains("port")
        );
    }

    #[tokio::test]
    async fn private_targets_are_refused_by_address_and_by_name() {
        let refused = check_public("127.0.0.1", 80).await.unwrap_err();
        assert!(refused.contains("--allow-private-webhooks"), "{refused}");
        assert!(check_public("localhost", 80).await.is_err());
        assert!(check_public("169.254.169.254", 80).await.is_err());
        assert!(check_public("8.8.8.8", 443).await.is_ok());
    }
}
