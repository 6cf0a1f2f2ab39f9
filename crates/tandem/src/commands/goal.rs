//! `tandem goal`: the goal tree, each goal's key results and what serves
//! it, and its computed progress and status.

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use tandem_api::*;

use super::values::{finite, request_body};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum GoalCommand {
    /// Create a goal.
    Add {
        title: String,
        /// The goal it is part of, by id or title.
        #[arg(long)]
        parent: Option<String>,
        /// Its owner, a member's email.
        #[arg(long)]
        owner: Option<String>,
        /// Its time period: a year (2027), half (2027-H1), quarter
        /// (2027-Q3), month (2027-03) or dates (2027-01-15..2027-04-30).
        #[arg(long)]
        period: Option<String>,
        /// What it means, in Markdown.
        #[arg(long)]
        description: Option<String>,
        /// How much it counts in its parent's progress, 0 to 1000
        /// (default 1).
        #[arg(long, value_parser = finite)]
        weight: Option<f64>,
        /// A project serving it, by key; repeat for more.
        #[arg(long = "project")]
        projects: Vec<String>,
        /// A task serving it (KEY-12); repeat for more.
        #[arg(long = "task")]
        tasks: Vec<String>,
    },
    /// Every goal you may see, as a tree: status, progress (percent),
    /// period and owner.
    List,
    /// A goal: its progress (percent) and status and why, its key
    /// results, sub-goals, and the projects and tasks serving it.
    Show {
        /// Its id or title.
        goal: String,
    },
    /// Change a goal.
    Edit {
        /// Its id or title.
        goal: String,
        /// Its new title.
        #[arg(long)]
        title: Option<String>,
        /// Markdown, or "none".
        #[arg(long)]
        description: Option<String>,
        /// A member's email, or "none".
        #[arg(long)]
        owner: Option<String>,
        /// A year, half, quarter, month or two dates (see `goal add`), or
        /// "none".
        #[arg(long)]
        period: Option<String>,
        /// The goal it is part of (id or title), or "none" for a top-level
        /// goal.
        #[arg(long)]
        parent: Option<String>,
        /// Its status by hand: on-track, at-risk, off-track, achieved,
        /// missed or dropped; "derived" lets Tandem derive it again.
        #[arg(long)]
        status: Option<String>,
        /// What measures its progress: key-results, sub-goals, projects or
        /// tasks; "auto" takes the first it has.
        #[arg(long)]
        measure: Option<String>,
        /// Its weight in its parent's progress, 0 to 1000.
        #[arg(long, value_parser = finite)]
        weight: Option<f64>,
    },
    /// Delete a goal and its key results; its sub-goals move up to its
    /// parent.
    Delete {
        /// Its id or title.
        goal: String,
    },
    /// Make a project, a task or another goal serve a goal.
    Link {
        /// Its id or title.
        #[arg(value_name = "GOAL")]
        of: String,
        #[command(flatten)]
        what: LinkTarget,
    },
    /// Stop a project, a task or a sub-goal serving a goal.
    Unlink {
        /// Its id or title.
        #[arg(value_name = "GOAL")]
        of: String,
        #[command(flatten)]
        what: LinkTarget,
    },
    /// A goal's key results.
    #[command(subcommand)]
    Kr(KeyResultCommand),
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(super) struct LinkTarget {
    /// A project, by key.
    #[arg(long)]
    project: Option<String>,
    /// A task, by key (KEY-12).
    #[arg(long)]
    task: Option<String>,
    /// Another goal, by id or title: linked, it becomes a sub-goal;
    /// unlinked, a top-level goal.
    #[arg(long)]
    goal: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(super) enum KeyResultCommand {
    /// Add a key result: a metric moving from START to TARGET.
    Add {
        /// The goal's id or title.
        goal: String,
        name: String,
        /// Where the metric stands as the goal is set.
        #[arg(long, allow_negative_numbers = true, value_parser = finite)]
        start: f64,
        /// Where it should be by the end of the period (below START for a
        /// metric meant to fall).
        #[arg(long, allow_negative_numbers = true, value_parser = finite)]
        target: f64,
        /// What it is counted in: %, customers, ms…
        #[arg(long)]
        unit: Option<String>,
        /// Where it stands now (START unless given).
        #[arg(long, allow_negative_numbers = true, value_parser = finite)]
        current: Option<f64>,
    },
    /// Set a key result's current value.
    Set {
        /// The goal's id or title.
        goal: String,
        /// The key result's name.
        name: String,
        #[arg(allow_negative_numbers = true, value_parser = finite)]
        value: f64,
    },
    /// Delete a key result.
    Delete {
        /// The goal's id or title.
        goal: String,
        /// The key result's name.
        name: String,
    },
}

async fn all(client: &Client) -> Result<Vec<GoalView>> {
    client
        .send(Method::GET, &client.ws_path("/goals").await?, None)
        .await
}

/// The goal `name` names: by id, then by exact title, then by the one
/// title it matches in another case; several are refused.
fn named<'a>(list: &'a [GoalView], name: &str) -> Result<&'a GoalView> {
    let wanted = name.trim();
    if let Some(by_id) = list.iter().find(|g| g.id.to_string() == wanted) {
        return Ok(by_id);
    }
    let exact: Vec<_> = list.iter().filter(|g| g.title == wanted).collect();
    match exact.as_slice() {
        [one] => return Ok(one),
        [] => {}
        several => {
            return Err(anyhow!(
                "{} goals are titled {name}: give the id ({})",
                several.len(),
                several
                    .iter()
                    .map(|g| g.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let alike: Vec<_> = list
        .iter()
        .filter(|g| g.title.eq_ignore_ascii_case(wanted))
        .collect();
    match alike.as_slice() {
        [one] => Ok(one),
        [] => Err(anyhow!("no goal {name} (see `tandem goal list`)")),
        several => Err(anyhow!(
            "{} goals are titled {name} in some case: give the id ({})",
            several.len(),
            several
                .iter()
                .map(|g| format!("{} is {}", g.title, g.id))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The id and title of the goal `name` names (see [`named`]).
pub(super) async fn goal_id(client: &Client, name: &str) -> Result<(i64, String)> {
    let list = all(client).await?;
    let found = named(&list, name)?;
    Ok((found.id, found.title.clone()))
}

/// "none" (any case) clears a field.
fn or_none(value: String) -> Option<String> {
    (!value.trim().eq_ignore_ascii_case("none")).then_some(value)
}

async fn patch(client: &Client, goal: &GoalView, input: &GoalInput) -> Result<GoalView> {
    client
        .send_if_match(
            Method::PATCH,
            &client.ws_path(&format!("/goals/{}", goal.id)).await?,
            Some(&request_body(input)?),
            goal.version,
        )
        .await
}

fn print_goal(g: &GoalView) {
    outln!("{} (id {})", g.title, g.id);
    outln!(
        "{} · {:.0}% · {}{}",
        status_label(g.status),
        g.progress,
        g.period
            .as_ref()
            .map_or("no period".into(), |p| p.label.clone()),
        g.owner
            .as_ref()
            .map_or(String::new(), |o| format!(" · owner {}", o.name))
    );
    if let Some(p) = &g.parent {
        outln!("Part of: {} (id {})", p.title, p.id);
    }
    for r in &g.reasons {
        outln!("  - {r}");
    }
    if !g.key_results.is_empty() {
        outln!();
        let rows: Vec<Vec<String>> = g
            .key_results
            .iter()
            .map(|k| {
                let unit = k.unit.clone().unwrap_or_default();
                vec![
                    k.name.clone(),
                    format!("{} {unit}", k.start).trim().to_string(),
                    format!("{} {unit}", k.target).trim().to_string(),
                    format!("{} {unit}", k.current).trim().to_string(),
                    format!("{:.0}%", k.progress),
                ]
            })
            .collect();
        table(
            &["key result", "start", "target", "current", "progress"],
            &rows,
        );
    }
    for c in &g.goals {
        outln!("Sub-goal: {} (id {})", c.title, c.id);
    }
    for p in &g.projects {
        outln!("Project: {} {} ({:.0}%)", p.key, p.name, p.progress);
    }
    for t in &g.tasks {
        outln!("Task: {} {} ({})", t.key, t.title, t.status);
    }
}

fn status_label(s: tandem_domain::GoalStatus) -> &'static str {
    s.label()
}

pub(super) async fn goal_command(
    client: &Client,
    command: GoalCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        GoalCommand::Add {
            title,
            parent,
            owner,
            period,
            description,
            weight,
            projects,
            tasks,
        } => {
            let parent = match parent {
                Some(p) => Some(named(&all(client).await?, &p)?.id),
                None => None,
            };
            let input = GoalInput {
                title: Some(title),
                description: description.map(Some),
                owner: owner.map(Some),
                period: period.map(Some),
                parent: parent.map(Some),
                weight,
                projects: (!projects.is_empty()).then_some(projects),
                tasks: (!tasks.is_empty()).then_some(tasks),
                ..GoalInput::default()
            };
            let created: GoalView = client
                .send(
                    Method::POST,
                    &client.ws_path("/goals").await?,
                    Some(&request_body(&input)?),
                )
                .await?;
            if as_json {
                print_json(&created);
            } else {
                outln!("Created goal {} (id {})", created.title, created.id);
            }
        }
        GoalCommand::List => {
            let list = all(client).await?;
            if as_json {
                print_json(&list);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = tree(&list)
                .into_iter()
                .map(|(depth, g)| {
                    vec![
                        g.id.to_string(),
                        format!("{}{}", "  ".repeat(depth), g.title),
                        status_label(g.status).to_string(),
                        format!("{:.0}%", g.progress),
                        or_dash(g.period.as_ref().map(|p| p.label.clone())),
                        or_dash(g.owner.as_ref().map(|o| o.name.clone())),
                    ]
                })
                .collect();
            table(
                &["id", "goal", "status", "progress", "period", "owner"],
                &rows,
            );
        }
        GoalCommand::Show { goal } => {
            let list = all(client).await?;
            let g = named(&list, &goal)?;
            if as_json {
                print_json(g);
            } else {
                print_goal(g);
            }
        }
        GoalCommand::Edit {
            goal,
            title,
            description,
            owner,
            period,
            parent,
            status,
            measure,
            weight,
        } => {
            let list = all(client).await?;
            let current = named(&list, &goal)?;
            let parent = match parent.map(or_none) {
                None => None,
                Some(None) => Some(None),
                Some(Some(p)) => Some(Some(named(&list, &p)?.id)),
            };
            let status = match status {
                None => None,
                Some(s) if s.trim().eq_ignore_ascii_case("derived") => Some(None),
                Some(s) => {
                    Some(Some(s.parse().map_err(|e| {
                        anyhow!("--status {e}, or derived (got {s})")
                    })?))
                }
            };
            let measure = match measure {
                None => None,
                Some(m) if m.trim().eq_ignore_ascii_case("auto") => Some(None),
                Some(m) => Some(Some(
                    m.parse()
                        .map_err(|e| anyhow!("--measure {e}, or auto (got {m})"))?,
                )),
            };
            let input = GoalInput {
                title,
                description: description.map(or_none),
                owner: owner.map(or_none),
                period: period.map(or_none),
                parent,
                status,
                measure,
                weight,
                ..GoalInput::default()
            };
            let updated = patch(client, current, &input).await?;
            if as_json {
                print_json(&updated);
            } else {
                outln!(
                    "Updated goal {} (id {}): {}, {:.0}%",
                    updated.title,
                    updated.id,
                    status_label(updated.status),
                    updated.progress
                );
            }
        }
        GoalCommand::Delete { goal } => {
            let list = all(client).await?;
            let current = named(&list, &goal)?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/goals/{}", current.id)).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Deleted goal {}", current.title);
            }
        }
        GoalCommand::Link { of, what } => link(client, &of, what, true, as_json).await?,
        GoalCommand::Unlink { of, what } => link(client, &of, what, false, as_json).await?,
        GoalCommand::Kr(command) => key_result_command(client, command, as_json).await?,
    }
    Ok(())
}

/// Goals in tree order with their depth.
fn tree(list: &[GoalView]) -> Vec<(usize, &GoalView)> {
    let by_id: std::collections::HashMap<i64, &GoalView> = list.iter().map(|g| (g.id, g)).collect();
    let mut out = Vec::new();
    let mut stack: Vec<(usize, &GoalView)> = list
        .iter()
        .filter(|g| g.parent.is_none())
        .rev()
        .map(|g| (0, g))
        .collect();
    let mut seen = std::collections::HashSet::new();
    while let Some((depth, g)) = stack.pop() {
        if !seen.insert(g.id) {
            continue;
        }
        out.push((depth, g));
        for c in g.goals.iter().rev() {
            if let Some(child) = by_id.get(&c.id) {
                stack.push((depth + 1, child));
            }
        }
    }
    out
}

async fn link(
    client: &Client,
    goal: &str,
    what: LinkTarget,
    on: bool,
    as_json: bool,
) -> Result<()> {
    let list = all(client).await?;
    let current = named(&list, goal)?;
    let updated = if let Some(other) = what.goal {
        let child = named(&list, &other)?;
        if !on && child.parent.as_ref().is_none_or(|p| p.id != current.id) {
            bail!(
                "goal {} is not a sub-goal of {}",
                child.title,
                current.title
            );
        }
        let input = GoalInput {
            parent: Some(on.then_some(current.id)),
            ..GoalInput::default()
        };
        patch(client, child, &input).await?;
        named(&all(client).await?, &current.id.to_string())?.clone()
    } else {
        let mut projects: Vec<String> = current.projects.iter().map(|p| p.key.clone()).collect();
        let mut tasks: Vec<String> = current.tasks.iter().map(|t| t.key.clone()).collect();
        let (items, key) = match (what.project, what.task) {
            (Some(p), _) => (&mut projects, p),
            (_, Some(t)) => (&mut tasks, t),
            _ => bail!("give --project, --task or --goal"),
        };
        let present = items.iter().position(|k| k.eq_ignore_ascii_case(&key));
        match (on, present) {
            (true, None) => items.push(key),
            (false, Some(i)) => {
                items.remove(i);
            }
            (true, Some(_)) => {}
            (false, None) => bail!("{key} does not serve goal {}", current.title),
        }
        let input = GoalInput {
            projects: Some(projects),
            tasks: Some(tasks),
            ..GoalInput::default()
        };
        patch(client, current, &input).await?
    };
    if as_json {
        print_json(&updated);
    } else {
        outln!(
            "Goal {} (id {}): {:.0}%, {}",
            updated.title,
            updated.id,
            updated.progress,
            status_label(updated.status)
        );
    }
    Ok(())
}

async fn key_result_command(
    client: &Client,
    command: KeyResultCommand,
    as_json: bool,
) -> Result<()> {
    let list = all(client).await?;
    let (goal, updated): (String, GoalView) = match command {
        KeyResultCommand::Add {
            goal,
            name,
            start,
            target,
            unit,
            current,
        } => {
            let g = named(&list, &goal)?;
            let input = KeyResultInput {
                name: Some(name),
                unit: unit.map(Some),
                start: Some(start),
                target: Some(target),
                current,
            };
            let updated = client
                .send_if_match(
                    Method::POST,
                    &client
                        .ws_path(&format!("/goals/{}/key-results", g.id))
                        .await?,
                    Some(&request_body(&input)?),
                    g.version,
                )
                .await?;
            (g.title.clone(), updated)
        }
        KeyResultCommand::Set { goal, name, value } => {
            let g = named(&list, &goal)?;
            let kr = key_result(g, &name)?;
            let input = KeyResultInput {
                current: Some(value),
                ..KeyResultInput::default()
            };
            let updated = client
                .send_if_match(
                    Method::PATCH,
                    &client
                        .ws_path(&format!("/goals/{}/key-results/{}", g.id, kr.id))
                        .await?,
                    Some(&request_body(&input)?),
                    g.version,
                )
                .await?;
            (g.title.clone(), updated)
        }
        KeyResultCommand::Delete { goal, name } => {
            let g = named(&list, &goal)?;
            let kr = key_result(g, &name)?;
            let updated = client
                .send_if_match(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/goals/{}/key-results/{}", g.id, kr.id))
                        .await?,
                    None,
                    g.version,
                )
                .await?;
            (g.title.clone(), updated)
        }
    };
    if as_json {
        print_json(&updated);
    } else {
        outln!(
            "Goal {goal}: {:.0}%, {}",
            updated.progress,
            status_label(updated.status)
        );
    }
    Ok(())
}

/// A goal's key result by name, in any case.
fn key_result<'a>(goal: &'a GoalView, name: &str) -> Result<&'a KeyResultView> {
    goal.key_results
        .iter()
        .find(|k| k.name == name.trim())
        .or_else(|| {
            goal.key_results
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(name.trim()))
        })
        .ok_or_else(|| {
            anyhow!(
                "goal {} has no key result {name} (it has: {})",
                goal.title,
                if goal.key_results.is_empty() {
                    "none".to_string()
                } else {
                    goal.key_results
                        .iter()
                        .map(|k| k.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )
        })
}
