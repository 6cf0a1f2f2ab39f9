//! The server's Prometheus metrics: a small registry of its own (counters,
//! gauges and histograms with fixed label sets) and its rendering in the
//! text exposition format, served at `/metrics` on the separate address
//! `serve --metrics-listen` gives. Not a general metrics library: every
//! series is declared here, so the names in docs/operations.md are all
//! there is.
//!
//! Labels are bounded by construction: requests are counted by the route
//! template they matched (never the raw path), methods outside the usual
//! few count as `OTHER`, and jobs are named in code.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use tandem_store::{PoolStats, Store};

/// Upper bounds (seconds) of the latency histograms' buckets: from a
/// cached read to a big import.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The route label of a request no route matched (404s of unknown paths).
pub const UNMATCHED: &str = "unmatched";

/// The registry of one server; cheap to clone, shared by the request
/// middleware, the background jobs and whoever reports the outbox's lag.
#[derive(Clone, Default)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    requests: Mutex<BTreeMap<RequestKey, u64>>,
    latency: Mutex<BTreeMap<(String, &'static str), Histogram>>,
    in_flight: AtomicI64,
    jobs: Mutex<BTreeMap<&'static str, JobSeries>>,
    /// Seconds, as `f64` bits; NaN until someone reports it.
    outbox_lag: AtomicU64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RequestKey {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Default)]
struct Histogram {
    /// Per bucket of [`BUCKETS`], not cumulative; rendering sums them.
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|&bound| seconds <= bound) {
            self.counts[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Default)]
struct JobSeries {
    runs: u64,
    failures: u64,
    duration: Histogram,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each map holds plain numbers, whole after any panic.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The method as a label: the usual ones by name, anything else `OTHER`,
/// so a client inventing methods cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let metrics = Metrics::default();
        metrics
            .inner
            .outbox_lag
            .store(f64::NAN.to_bits(), Ordering::Relaxed);
        metrics
    }

    /// A request began; [`InFlight`] counts it until dropped.
    pub(crate) fn started(&self) -> InFlight {
        self.inner.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self.clone())
    }

    /// A request was answered: counted by route template, method and
    /// status, and its time to the response's head observed.
    pub(crate) fn answered(
        &self,
        route: &str,
        method: &Method,
        status: StatusCode,
        elapsed: Duration,
    ) {
        let method = method_label(method);
        let key = RequestKey {
            route: route.to_string(),
            method,
            status: status.as_u16(),
        };
        *lock(&self.inner.requests).entry(key).or_default() += 1;
        lock(&self.inner.latency)
            .entry((route.to_string(), method))
            .or_default()
            .observe(elapsed.as_secs_f64());
    }

    /// One unit of a background job's work ended, well or not.
    pub fn job_ran(&self, job: &'static str, elapsed: Duration, ok: bool) {
        let mut jobs = lock(&self.inner.jobs);
        let series = jobs.entry(job).or_default();
        series.runs += 1;
        if !ok {
            series.failures += 1;
        }
        series.duration.observe(elapsed.as_secs_f64());
    }

    /// How far behind the outbox's consumers are: the age of the oldest
    /// event not yet handled (zero when none waits). Whoever consumes the
    /// outbox reports it; `/metrics` shows the last value reported.
    pub fn set_outbox_lag(&self, lag: Duration) {
        self.inner
            .outbox_lag
            .store(lag.as_secs_f64().to_bits(), Ordering::Relaxed);
    }

    /// The exposition text: everything counted so far, and the database
    /// pools as they are now.
    pub fn render(&self, pools: &[PoolStats]) -> String {
        let mut out = String::with_capacity(4096);
        self.render_requests(&mut out);
        let _ = writeln!(
            out,
            "# HELP tandem_http_requests_in_flight Requests being handled now.\n\
             # TYPE tandem_http_requests_in_flight gauge\n\
             tandem_http_requests_in_flight {}",
            self.inner.in_flight.load(Ordering::Relaxed)
        );
        render_pools(&mut out, pools);
        self.render_jobs(&mut out);
        let _ = writeln!(
            out,
            "# HELP tandem_schedule_cache_bytes Bytes of schedules kept in memory (bounded).\n\
             # TYPE tandem_schedule_cache_bytes gauge\n\
             tandem_schedule_cache_bytes {}",
            crate::planning::cached_schedule_bytes()
        );
        let lag = f64::from_bits(self.inner.outbox_lag.load(Ordering::Relaxed));
        if !lag.is_nan() {
            let _ = writeln!(
                out,
                "# HELP tandem_outbox_lag_seconds Age of the oldest outbox event not yet handled.\n\
                 # TYPE tandem_outbox_lag_seconds gauge\n\
                 tandem_outbox_lag_seconds {lag}"
            );
        }
        out
    }

    fn render_requests(&self, out: &mut String) {
        out.push_str(
            "# HELP tandem_http_requests_total Requests answered, by route template, method and status.\n\
             # TYPE tandem_http_requests_total counter\n",
        );
        for (key, count) in lock(&self.inner.requests).iter() {
            let _ = writeln!(
                out,
                "tandem_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {count}",
                escape(&key.route),
                key.method,
                key.status
            );
        }
        out.push_str(
            "# HELP tandem_http_request_duration_seconds Time from a request's head to its response's head.\n\
             # TYPE tandem_http_request_duration_seconds histogram\n",
        );
        for ((route, method), histogram) in lock(&self.inner.latency).iter() {
            let labels = format!("route=\"{}\",method=\"{method}\"", escape(route));
            render_histogram(
                out,
                "tandem_http_request_duration_seconds",
                &labels,
                histogram,
            );
        }
    }

    fn render_jobs(&self, out: &mut String) {
        let jobs = lock(&self.inner.jobs);
        out.push_str(
            "# HELP tandem_job_runs_total Units of work background jobs finished.\n\
             # TYPE tandem_job_runs_total counter\n",
        );
        for (job, series) in jobs.iter() {
            let _ = writeln!(
                out,
                "tandem_job_runs_total{{job=\"{job}\"}} {}",
                series.runs
            );
        }
        out.push_str(
            "# HELP tandem_job_failures_total Units of work background jobs failed.\n\
             # TYPE tandem_job_failures_total counter\n",
        );
        for (job, series) in jobs.iter() {
            let _ = writeln!(
                out,
                "tandem_job_failures_total{{job=\"{job}\"}} {}",
                series.failures
            );
        }
        out.push_str(
            "# HELP tandem_job_duration_seconds How long a unit of a background job's work took.\n\
             # TYPE tandem_job_duration_seconds histogram\n",
        );
        for (job, series) in jobs.iter() {
            let labels = format!("job=\"{job}\"");
            render_histogram(
                out,
                "tandem_job_duration_seconds",
                &labels,
                &series.duration,
            );
        }
    }
}

