//! `tandem scenario`: what-if branches of a project's plan, compared with
//! it, applied or discarded. Tasks and links change in a scenario through
//! `task edit --scenario` and `dep add|rm --scenario`, the calendar
//! through `calendar … --scenario`, levelling through `level KEY
//! --scenario NAME`.

use anyhow::{Result, anyhow};
use clap::Subcommand;
use reqwest::Method;
use serde_json::json;
use tandem_api::*;
use tandem_domain::TaskKey;

use super::values::encode;
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln};

#[derive(Debug, Subcommand)]
pub(super) enum ScenarioCommand {
    /// Branch a project's plan: a new scenario NAME, empty; the plan is
    /// untouched. Change it with `task edit KEY-N --scenario NAME …`,
    /// `dep add|rm … --scenario NAME`, `calendar week|add|rm KEY …
    /// --scenario NAME` and `level KEY --scenario NAME --apply`.
    Add { key: String, name: String },
    /// The project's scenarios and what each changes.
    List { key: String },
    /// The scenario beside the plan: both finishes (YYYY-MM-DDTHH:MM), the
    /// latest baseline's, tasks whose finish moved, both critical paths,
    /// milestones' work, each person's open hours, the cost of both (by
    /// members' cost rates, beside the budget), the scheduler's warnings
    /// (a due date missed, a constraint not kept) the scenario brings or
    /// settles, and what the plan
    /// changed meanwhile that the scenario changes too (apply is refused
    /// until it is changed in the scenario again).
    Compare { key: String, name: String },
    /// The Monte Carlo forecast of the scenario's plan (P50/P80/P95
    /// finish), as `tandem forecast` gives the plan's.
    Forecast {
        key: String,
        name: String,
        /// How many schedules to draw (1 to 20000; 2000 by default).
        #[arg(long)]
        runs: Option<usize>,
        /// The random seed (the same seed, the same answer).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Write the scenario's changes to the plan and discard it, in one
    /// transaction; refused, naming them, while a task it edits changed
    /// since.
    Apply { key: String, name: String },
    /// Discard the scenario; the plan is untouched.
    Rm { key: String, name: String },
}

/// The path of a project's scenario, or of its scenarios.
pub(super) async fn path(client: &Client, key: &str, name: Option<&str>) -> Result<String> {
    let base = client
        .ws_path(&format!("/projects/{key}/scenarios"))
        .await?;
    Ok(match name {
        Some(name) => format!("{base}/{}", encode(name)),
        None => base,
    })
}

/// The project a task key belongs to: a scenario is of a project.
pub(super) fn project_of(task: &str) -> Result<String> {
    match TaskKey::parse(task) {
        Ok(TaskKey::Project { project, .. }) => Ok(project),
        Ok(TaskKey::Personal { .. }) => Err(anyhow!(
            "{task} is a personal task: scenarios are of a project's plan"
        )),
        Err(e) => Err(anyhow!("{task}: {e}")),
    }
}

/// `tandem level KEY --clear --scenario NAME`: every levelling delay taken
/// out of the scenario's plan, the plan untouched.
pub(super) async fn clear_level(
    client: &Client,
    key: &str,
    name: &str,
    as_json: bool,
) -> Result<()> {
    let cleared: ScenarioView = client
        .send(
            Method::POST,
            &format!("{}/levelling/clear", path(client, key, Some(name)).await?),
            Some(&json!({})),
        )
        .await?;
    if as_json {
        print_json(&cleared);
    } else {
        outln!("Levelling cleared in scenario {name} of {key}; the plan is untouched.");
        print_scenario(&cleared);
    }
    Ok(())
}

fn print_scenario(s: &ScenarioView) {
    let c = &s.calendar;
    let calendar_changes = c.changes();
    outln!(
        "{}  {} task{}, {} link{}, {} calendar change{}",
        s.name,
        s.tasks.len(),
        if s.tasks.len() == 1 { "" } else { "s" },
        s.links.len(),
        if s.links.len() == 1 { "" } else { "s" },
        calendar_changes,
        if calendar_changes == 1 { "" } else { "s" }
    );
    for t in &s.tasks {
        let changes: Vec<String> = t
            .changes
            .iter()
            .map(|(field, value)| {
                if value.is_null() {
                    format!("{field} cleared")
                } else {
                    format!("{field} {value}")
                }
            })
            .collect();
        outln!("  {}  {}: {}", t.key, t.title, changes.join(", "));
    }
    for l in &s.links {
        outln!(
            "  {} {} → {} ({}, lag {:+}d)",
            if l.removed { "-" } else { "+" },
            l.predecessor,
            l.successor,
            l.kind.as_str().to_uppercase(),
            l.lag_days
        );
    }
    for l in &s.lost {
        outln!(
            "  lost: {}{} went with a task deleted from the plan ({})",
            l.object,
            if l.fields.is_empty() {
                String::new()
            } else {
                format!(" ({})", l.fields.join(", "))
            },
            l.deleted_at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    if let Some(week) = &c.work_week {
        outln!(
            "  working week: {}",
            week.iter()
                .map(|d| if d.is_empty() { "off" } else { d.as_str() })
                .collect::<Vec<_>>()
                .join(" | "),
        );
    }
    if let Some(hours) = c.hours_per_day {
        outln!("  a day of estimate: {hours} hours");
    }
    for e in &c.added {
        outln!(
            "  + #{} {} ({} → {}{})",
            e.id,
            e.name,
            e.start_date,
            e.end_date,
            if e.hours.is_empty() {
                String::new()
            } else {
                format!(", {}", e.hours)
            }
        );
    }
    for id in &c.removed {
        outln!("  - calendar exception #{id}");
    }
}

pub(super) async fn run(client: &Client, command: ScenarioCommand, as_json: bool) -> Result<()> {
    match command {
        ScenarioCommand::Add { key, name } => {
            let made: ScenarioView = client
                .send(
                    Method::POST,
                    &path(client, &key, None).await?,
                    Some(&json!({ "name": name })),
                )
                .await?;
            if as_json {
                print_json(&made);
            } else {
                outln!("Added scenario {} of {key}", made.name);
            }
        }
        ScenarioCommand::List { key } => {
            let all: Vec<ScenarioView> = client
                .send(Method::GET, &path(client, &key, None).await?, None)
                .await?;
            if as_json {
                print_json(&all);
            } else if all.is_empty() {
                outln!("{key} has no scenario.");
            } else {
                for s in &all {
                    print_scenario(s);
                }
            }
        }
        ScenarioCommand::Compare { key, name } => {
            let c: ScenarioComparisonView = client
                .send(Method::GET, &path(client, &key, Some(&name)).await?, None)
                .await?;
            if as_json {
                print_json(&c);
                return Ok(());
            }
            print_scenario(&c.scenario);
            outln!("\n              plan               scenario");
            outln!("finish        {}   {}", c.plan_finish, c.scenario_finish);
            if let Some(b) = &c.baseline_finish {
                outln!("baseline      {b}");
            }
            if c.plan_cost.is_some() || c.scenario_cost.is_some() {
                let amount = |a: Option<f64>| a.map_or("—".to_string(), |a| format!("{a:.2}"));
                outln!(
                    "cost          {:<18} {}",
                    amount(c.plan_cost),
                    amount(c.scenario_cost)
                );
                if let Some(h) = c.scenario_uncosted_hours.filter(|h| *h > 0.0) {
                    outln!(
                        "not costed    {h} hours of the scenario's work (owners without a rate)"
                    );
                }
                if let Some(budget) = c.budget {
                    outln!("budget        {budget:.2}");
                }
            }
            for m in &c.milestones {
                outln!(
                    "{}  (dated {}): work finishes {} → {}",
                    m.name,
                    or_dash(m.date),
                    or_dash(m.plan_work_finish.as_deref()),
                    or_dash(m.scenario_work_finish.as_deref())
                );
            }
            outln!("\n{} task(s) finish at another time", c.moved_count);
            for m in &c.moved {
                outln!("  {}  {} → {}", m.key, m.plan_finish, m.scenario_finish);
            }
            for (label, chains) in [
                ("plan", &c.plan_critical_chains),
                ("scenario", &c.scenario_critical_chains),
            ] {
                outln!("critical path ({label}):");
                for chain in chains {
                    outln!("  {}", chain.join(" → "));
                }
            }
            for (said, shown, count) in [
                (
                    "warned of in the scenario, not in the plan",
                    &c.new_warnings,
                    c.new_warnings_count,
                ),
                (
                    "warned of in the plan, settled in the scenario",
                    &c.settled_warnings,
                    c.settled_warnings_count,
                ),
            ] {
                if count > 0 {
                    outln!("\n{said} ({count}):");
                    for w in shown {
                        outln!("  {w}");
                    }
                    if count > shown.len() {
                        outln!("  … and {} more", count - shown.len());
                    }
                }
            }
            if !c.conflicts.is_empty() {
                outln!(
                    "\napply is refused until each is changed in the scenario again (or it is discarded):"
                );
                for x in &c.conflicts {
                    match x.kind.as_str() {
                        "link" => outln!("  the link {}: {}", x.object, x.reason),
                        _ => outln!("  {}: {}", x.object, x.reason),
                    }
                }
            }
            if !c.workload.is_empty() {
                outln!("\nopen hours     plan  scenario");
                for w in &c.workload {
                    outln!(
                        "  {:<24} {:>6} {:>9}",
                        w.person.email,
                        w.plan_hours,
                        w.scenario_hours
                    );
                }
            }
        }
        ScenarioCommand::Forecast {
            key,
            name,
            runs,
            seed,
        } => {
            super::schedule::forecast(client, &key, Some(&name), runs, seed, as_json).await?;
        }
        ScenarioCommand::Apply { key, name } => {
            let done: ScenarioAppliedView = client
                .send(
                    Method::POST,
                    &format!("{}/apply", path(client, &key, Some(&name)).await?),
                    None,
                )
                .await?;
            if as_json {
                print_json(&done);
            } else {
                outln!(
                    "Applied scenario {} to {key}: {} task(s), {} link(s), {} calendar change(s)",
                    done.name,
                    done.tasks,
                    done.links,
                    done.calendar
                );
            }
        }
        ScenarioCommand::Rm { key, name } => {
            client
                .send_raw(
                    Method::DELETE,
                    &path(client, &key, Some(&name)).await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Discarded scenario {name} of {key}");
            }
        }
    }
    Ok(())
}
