//! Times the scheduler on a Microsoft Project XML file: reading is timed
//! apart from scheduling (forward and backward pass, slack and the critical
//! path), which runs `REPEAT` times; prints the median. Then, once each, what
//! the server adds around a schedule: the plan's fingerprint (to know a
//! stored schedule is stale) and writing the plan back as MSPDI (export).
//!
//! cargo run --release -p tandem-schedule --example bench_mspdi -- FILE [REPEAT]

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: bench_mspdi FILE [REPEAT]");
    let repeat: usize = args
        .next()
        .map(|r| r.parse().expect("REPEAT is a number"))
        .unwrap_or(7);
    let started = Instant::now();
    let xml = std::fs::read_to_string(&path).expect("readable file");
    let project = tandem_schedule::mspdi::read(&xml).expect("MSPDI");
    let plan = project.plan().expect("a plan");
    let read = started.elapsed();
    drop(xml);
    let after_read = memory("VmRSS");
    // Reset the peak (Linux), so the peak below is the scheduling's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let mut times = Vec::with_capacity(repeat);
    let mut critical = 0;
    for _ in 0..repeat {
        let started = Instant::now();
        let result = tandem_schedule::schedule(&plan).expect("schedules");
        critical = result.critical_path().len();
        times.push(started.elapsed());
    }
    times.sort();
    let peak = memory("VmHWM");
    let started = Instant::now();
    let fingerprint = plan.fingerprint();
    let fingerprinted = started.elapsed();
    let result = tandem_schedule::schedule(&plan).expect("schedules");
    let started = Instant::now();
    let written = tandem_schedule::mspdi::write("bench", &plan, &result, &[]);
    let write = started.elapsed();
    let leaves = plan.tasks.len();
    println!(
        "{path}: {leaves} tasks, {} links; read {:.0} ms; schedule + slack + critical path: median {:.1} ms (min {:.1}, max {:.1}) over {repeat}; {critical} critical; memory: {} MB holding the plan, peak while scheduling {} MB",
        plan.links.len(),
        read.as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        after_read / 1024,
        peak / 1024,
    );
    println!(
        "fingerprint {fingerprint:016x} in {:.1} ms; MSPDI written ({} MB) in {:.0} ms",
        fingerprinted.as_secs_f64() * 1e3,
        written.len() / 1_000_000,
        write.as_secs_f64() * 1e3,
    );
}

/// A field of /proc/self/status in KiB (0 where there is no /proc).
fn memory(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}
