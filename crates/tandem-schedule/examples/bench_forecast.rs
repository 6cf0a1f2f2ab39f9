//! Times the Monte Carlo forecast on a Microsoft Project XML file, with
//! three-point estimates made from each task's duration (75 %, 100 %,
//! 180 %): RUNS runs, seed 1.
//!
//! cargo run --release -p tandem-schedule --example bench_forecast -- FILE [RUNS]

use std::time::Instant;

use tandem_schedule::forecast::{Estimate, forecast};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: bench_forecast FILE [RUNS]");
    let runs: usize = args
        .next()
        .map(|r| r.parse().expect("RUNS is a number"))
        .unwrap_or(10_000);
    let xml = std::fs::read_to_string(&path).expect("readable file");
    let plan = tandem_schedule::mspdi::read(&xml)
        .expect("MSPDI")
        .plan()
        .expect("a plan");
    let estimates: Vec<Option<Estimate>> = plan
        .tasks
        .iter()
        .map(|t| {
            (t.duration > 0).then(|| Estimate {
                optimistic: t.duration * 3 / 4,
                likely: t.duration,
                pessimistic: t.duration * 9 / 5,
            })
        })
        .collect();
    let started = Instant::now();
    let result = forecast(&plan, &estimates, runs, 1).expect("schedules");
    let elapsed = started.elapsed();
    let schedule = tandem_schedule::schedule(&plan).expect("schedules");
    let day = |w: i64| schedule.timeline.finish_instant(w).format("%Y-%m-%d");
    let always = result.criticality.iter().filter(|&&c| c >= 0.99).count();
    println!(
        "{path}: {} tasks, {runs} runs in {:.0} ms; finish P50 {} P80 {} P95 {} (deterministic {}); {} milestones; {always} tasks critical in every run",
        plan.tasks.len(),
        elapsed.as_secs_f64() * 1e3,
        day(result.project.p50),
        day(result.project.p80),
        day(result.project.p95),
        day(schedule.finish),
        result.milestones.len(),
    );
}
