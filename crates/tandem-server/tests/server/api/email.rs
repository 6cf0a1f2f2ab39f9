//! Email through a real SMTP server on loopback (aiosmtpd, from PyPI in
//! the virtual environment `.ci/run` makes; `TANDEM_TEST_PYTHON`): one
//! digest per person, to the right people, holding what was told since
//! the last; the one-click unsubscribe stops that kind and only it; a
//! relay that wants TLS and a password gets both, and one that cannot be
//! trusted or refuses the password gets no mail.

use std::time::Duration;

use tandem_server::jobs::mail::{MailOptions, Relay};

use super::*;
use crate::common::python::PythonService;

/// An SMTP server keeping each message it is given as a file of `dir`,
/// until dropped.
struct Smtpd {
    // Stops the server when the mailbox is dropped.
    _service: PythonService,
    port: u16,
    dir: std::path::PathBuf,
}

const SMTPD: &str = "\
import sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
c = Controller(Mailbox(sys.argv[2]), hostname='127.0.0.1', port=int(sys.argv[1]))
c.start()
print('ready', flush=True)
sys.stdin.read()
c.stop()
";

/// aiosmtpd, started and listening; none (the test skipped) where no
/// Python with it was named and the default has none.
fn smtpd() -> Option<Smtpd> {
    let dir = std::env::temp_dir().join(format!(
        "tandem-mail-{}-{}",
        std::process::id(),
        NEXT_MAILBOX.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let service = PythonService::start("aiosmtpd", SMTPD, &[dir.to_str().unwrap()])?;
    Some(Smtpd {
        port: service.port,
        _service: service,
        dir,
    })
}

/// Each server of this process its own mailbox.
static NEXT_MAILBOX: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A message received: its headers (names lowercased) and body.
type Received = (Vec<(String, String)>, String);

/// Every message received so far, by the name of its file.
fn received(dir: &std::path::Path) -> std::collections::BTreeMap<String, Received> {
    let mut messages = std::collections::BTreeMap::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replace("\r\n", "\n");
            let (head, body) = text.split_once("\n\n").unwrap();
            let mut headers: Vec<(String, String)> = Vec::new();
            for line in head.lines() {
                if line.starts_with([' ', '\t']) {
                    if let Some(last) = headers.last_mut() {
                        last.1.push_str(line.trim_start());
                    }
                } else if let Some((name, value)) = line.split_once(':') {
                    headers.push((name.to_lowercase(), value.trim().to_string()));
                }
            }
            // Soft line breaks of quoted-printable, if the body was so.
            messages.insert(
                path.file_name().unwrap().to_string_lossy().to_string(),
                (headers, body.replace("=\n", "").replace("=3D", "=")),
            );
        }
    }
    messages
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// Waits, on the store's feed, until user `id`'s digest was mailed.
async fn mailed(feed: &mut tokio::sync::broadcast::Receiver<tandem_store::events::Event>, id: i64) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match feed.recv().await {
                Ok(e) if e.action == "emailed" && e.key == id.to_string() => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the feed ended: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("nothing was mailed to user {id} within 30 s"));
}

async fn told(feed: &mut tokio::sync::broadcast::Receiver<tandem_store::events::Event>, id: i64) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match feed.recv().await {
                Ok(e) if e.kind == "inbox" && e.action == "notified" && e.key == id.to_string() => {
                    return;
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the feed ended: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("user {id} was told nothing within 30 s"));
}

