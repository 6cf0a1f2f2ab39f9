//! `tandem portfolio`: named sets of projects (and of portfolios), and
//! the table of one.

use anyhow::{Result, anyhow};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::{date_value, encode, request_body};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum PortfolioCommand {
    /// Create a portfolio.
    Add {
        name: String,
        /// A project's key; repeat for more.
        #[arg(long = "project")]
        projects: Vec<String>,
        /// A portfolio it holds, by name or id; repeat for more.
        #[arg(long = "portfolio")]
        portfolios: Vec<String>,
        /// Its owner, a member's email.
        #[arg(long)]
        owner: Option<String>,
    },
    /// Every portfolio you may see.
    List,
    /// A portfolio's table: each project's owner, stage, status, health,
    /// progress (percent), target date, scheduled finish, slip (days),
    /// next milestone, open high risks; then the totals.
    Show {
        /// Its name or id.
        name: String,
    },
    /// Rename a portfolio, change its owner, or add and remove projects
    /// and portfolios.
    Edit {
        /// Its name or id.
        name: String,
        /// Its new name.
        #[arg(long = "name")]
        new_name: Option<String>,
        /// A member's email, or "none".
        #[arg(long)]
        owner: Option<String>,
        /// A project's key to add; repeat for several.
        #[arg(long = "add-project")]
        add_projects: Vec<String>,
        /// A project's key to take out; repeat for several.
        #[arg(long = "remove-project")]
        remove_projects: Vec<String>,
        /// By name or id.
        #[arg(long = "add-portfolio")]
        add_portfolios: Vec<String>,
        /// By name or id.
        #[arg(long = "remove-portfolio")]
        remove_portfolios: Vec<String>,
    },
    /// Delete a portfolio; its projects stay.
    Delete {
        /// Its name or id.
        name: String,
    },
}

async fn all(client: &Client) -> Result<Vec<PortfolioSummaryView>> {
    client
        .send(Method::GET, &client.ws_path("/portfolios").await?, None)
        .await
}

