//! Crash safety of acknowledged writes: concurrent writers over HTTP,
//! `kill -9` of `tandem serve` in the middle of their load, a restart on
//! the same database, and every write the server answered 2xx must be
//! there with the value it was answered for. On SQLite, and on PostgreSQL
//! when `TANDEM_TEST_POSTGRES_URL` names a server.
//!
//! What SIGKILL can and cannot show: it ends the process, not the kernel,
//! so whatever the process had already handed to the kernel (SQLite's WAL
//! pages, a transaction PostgreSQL committed) outlives it, fsynced or not.
//! The test therefore proves that Tandem answers only after the commit and
//! keeps no acknowledged write in its own memory alone; that the commit
//! also survives a power cut rests on `synchronous = FULL` (SQLite) and
//! PostgreSQL's defaults, which a process kill does not exercise.

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Notify;

use super::{PROJECT, REQUEST_TIMEOUT, Server, WORKSPACE, seed_writer, sign_in, temp_dir};

const WRITERS: usize = 8;
const ROUNDS: usize = 3;
/// Acknowledged writes, all writers together, after which a round's
/// server is killed.
const KILL_AFTER: usize = 300;
/// Each writer's cap per round, so a round ends even if the kill never
/// comes.
const MAX_WRITES_PER_WRITER: usize = 300;
/// A round is killed after this long whatever was acknowledged, so a slow
/// machine bounds the test's time rather than hanging it.
const ROUND_DEADLINE: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_write_through_kill_9() {
    let dir = temp_dir("sqlite");
    let database = format!("sqlite://{}", dir.join("tandem.db").display());
    crash_rounds("SQLite", &database, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_write_through_kill_9() {
    let Some(admin_url) = tandem_store::testing::postgres_url() else {
        eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped");
        return;
    };
    let database = tandem_store::testing::fresh_postgres_database(&admin_url)
        .await
        .expect("create a fresh PostgreSQL database");
    let dir = temp_dir("postgres");
    crash_rounds("PostgreSQL", &database, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Seeds a workspace, then runs [`ROUNDS`] rounds of load, kill and check
/// against one database, each round's check covering every earlier round's
/// writes too: a restart must not lose what an earlier restart kept.
async fn crash_rounds(backend: &str, database: &str, dir: &Path) {
    let started = Instant::now();
    seed_writer(database);

    let mut server = Server::start(database, dir).await;
    let http = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap();
    let token: Arc<str> = sign_in(&http, &server.url).await.into();
    let project = http
        .post(format!(
            "{}/api/v1/workspaces/{WORKSPACE}/projects",
            server.url
        ))
        .bearer_auth(&*token)
        .json(&json!({"key": PROJECT, "name": "Crash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(project.status(), 201, "{}", project.text().await.unwrap());

    let mut writers: Vec<Writer> = (0..WRITERS).map(Writer::new).collect();
    for round in 1..=ROUNDS {
        let round_started = Instant::now();
        let state = Arc::new(RoundState::default());
        // A client per round: the killed server's pooled connections are
        // dead and must not be offered to the next round.
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap();
        let handles: Vec<_> = writers
            .drain(..)
            .map(|writer| {
                tokio::spawn(writer.write_until_killed(
                    http.clone(),
                    server.url.clone(),
                    token.clone(),
                    state.clone(),
                ))
            })
            .collect();

        // Kill once enough writes are acknowledged (or a writer failed, or
        // the deadline passed), while the other writers are mid-request.
        let _ = tokio::time::timeout(ROUND_DEADLINE, state.stop.notified()).await;
        state.killed.store(true, Ordering::SeqCst);
        let status = server.kill_9();
        let killed_after = round_started.elapsed();
        assert_eq!(
            status.signal(),
            Some(9),
            "{backend} round {round}: the server had already exited ({status}) before the kill"
        );
        let acknowledged_at_kill = state.acknowledged.load(Ordering::SeqCst);

        let mut failures = Vec::new();
        for handle in handles {
            match handle.await.expect("a writer panicked") {
                Ok(writer) => writers.push(writer),
                Err(failure) => failures.push(failure),
            }
        }
        assert!(
            failures.is_empty(),
            "{backend} round {round}: {}",
            failures.join("\n")
        );
        assert!(
            acknowledged_at_kill > 0,
            "{backend} round {round}: no write was acknowledged within {ROUND_DEADLINE:?}"
        );

        server = Server::start(database, dir).await;
        let stored = stored_titles(&http, &server.url, &token).await;
        let check = check(&mut writers, stored);
        let creates: usize = writers.iter().map(|w| w.round_creates).sum();
        let updates: usize = writers.iter().map(|w| w.round_updates).sum();
        println!(
            "{backend} round {round}: {} writes acknowledged ({creates} creates, {updates} updates) \
             before kill -9 at {:.2?}; after the restart {} of {} acknowledged tasks found with \
             their last acknowledged title, {} missing, {} with another title; of {} writes left \
             unanswered by the kill, {} had been applied",
            creates + updates,
            killed_after,
            check.found,
            check.found + check.missing.len() + check.wrong.len(),
            check.missing.len(),
            check.wrong.len(),
            check.unanswered,
            check.unanswered_applied,
        );
        assert!(
            check.missing.is_empty() && check.wrong.is_empty() && check.unexplained.is_empty(),
            "{backend} round {round}: acknowledged writes lost after kill -9\n\
             missing: {:?}\nwith another title: {:?}\nstored but never written: {:?}",
            check.missing,
            check.wrong,
            check.unexplained,
        );
    }
    drop(server);
    println!("{backend}: {ROUNDS} rounds in {:.2?}", started.elapsed());
}

/// The round's shared counters: how many writes were acknowledged, whether
/// the server has been killed, and the signal that it is time to kill it.
#[derive(Default)]
struct RoundState {
    acknowledged: AtomicUsize,
    killed: AtomicBool,
    stop: Notify,
}

#[derive(Debug)]
enum Write {
    Create { title: String },
    Update { key: String, title: String },
}

/// One writer's view of the database, kept across rounds. Each writer
/// updates only its own tasks, one request at a time, so after a kill a
/// task's title is exactly the last one acknowledged, or the one of the
/// single request the kill left unanswered.
struct Writer {
    index: usize,
    sequence: u64,
    /// Each of the writer's tasks, by key, with its last acknowledged title.
    tasks: BTreeMap<String, String>,
    /// The write the kill left without an answer: it may or may not be
    /// stored.
    unanswered: Option<Write>,
    round_creates: usize,
    round_updates: usize,
}

impl Writer {
    fn new(index: usize) -> Self {
        Writer {
            index,
            sequence: 0,
            tasks: BTreeMap::new(),
            unanswered: None,
            round_creates: 0,
            round_updates: 0,
        }
    }

    /// Creates and renames tasks until the server dies. A write counts as
    /// acknowledged only once its whole 2xx answer has been read.
    async fn write_until_killed(
        self,
        http: reqwest::Client,
        url: String,
        token: Arc<str>,
        state: Arc<RoundState>,
    ) -> Result<Writer, String> {
        let index = self.index;
        let result = self.write(http, url, token, &state).await;
        if result.is_err() {
            // Kill now rather than at the deadline: the round has failed.
            state.stop.notify_one();
        }
        result.map_err(|e| format!("writer {index}: {e}"))
    }

    async fn write(
        mut self,
        http: reqwest::Client,
        url: String,
        token: Arc<str>,
        state: &RoundState,
    ) -> Result<Writer, String> {
        self.round_creates = 0;
        self.round_updates = 0;
        let tasks_url = format!("{url}/api/v1/workspaces/{WORKSPACE}/tasks");
        for _ in 0..MAX_WRITES_PER_WRITER {
            self.sequence += 1;
            // Titles are unique across writers and rounds, so a stored
            // title names the one write that put it there.
            let title = format!("writer {} write {}", self.index, self.sequence);
            // Every third write renames one of the writer's tasks, older
            // rounds' included, cycling through them.
            let write = if self.sequence.is_multiple_of(3) && !self.tasks.is_empty() {
                let pick = (self.sequence as usize / 3) % self.tasks.len();
                let key = self.tasks.keys().nth(pick).unwrap().clone();
                Write::Update { key, title }
            } else {
                Write::Create { title }
            };
            let request = match &write {
                Write::Create { title } => http
                    .post(&tasks_url)
                    .json(&json!({"title": title, "project": PROJECT})),
                Write::Update { key, title } => http
                    .patch(format!("{tasks_url}/{key}"))
                    .json(&json!({"title": title})),
            };
            let answer = match request.bearer_auth(&*token).send().await {
                Ok(response) => {
                    let status = response.status();
                    response.text().await.map(|body| (status, body))
                }
                Err(e) => Err(e),
            };
            let (status, body) = match answer {
                Ok(answer) => answer,
                Err(_) if state.killed.load(Ordering::SeqCst) => {
                    self.unanswered = Some(write);
                    return Ok(self);
                }
                Err(e) => return Err(format!("{write:?} failed before the kill: {e}")),
            };
            if !status.is_success() {
                return Err(format!("{write:?} was answered {status}: {body}"));
            }
            let task: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
            match write {
                Write::Create { title } => {
                    let key = task["key"].as_str().ok_or(body.clone())?.to_string();
                    self.tasks.insert(key, title);
                    self.round_creates += 1;
                }
                Write::Update { key, title } => {
                    self.tasks.insert(key, title);
                    self.round_updates += 1;
                }
            }
            if state.acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                state.stop.notify_one();
            }
        }
        Ok(self)
    }
}

#[derive(Default)]
struct Check {
    found: usize,
    missing: Vec<String>,
    wrong: Vec<String>,
    unexplained: Vec<String>,
    unanswered: usize,
    unanswered_applied: usize,
}

/// Compares what is stored with what was acknowledged. A write the kill
/// left unanswered is allowed either way; where it was stored, the writer
/// adopts it, so the next round's expectations are exact again.
fn check(writers: &mut [Writer], mut stored: BTreeMap<String, String>) -> Check {
    let mut check = Check::default();
    for writer in writers.iter_mut() {
        let unanswered = writer.unanswered.take();
        check.unanswered += usize::from(unanswered.is_some());
        for (key, expected) in writer.tasks.iter_mut() {
            match stored.remove(key) {
                None => check.missing.push(format!("{key} ({expected})")),
                Some(actual) if actual == *expected => check.found += 1,
                Some(actual) => match &unanswered {
                    Some(Write::Update { key: k, title }) if k == key && *title == actual => {
                        check.found += 1;
                        check.unanswered_applied += 1;
                        *expected = actual;
                    }
                    _ => check.wrong.push(format!(
                        "{key}: acknowledged {expected:?}, stored {actual:?}"
                    )),
                },
            }
        }
        if let Some(Write::Create { title }) = &unanswered
            && let Some(key) = stored
                .iter()
                .find(|(_, t)| *t == title)
                .map(|(k, _)| k.clone())
        {
            stored.remove(&key);
            writer.tasks.insert(key, title.clone());
            check.unanswered_applied += 1;
        }
    }
    // Anything left was written by no request: a duplicate or a ghost.
    check.unexplained = stored
        .into_iter()
        .map(|(key, title)| format!("{key} ({title})"))
        .collect();
    check
}

/// Every task of the project, key to title, read page by page.
async fn stored_titles(http: &reqwest::Client, url: &str, token: &str) -> BTreeMap<String, String> {
    let mut titles = BTreeMap::new();
    let mut cursor: Option<String> = None;
    // Bounded: far more pages than the rounds can write.
    for _ in 0..100 {
        let mut request = http
            .get(format!("{url}/api/v1/workspaces/{WORKSPACE}/tasks"))
            .bearer_auth(token)
            .query(&[("project", PROJECT), ("limit", "500")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        for task in page["tasks"].as_array().unwrap() {
            titles.insert(
                task["key"].as_str().unwrap().to_string(),
                task["title"].as_str().unwrap().to_string(),
            );
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return titles,
        }
    }
    panic!("the task list did not end within 100 pages");
}