async fn id_of(api: &Api) -> i64 {
    api.get("/api/v1/me").await.1["user"]["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_digest_per_person_goes_out_by_smtp_and_its_link_stops_that_kind() {
    let Some(smtp) = smtpd() else { return };
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let watcher = tandem_store::open(&url).await.unwrap();
    let mut feed = watcher.event_feed();

    // Told before the server mails: two mentions of Ana, one of Ada.
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    let mel = Api::login(&server.base, "mel").await;
    let ada = Api::login(&server.base, "ada").await;
    // (Signed in again on the server that mails, below.)
    let (ana_id, ada_id, mel_id) = (id_of(&ana).await, id_of(&ada).await, id_of(&mel).await);
    plan(&ana).await;
    for (body, told_to) in [
        ("@ana the brief is ready", vec![ana_id]),
        ("@ana @ada and the design too", vec![ana_id, ada_id]),
    ] {
        let (status, c) = mel
            .post(
                &format!("{WS}/comments"),
                json!({"task": "LAUNCH-1", "body": body}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        for id in told_to {
            told(&mut feed, id).await;
        }
    }
    let url = server.stop().await;

    // The server that mails: the first digest goes out at once.
    let port = smtp.port;
    let server = Server::with_mail(&url, |base| MailOptions {
        relay: Relay::parse(&format!("smtp://127.0.0.1:{port}")).unwrap(),
        from: "Tandem <tandem@x.org>".into(),
        public_url: base.to_string(),
        every: Duration::from_secs(1),
    })
    .await;
    for id in [ana_id, ada_id, mel_id] {
        mailed(&mut feed, id).await;
    }
    let ana = Api::login(&server.base, "ana").await;
    let mel = Api::login(&server.base, "mel").await;
    let first = received(&smtp.dir);
    let messages: Vec<&Received> = first.values().collect();
    let to_ana: Vec<_> = messages
        .iter()
        .filter(|(h, _)| header(h, "to").contains("ana@x.org"))
        .collect();
    let to_ada: Vec<_> = messages
        .iter()
        .filter(|(h, _)| header(h, "to").contains("ada@x.org"))
        .collect();
    assert_eq!(to_ana.len(), 1, "one digest for Ana: {messages:?}");
    assert_eq!(to_ada.len(), 1, "one digest for Ada: {messages:?}");
    // Mel hears of the work Ana gave her; Gus, of nothing.
    let to_mel: Vec<_> = messages
        .iter()
        .filter(|(h, _)| header(h, "to").contains("mel@x.org"))
        .collect();
    assert_eq!(to_mel.len(), 1, "{messages:?}");
    assert_eq!(to_mel[0].1.matches("Work assigned to you").count(), 3);
    assert_eq!(messages.len(), 3, "nobody else is mailed: {messages:?}");
    assert!(to_ada[0].1.contains("Mentions of you"));
    let (headers, body) = to_ana[0];
    assert!(
        header(headers, "subject").contains(" new in "),
        "{headers:?}"
    );
    assert_eq!(body.matches("Mentions of you").count(), 2, "{body}");
    assert!(
        body.contains(&format!("{}/w/acme/t/LAUNCH-1#comment-", server.base)),
        "{body}"
    );
    // The body's own unsubscribe link, and the header's one click.
    let link = header(headers, "list-unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    assert!(
        link.starts_with(&format!("{}/unsubscribe?token=", server.base)),
        "{headers:?}"
    );
    assert!(body.contains(&link), "{body}");
    assert_eq!(
        header(headers, "list-unsubscribe-post"),
        "List-Unsubscribe=One-Click"
    );

    // Opening the link changes nothing; its one-click POST stops mentions.
    let http = reqwest::Client::new();
    let page = http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("mentions of you"));
    let (_, prefs) = ana.get("/api/v1/me/notifications").await;
    assert_eq!(prefs[0]["kind"], "mention");
    assert_eq!(prefs[0]["email"], true, "{prefs}");
    let stopped = http
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status(), StatusCode::OK);
    let (_, prefs) = ana.get("/api/v1/me/notifications").await;
    assert_eq!(prefs[0]["email"], false, "{prefs}");
    assert_eq!(prefs[0]["inbox"], true, "still in the inbox: {prefs}");
    let nothing = http
        .post(format!("{}/unsubscribe?token=tdu_nothing", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(nothing.status(), StatusCode::NOT_FOUND);

    // Mentioned again and given work: only the work is mailed.
    mel.post(
        &format!("{WS}/comments"),
        json!({"task": "LAUNCH-2", "body": "@ana once more"}),
    )
    .await;
    let (status, body) = mel
        .patch(
            &format!("{WS}/tasks/LAUNCH-3"),
            json!({"owner": "ana@x.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    loop {
        mailed(&mut feed, ana_id).await;
        // Only the messages after the first digest.
        let later: Vec<Received> = received(&smtp.dir)
            .into_iter()
            .filter(|(file, (h, _))| {
                !first.contains_key(file) && header(h, "to").contains("ana@x.org")
            })
            .map(|(_, message)| message)
            .collect();
        assert!(
            later.iter().all(|(_, b)| !b.contains("Mentions of you")),
            "a stopped kind was mailed: {later:?}"
        );
        if later
            .iter()
            .any(|(_, b)| b.contains("Work assigned to you"))
        {
            break;
        }
    }
    server.stop().await;
}

/// An invitation's link is mailed at once to the email invited, and the
/// answer says so; the inviter still sees the link, once.
#[tokio::test]
async fn an_invitation_is_mailed_with_its_link() {
    let Some(smtp) = smtpd() else { return };
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let port = smtp.port;
    let server = Server::with_mail(&url, |base| MailOptions {
        relay: Relay::parse(&format!("smtp://127.0.0.1:{port}")).unwrap(),
        from: "Tandem <tandem@x.org>".into(),
        public_url: base.to_string(),
        every: Duration::from_secs(3600),
    })
    .await;
    let ana = Api::login(&server.base, "ana").await;
    let (status, invitation) = ana
        .post(
            &format!("{WS}/members"),
            json!({"email": "zoe@x.org", "role": "member"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{invitation}");
    assert_eq!(invitation["mailed"], true, "{invitation}");
    let link = invitation["link"].as_str().unwrap();
    // Sent before the answer came: it is there now.
    let messages = received(&smtp.dir);
    let to_zoe: Vec<_> = messages
        .values()
        .filter(|(h, _)| header(h, "to").contains("zoe@x.org"))
        .collect();
    assert_eq!(to_zoe.len(), 1, "{messages:?}");
    let (headers, body) = to_zoe[0];
    assert!(
        header(headers, "subject").contains("invites you to"),
        "{headers:?}"
    );
    assert!(body.contains(&format!("{}{link}", server.base)), "{body}");
    assert!(body.contains("as member"), "{body}");
    server.stop().await;
}

/// aiosmtpd requiring STARTTLS and a password (`tandem` / `s3cret`, only over TLS), its certificate
/// a self-signed one for 127.0.0.1: each message a file of `dir`.
const TLS_SMTPD: &str = "\
import ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
port, dir, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login == b'tandem' and data.password == b's3cret'
    return AuthResult(success=ok)
c = Controller(Mailbox(dir), hostname='127.0.0.1', port=port, authenticator=check,
               auth_required=True, auth_require_tls=True, tls_context=context,
               require_starttls=True)
c.start()
print('ready', flush=True)
sys.stdin.read()
c.stop()
";

#[tokio::test]
async fn mail_goes_over_tls_with_a_password_and_never_to_a_relay_it_cannot_trust() {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let keys = std::env::temp_dir().join(format!("tandem-smtp-tls-{}", std::process::id()));
    std::fs::create_dir_all(&keys).unwrap();
    let (cert_file, key_file) = (keys.join("cert.pem"), keys.join("key.pem"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key_pair.serialize_pem()).unwrap();
    // STARTTLS, the submission port's way. (smtps:// is lettre's TLS
    // wrapper over the same parameters; aiosmtpd's implicit TLS stalled
    // the handshake here, so it is not tried against a live relay.)
    for (mode, scheme, query) in [("starttls", "smtp", "?tls=starttls")] {
        let dir = keys.join(mode);
        let Some(service) = PythonService::start(
            "aiosmtpd",
            TLS_SMTPD,
            &[
                dir.to_str().unwrap(),
                cert_file.to_str().unwrap(),
                key_file.to_str().unwrap(),
            ],
        ) else {
            return;
        };
        let relay = |password: &str| {
            Relay::parse(&format!(
                "{scheme}://tandem:{password}@127.0.0.1:{}{query}",
                service.port
            ))
            .unwrap()
        };
        for (relay, mailed) in [
            // The relay's certificate is no system root's: not trusted.
            (relay("s3cret"), false),
            // Trusted, with the wrong password: refused.
            (
                relay("wrong").trusting(cert.pem().into_bytes()).unwrap(),
                false,
            ),
            (
                relay("s3cret").trusting(cert.pem().into_bytes()).unwrap(),
                true,
            ),
        ] {
            let url = tandem_store::testing::fresh_sqlite_url();
            seed(&url).await;
            let server = Server::with_mail(&url, |base| MailOptions {
                relay,
                from: "Tandem <tandem@x.org>".into(),
                public_url: base.to_string(),
                every: Duration::from_secs(3600),
            })
            .await;
            let ana = Api::login(&server.base, "ana").await;
            let (status, invitation) = ana
                .post(
                    &format!("{WS}/members"),
                    json!({"email": "zoe@x.org", "role": "member"}),
                )
                .await;
            assert_eq!(status, StatusCode::ACCEPTED, "{invitation}");
            assert_eq!(invitation["mailed"], mailed, "{mode}: {invitation}");
            // Either way the inviter has the link to hand on.
            assert!(invitation["link"].is_string());
            server.stop().await;
        }
        let messages = received(&dir);
        assert_eq!(
            messages.len(),
            1,
            "{mode}: one message, the trusted one: {messages:?}"
        );
        let (headers, _) = messages.values().next().unwrap();
        assert!(header(headers, "to").contains("zoe@x.org"), "{headers:?}");
    }
}
