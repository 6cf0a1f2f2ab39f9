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
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tandem_domain::{EntityKind, Notification, NotificationKind};

use crate::web::inbox::object_path;
use tandem_store::{MailRecipient, Store};

use super::Jobs;

/// How the server sends email.
#[derive(Debug, Clone)]
pub struct MailOptions {
    /// The SMTP relay (`--smtp-url`, `--smtp-ca-file`).
    pub relay: Relay,
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
}

/// How a relay is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP (`smtp://`): a relay on this host or a trusted network.
    None,
    /// STARTTLS, required (`smtp://…?tls=starttls`): the message is never
    /// sent in the clear.
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Tls,
}

/// An SMTP relay: where it is, how it is spoken to, who we are to it.
#[derive(Clone, PartialEq)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// The user and password it asks for (from the URL's user part).
    pub credentials: Option<(String, String)>,
    /// Roots trusted beside the system's, PEM (`--smtp-ca-file`): a relay
    /// with a certificate of the organisation's own authority.
    pub ca: Option<Vec<u8>>,
}

/// The password never reaches a log.
impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("ca", &self.ca.is_some())
            .finish()
    }
}

impl Relay {
    /// Reads `smtp://[USER:PASSWORD@]HOST[:PORT][?tls=starttls]` (port 25,
    /// or 587 with STARTTLS) or `smtps://[USER:PASSWORD@]HOST[:PORT]`
    /// (port 465); the user and password percent-encoded as in any URL.
    pub fn parse(text: &str) -> Result<Relay, String> {
        let wrong = |why: &str| format!("'{}' is not an SMTP relay: {why}", redacted(text));
        let url = url::Url::parse(text).map_err(|e| wrong(&e.to_string()))?;
        let mut security = match url.scheme() {
            "smtp" => Security::None,
            "smtps" => Security::Tls,
            _ => return Err(wrong("it must begin smtp:// or smtps://")),
        };
        for (name, value) in url.query_pairs() {
            match (name.as_ref(), value.as_ref(), security) {
                ("tls", "starttls" | "required", Security::None | Security::StartTls) => {
                    security = Security::StartTls
                }
                ("tls", _, Security::Tls) => {
                    return Err(wrong("smtps:// is TLS already; ?tls= is for smtp://"));
                }
                ("tls", other, _) => {
                    return Err(wrong(&format!("tls={other}: the one value is starttls")));
                }
                (other, ..) => return Err(wrong(&format!("unknown parameter {other}"))),
            }
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| wrong("it names no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if !matches!(url.path(), "" | "/") {
            return Err(wrong("a relay has no path"));
        }
        let port = url.port().unwrap_or(match security {
            Security::None => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        });
        if port == 0 {
            return Err(wrong("port 0"));
        }
        let decoded = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| wrong("its user or password is not UTF-8"))
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (user, Some(password)) if !user.is_empty() => {
                Some((decoded(user)?, decoded(password)?))
            }
            _ => return Err(wrong("a user needs a password, as user:password@host")),
        };
        if credentials.is_some() && security == Security::None {
            return Err(wrong(
                "a password is never sent in the clear: use ?tls=starttls or smtps://",
            ));
        }
        Ok(Relay {
            host,
            port,
            security,
            credentials,
            ca: None,
        })
    }

    /// Trusts the certificates of `pem` beside the system's roots; a file
    /// holding none is refused.
    pub fn trusting(mut self, pem: Vec<u8>) -> Result<Relay, String> {
        // lettre reads a file without a certificate block as no roots at
        // all: that is a wrong file, not an empty trust.
        let has_certificate = std::str::from_utf8(&pem)
            .is_ok_and(|text| text.contains("-----BEGIN CERTIFICATE-----"));
        if !has_certificate {
            return Err("the SMTP CA file holds no PEM certificate".into());
        }
        Certificate::from_pem(&pem)
            .map_err(|e| format!("the SMTP CA file's certificate does not read ({e})"))?;
        self.ca = Some(pem);
        Ok(self)
    }
}

