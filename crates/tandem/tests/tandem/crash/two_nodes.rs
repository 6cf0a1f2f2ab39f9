//! Two `tandem serve` processes on one PostgreSQL database, and a live
//! page on one hearing writes made through the other.

use std::time::Duration;

use serde_json::{Value, json};

use super::{PROJECT, REQUEST_TIMEOUT, Server, WORKSPACE, seed_writer, sign_in, temp_dir};

/// Two `tandem serve` processes on one PostgreSQL database: a page open on
/// the second hears a write made through the first, named by kind and key.
/// (How fast is measured by `tandem-bench --live`, not asserted here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_on_one_node_hears_a_write_made_on_another() {
    let Some(admin_url) = tandem_store::testing::postgres_url() else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
        return;
    };
    let database = tandem_store::testing::fresh_postgres_database(&admin_url)
        .await
        .expect("create a fresh PostgreSQL database");
    let dir = temp_dir("two-nodes");
    seed_writer(&database);
    let one = Server::start(&database, &dir).await;
    let two = Server::start(&database, &dir).await;
    let http = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap();
    let token = sign_in(&http, &one.url).await;
    let project = http
        .post(format!(
            "{}/api/v1/workspaces/{WORKSPACE}/projects",
            one.url
        ))
        .bearer_auth(&token)
        .json(&json!({"key": PROJECT, "name": "Two nodes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(project.status(), 201);

    // A page's stream on node 2, opened with a token as a script would.
    let stream_http = reqwest::Client::new();
    let mut events = stream_http
        .get(format!("{}/w/{WORKSPACE}/events", two.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    assert_eq!(events.headers()["content-type"], "text/event-stream");

    let created = http
        .post(format!("{}/api/v1/workspaces/{WORKSPACE}/tasks", one.url))
        .bearer_auth(&token)
        .json(&json!({"title": "Heard elsewhere", "project": PROJECT}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let key = created.json::<Value>().await.unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();

    let wanted = format!(r#""kind":"task","action":"created","key":"{key}","project":"{PROJECT}""#);
    let mut heard = String::new();
    // Bounded: a node that never hears fails here instead of hanging.
    tokio::time::timeout(Duration::from_secs(20), async {
        while !heard.contains(&wanted) {
            let chunk = events.chunk().await.unwrap().expect("the stream ended");
            heard.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("node 2 did not hear the write; it heard: {heard}"));
    assert!(!heard.contains("Heard elsewhere"), "events carry no titles");
    drop(one);
    drop(two);
    let _ = std::fs::remove_dir_all(&dir);
}
