//! `tandem webhook`: subscribe an address to the workspace's events, see
//! how deliveries went, send one again or a ping. Owners and admins only.

use anyhow::{Result, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::{WebhookDeliveryView, WebhookInput, WebhookView};
use tandem_domain::webhooks::EVENTS;

use super::values::request_body;
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum WebhookCommand {
    /// Subscribe URL to events: each is POSTed to it as JSON with its
    /// `event` and the object (a task with its `key`), signed in the
    /// header X-Tandem-Signature-256: sha256=<hex of HMAC-SHA256(SECRET,
    /// body)>. A failed delivery is tried again 8 times in all, waiting
    /// twice as long each time; three deliveries in a row that fail every
    /// attempt turn the webhook
    /// off. An address on a private or loopback network is refused
    /// unless the server runs with --allow-private-webhooks.
    Add {
        url: String,
        /// What signs each delivery; it is never shown again.
        #[arg(long)]
        secret: String,
        /// Comma-separated event names, or * for all (see `tandem webhook
        /// events`): task.created, task.updated, task.status_changed,
        /// task.deleted, project.created, milestone.updated, …
        #[arg(long)]
        events: String,
    },
    /// The workspace's webhooks.
    List,
    /// A webhook and its latest deliveries.
    Show {
        id: i64,
        /// How many deliveries, newest first (1 to 100).
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Change a webhook: what is not given stays as it is.
    Edit {
        id: i64,
        /// The new address (http or https).
        #[arg(long)]
        url: Option<String>,
        /// The new secret deliveries are signed with.
        #[arg(long)]
        secret: Option<String>,
        /// Comma-separated event names, or * for all.
        #[arg(long)]
        events: Option<String>,
        /// on or off; on again forgets the failures that turned it off.
        #[arg(long, value_parser = ["on", "off"])]
        active: Option<String>,
    },
    /// Delete a webhook and its delivery log.
    Remove { id: i64 },
    /// Send a delivery again: the same body, signed with the current
    /// secret, as a new delivery.
    Redeliver { id: i64, delivery: i64 },
    /// Send a ping event to try a webhook.
    Ping { id: i64 },
    /// One delivery, with the body it sends.
    Delivery { id: i64, delivery: i64 },
    /// The events a webhook may subscribe to.
    Events,
}

pub(super) async fn webhook_command(
    client: &Client,
    command: WebhookCommand,
    as_json: bool,
) -> Result<()> {
    let path = |rest: String| async move { client.ws_path(&format!("/webhooks{rest}")).await };
    match command {
        WebhookCommand::Add {
            url,
            secret,
            events,
        } => {
            let input = WebhookInput {
                url: Some(url),
                secret: Some(secret),
                events: Some(events_list(&events)),
                active: None,
            };
            let created: WebhookView = client
                .send(
                    Method::POST,
                    &path(String::new()).await?,
                    Some(&request_body(&input)?),
                )
                .await?;
            if as_json {
                print_json(&created);
            } else {
                outln!(
                    "Added webhook {} to {} for {}.",
                    created.id,
                    created.url,
                    created.events.join(", ")
                );
            }
        }
        WebhookCommand::List => {
            let all: Vec<WebhookView> = client
                .send(Method::GET, &path(String::new()).await?, None)
                .await?;
            if as_json {
                print_json(&all);
            } else if all.is_empty() {
                outln!("No webhooks.");
            } else {
                let rows: Vec<Vec<String>> = all.iter().map(row).collect();
                table(&["ID", "URL", "EVENTS", "STATE"], &rows);
            }
        }
        WebhookCommand::Show { id, limit } => {
            if !(1..=100).contains(&limit) {
                bail!("--limit: must be 1 to 100");
            }
            let hook: WebhookView = client
                .send(Method::GET, &path(format!("/{id}")).await?, None)
                .await?;
            let log: Vec<WebhookDeliveryView> = client
                .send(
                    Method::GET,
                    &path(format!("/{id}/deliveries?limit={limit}")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&serde_json::json!({"webhook": hook, "deliveries": log}));
                return Ok(());
            }
            table(&["ID", "URL", "EVENTS", "STATE"], &[row(&hook)]);
            if let Some(reason) = &hook.disabled_reason {
                outln!("{reason}");
            }
            if log.is_empty() {
                outln!("No deliveries yet.");
            } else {
                outln!();
                table(
                    &["DELIVERY", "EVENT", "STATUS", "ATTEMPTS", "ANSWER", "WHEN"],
                    &log.iter().map(delivery_row).collect::<Vec<_>>(),
                );
            }
        }
        WebhookCommand::Edit {
            id,
            url,
            secret,
            events,
            active,
        } => {
            if url.is_none() && secret.is_none() && events.is_none() && active.is_none() {
                bail!("nothing to change: give --url, --secret, --events or --active");
            }
            let current: WebhookView = client
                .send(Method::GET, &path(format!("/{id}")).await?, None)
                .await?;
            let input = WebhookInput {
                url,
                secret,
                events: events.as_deref().map(events_list),
                active: active.map(|a| a == "on"),
            };
            let changed: WebhookView = client
                .send_if_match(
                    Method::PATCH,
                    &path(format!("/{id}")).await?,
                    Some(&request_body(&input)?),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&changed);
            } else {
                outln!("Changed webhook {}.", changed.id);
                table(&["ID", "URL", "EVENTS", "STATE"], &[row(&changed)]);
            }
        }
        WebhookCommand::Remove { id } => {
            let current: WebhookView = client
                .send(Method::GET, &path(format!("/{id}")).await?, None)
                .await?;
            client
                .send_if_match::<serde_json::Value>(
                    Method::DELETE,
                    &path(format!("/{id}")).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Removed webhook {id} ({}).", current.url);
            }
        }
        WebhookCommand::Redeliver { id, delivery } => {
            let queued: WebhookDeliveryView = client
                .send(
                    Method::POST,
                    &path(format!("/{id}/deliveries/{delivery}/redeliver")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&queued);
            } else {
                outln!(
                    "Queued delivery {} ({}), sending {delivery} again.",
                    queued.id,
                    queued.event
                );
            }
        }
        WebhookCommand::Ping { id } => {
            let queued: WebhookDeliveryView = client
                .send(Method::POST, &path(format!("/{id}/ping")).await?, None)
                .await?;
            if as_json {
                print_json(&queued);
            } else {
                outln!(
                    "Queued ping {}: see it with `tandem webhook show {id}`.",
                    queued.id
                );
            }
        }
        WebhookCommand::Delivery { id, delivery } => {
            let found: WebhookDeliveryView = client
                .send(
                    Method::GET,
                    &path(format!("/{id}/deliveries/{delivery}")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&found);
            } else {
                table(
                    &["DELIVERY", "EVENT", "STATUS", "ATTEMPTS", "ANSWER", "WHEN"],
                    &[delivery_row(&found)],
                );
                if let Some(body) = &found.body {
                    outln!("{}", serde_json::to_string_pretty(body)?);
                }
            }
        }
        WebhookCommand::Events => events(as_json),
    }
    Ok(())
}

/// `tandem webhook events`: the domain's list, no server needed.
pub(super) fn events(as_json: bool) {
    if as_json {
        let all: Vec<_> = EVENTS
            .iter()
            .map(|(name, what)| serde_json::json!({"name": name, "description": what}))
            .collect();
        print_json(&all);
    } else {
        table(
            &["EVENT", "WHEN"],
            &EVENTS
                .iter()
                .map(|(name, what)| vec![name.to_string(), what.to_string()])
                .collect::<Vec<_>>(),
        );
    }
}

fn events_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

fn row(w: &WebhookView) -> Vec<String> {
    let state = match (&w.active, w.failures_in_a_row) {
        (true, 0) => "on".to_string(),
        (true, 1) => "on, 1 failure".to_string(),
        (true, n) => format!("on, {n} failures in a row"),
        (false, _) if w.disabled_reason.is_some() => "off (failing)".to_string(),
        (false, _) => "off".to_string(),
    };
    vec![w.id.to_string(), w.url.clone(), w.events.join(","), state]
}

fn delivery_row(d: &WebhookDeliveryView) -> Vec<String> {
    let answer = match (&d.response_code, &d.error) {
        (Some(code), _) => code.to_string(),
        (None, Some(error)) => error.chars().take(60).collect(),
        (None, None) => "-".to_string(),
    };
    let when = d
        .last_attempt_at
        .unwrap_or(d.created_at)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    vec![
        d.id.to_string(),
        d.event.clone(),
        d.status.clone(),
        d.attempts.to_string(),
        answer,
        when,
    ]
}
