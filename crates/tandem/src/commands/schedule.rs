//! `tandem schedule`, `tandem forecast` and `tandem level`: a project's
//! schedule from the server, a Microsoft Project file scheduled locally,
//! the Monte Carlo forecast and resource levelling. Baselines and calendars
//! have their own modules.

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use reqwest::Method;
use serde_json::json;
use tandem_api::*;

use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Args)]
pub(super) struct ScheduleArgs {
    /// The project to schedule (on the server).
    #[arg(required_unless_present = "mspdi", conflicts_with = "mspdi")]
    pub(super) key: Option<String>,
    /// A Microsoft Project XML file, scheduled here without a server. With
    /// --json: one JSON object per line per task.
    #[arg(long)]
    pub(super) mspdi: Option<std::path::PathBuf>,
    /// Rows per page, 1 to 5000 (default: every task at once); a page
    /// ends with the command that prints the next.
    #[arg(long, conflicts_with = "mspdi", value_parser = clap::value_parser!(u16).range(1..=5000))]
    pub(super) limit: Option<u16>,
    /// Where the previous page ended (printed with it).
    #[arg(long, conflicts_with = "mspdi", requires = "limit")]
    pub(super) cursor: Option<String>,
    /// Only key, early start, early finish, slack and criticality per task.
    #[arg(long, conflicts_with = "mspdi")]
    pub(super) compact: bool,
}

