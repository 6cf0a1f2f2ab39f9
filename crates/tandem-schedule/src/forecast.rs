//! A probabilistic forecast: Monte Carlo over three-point estimates.
//!
//! Each run draws every estimated task's duration from a triangular
//! distribution over (optimistic, likely, pessimistic), schedules the plan
//! and records the finish of the project and of each milestone and which
//! tasks were critical. The result is the P50 / P80 / P95 of those finishes
//! and each task's criticality index (the share of runs in which it was
//! critical). The same seed gives the same forecast.

use crate::cpm::{Plan, Prepared, ScheduleError};

/// A three-point estimate in working minutes, `optimistic <= likely <=
/// pessimistic`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub optimistic: i64,
    pub likely: i64,
    pub pessimistic: i64,
}

/// Finishes as working-minute indices on the plan's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentiles {
    pub p50: i64,
    pub p80: i64,
    pub p95: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub runs: usize,
    /// The finish with every task at its own duration, for comparison.
    pub planned_finish: i64,
    pub project: Percentiles,
    /// Each milestone (task index) and its finish percentiles.
    pub milestones: Vec<(usize, Percentiles)>,
    /// Per task, the share of runs in which it was critical, 0 to 1.
    pub criticality: Vec<f64>,
}

/// Runs the forecast. `estimates` has one entry per task of the plan; a task
/// without one keeps its duration in every run.
pub fn forecast(
    plan: &Plan,
    estimates: &[Option<Estimate>],
    runs: usize,
    seed: u64,
) -> Result<Forecast, ScheduleError> {
    Ok(forecast_prepared(
        &Prepared::new(plan)?,
        estimates,
        runs,
        seed,
    ))
}

/// As [`forecast`], on a plan already prepared (a caller that also needs
/// its timeline prepares it once).
pub fn forecast_prepared(
    prepared: &Prepared<'_>,
    estimates: &[Option<Estimate>],
    runs: usize,
    seed: u64,
) -> Forecast {
    let plan = prepared.plan;
    let n = plan.tasks.len();
    let runs = runs.max(1);
    let milestones: Vec<usize> = (0..n).filter(|&t| plan.tasks[t].milestone).collect();
    // SplitMix64 is a counter: the draws of run r start r × (draws a run)
    // steps after the seed. So runs split over threads draw exactly what
    // one thread would, and the forecast stays the same for a seed however
    // many cores run it.
    let draws = estimates.iter().take(n).filter(|e| e.is_some()).count() as u64;
    let threads = std::thread::available_parallelism()
        .map(|p| p.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(runs.div_ceil(250));
    let chunk = runs.div_ceil(threads);
    let simulate = |first: usize, count: usize| {
        let mut random = SplitMix64(
            seed.wrapping_add(
                (first as u64)
                    .wrapping_mul(draws)
                    .wrapping_mul(GOLDEN_GAMMA),
            ),
        );
        let mut durations = prepared.durations.clone();
        let mut finishes = Vec::with_capacity(count);
        let mut milestone_finishes: Vec<Vec<i64>> =
            vec![Vec::with_capacity(count); milestones.len()];
        let mut critical_runs = vec![0u32; n];
        for _ in 0..count {
            for (t, estimate) in estimates.iter().enumerate().take(n) {
                if let Some(e) = estimate {
                    durations[t] = triangular(*e, random.unit());
                }
            }
            let run = prepared.run(&durations);
            finishes.push(run.finish);
            for (slot, &m) in milestones.iter().enumerate() {
                milestone_finishes[slot].push(run.tasks[m].early_finish);
            }
            for (t, dates) in run.tasks.iter().enumerate() {
                if dates.critical && !dates.summary {
                    critical_runs[t] += 1;
                }
            }
        }
        (finishes, milestone_finishes, critical_runs)
    };
    let parts = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let first = i * chunk;
                let count = chunk.min(runs.saturating_sub(first));
                let simulate = &simulate;
                scope.spawn(move || simulate(first, count))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a forecast thread panicked"))
            .collect::<Vec<_>>()
    });
    let mut project_finishes = Vec::with_capacity(runs);
    let mut milestone_finishes: Vec<Vec<i64>> = vec![Vec::with_capacity(runs); milestones.len()];
    let mut critical_runs = vec![0u32; n];
    for (finishes, milestones_part, critical) in parts {
        project_finishes.extend(finishes);
        for (all, part) in milestone_finishes.iter_mut().zip(milestones_part) {
            all.extend(part);
        }
        for (all, part) in critical_runs.iter_mut().zip(critical) {
            *all += part;
        }
    }
    Forecast {
        runs,
        planned_finish: prepared.run(&prepared.durations).finish,
        project: percentiles(&mut project_finishes),
        milestones: milestones
            .iter()
            .zip(milestone_finishes.iter_mut())
            .map(|(&m, f)| (m, percentiles(f)))
            .collect(),
        criticality: critical_runs
            .iter()
            .map(|&c| f64::from(c) / runs as f64)
            .collect(),
    }
}

