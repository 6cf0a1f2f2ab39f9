//! The workspace's search at scale (issue 15): `--search N` seeds project
//! BENCH with N tasks and N/2 comments of generated words, serves it on
//! loopback, and prints the server's own time (its `Server-Timing`) for
//! one- and two-word searches, for the most common word and a two-letter
//! prefix (the worst cases), and for creating a task, which writes the
//! index in its transaction.
//!
//! The words: a vocabulary of 10,000 made-up words drawn by a
//! Zipf–Mandelbrot law (weight 1/(rank + 10)), so that a few words are in
//! many texts and most in few, as in real titles; no stop words (people
//! do not search for "the"). Searches pick each word's rank
//! log-uniformly: as many searches for the hundred most common words as
//! for the next nine hundred, and for the nine thousand after.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use rand::{Rng, SeedableRng};
use serde_json::json;
use tandem_domain::TaskFields;
use tandem_store::Store;

const VOCABULARY: usize = 10_000;
const SYLLABLES: [&str; 20] = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "gu", "ha", "ji", "ko", "la",
    "ma", "no", "pe", "ri",
];

/// The word of this rank: its digits in base 20 as syllables, three at
/// least.
fn word(rank: usize) -> String {
    let mut digits = Vec::new();
    let mut n = rank;
    while n > 0 || digits.len() < 3 {
        digits.push(SYLLABLES[n % 20]);
        n /= 20;
    }
    digits.concat()
}

/// Draws words by rank with weight 1/(rank + 10).
struct Words {
    cumulative: Vec<f64>,
}

impl Words {
    fn new() -> Words {
        let mut total = 0.0;
        let cumulative = (0..VOCABULARY)
            .map(|rank| {
                total += 1.0 / (rank as f64 + 10.0);
                total
            })
            .collect();
        Words { cumulative }
    }

    fn draw(&self, rng: &mut impl Rng) -> String {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let at: f64 = rng.r#gen::<f64>() * total;
        word(self.cumulative.partition_point(|c| *c < at))
    }

    fn text(&self, rng: &mut impl Rng, count: usize) -> String {
        let mut words: Vec<String> = (0..count).map(|_| self.draw(rng)).collect();
        if let Some(first) = words.first_mut() {
            // A capital, as titles have; the index folds case.
            let mut chars = first.chars();
            if let Some(c) = chars.next() {
                *first = c.to_uppercase().chain(chars).collect();
            }
        }
        words.join(" ")
    }
}

/// A word for a search: its rank log-uniform over the vocabulary.
fn searched(rng: &mut impl Rng) -> String {
    let rank = ((VOCABULARY as f64).ln() * rng.r#gen::<f64>()).exp() as usize - 1;
    word(rank.min(VOCABULARY - 1))
}

pub async fn run(
    store: Arc<dyn Store>,
    database: &str,
    tasks: usize,
    requests: usize,
    seed: u64,
) -> Result<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let words = Words::new();
    // A database seeded by an earlier run (`--database`) is measured
    // again as it is: seeding a million tasks takes minutes.
    let person0 =
        tandem_domain::Email::parse("person0@bench.example").map_err(anyhow::Error::msg)?;
    let comments = match store.user_by_email(&person0).await? {
        Some(_) => {
            eprintln!("measuring the database as seeded before");
            tasks / 2
        }
        None => seed_bench(store.as_ref(), database, tasks, &words, &mut rng).await?,
    };

    let server = crate::Serving::start(store.clone()).await?;
    let base = server.base.clone();
    let http = reqwest::Client::new();
    let token = crate::token(&http, &base).await?;
    let waited = crate::scale::caught_up(store.as_ref()).await?;
    eprintln!("rescheduler caught up in {waited:.0} s");
    let search = format!("{base}/api/v1/workspaces/bench/search");

    let one: Vec<String> = (0..requests).map(|_| searched(&mut rng)).collect();
    let two: Vec<String> = (0..requests)
        .map(|_| format!("{} {}", searched(&mut rng), searched(&mut rng)))
        .collect();
    let common = vec![word(0); requests.min(50)];
    let prefix = vec!["ka".to_string(); requests.min(50)];
    println!(
        "| {}, {tasks} tasks, {comments} comments | server p50 ms | p95 ms | hits (mean) |",
        store.backend()
    );
    println!("|---|---:|---:|---:|");
    for (name, queries) in [
        ("one word", &one),
        ("two words", &two),
        ("the most common word", &common),
        ("a two-letter prefix (\"ka\")", &prefix),
    ] {
        let (p50, p95, hits) = timed(&http, &token, &search, queries).await?;
        println!("| {name} | {p50:.1} | {p95:.1} | {hits:.1} |");
    }
    let mut creates = Vec::new();
    for i in 0..requests.min(200) {
        let response = http
            .post(format!("{base}/api/v1/workspaces/bench/tasks"))
            .bearer_auth(&token)
            .json(&json!({"project": "BENCH", "title": format!("{} {i}", words.text(&mut rng, 6))}))
            .send()
            .await?;
        creates.push(server_time(&response)?);
        anyhow::ensure!(
            response.status().is_success(),
            "create answered {}",
            response.status()
        );
    }
    let (p50, p95) = percentiles(&mut creates);
    println!("| create a task (indexed in its transaction) | {p50:.1} | {p95:.1} | |");
    server.stop().await;
    Ok(())
}

