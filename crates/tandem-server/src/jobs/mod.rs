//! Background work: the outbox's once-only consumers (the rescheduler;
//! webhooks' queuer, and their sender; automation rules), the judge of
//! project health, and the periodic jobs (the purge; the occurrences
//! recurring tasks owe), started together, counted in the
//! [`Metrics`] one unit of work at a time, and stopped together at
//! shutdown, each after the unit it is doing.
//!
//! Every node runs the same loops; the store decides which node does a
//! piece of work. A consumer claims deliveries under a lease
//! (`EventStore::claim_deliveries`: `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), so an event is handled by one node, and by another if that
//! one dies before finishing it. A periodic job is claimed by one atomic
//! update of its due time (`EventStore::claim_job`).
//!
//! What is not here: deciding what a write means for a page (that is
//! `web::live`, which every node runs for its own pages).

mod automation;
mod health;
/// Email digests, where the server sends email.
pub mod mail;
mod notifications;
mod purge;
mod recurrences;
mod rescheduler;
mod webhooks;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use tandem_store::Store;

use crate::metrics::Metrics;

/// Starts every background job of this node.
/// `webhook_wake` tells the webhook sender of deliveries queued by hand.
pub fn start(
    store: Arc<dyn Store>,
    jobs: &Jobs,
    webhooks: crate::webhooks::WebhookOptions,
    webhook_wake: Arc<tokio::sync::Notify>,
    mail: Option<mail::MailOptions>,
) {
    if let Some(mail) = mail {
        mail::start(store.clone(), jobs, mail);
    }
    rescheduler::start(store.clone(), jobs);
    recurrences::start(store.clone(), jobs);
    automation::start(store.clone(), jobs, webhook_wake.clone());
    health::start(store.clone(), jobs);
    notifications::start(store.clone(), jobs);
    webhooks::start(store.clone(), jobs, webhooks, webhook_wake);
    purge::start(store, jobs);
}

/// A wake-up each time the store's feed tells of an event (or of events
/// missed): what an outbox consumer waits on besides its sweep.
fn woken_by_feed(store: &Arc<dyn Store>) -> Arc<tokio::sync::Notify> {
    let wake = Arc::new(tokio::sync::Notify::new());
    let waker = wake.clone();
    let mut feed = store.event_feed();
    tokio::spawn(async move {
        loop {
            match feed.recv().await {
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    waker.notify_one()
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    wake
}

/// The jobs of one server.
#[derive(Clone)]
pub struct Jobs {
    metrics: Metrics,
    stop: Arc<watch::Sender<bool>>,
    running: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

/// Tells a job's loop that the server is stopping.
#[derive(Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    /// Resolves once the server is stopping (at once if it already is).
    pub async fn wait(&mut self) {
        // An error means the sender is gone, which is a stop too.
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }

    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }
}

impl Jobs {
    pub fn new(metrics: Metrics) -> Jobs {
        let (stop, _) = watch::channel(false);
        Jobs {
            metrics,
            stop: Arc::new(stop),
            running: Arc::default(),
        }
    }

    /// Runs a job's loop on the current runtime; the loop should end soon
    /// after its [`Stopping`] resolves.
    pub fn spawn<F>(&self, job: impl FnOnce(Stopping) -> F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(job(Stopping(self.stop.subscribe())));
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
    }

    /// The metrics the jobs report to.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Does one unit of `job`'s work, counting it as a run (and as a
    /// failure when `ok` says so of its result) with its duration.
    pub async fn unit<T>(
        &self,
        job: &'static str,
        work: impl Future<Output = T>,
        ok: impl FnOnce(&T) -> bool,
    ) -> T {
        let started = Instant::now();
        let result = work.await;
        self.metrics.job_ran(job, started.elapsed(), ok(&result));
        result
    }

    /// Tells every job to stop and waits until each has finished the unit
    /// it was doing.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let handles: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.running.lock().unwrap_or_else(|e| e.into_inner()));
        for handle in handles {
            if let Err(e) = handle.await
                && e.is_panic()
            {
                tracing::error!(error = %e, "a background job panicked");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stopping_waits_for_the_unit_in_progress() {
        let jobs = Jobs::new(Metrics::new());
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let (finish_tx, finish_rx) = tokio::sync::oneshot::channel::<()>();
        let worker = jobs.clone();
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = done.clone();
        jobs.spawn(move |mut stopping| async move {
            let unit = worker.unit(
                "test",
                async {
                    started_tx.send(()).unwrap();
                    finish_rx.await.unwrap();
                    seen.store(true, std::sync::atomic::Ordering::SeqCst);
                },
                |_| true,
            );
            unit.await;
            stopping.wait().await;
        });
        started_rx.await.unwrap();
        let stopper = jobs.clone();
        let stopped = tokio::spawn(async move { stopper.stop().await });
        finish_tx.send(()).unwrap();
        stopped.await.unwrap();
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
        let text = jobs.metrics.render(&[]);
        assert!(
            text.contains("tandem_job_runs_total{job=\"test\"} 1"),
            "{text}"
        );
    }
}