/// The portfolio `name` names: the one of that exact name, else the one
/// of that id, else the one name it matches in another case; two such
/// names are refused rather than one picked.
fn named<'a>(list: &'a [PortfolioSummaryView], name: &str) -> Result<&'a PortfolioSummaryView> {
    let wanted = name.trim();
    if let Some(exact) = list.iter().find(|p| p.name == wanted) {
        return Ok(exact);
    }
    if let Some(by_id) = list.iter().find(|p| p.id.to_string() == wanted) {
        return Ok(by_id);
    }
    let alike: Vec<_> = list
        .iter()
        .filter(|p| p.name.eq_ignore_ascii_case(wanted))
        .collect();
    match alike.as_slice() {
        [one] => Ok(one),
        [] => Err(anyhow!(
            "no portfolio named {name} (see `tandem portfolio list`)"
        )),
        several => Err(anyhow!(
            "{} portfolios are named {name} in some case: give the exact name or the id ({})",
            several.len(),
            several
                .iter()
                .map(|p| format!("{} is {}", p.name, p.id))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The id and name of the portfolio `name` names (see [`named`]).
pub(super) async fn portfolio_id(client: &Client, name: &str) -> Result<(i64, String)> {
    let list = all(client).await?;
    let found = named(&list, name)?;
    Ok((found.id, found.name.clone()))
}

/// "1 project", "2 projects".
fn count_projects(n: usize) -> String {
    if n == 1 {
        "1 project".into()
    } else {
        format!("{n} projects")
    }
}

pub(super) async fn portfolio_command(
    client: &Client,
    command: PortfolioCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        PortfolioCommand::Add {
            name,
            projects,
            portfolios,
            owner,
        } => {
            let list = all(client).await?;
            let children = portfolios
                .iter()
                .map(|p| named(&list, p).map(|p| p.id))
                .collect::<Result<Vec<_>>>()?;
            let request = PortfolioInput {
                name: Some(name),
                owner: owner.map(Some),
                projects: Some(projects),
                portfolios: Some(children),
            };
            let created: PortfolioSummaryView = client
                .send(
                    Method::POST,
                    &client.ws_path("/portfolios").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&created);
            } else {
                outln!(
                    "Created portfolio {} (id {}) of {}",
                    created.name,
                    created.id,
                    count_projects(created.projects.len())
                );
            }
        }
        PortfolioCommand::List => {
            let list = all(client).await?;
            if as_json {
                print_json(&list);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.name.clone(),
                        or_dash(p.owner.as_ref().map(|o| o.name.clone())),
                        p.projects.join(", "),
                        p.portfolios
                            .iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ]
                })
                .collect();
            table(&["id", "name", "owner", "projects", "portfolios"], &rows);
        }
        PortfolioCommand::Show { name } => {
            let list = all(client).await?;
            let id = named(&list, &name)?.id;
            let view: PortfolioView = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/portfolios/{id}")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&view);
                return Ok(());
            }
            let date = |d: Option<chrono::NaiveDate>| or_dash(d.map(|d| d.to_string()));
            let rows: Vec<Vec<String>> = view
                .projects
                .iter()
                .map(|p| {
                    vec![
                        p.key.clone(),
                        or_dash(p.owner.as_ref().map(|o| o.name.clone())),
                        p.stage.to_string(),
                        p.status.to_string(),
                        p.health.label().to_string(),
                        format!("{:.0}%", p.progress),
                        date(p.target_date),
                        date(p.scheduled_finish),
                        or_dash(p.slip_days.map(|d| d.to_string())),
                        or_dash(
                            p.next_milestone
                                .as_ref()
                                .map(|m| format!("{} {}", m.name, m.date)),
                        ),
                        p.open_high_risks.to_string(),
                    ]
                })
                .collect();
            table(
                &[
                    "key",
                    "owner",
                    "stage",
                    "status",
                    "health",
                    "progress",
                    "target",
                    "scheduled",
                    "slip days",
                    "next milestone",
                    "high risks",
                ],
                &rows,
            );
            let t = &view.totals;
            outln!(
                "{}: {}, {:.0}% done (by effort), {} on track, {} at risk, {} off track{}",
                view.name,
                count_projects(t.projects),
                t.progress,
                t.health.on_track,
                t.health.at_risk,
                t.health.off_track,
                t.budget.map_or(String::new(), |b| format!(", budget {b}"))
            );
        }
        PortfolioCommand::Edit {
            name,
            new_name,
            owner,
            add_projects,
            remove_projects,
            add_portfolios,
            remove_portfolios,
        } => {
            let list = all(client).await?;
            let current = named(&list, &name)?;
            let mut projects = current.projects.clone();
            for key in &add_projects {
                if !projects.iter().any(|p| p.eq_ignore_ascii_case(key)) {
                    projects.push(key.clone());
                }
            }
            projects.retain(|p| !remove_projects.iter().any(|r| r.eq_ignore_ascii_case(p)));
            let mut children: Vec<i64> = current.portfolios.iter().map(|c| c.id).collect();
            for p in &add_portfolios {
                let id = named(&list, p)?.id;
                if !children.contains(&id) {
                    children.push(id);
                }
            }
            for p in &remove_portfolios {
                let id = named(&list, p)?.id;
                children.retain(|c| *c != id);
            }
            let request = PortfolioInput {
                name: new_name,
                owner: owner.map(|o| (!o.eq_ignore_ascii_case("none")).then_some(o)),
                projects: Some(projects),
                portfolios: Some(children),
            };
            let updated: PortfolioSummaryView = client
                .send_if_match(
                    Method::PATCH,
                    &client
                        .ws_path(&format!("/portfolios/{}", current.id))
                        .await?,
                    Some(&request_body(&request)?),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&updated);
            } else {
                outln!(
                    "Updated portfolio {} (id {}): {}",
                    updated.name,
                    updated.id,
                    updated.projects.join(", ")
                );
            }
        }
        PortfolioCommand::Delete { name } => {
            let list = all(client).await?;
            let current = named(&list, &name)?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/portfolios/{}", current.id))
                        .await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Deleted portfolio {}", current.name);
            }
        }
    }
    Ok(())
}