fn percentiles(values: &mut [i64]) -> Percentiles {
    values.sort_unstable();
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Percentiles {
        p50: at(0.50),
        p80: at(0.80),
        p95: at(0.95),
    }
}

/// The inverse distribution function of the triangular distribution.
fn triangular(e: Estimate, u: f64) -> i64 {
    let (a, m, b) = (e.optimistic as f64, e.likely as f64, e.pessimistic as f64);
    if b <= a {
        return e.likely;
    }
    let split = (m - a) / (b - a);
    let value = if u < split {
        a + (u * (b - a) * (m - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - m)).sqrt()
    };
    value.round() as i64
}

/// SplitMix64's increment: the state after k draws is seed + k × this.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64: a small, well-distributed generator; deterministic for a
/// seed, which is all a reproducible forecast needs.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::cpm::{Lag, LinkKind, LinkSpec, TaskSpec, day};
    use chrono::NaiveDate;

    fn chain() -> (Plan, Vec<Option<Estimate>>) {
        let day_minutes = 480;
        let mut tasks: Vec<TaskSpec> = (0..3)
            .map(|i| TaskSpec::new(i, format!("T{i}"), 2 * day_minutes))
            .collect();
        tasks.push(TaskSpec::new(9, "Done", 0));
        let links = (0..3)
            .map(|i| LinkSpec {
                predecessor: i,
                successor: i + 1,
                kind: LinkKind::FinishToStart,
                lag: Lag::Work(0),
            })
            .collect();
        let plan = Plan {
            status_date: None,
            calendar: Calendar::default(),
            calendars: Vec::new(),
            start: day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 8),
            tasks,
            links,
        };
        let estimate = Estimate {
            optimistic: day_minutes,
            likely: 2 * day_minutes,
            pessimistic: 5 * day_minutes,
        };
        (
            plan,
            vec![Some(estimate), Some(estimate), Some(estimate), None],
        )
    }

    #[test]
    fn the_same_seed_gives_the_same_forecast() {
        let (plan, estimates) = chain();
        assert_eq!(
            forecast(&plan, &estimates, 500, 7).unwrap(),
            forecast(&plan, &estimates, 500, 7).unwrap()
        );
        assert_ne!(
            forecast(&plan, &estimates, 500, 7).unwrap().project,
            forecast(&plan, &estimates, 500, 8).unwrap().project
        );
    }

    #[test]
    fn percentiles_are_ordered_and_within_the_extremes() {
        let (plan, estimates) = chain();
        let result = forecast(&plan, &estimates, 2000, 1).unwrap();
        let start = crate::cpm::schedule(&plan).unwrap().start;
        let p = result.project;
        assert!(p.p50 <= p.p80 && p.p80 <= p.p95);
        // Three tasks of 1 to 5 days: between 3 and 15 days.
        assert!(p.p50 - start > 3 * 480 && p.p95 - start < 15 * 480, "{p:?}");
        // The mean of a triangular (1, 2, 5) is 8/3 days, so the median
        // of the sum of three is near 8 days.
        assert!(((p.p50 - start) as f64 / 480.0 - 8.0).abs() < 0.75, "{p:?}");
        assert_eq!(result.milestones.len(), 1);
        assert_eq!(
            result.milestones[0].1, p,
            "the closing milestone finishes with the project"
        );
        assert!(
            result.criticality.iter().take(3).all(|&c| c == 1.0),
            "a single chain is always critical"
        );
    }

    #[test]
    fn the_generator_jumps_ahead_as_threads_need() {
        let mut one = SplitMix64(42);
        for _ in 0..1000 {
            one.next();
        }
        let mut jumped = SplitMix64(42u64.wrapping_add(1000u64.wrapping_mul(GOLDEN_GAMMA)));
        assert_eq!(one.next(), jumped.next());
    }

    #[test]
    fn a_forecast_does_not_depend_on_how_runs_are_split() {
        // 500 runs are split over threads where there are cores; 250 runs
        // stay on one. The two halves of the 500, run apart from the right
        // places in the generator's sequence, add up to the whole.
        let (plan, estimates) = chain();
        let prepared = Prepared::new(&plan).unwrap();
        let draws = estimates.iter().filter(|e| e.is_some()).count() as u64;
        let whole = forecast_prepared(&prepared, &estimates, 500, 9);
        let first = forecast_prepared(&prepared, &estimates, 250, 9);
        let second_seed = 9u64.wrapping_add((250 * draws).wrapping_mul(GOLDEN_GAMMA));
        let second = forecast_prepared(&prepared, &estimates, 250, second_seed);
        for t in 0..plan.tasks.len() {
            let halves = (first.criticality[t] + second.criticality[t]) / 2.0;
            assert!((whole.criticality[t] - halves).abs() < 1e-9, "task {t}");
        }
    }

    #[test]
    fn triangular_draws_stay_in_range() {
        let e = Estimate {
            optimistic: 100,
            likely: 150,
            pessimistic: 400,
        };
        let mut random = SplitMix64(3);
        for _ in 0..10_000 {
            let d = triangular(e, random.unit());
            assert!((100..=400).contains(&d));
        }
    }
}