/// Project BENCH of `tasks` tasks (a third with a description) and half
/// as many comments; the number of comments.
async fn seed_bench(
    store: &dyn Store,
    database: &str,
    tasks: usize,
    words: &Words,
    rng: &mut impl Rng,
) -> Result<usize> {
    let started = Instant::now();
    let owner = crate::bench_workspace(store).await?;
    let writer = owner.writer().context("the bench works as an owner")?;
    store
        .create_project(writer, &crate::bench_project("BENCH", "Benchmark")?)
        .await?;
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..tasks {
        let length = rng.gen_range(3..9);
        let mut fields = TaskFields::titled(words.text(rng, length));
        if i % 3 == 0 {
            let length = rng.gen_range(10..40);
            fields.description = Some(words.text(rng, length));
        }
        batch.push(fields);
        if batch.len() == 10_000 || i + 1 == tasks {
            store.import_tasks(writer, "BENCH", &batch).await?;
            batch.clear();
        }
    }
    eprintln!("{tasks} tasks in {:.0} s", started.elapsed().as_secs_f64());
    // Before the comments: each checks its task's key, and PostgreSQL
    // planned that check for the empty table (370 s for the comments,
    // 100,000 of them before statistics and 400,000 in 40 s after).
    store
        .refresh_statistics(tandem_store::Staleness::Changed)
        .await?;
    let commented = Instant::now();
    let comments = seed_comments(
        store,
        database,
        owner.workspace_id,
        owner.user_id,
        tasks / 2,
        words,
        rng,
    )
    .await?;
    eprintln!(
        "{comments} comments in {:.0} s",
        commented.elapsed().as_secs_f64()
    );
    let analysed = store
        .refresh_statistics(tandem_store::Staleness::Changed)
        .await?;
    eprintln!("statistics refreshed: {analysed:?}");
    Ok(comments)
}

/// The server's p50 and p95 over these searches, and the mean number of
/// hits (20 at most).
async fn timed(
    http: &reqwest::Client,
    token: &str,
    url: &str,
    queries: &[String],
) -> Result<(f64, f64, f64)> {
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for q in queries {
        let response = http
            .get(url)
            .query(&[("q", q.as_str()), ("limit", "20")])
            .bearer_auth(token)
            .send()
            .await?;
        times.push(server_time(&response)?);
        anyhow::ensure!(
            response.status().is_success(),
            "search {q} answered {}",
            response.status()
        );
        let found: serde_json::Value = response.json().await?;
        hits += found.as_array().map(Vec::len).unwrap_or(0);
    }
    let (p50, p95) = percentiles(&mut times);
    Ok((p50, p95, hits as f64 / queries.len().max(1) as f64))
}

fn server_time(response: &reqwest::Response) -> Result<f64> {
    response
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("app;dur="))
        .and_then(|v| v.parse::<f64>().ok())
        .context("an answer without Server-Timing")
}

fn percentiles(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (pick(0.5), pick(0.95))
}

/// `count` comments on BENCH's tasks (every other task, in order), written
/// straight into the database in batches: through the store each would be
/// a transaction with its event, and seeding would take hours. The
/// triggers index them as the store's own writes are. The tables'
/// statistics are refreshed as they grow: planned for the empty tables,
/// each comment's checks slowed to one every 4 ms (171,000 comments in
/// 15 minutes; the rest took a minute after an `ANALYZE`).
async fn seed_comments(
    store: &dyn Store,
    database: &str,
    workspace: i64,
    author: i64,
    count: usize,
    words: &Words,
    rng: &mut impl Rng,
) -> Result<usize> {
    let bodies: Vec<String> = (0..count)
        .map(|_| {
            let length = rng.gen_range(8..26);
            words.text(rng, length)
        })
        .collect();
    macro_rules! fill {
        ($pool:expr, $db:ty) => {{
            let pool = $pool;
            let (project,): (i64,) =
                sqlx::query_as("SELECT id FROM projects WHERE workspace_id = $1 AND key = 'BENCH'")
                    .bind(workspace)
                    .fetch_one(&pool)
                    .await?;
            let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM tasks WHERE project_id = $1 ORDER BY id")
                .bind(project)
                .fetch_all(&pool)
                .await?;
            let now = chrono::Utc::now();
            let mut made = 0;
            for (n, chunk) in bodies.chunks(500).enumerate() {
                if n % 100 == 99 {
                    store.refresh_statistics(tandem_store::Staleness::Outgrown).await?;
                }
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO comments (workspace_id, project_id, subject_kind, task_id, author_id, body, created_at) ",
                );
                q.push_values(chunk, |mut row, body| {
                    let task = ids[(made * 2) % ids.len()].0;
                    made += 1;
                    row.push_bind(workspace)
                        .push_bind(project)
                        .push_bind("task")
                        .push_bind(task)
                        .push_bind(author)
                        .push_bind(body.as_str())
                        .push_bind(now);
                });
                q.build().execute(&pool).await?;
            }
            made
        }};
    }
    Ok(if database.starts_with("postgres") {
        fill!(sqlx::PgPool::connect(database).await?, sqlx::Postgres)
    } else {
        fill!(sqlx::SqlitePool::connect(database).await?, sqlx::Sqlite)
    })
}