/// `tandem milestones`: with `--json`, the milestones alone (each with
/// `project`, `name`, `date` and `scheduled`).
pub(super) async fn milestones(
    client: &Client,
    portfolio: Option<&str>,
    as_json: bool,
) -> Result<()> {
    let query = match portfolio {
        Some(name) => format!("?portfolio={}", named(&all(client).await?, name)?.id),
        None => String::new(),
    };
    let timeline: MilestoneTimelineView = client
        .send(
            Method::GET,
            &client.ws_path(&format!("/milestones{query}")).await?,
            None,
        )
        .await?;
    if as_json {
        print_json(&timeline.milestones);
        return Ok(());
    }
    let date = |d: Option<chrono::NaiveDate>| or_dash(d.map(|d| d.to_string()));
    let rows: Vec<Vec<String>> = timeline
        .milestones
        .iter()
        .map(|m| {
            vec![
                m.project.clone(),
                m.name.clone(),
                date(m.date),
                date(m.scheduled),
                or_dash(m.slip_days.map(|d| d.to_string())),
            ]
        })
        .collect();
    table(
        &["project", "milestone", "planned", "scheduled", "slip days"],
        &rows,
    );
    if !timeline.dependencies.is_empty() {
        outln!();
        outln!("Dependencies between projects:");
        for d in &timeline.dependencies {
            outln!(
                "  {} {} -> {} {} ({})",
                d.predecessor,
                d.predecessor_title,
                d.successor,
                d.successor_title,
                d.kind.as_str().to_uppercase()
            );
        }
    }
    Ok(())
}

/// `tandem report`: a period's burn-up, burn-down, throughput and cycle
/// times for a project, a portfolio or a person; `--markdown` prints the
/// status report as Markdown.
pub(super) async fn report(
    client: &Client,
    of: ReportOf,
    from: Option<String>,
    to: Option<String>,
    markdown: bool,
    as_json: bool,
) -> Result<()> {
    let mut query = match (of.project, of.portfolio, of.person) {
        (Some(key), _, _) => vec![format!("project={}", encode(&key))],
        (_, Some(name), _) => vec![format!(
            "portfolio={}",
            named(&all(client).await?, &name)?.id
        )],
        (_, _, Some(email)) => vec![format!("person={}", encode(&email))],
        // Your own work.
        _ => Vec::new(),
    };
    for (flag, value) in [("from", from), ("to", to)] {
        if let Some(text) = value
            && let Some(day) = date_value(flag, &text)?
        {
            query.push(format!("{flag}={day}"));
        }
    }
    let view: ReportView = client
        .send(
            Method::GET,
            &client
                .ws_path(&format!("/reports?{}", query.join("&")))
                .await?,
            None,
        )
        .await?;
    if as_json {
        print_json(&view);
        return Ok(());
    }
    if markdown {
        outln!("{}", view.markdown().trim_end());
        return Ok(());
    }
    outln!("{}: {} to {}", view.subject, view.from, view.to);
    if let Some(h) = &view.health {
        outln!("Health: {}", h.health.label());
        for r in &h.reasons {
            outln!("  - {}", r.text);
        }
    }
    let rows: Vec<Vec<String>> = view
        .weeks
        .iter()
        .map(|w| {
            vec![
                w.start.to_string(),
                w.scope_tasks.to_string(),
                w.done_tasks.to_string(),
                w.remaining_tasks.to_string(),
                format!("{:.1}", w.remaining_hours),
                w.throughput.to_string(),
            ]
        })
        .collect();
    table(
        &[
            "week of",
            "scope",
            "done",
            "remaining",
            "remaining hours",
            "done that week",
        ],
        &rows,
    );
    let c = &view.cycle_time;
    let days = |d: Option<i64>| d.map_or("-".to_string(), |d| format!("{d} days"));
    outln!(
        "Cycle time (in progress to done) of {} tasks: median {}, 85th percentile {}; {} done without being in progress",
        c.tasks,
        days(c.median_days),
        days(c.p85_days),
        c.never_started
    );
    Ok(())
}

/// What a report is about: one of these, or your own work.
#[derive(Debug, clap::Args)]
#[group(required = false, multiple = false)]
pub(super) struct ReportOf {
    /// A project, by key.
    #[arg(long)]
    project: Option<String>,
    /// A portfolio, by name or id.
    #[arg(long)]
    portfolio: Option<String>,
    /// A person, by email: their tasks in the projects you may open.
    #[arg(long)]
    person: Option<String>,
}
