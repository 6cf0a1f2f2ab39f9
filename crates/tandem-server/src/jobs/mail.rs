//! Email: the digest of each person's notifications, sent over SMTP by
//! one node at a time, and what a message says. Off unless the server
//! runs with `--smtp-url`.
//!
//! Every [`MailOptions::every`], one node (`claim_job`) gathers, for each
//! person and workspace, the notifications not mailed yet, of the kinds
//! they want by email, about what they may open now, into one message;
//! sends it; and marks them mailed (an `emailed` event tells the
//! person's open pages, and tests). A person's later notifications wait
//! for the next digest: a busy day is one email per interval, not one a
//! comment. Each kind's message carries a link that stops that kind at
//! one click (RFC 8058).
//!
//! An invitation's link is mailed at once, by the node that made it
//! ([`send_invitation`]): its secret is never stored, so no job could
//! send it later.
//!
//! Not here: who is told of what (`notices`), or the inbox (the store).

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, header::Header};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tandem_domain::{EntityKind, Notification, NotificationKind};

use crate::web::inbox::object_path;
use tandem_store::{MailRecipient, Store};

use super::Jobs;

/// How the server sends email.
#[derive(Debug, Clone)]
pub struct MailOptions {
    /// The SMTP relay: host and port (`--smtp-url smtp://host:port`).
    pub host: String,
    pub port: u16,
    /// The sender (`--mail-from`).
    pub from: String,
    /// Where people reach this server, for the links in a message
    /// (`--public-url`).
    pub public_url: String,
    /// How often a digest goes out (`--mail-digest-minutes`).
    pub every: Duration,
}

impl MailOptions {
    /// Whether `from` is an address a message may come from:
    /// `Name <user@host>` or `user@host`.
    pub fn sender(from: &str) -> Result<(), String> {
        from.parse::<Mailbox>()
            .map(drop)
            .map_err(|e| format!("'{from}' is not an email address a message may come from ({e})"))
    }

    /// Reads `smtp://host:port` (port 25 when left out).
    pub fn relay(url: &str) -> Result<(String, u16), String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or_else(|| format!("'{url}' is not an smtp://host:port address"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| format!("'{port}' is not a port (1 to 65535)"))?,
            ),
            None => (rest, 25),
        };
        if host.is_empty() || port == 0 {
            return Err(format!("'{url}' names no host and port"));
        }
        Ok((host.to_string(), port))
    }
}

pub fn start(store: Arc<dyn Store>, jobs: &Jobs, options: MailOptions) {
    let worker = jobs.clone();
    jobs.spawn(move |mut stopping| async move {
        let mut tick = tokio::time::interval(options.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                () = stopping.wait() => return,
                _ = tick.tick() => {}
            }
            let now = chrono::Utc::now();
            if !store
                .claim_job("mail-digest", now, options.every)
                .await
                .unwrap_or(false)
            {
                continue;
            }
            match worker
                .unit(
                    "mail",
                    send_digests(store.as_ref(), &options),
                    Result::is_ok,
                )
                .await
            {
                Ok(0) => {}
                Ok(sent) => tracing::info!(messages = sent, "email digests sent"),
                Err(e) => tracing::warn!(error = %e, "sending email digests"),
            }
        }
    });
}

/// One message per person and workspace with notifications to mail: how
/// many were sent. A message that fails leaves its notifications for the
/// next run.
async fn send_digests(store: &dyn Store, options: &MailOptions) -> anyhow::Result<usize> {
    let transport = transport(options, Duration::from_secs(30));
    let mut sent = 0;
    for recipient in store.unmailed_recipients().await? {
        let (items, up_to) = store.mail_digest(recipient.scope()).await?;
        if !items.is_empty() {
            let mut links = Vec::new();
            for kind in kinds_of(&items) {
                let token = store
                    .unsubscribe_link(recipient.user.id, kind, &crate::auth::new_secret("tdu_"))
                    .await?;
                links.push((
                    kind,
                    format!("{}/unsubscribe?token={token}", options.public_url),
                ));
            }
            let message = digest(options, &recipient, &items, &links)?;
            transport.send(message).await?;
            sent += 1;
        }
        // What was not for email (a kind turned off, an object no longer
        // the person's to open) is done with too.
        store.mark_mailed(recipient.scope(), up_to).await?;
    }
    Ok(sent)
}

fn transport(options: &MailOptions, timeout: Duration) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&options.host)
        .port(options.port)
        .hello_name(ClientId::Domain("tandem".into()))
        .timeout(Some(timeout))
        .build()
}