/// A URL as a log may show it: the password left out.
fn redacted(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => text.to_string(),
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
    let transport = transport(options, Duration::from_secs(30))?;
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
            bounded(Duration::from_secs(60), transport.send(message)).await?;
            sent += 1;
        }
        // What was not for email (a kind turned off, an object no longer
        // the person's to open) is done with too.
        store.mark_mailed(recipient.scope(), up_to).await?;
    }
    Ok(sent)
}

fn transport(
    options: &MailOptions,
    timeout: Duration,
) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let relay = &options.relay;
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&relay.host)
        .port(relay.port)
        .hello_name(ClientId::Domain("tandem".into()))
        .timeout(Some(timeout));
    if relay.security != Security::None {
        let mut parameters = TlsParameters::builder(relay.host.clone());
        if let Some(pem) = &relay.ca {
            parameters = parameters.add_root_certificate(Certificate::from_pem(pem)?);
        }
        let parameters = parameters.build_rustls()?;
        builder = builder.tls(match relay.security {
            Security::Tls => Tls::Wrapper(parameters),
            _ => Tls::Required(parameters),
        });
    }
    if let Some((user, password)) = &relay.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
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
         No account yet? The same link makes one for this address. The \
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
    let transport = transport(options, Duration::from_secs(10))?;
    bounded(Duration::from_secs(15), transport.send(message)).await?;
    Ok(())
}

/// A send given at most `limit` in all: lettre's timeout covers each
/// command, not a TLS handshake a relay never finishes (smtps:// to a
/// plain port), which would hold the inviter's request for minutes.
async fn bounded<T, E: std::error::Error + Send + Sync + 'static>(
    limit: Duration,
    send: impl std::future::Future<Output = Result<T, E>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout(limit, send).await {
        Ok(sent) => Ok(sent?),
        Err(_) => anyhow::bail!("the SMTP relay did not answer within {} s", limit.as_secs()),
    }
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
    use super::{MailOptions, Relay, Security};

    #[test]
    fn a_sender_is_an_address() {
        assert!(MailOptions::sender("Tandem <tandem@example.org>").is_ok());
        assert!(MailOptions::sender("tandem@example.org").is_ok());
        for bad in ["", "tandem", "Tandem <nowhere>", "a@b@c"] {
            assert!(MailOptions::sender(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_smtp_url_is_a_relay_with_its_security_and_credentials() {
        let relay = |text: &str| Relay::parse(text).unwrap();
        let plain = relay("smtp://127.0.0.1:2525");
        assert_eq!(
            (plain.host.as_str(), plain.port, plain.security),
            ("127.0.0.1", 2525, Security::None)
        );
        assert_eq!(relay("smtp://mail.example.org").port, 25);
        let submission = relay("smtp://tandem%40example.org:p%3Ass@mail.example.org?tls=starttls");
        assert_eq!(
            (submission.port, submission.security),
            (587, Security::StartTls)
        );
        assert_eq!(
            submission.credentials,
            Some(("tandem@example.org".into(), "p:ss".into()))
        );
        let wrapped = relay("smtps://u:p@mail.example.org");
        assert_eq!((wrapped.port, wrapped.security), (465, Security::Tls));
        assert_eq!(relay("smtp://[::1]:2525").host, "::1");
        for bad in [
            "http://x:25",
            "smtp://:25",
            "smtp://x:port",
            "smtp://x:0",
            "smtp://x?tls=maybe",
            "smtps://x?tls=starttls",
            "smtp://x?colour=red",
            "smtp://x/path",
            "smtp://user@x?tls=starttls",
        ] {
            assert!(Relay::parse(bad).is_err(), "{bad}");
        }
        // A password is never sent in the clear, nor shown.
        let clear = Relay::parse("smtp://u:secret@x").unwrap_err();
        assert!(clear.contains("never sent in the clear"), "{clear}");
        assert!(!clear.contains("secret"), "{clear}");
        assert!(!format!("{submission:?}").contains("p:ss"));
        assert!(
            relay("smtp://x")
                .trusting(b"not a certificate".to_vec())
                .is_err()
        );
    }
}
