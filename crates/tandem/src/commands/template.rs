//! `tandem template`: a project saved as a template, the templates there
//! are (three starters and the workspace's own), what one holds, and
//! removing one. A project is made from one with `tandem project add KEY
//! --name NAME --template NAME --start DATE`.

use anyhow::{Result, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::{
    SaveTaskTemplate, SaveTemplate, TaskTemplateView, TemplateSummaryView, TemplateView,
};

use super::values::{encode, request_body};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum TemplateCommand {
    /// Save a project as a template: its phases, milestones, tasks (with
    /// estimates, parents and links), risks and stakeholders, dates as
    /// working days from its start, owners as roles. Saving under a name
    /// again adds a version; projects made from the old one keep theirs.
    Save {
        /// The project's key.
        key: String,
        /// The template's name.
        #[arg(long)]
        name: String,
        /// What it is for, in a sentence.
        #[arg(long)]
        description: Option<String>,
        /// Name the role an owner becomes, as EMAIL=ROLE
        /// ("ana@acme.example=Designer"); repeat for several. An owner not
        /// named becomes a role named after them.
        #[arg(long = "role", value_name = "EMAIL=ROLE")]
        roles: Vec<String>,
    },
    /// The templates: the starters, then the workspace's own.
    List,
    /// What a template holds: roles, phases, milestones, tasks and risks,
    /// dates in working days from the start; and its versions.
    Show {
        name: String,
        /// A version other than the newest.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Delete a template and all its versions (the starters stay).
    Rm { name: String },
    /// Save a task and its subtasks (all levels) as a task template, to
    /// add again with `tandem task add TITLE --template NAME`: their
    /// titles, descriptions, estimates, priorities and tags, due dates as
    /// days from the top task's.
    SaveTask {
        /// The task's key (LAUNCH-12).
        key: String,
        /// The task template's name.
        #[arg(long)]
        name: String,
        /// What it is for, in a sentence.
        #[arg(long)]
        description: Option<String>,
    },
    /// The task templates, each with its tasks.
    Tasks,
    /// Delete a task template and all its versions.
    RmTask { name: String },
}

pub(super) async fn template_command(
    client: &Client,
    command: TemplateCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        TemplateCommand::Save {
            key,
            name,
            description,
            roles,
        } => {
            let mut named = std::collections::BTreeMap::new();
            for pair in &roles {
                let Some((email, role)) = pair.split_once('=') else {
                    bail!("--role: '{pair}' is not EMAIL=ROLE (\"ana@acme.example=Designer\")");
                };
                named.insert(email.trim().to_string(), role.trim().to_string());
            }
            let request = SaveTemplate {
                project: Some(key.clone()),
                name: Some(name),
                description,
                roles: (!named.is_empty()).then_some(named),
            };
            let saved: TemplateView = client
                .send(
                    Method::POST,
                    &client.ws_path("/templates").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&saved);
            } else {
                let s = &saved.summary;
                outln!(
                    "Saved {key} as template {} (version {}): {} tasks, {} phases, {} milestones, {} risks; roles: {}",
                    s.name,
                    s.version,
                    s.task_count,
                    s.phase_count,
                    s.milestone_count,
                    s.risk_count,
                    if s.roles.is_empty() {
                        "none".to_string()
                    } else {
                        s.roles.join(", ")
                    }
                );
            }
        }
        TemplateCommand::List => {
            let all: Vec<TemplateSummaryView> = client
                .send(Method::GET, &client.ws_path("/templates").await?, None)
                .await?;
            if as_json {
                print_json(&all);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|t| {
                    vec![
                        t.name.clone(),
                        if t.starter {
                            "starter".to_string()
                        } else {
                            format!("v{}", t.version)
                        },
                        t.task_count.to_string(),
                        format!("{} working days", t.span_working_days),
                        t.roles.join(", "),
                        or_dash(t.source_project.as_deref()),
                    ]
                })
                .collect();
            table(
                &["NAME", "VERSION", "TASKS", "SPAN", "ROLES", "FROM"],
                &rows,
            );
        }
        TemplateCommand::Show { name, version } => {
            let mut path = format!("/templates/{}", encode(&name));
            if let Some(version) = version {
                path.push_str(&format!("?version={version}"));
            }
            let t: TemplateView = client
                .send(Method::GET, &client.ws_path(&path).await?, None)
                .await?;
            if as_json {
                print_json(&t);
                return Ok(());
            }
            let s = &t.summary;
            outln!("{} (version {})", s.name, s.version);
            if let Some(d) = &s.description {
                outln!("{d}");
            }
            outln!(
                "roles       {}",
                if s.roles.is_empty() {
                    "none".to_string()
                } else {
                    s.roles.join(", ")
                }
            );
            outln!("span        {} working days", s.span_working_days);
            if !t.phases.is_empty() {
                outln!();
                table(
                    &["PHASE", "FROM DAY", "TO DAY"],
                    &t.phases
                        .iter()
                        .map(|p| vec![p.name.clone(), day(p.start), day(p.end)])
                        .collect::<Vec<_>>(),
                );
            }
            if !t.milestones.is_empty() {
                outln!();
                table(
                    &["MILESTONE", "DAY", "PHASE"],
                    &t.milestones
                        .iter()
                        .map(|m| vec![m.name.clone(), day(m.date), or_dash(m.phase.as_deref())])
                        .collect::<Vec<_>>(),
                );
            }
            outln!();
            table(
                &["TASK", "ROLE", "DAYS", "AFTER"],
                &t.tasks
                    .iter()
                    .map(|task| {
                        vec![
                            task.title.clone(),
                            or_dash(task.role.as_deref()),
                            task.estimate_days.map_or("-".into(), |d| d.to_string()),
                            task.after.join(", "),
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
            if !t.risks.is_empty() {
                outln!();
                table(
                    &["RISK", "P×I", "ROLE"],
                    &t.risks
                        .iter()
                        .map(|r| {
                            vec![
                                r.title.clone(),
                                format!("{}×{}", r.probability, r.impact),
                                or_dash(r.role.as_deref()),
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
            }
            if t.versions.len() > 1 {
                outln!();
                table(
                    &["VERSION", "FROM", "SAVED"],
                    &t.versions
                        .iter()
                        .map(|v| {
                            vec![
                                v.version.to_string(),
                                or_dash(v.source_project.as_deref()),
                                v.created_at
                                    .map_or("-".into(), |at| at.format("%Y-%m-%d").to_string()),
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
            }
        }
        TemplateCommand::SaveTask {
            key,
            name,
            description,
        } => {
            let request = SaveTaskTemplate {
                task: Some(key.clone()),
                name: Some(name),
                description,
            };
            let saved: TaskTemplateView = client
                .send(
                    Method::POST,
                    &client.ws_path("/task-templates").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&saved);
            } else {
                outln!(
                    "Saved {key} as task template {} (version {}): {} tasks.",
                    saved.name,
                    saved.version,
                    saved.tasks.len()
                );
            }
        }
        TemplateCommand::Tasks => {
            let all: Vec<TaskTemplateView> = client
                .send(Method::GET, &client.ws_path("/task-templates").await?, None)
                .await?;
            if as_json {
                print_json(&all);
            } else if all.is_empty() {
                outln!(
                    "No task templates: save one with tandem template save-task KEY --name NAME."
                );
            } else {
                let rows: Vec<Vec<String>> = all
                    .iter()
                    .map(|t| {
                        vec![
                            t.name.clone(),
                            format!("v{}", t.version),
                            t.tasks
                                .iter()
                                .map(|task| task.title.clone())
                                .collect::<Vec<_>>()
                                .join(" · "),
                            or_dash(t.source_task.as_deref()),
                        ]
                    })
                    .collect();
                table(&["NAME", "VERSION", "TASKS", "FROM"], &rows);
            }
        }
        TemplateCommand::RmTask { name } => {
            client
                .send::<serde_json::Value>(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/task-templates/{}", encode(&name)))
                        .await?,
                    None,
                )
                .await?;
            if !as_json {
                outln!("Deleted task template {name}.");
            }
        }
        TemplateCommand::Rm { name } => {
            client
                .send::<serde_json::Value>(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/templates/{}", encode(&name)))
                        .await?,
                    None,
                )
                .await?;
            if !as_json {
                outln!("Deleted template {name}.");
            }
        }
    }
    Ok(())
}

fn day(offset: Option<i64>) -> String {
    offset.map_or("-".into(), |d| format!("day {d}"))
}