/// Mails invitation `invitation` its link (`path` on this server): the
/// inviter waits for it, so the relay gets ten seconds.
pub async fn send_invitation(
    options: &MailOptions,
    invitation: &tandem_store::Invitation,
    path: &str,
) -> anyhow::Result<()> {
    let inviter = invitation
        .invited_by
        .as_ref()
        .map(|u| u.name.as_str())
        .unwrap_or("Someone");
    let workspace = &invitation.workspace.name;
    let text = format!(
        "Hello,\n\n{inviter} invites you to {workspace} on Tandem, as {}.\n\n\
         Open this link signed in with {} to accept or decline:\n{}{path}\n\n\
         No account yet? Ask {inviter} for one, or sign up with this address; the \
         invitation waits until {}.\n",
        invitation.role.as_str(),
        invitation.email.as_str(),
        options.public_url,
        invitation.expires_at.format("%-d %B %Y"),
    );
    let message = Message::builder()
        .from(options.from.parse()?)
        .to(invitation.email.as_str().parse()?)
        .subject(format!("{inviter} invites you to {workspace} on Tandem"))
        .header(ContentType::TEXT_PLAIN)
        .body(text)?;
    transport(options, Duration::from_secs(10))
        .send(message)
        .await?;
    Ok(())
}

/// The kinds of these notifications, each once, in the vocabulary's order.
fn kinds_of(items: &[Notification]) -> Vec<NotificationKind> {
    NotificationKind::ALL
        .iter()
        .copied()
        .filter(|kind| items.iter().any(|n| n.kind == *kind))
        .collect()
}

/// `List-Unsubscribe`: where one click stops this kind (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post`: the link takes a POST, no page between
/// (RFC 8058).
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// One person's digest: a line per notification with its link, and the
/// link that stops each kind it holds.
fn digest(
    options: &MailOptions,
    to: &MailRecipient,
    items: &[Notification],
    links: &[(NotificationKind, String)],
) -> anyhow::Result<Message> {
    let base = format!("{}/w/{}", options.public_url, to.workspace_slug);
    let mut text = format!(
        "Hello {},\n\nWhat happened in {} for you:\n\n",
        to.user.name, to.workspace_name
    );
    for n in items {
        let who = n
            .actor
            .as_ref()
            .map(|a| a.name.as_str())
            .unwrap_or("Tandem");
        let key = match n.object.kind {
            EntityKind::Task | EntityKind::Project => format!("{} ", n.object.key),
            _ => String::new(),
        };
        text.push_str(&format!(
            "- {}: {key}{} ({who}{})\n  {base}{}\n",
            n.kind.label(),
            n.object.title,
            n.note
                .as_deref()
                .map(|note| format!(", {note}"))
                .unwrap_or_default(),
            object_path(n)
        ));
    }
    text.push_str(&format!(
        "\nYour inbox: {base}/inbox\nChoose what you hear of: {base}/settings#h-notifications\n"
    ));
    for (kind, link) in links {
        text.push_str(&format!(
            "Stop emails of \"{}\": {link}\n",
            kind.label().to_lowercase()
        ));
    }
    let count = items.len();
    let subject = format!("{count} new in {} on Tandem", to.workspace_name);
    let to_box: Mailbox = format!(
        "{} <{}>",
        to.user.name.replace(['<', '>', '"'], ""),
        to.user.email
    )
    .parse()
    .or_else(|_| to.user.email.parse())?;
    let mut builder = Message::builder()
        .from(options.from.parse()?)
        .to(to_box)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    // One kind: its one-click link; several: the body has one each.
    if let [(_, link)] = links {
        builder = builder
            .header(ListUnsubscribe(link.clone()))
            .header(ListUnsubscribePost);
    }
    Ok(builder.body(text)?)
}

#[cfg(test)]
mod tests {
    use super::MailOptions;

    #[test]
    fn a_sender_is_an_address() {
        assert!(MailOptions::sender("Tandem <tandem@example.org>").is_ok());
        assert!(MailOptions::sender("tandem@example.org").is_ok());
        for bad in ["", "tandem", "Tandem <nowhere>", "a@b@c"] {
            assert!(MailOptions::sender(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_smtp_url_is_a_host_and_a_port() {
        assert_eq!(
            MailOptions::relay("smtp://127.0.0.1:2525").unwrap(),
            ("127.0.0.1".into(), 2525)
        );
        assert_eq!(
            MailOptions::relay("smtp://mail.example.org").unwrap(),
            ("mail.example.org".into(), 25)
        );
        for bad in ["http://x:25", "smtp://:25", "smtp://x:port", "smtp://x:0"] {
            assert!(MailOptions::relay(bad).is_err(), "{bad}");
        }
    }
}
