//! `tandem webhook`: a receiver on loopback hears a task made, signed
//! with the secret; the delivery log shows it; a private target is
//! refused by a server that does not allow them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use super::project_parts::{id_of, json};
use super::*;

/// One request a receiver got: its headers (names in lower case) and
/// body.
struct Got {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A receiver on a free loopback port: every request it gets, answered
/// 200 with the connection closed.
fn receiver() -> (String, mpsc::Receiver<Got>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).unwrap();
                let text = line.trim_end();
                if text.is_empty() {
                    break;
                }
                let (name, value) = text.split_once(':').unwrap();
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
            let length: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .unwrap();
            if tx.send(Got { headers, body }).is_err() {
                return;
            }
        }
    });
    (url, rx)
}

fn next(got: &mpsc::Receiver<Got>) -> Got {
    got.recv_timeout(Duration::from_secs(30))
        .expect("a delivery within 30 s")
}

#[test]
fn a_webhook_hears_a_task_made_signed_with_its_secret() {
    let dir = temp_dir("webhooks");
    let config = dir.join("config");
    let database = format!("sqlite://{}", dir.join("hooks.db").display());
    let _server = serve_demo_with(&database, &config, &["--allow-private-webhooks"]);
    let (url, got) = receiver();

    let added = ok(
        &config,
        &[
            "webhook",
            "add",
            &url,
            "--secret",
            "S",
            "--events",
            "task.created,task.status_changed",
        ],
    );
    assert!(added.starts_with("Added webhook "), "{added}");
    let hooks = json(&config, &["webhook", "list"]);
    let id = id_of(&hooks[0]);

    let task = json(
        &config,
        &[
            "task",
            "add",
            "Hooked",
            "--project",
            "LAUNCH",
            "--due",
            "2027-03-01",
        ],
    );
    let key = task["key"].as_str().unwrap();
    let delivery = next(&got);
    assert_eq!(delivery.header("x-tandem-event"), "task.created");
    assert_eq!(
        delivery.header("x-tandem-signature-256"),
        tandem_server::webhooks::signature("S", &delivery.body)
    );
    let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(body["event"], "task.created");
    assert_eq!(body["task"]["key"], key);
    assert_eq!(body["task"]["title"], "Hooked");

    // A ping, after which the first delivery's answer is in the log.
    ok(&config, &["webhook", "ping", &id]);
    assert_eq!(next(&got).header("x-tandem-event"), "ping");
    let shown = json(&config, &["webhook", "show", &id]);
    let log = shown["deliveries"].as_array().unwrap();
    let made = log.iter().find(|d| d["event"] == "task.created").unwrap();
    assert_eq!(made["status"], "delivered");
    assert_eq!(made["response_code"], 200);
    let table = ok(&config, &["webhook", "show", &id]);
    assert!(
        table.contains("task.created") && table.contains("delivered"),
        "{table}"
    );

    // Sent again by hand: the same body.
    let again = json(
        &config,
        &["webhook", "redeliver", &id, &made["id"].to_string()],
    );
    assert_eq!(again["redelivery_of"], made["id"]);
    assert_eq!(next(&got).body, delivery.body);

    // Off, then removed.
    ok(&config, &["webhook", "edit", &id, "--active", "off"]);
    let said = fails(&config, &["webhook", "ping", &id]);
    assert!(said.contains("off"), "{said}");
    let said = fails(&config, &["webhook", "edit", &id]);
    assert!(said.contains("nothing to change"), "{said}");
    ok(&config, &["webhook", "remove", &id]);
    assert_eq!(json(&config, &["webhook", "list"]), serde_json::json!([]));
}

#[test]
fn a_private_target_is_refused_without_the_servers_leave() {
    let dir = temp_dir("webhooks-private");
    let config = dir.join("config");
    let database = format!("sqlite://{}", dir.join("hooks.db").display());
    let _server = serve_demo(&database, &config);
    let said = fails(
        &config,
        &[
            "webhook",
            "add",
            "http://127.0.0.1:9/hook",
            "--secret",
            "S",
            "--events",
            "task.created",
        ],
    );
    assert!(said.contains("--allow-private-webhooks"), "{said}");
    let said = fails(
        &config,
        &[
            "webhook",
            "add",
            "https://hooks.example.org/x",
            "--secret",
            "S",
            "--events",
            "task.exploded",
        ],
    );
    assert!(
        said.contains("events") && said.contains("task.exploded"),
        "{said}"
    );
    // The events, without a server.
    let events = ok(&config, &["webhook", "events"]);
    assert!(events.contains("task.status_changed"), "{events}");
}