fn render_pools(out: &mut String, pools: &[PoolStats]) {
    out.push_str(
        "# HELP tandem_db_pool_connections Open database connections, by pool and state.\n\
         # TYPE tandem_db_pool_connections gauge\n",
    );
    for pool in pools {
        let busy = (pool.size as usize).saturating_sub(pool.idle);
        let _ = writeln!(
            out,
            "tandem_db_pool_connections{{pool=\"{}\",state=\"idle\"}} {}\n\
             tandem_db_pool_connections{{pool=\"{}\",state=\"busy\"}} {busy}",
            pool.name, pool.idle, pool.name
        );
    }
    out.push_str(
        "# HELP tandem_db_pool_max_connections The most connections a pool opens.\n\
         # TYPE tandem_db_pool_max_connections gauge\n",
    );
    for pool in pools {
        let _ = writeln!(
            out,
            "tandem_db_pool_max_connections{{pool=\"{}\"}} {}",
            pool.name, pool.max
        );
    }
}

fn render_histogram(out: &mut String, name: &str, labels: &str, histogram: &Histogram) {
    let mut cumulative = 0;
    for (bound, count) in BUCKETS.iter().zip(histogram.counts) {
        cumulative += count;
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
    }
    let _ = writeln!(
        out,
        "{name}_bucket{{{labels},le=\"+Inf\"}} {}\n{name}_sum{{{labels}}} {}\n{name}_count{{{labels}}} {}",
        histogram.count, histogram.sum, histogram.count
    );
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// SQLite's group commit: writes over commits is how many writes each
/// sync carried.
fn render_commits(out: &mut String, commits: tandem_store::CommitCounts) {
    let _ = writeln!(
        out,
        "# HELP tandem_commits_total Durable commits of the SQLite writer.\n\
         # TYPE tandem_commits_total counter\n\
         tandem_commits_total {}\n\
         # HELP tandem_committed_writes_total Writes acknowledged by those commits.\n\
         # TYPE tandem_committed_writes_total counter\n\
         tandem_committed_writes_total {}",
        commits.commits, commits.writes
    );
}

/// Counts a request in flight until dropped, however its handling ends.
pub(crate) struct InFlight(Metrics);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.inner.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The router of the metrics address: `GET /metrics`, and nothing else.
pub(crate) fn router(metrics: Metrics, store: Arc<dyn Store>) -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let mut text = metrics.render(&store.pools());
            if let Some(commits) = store.commits() {
                render_commits(&mut text, commits);
            }
            async move {
                (
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                    )],
                    text,
                )
                    .into_response()
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_into_cumulative_buckets() {
        let mut histogram = Histogram::default();
        histogram.observe(0.003);
        histogram.observe(0.003);
        histogram.observe(100.0);
        let mut out = String::new();
        render_histogram(&mut out, "h", "job=\"x\"", &histogram);
        assert!(
            out.contains("h_bucket{job=\"x\",le=\"0.0025\"} 0\n"),
            "{out}"
        );
        assert!(
            out.contains("h_bucket{job=\"x\",le=\"0.005\"} 2\n"),
            "{out}"
        );
        assert!(out.contains("h_bucket{job=\"x\",le=\"30\"} 2\n"), "{out}");
        assert!(out.contains("h_bucket{job=\"x\",le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("h_count{job=\"x\"} 3"), "{out}");
    }

    #[test]
    fn unusual_methods_share_one_label() {
        let odd = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&odd), "OTHER");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
    }

    #[test]
    fn the_outbox_lag_shows_once_reported() {
        let metrics = Metrics::new();
        assert!(!metrics.render(&[]).contains("tandem_outbox_lag_seconds"));
        metrics.set_outbox_lag(Duration::from_millis(1500));
        assert!(
            metrics
                .render(&[])
                .contains("\ntandem_outbox_lag_seconds 1.5\n")
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
