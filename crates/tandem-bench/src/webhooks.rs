//! The webhook benchmark of issue 14: `--webhooks N`. What a webhook adds
//! to a write (the delivery row the outbox keeps for it), as the median
//! time of a task created through the store with and without an active
//! webhook; then how fast deliveries go out: N tasks written while no
//! server runs (the outbox holds them), a server started, and the time
//! until a receiver on loopback has every one, signed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tandem_domain::*;
use tandem_store::Store;
use tandem_store::webhooks::WebhookFields;
use tokio::sync::Notify;

pub async fn run(store: Arc<dyn Store>, database: &str, count: usize) -> Result<()> {
    let owner = crate::bench_workspace(store.as_ref()).await?;
    let writer = || owner.writer().expect("the bench works as an owner");
    let key = ProjectKey::parse("HOOK").map_err(anyhow::Error::msg)?;
    store
        .create_project(
            writer(),
            &NewProject {
                key: key.clone(),
                fields: ProjectFields::named("Heard"),
            },
        )
        .await?;
    let create = |i: usize| {
        let store = store.clone();
        let key = key.clone();
        async move {
            let task = NewTask {
                project: Some(key),
                fields: TaskFields::titled(format!("Heard {i}")),
            };
            let started = Instant::now();
            store.create_task(writer(), &task).await?;
            anyhow::Ok(started.elapsed())
        }
    };
    let warm = count.min(1000);
    let mut without = Vec::with_capacity(warm);
    for i in 0..warm {
        without.push(create(i).await?);
    }

    // The receiver: counts what it gets and says when it has them all.
    let got = Arc::new(AtomicUsize::new(0));
    let all = Arc::new(Notify::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let (counter, done) = (got.clone(), all.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let (counter, done) = (counter.clone(), done.clone());
            async move {
                if headers.contains_key("x-tandem-signature-256")
                    && counter.fetch_add(1, Ordering::SeqCst) + 1 == count
                {
                    done.notify_one();
                }
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    store
        .create_webhook(
            owner.admin().expect("an owner"),
            &WebhookFields {
                url: url.clone(),
                secret: "bench".into(),
                events: vec!["task.created".into()],
                active: true,
            },
        )
        .await?;
    let mut with = Vec::with_capacity(warm);
    for i in 0..warm {
        with.push(create(warm + i).await?);
    }
    // Those already in the outbox are the first of the count.
    let seeded = Instant::now();
    for i in warm..count {
        create(warm + i).await?;
    }
    eprintln!(
        "wrote {count} tasks for delivery in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tandem_server::Server {
        webhooks: tandem_server::webhooks::WebhookOptions {
            allow_private: true,
            ..Default::default()
        },
        ..tandem_server::Server::new(store.clone(), listener)
    };
    let started = Instant::now();
    let serving = tokio::spawn(server.run(async {
        stopped.await.ok();
    }));
    tokio::time::timeout(Duration::from_secs(600), all.notified())
        .await
        .context("every delivery within 10 minutes")?;
    let took = started.elapsed();
    let _ = stop.send(());
    serving.await??;
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1000.0
    };
    let backend = if database.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("| {backend} | figure | value |");
    println!("|---|---|---:|");
    println!(
        "| | a task created, no webhook: median ms ({warm} writes) | {:.3} |",
        median(without)
    );
    println!(
        "| | a task created, one webhook active: median ms ({warm} writes) | {:.3} |",
        median(with)
    );
    println!(
        "| | deliveries from the outbox to a receiver on loopback | {} in {:.2} s: {:.0}/s |",
        got.load(Ordering::SeqCst),
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64()
    );
    Ok(())
}