/// Schedules a Microsoft Project XML file locally and prints each task's
/// dates and slack, in the file's order.
pub(super) fn schedule_file(path: &std::path::Path, as_json: bool) -> Result<()> {
    let xml =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let project = tandem_schedule::mspdi::read(&xml)
        .with_context(|| format!("reading {}", path.display()))?;
    let plan = project.plan()?;
    let result = tandem_schedule::schedule(&plan).map_err(|e| match e {
        tandem_schedule::ScheduleError::Cycle(uids) => {
            let names: Vec<String> = uids
                .iter()
                .map(|uid| {
                    let name = plan
                        .tasks
                        .iter()
                        .find(|t| t.uid == *uid)
                        .map(|t| t.name.as_str())
                        .unwrap_or("");
                    format!("{uid} ({name})")
                })
                .collect();
            anyhow!("the links form a cycle: {}", names.join(" → "))
        }
        other => anyhow!(other),
    })?;
    let format = tandem_domain::minutes::format;
    if as_json {
        let mut out = String::with_capacity(plan.tasks.len() * 300);
        for (i, task) in plan.tasks.iter().enumerate() {
            let d = &result.tasks[i];
            let [es, ef, ls, lf] = result.instants(i);
            let line = json!({
                "uid": task.uid,
                "name": task.name,
                "early_start": format(es),
                "early_finish": format(ef),
                "late_start": format(ls),
                "late_finish": format(lf),
                "total_slack_minutes": d.total_slack,
                "free_slack_minutes": d.free_slack,
                "critical": d.critical,
                "summary": d.summary,
                "milestone": d.milestone,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        outln!("{}", out.trim_end_matches('\n'));
        return Ok(());
    }
    let per_day = result.timeline.minutes_per_day as f64;
    let rows = plan
        .tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let d = &result.tasks[i];
            let [es, ef, ..] = result.instants(i);
            vec![
                task.uid.to_string(),
                task.name.clone(),
                format(es),
                format(ef),
                format!("{:.2}d", d.total_slack as f64 / per_day),
                if d.critical {
                    "critical".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect::<Vec<_>>();
    table(
        &["uid", "task", "early start", "early finish", "slack", ""],
        &rows,
    );
    outln!(
        "\nFinish: {}",
        format(result.timeline.finish_instant(result.finish))
    );
    let links: Vec<(usize, usize)> = plan
        .links
        .iter()
        .map(|l| (l.predecessor, l.successor))
        .collect();
    let chains: Vec<Vec<String>> =
        tandem_domain::graph::critical_chains(&result.critical_path(), &links)
            .iter()
            .map(|chain| chain.iter().map(|&i| plan.tasks[i].name.clone()).collect())
            .collect();
    print_critical_chains(&chains);
    for diagnostic in &result.diagnostics {
        match diagnostic {
            tandem_schedule::Diagnostic::ConstraintBreaksLink { task, predecessor } => eprintln!(
                "warning: the constraint of {} moves it before its link from {} allows",
                plan.tasks[*task].name, plan.tasks[*predecessor].name
            ),
            tandem_schedule::Diagnostic::BeyondHorizon { task } => eprintln!(
                "warning: the dates of {} run past the sixty years the schedule covers",
                plan.tasks[*task].name
            ),
            tandem_schedule::Diagnostic::DeadlineMissed { task } => {
                eprintln!(
                    "warning: {} finishes after its deadline",
                    plan.tasks[*task].name
                )
            }
        }
    }
    Ok(())
}

/// Prints a project's critical path, finish date and each task's slack,
/// all of it or a page at a time.
pub(super) async fn schedule_project(
    client: &Client,
    args: &ScheduleArgs,
    as_json: bool,
) -> Result<()> {
    let Some(key) = &args.key else {
        bail!("name the project to schedule, or give --mspdi FILE");
    };
    let mut query = Vec::new();
    if let Some(limit) = args.limit {
        query.push(format!("limit={limit}"));
    }
    if let Some(cursor) = &args.cursor {
        query.push(format!("cursor={cursor}"));
    }
    if args.compact {
        query.push("form=compact".to_string());
    }
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    let schedule: ScheduleView = client
        .send(
            Method::GET,
            &client
                .ws_path(&format!("/projects/{key}/schedule{query}"))
                .await?,
            None,
        )
        .await?;
    if as_json {
        print_json(&schedule);
        return Ok(());
    }
    if args.compact {
        let rows = schedule
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.0.clone(),
                    r.1.clone(),
                    r.2.clone(),
                    format!("{:.2}d", r.3 as f64 / 480.0),
                    if r.4 {
                        "critical".into()
                    } else {
                        String::new()
                    },
                ]
            })
            .collect::<Vec<_>>();
        table(&["key", "early start", "early finish", "slack", ""], &rows);
    }
    let with_baseline = schedule.baseline.is_some();
    let rows = schedule
        .tasks
        .iter()
        .map(|t| {
            let mut row = vec![
                t.key.clone(),
                t.title.clone(),
                t.early_start.clone(),
                t.early_finish.clone(),
                format!("{:.2}d", t.total_slack_minutes as f64 / 480.0),
            ];
            if with_baseline {
                row.push(match &t.variance {
                    Some(v) => format!("{:+.2}d", v.finish_days),
                    None => "new".into(),
                });
            }
            row.push(if t.critical {
                "critical".into()
            } else {
                String::new()
            });
            row
        })
        .collect::<Vec<_>>();
    let mut header = vec!["key", "task", "early start", "early finish", "slack"];
    if with_baseline {
        header.push("finish variance");
    }
    header.push("");
    if !args.compact {
        table(&header, &rows);
    }
    if let (Some(next), Some(limit)) = (&schedule.next_cursor, args.limit) {
        let compact = if args.compact { " --compact" } else { "" };
        outln!("More: tandem schedule {key} --limit {limit} --cursor {next}{compact}");
    }
    outln!("\nFinish: {}", schedule.finish);
    if let Some(b) = &schedule.baseline {
        outln!(
            "Baseline: {} (#{}, {})",
            b.name,
            b.id,
            b.created_at.format("%Y-%m-%d %H:%M")
        );
        for m in &schedule.milestones {
            outln!(
                "  {}: {} (baseline {}, {:+.2}d)",
                m.name,
                m.finish,
                m.baseline_finish,
                m.finish_days
            );
        }
    }
    print_critical_chains(&schedule.critical_chains);
    for warning in &schedule.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// The forecast of a project's plan, or of one of its scenarios.
pub(super) async fn forecast(
    client: &Client,
    key: &str,
    scenario: Option<&str>,
    runs: Option<usize>,
    seed: Option<u64>,
    as_json: bool,
) -> Result<()> {
    let mut query = Vec::new();
    if let Some(runs) = runs {
        query.push(format!("runs={runs}"));
    }
    if let Some(seed) = seed {
        query.push(format!("seed={seed}"));
    }
    let of = match scenario {
        Some(name) => format!("/projects/{key}/scenarios/{}", super::values::encode(name)),
        None => format!("/projects/{key}"),
    };
    let path = format!("{of}/forecast?{}", query.join("&"));
    let forecast: ForecastView = client
        .send(Method::GET, &client.ws_path(&path).await?, None)
        .await?;
    if as_json {
        print_json(&forecast);
        return Ok(());
    }
    outln!(
        "{} runs (seed {}); planned finish {}",
        forecast.runs,
        forecast.seed,
        forecast.planned_finish
    );
    if let Some(warning) = &forecast.warning {
        outln!("warning: {warning}");
    }
    let mut rows = vec![vec![
        key.to_string(),
        forecast.finish.p50.clone(),
        forecast.finish.p80.clone(),
        forecast.finish.p95.clone(),
    ]];
    rows.extend(
        forecast
            .milestones
            .iter()
            .map(|(name, p)| vec![name.clone(), p.p50.clone(), p.p80.clone(), p.p95.clone()]),
    );
    table(&["finish of", "p50", "p80", "p95"], &rows);
    let critical: Vec<String> = forecast
        .criticality
        .iter()
        .filter(|c| c.index > 0.0)
        .take(10)
        .map(|c| format!("{} {:.0}%", c.key, c.index * 100.0))
        .collect();
    if !critical.is_empty() {
        outln!("\nMost often critical: {}", critical.join(", "));
    }
    Ok(())
}

pub(super) async fn level(
    client: &Client,
    key: &str,
    scenario: Option<&str>,
    apply: bool,
    as_json: bool,
) -> Result<()> {
    let method = if apply { Method::POST } else { Method::GET };
    let body = apply.then(|| json!({}));
    let path = match scenario {
        Some(name) => format!(
            "{}/levelling",
            super::scenario::path(client, key, Some(name)).await?
        ),
        None => {
            client
                .ws_path(&format!("/projects/{key}/levelling"))
                .await?
        }
    };
    let levelling: LevellingView = client.send(method, &path, body.as_ref()).await?;
    if as_json {
        print_json(&levelling);
        return Ok(());
    }
    let rows = levelling
        .overallocations
        .iter()
        .map(|o| {
            vec![
                o.owner.email.clone(),
                format!("{:.1}h", o.hours_before),
                format!("{:.1}h", o.hours_after),
            ]
        })
        .collect::<Vec<_>>();
    table(&["owner", "overbooked before", "after"], &rows);
    if !levelling.delayed.is_empty() {
        outln!();
        let rows = levelling
            .delayed
            .iter()
            .map(|d| {
                vec![
                    d.key.clone(),
                    d.start.clone(),
                    d.finish.clone(),
                    format!("+{:.2}d", d.delayed_days),
                ]
            })
            .collect::<Vec<_>>();
        table(&["delayed", "start", "finish", "by"], &rows);
    }
    outln!(
        "\nFinish {} → {} ({:+.2}d)",
        levelling.finish_before,
        levelling.finish_after,
        levelling.cost_days
    );
    if let (true, Some(name)) = (levelling.applied, scenario) {
        outln!(
            "Levelled in scenario {name} only: `tandem scenario compare {key} {name}` shows it beside the plan; --clear --scenario {name} takes the delays away there."
        );
    } else if levelling.applied {
        outln!(
            "Applied: each task levelling moves has its levelling delay; --clear takes them all away."
        );
    } else if !levelling.delayed.is_empty() {
        outln!("A preview: run again with --apply to write it.");
    }
    if let Some(standing) = &levelling.standing {
        outln!(
            "Newest levelling ({}{}) changed the levelling delay of {}: --undo takes it back.",
            standing.applied_at.format("%Y-%m-%d %H:%M UTC"),
            standing
                .applied_by
                .as_ref()
                .map(|u| format!(" by {}", u.email))
                .unwrap_or_default(),
            standing.tasks.join(", ")
        );
    }
    Ok(())
}

pub(super) async fn level_all(client: &Client, apply: bool, as_json: bool) -> Result<()> {
    let method = if apply { Method::POST } else { Method::GET };
    let body = apply.then(|| json!({}));
    let all: WorkspaceLevellingView = client
        .send(method, &client.ws_path("/levelling").await?, body.as_ref())
        .await?;
    if as_json {
        print_json(&all);
        return Ok(());
    }
    let rows = all
        .projects
        .iter()
        .map(|p| {
            let l = &p.levelling;
            let over = |f: fn(&OverallocationView) -> f64| {
                format!("{:.1}h", l.overallocations.iter().map(f).sum::<f64>())
            };
            vec![
                p.project.clone(),
                l.delayed.len().to_string(),
                over(|o| o.hours_before),
                over(|o| o.hours_after),
                format!(
                    "{} → {} ({:+.2}d)",
                    l.finish_before, l.finish_after, l.cost_days
                ),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &["project", "delayed", "overbooked before", "after", "finish"],
        &rows,
    );
    if all.applied {
        outln!(
            "Applied: each project's levelling is written; tandem level KEY --undo takes one back."
        );
    } else {
        outln!("A preview: run again with --apply to write it.");
    }
    Ok(())
}

pub(super) async fn clear_level(client: &Client, key: &str, as_json: bool) -> Result<()> {
    let cleared: ClearedLevellingView = client
        .send(
            Method::POST,
            &client
                .ws_path(&format!("/projects/{key}/levelling/clear"))
                .await?,
            Some(&json!({})),
        )
        .await?;
    if as_json {
        print_json(&cleared);
        return Ok(());
    }
    if cleared.cleared.is_empty() {
        outln!("No task of {key} has a levelling delay: nothing to clear.");
    } else {
        outln!(
            "Levelling cleared: {} no longer {} a levelling delay (--undo puts {} back).",
            cleared.cleared.join(", "),
            if cleared.cleared.len() == 1 {
                "has"
            } else {
                "have"
            },
            if cleared.cleared.len() == 1 {
                "it"
            } else {
                "them"
            }
        );
    }
    Ok(())
}

pub(super) async fn undo_level(client: &Client, key: &str, as_json: bool) -> Result<()> {
    let undone: AppliedLevellingView = client
        .send(
            Method::POST,
            &client
                .ws_path(&format!("/projects/{key}/levelling/undo"))
                .await?,
            Some(&json!({})),
        )
        .await?;
    if as_json {
        print_json(&undone);
        return Ok(());
    }
    outln!(
        "Levelling of {} taken back: {} {} the levelling delay {} before.",
        undone.applied_at.format("%Y-%m-%d %H:%M UTC"),
        undone.tasks.join(", "),
        if undone.tasks.len() == 1 {
            "has"
        } else {
            "have"
        },
        if undone.tasks.len() == 1 {
            "it had"
        } else {
            "they had"
        },
    );
    Ok(())
}

/// The critical path as its chains of links: an arrow only where a link
/// is, so tasks that no link joins are never drawn as if one did.
fn print_critical_chains(chains: &[Vec<String>]) {
    match chains {
        [] => {}
        [one] => outln!("Critical path: {}", one.join(" → ")),
        many => {
            // Chains may meet: where a critical task leads to two, the
            // one that starts later begins a chain of its own.
            outln!(
                "Critical path: {} chains of linked tasks (a task leading to two critical ones continues into the first to start; the other begins a chain):",
                many.len()
            );
            for chain in many {
                outln!("  {}", chain.join(" → "));
            }
        }
    }
}
