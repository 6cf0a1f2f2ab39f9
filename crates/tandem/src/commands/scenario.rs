//! `tandem scenario`: what-if branches of a project's plan, compared with
//! it, applied or discarded. Tasks and links change in a scenario through
//! `task edit --scenario` and `dep add|rm --scenario`.

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
    /// untouched. Change it with `task edit KEY-N --scenario NAME …` and
    /// `dep add|rm … --scenario NAME`.
    Add { key: String, name: String },
    /// The project's scenarios and what each changes.
    List { key: String },
    /// The scenario beside the plan: both finishes (YYYY-MM-DDTHH:MM), the
    /// latest baseline's, tasks whose finish moved, both critical paths,
    /// milestones' work and each person's open hours.
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

fn print_scenario(s: &ScenarioView) {
    outln!(
        "{}  {} task{}, {} link{} changed",
        s.name,
        s.tasks.len(),
        if s.tasks.len() == 1 { "" } else { "s" },
        s.links.len(),
        if s.links.len() == 1 { "" } else { "s" }
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
                    "Applied scenario {} to {key}: {} task(s), {} link(s) changed",
                    done.name,
                    done.tasks,
                    done.links
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
