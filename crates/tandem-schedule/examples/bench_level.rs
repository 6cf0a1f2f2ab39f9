//! Times resource levelling on a Microsoft Project XML file, with the leaf
//! tasks given round-robin to PEOPLE owners.
//!
//! cargo run --release -p tandem-schedule --example bench_level -- FILE [PEOPLE]

use std::time::Instant;

use tandem_schedule::level::{Resources, level};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: bench_level FILE [PEOPLE]");
    let people: usize = args
        .next()
        .map(|p| p.parse().expect("PEOPLE is a number"))
        .unwrap_or(50);
    let xml = std::fs::read_to_string(&path).expect("readable file");
    let plan = tandem_schedule::mspdi::read(&xml)
        .expect("MSPDI")
        .plan()
        .expect("a plan");
    let resources = Resources {
        owner: (0..plan.tasks.len()).map(|t| Some(t % people)).collect(),
        time_off: vec![Vec::new(); people],
        elsewhere: Vec::new(),
    };
    let started = Instant::now();
    let result = level(&plan, &resources).expect("levels");
    let elapsed = started.elapsed();
    let before: i64 = result.overallocated_before.iter().sum();
    let after: i64 = result.overallocated_after.iter().sum();
    println!(
        "{path}: {} tasks over {people} people levelled in {:.0} ms; over-allocation {:.0} → {:.0} person-days; finish +{:.0} working days; {} tasks delayed",
        plan.tasks.len(),
        elapsed.as_secs_f64() * 1e3,
        before as f64 / 480.0,
        after as f64 / 480.0,
        (result.finish_after - result.finish_before) as f64 / 480.0,
        result.delayed.len(),
    );
}
