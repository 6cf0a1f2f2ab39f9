//! `tandem project`: creating, listing, showing and editing projects.
//! Phases, milestones, risks and stakeholders have their own modules.

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::json;
use tandem_api::*;

use super::values::{choice, date_value, request_body, text_value, when_value};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum ProjectCommand {
    /// Create a project, empty or from a template (see `tandem template
    /// list`): with --template, its phases, milestones, tasks, links,
    /// risks and stakeholders, dated from --start.
    Add {
        key: String,
        /// The project's name.
        #[arg(long)]
        name: String,
        /// Make it from this template: a starter ("Product launch",
        /// "Client onboarding", "Quarterly planning") or the workspace's
        /// own. With it, only --start, --owner, --role and
        /// --template-version may be given.
        #[arg(long)]
        template: Option<String>,
        /// The template's version (its newest when not given).
        #[arg(long, requires = "template")]
        template_version: Option<i64>,
        /// Who fills one of the template's roles, as ROLE=EMAIL
        /// ("Designer=ana@acme.example"); repeat for several. A role not
        /// given leaves its work unassigned.
        #[arg(long = "role", requires = "template", value_name = "ROLE=EMAIL")]
        roles: Vec<String>,
        #[command(flatten)]
        fields: ProjectFlags,
    },
    /// List projects: those in use, or with --archived the archived ones.
    List {
        /// Which projects: in-use (the default), archived, or all.
        #[arg(long, value_enum, default_value_t = Archived::InUse)]
        archived: Archived,
    },
    /// Show a project with its progress, phases, milestones and risks.
    Show { key: String },
    /// Whether the project could be a task: the signals that hold
    /// (one_person, few_days, no_links, no_milestones; all four make a
    /// task) and the verdict, task or project.
    Signals { key: String },
    /// Change a project's fields ("none" clears a field).
    Edit {
        key: String,
        /// The project's new name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: ProjectFlags,
    },
    /// Archive a project (workspace owners and admins): it leaves the
    /// projects list; its tasks, plan and history stay and can be read.
    Archive {
        /// The project's key.
        key: String,
    },
    /// Bring an archived project back into the projects list (owners and
    /// admins).
    Unarchive {
        /// The project's key.
        key: String,
    },
    /// Demote a project to a task of another project (or a personal
    /// task): its tasks become the task's subtasks, its member
    /// stakeholders collaborators, its comments, files, history and goals
    /// the task's, and the project is gone. A project promoted from a
    /// task of that project goes back under that task. Refused while it
    /// has phases, milestones, risks, status updates, baselines,
    /// portfolios, outside stakeholders, calendar exceptions, automation
    /// rules or stage approvals. Owners, admins and the project's owner.
    Demote {
        /// The project's key.
        key: String,
        /// The key of the project the task goes to.
        #[arg(
            long = "to-project",
            value_name = "OTHER",
            required_unless_present = "personal",
            conflicts_with = "personal"
        )]
        to_project: Option<String>,
        /// Make it one of your personal tasks instead (only when every
        /// task of the project is yours or nobody's).
        #[arg(long)]
        personal: bool,
    },
    /// Delete a project and all its work: tasks, phases, milestones, risks,
    /// stakeholders and baselines (workspace owners and admins only). There
    /// is no undo, so it asks for --yes.
    Delete {
        /// The project's key.
        key: String,
        /// Confirm the deletion; without it nothing is deleted.
        #[arg(long)]
        yes: bool,
    },
}

/// Which projects `project list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Archived {
    /// Projects in use (not archived).
    #[value(name = "no")]
    InUse,
    /// Only archived projects.
    #[value(name = "yes")]
    Only,
    /// Every project.
    #[value(name = "all")]
    All,
}

#[derive(Debug, Args)]
pub(super) struct ProjectFlags {
    /// The outcome it is for, in a sentence ("none" to clear).
    #[arg(long)]
    objective: Option<String>,
    /// The outcome owner's email.
    #[arg(long)]
    owner: Option<String>,
    /// When work starts: a date: YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d); "none" to clear.
    #[arg(long)]
    start: Option<String>,
    /// The date it should finish by: a date: YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d); "none" to clear.
    #[arg(long)]
    target: Option<String>,
    /// proposed, active, on-hold, done or cancelled.
    #[arg(long)]
    status: Option<String>,
    /// initiation, planning, execution or closing.
    #[arg(long)]
    stage: Option<String>,
    /// The budget, a number in the workspace's currency ("none" to clear).
    #[arg(long)]
    budget: Option<String>,
    /// What is in scope, in words ("none" to clear).
    #[arg(long)]
    scope_in: Option<String>,
    /// What is out of scope, in words ("none" to clear).
    #[arg(long)]
    scope_out: Option<String>,
    /// An ongoing process with no end date.
    #[arg(long)]
    ongoing: Option<bool>,
    /// Working hours of the seven days, Monday first, separated by '|':
    /// "09:00-17:00|09:00-17:00|09:00-17:00|09:00-17:00|||" is a four-day week.
    #[arg(long)]
    work_week: Option<String>,
    /// Hours in a day of estimate (0.5 to 24).
    #[arg(long, value_parser = super::values::finite)]
    hours_per_day: Option<f64>,
    /// When progress was last reported (a date, a date word, or
    /// YYYY-MM-DDTHH:MM; "none" to clear): work not done moves after it.
    /// Without one, an active project's open work is planned from today.
    #[arg(long)]
    status_date: Option<String>,
    /// How often a status update is expected: weekly (the default),
    /// biweekly, monthly, none, or a number of days (0 to 365). A project
    /// whose latest update is older is flagged as due.
    #[arg(long, value_parser = cadence_days)]
    update_cadence: Option<i64>,
}

/// The --update-cadence flag, in days.
fn cadence_days(text: &str) -> Result<i64, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "weekly" => Ok(7),
        "biweekly" | "fortnightly" => Ok(14),
        "monthly" => Ok(30),
        "none" | "never" => Ok(0),
        other => other
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=365).contains(d))
            .ok_or_else(|| {
                format!("{text}: give weekly, biweekly, monthly, none, or 0 to 365 days")
            }),
    }
}

/// The fields the flags set, as a partial update: a flag not given leaves
/// its field alone, "none" clears it. A new project takes the same fields.
fn project_update(name: Option<String>, flags: &ProjectFlags) -> Result<UpdateProject> {
    Ok(UpdateProject {
        name,
        objective: flags.objective.as_deref().map(text_value),
        owner: flags.owner.as_deref().map(text_value),
        start_date: flags
            .start
            .as_deref()
            .map(|d| date_value("start", d))
            .transpose()?,
        target_date: flags
            .target
            .as_deref()
            .map(|d| date_value("target", d))
            .transpose()?,
        status: flags
            .status
            .as_deref()
            .map(|s| choice("status", s))
            .transpose()?,
        stage: flags
            .stage
            .as_deref()
            .map(|s| choice("stage", s))
            .transpose()?,
        budget: flags.budget.as_deref().map(budget_value).transpose()?,
        scope_in: flags.scope_in.as_deref().map(text_value),
        scope_out: flags.scope_out.as_deref().map(text_value),
        ongoing: flags.ongoing,
        work_week: flags
            .work_week
            .as_deref()
            .map(|w| w.split('|').map(|day| day.trim().to_string()).collect()),
        hours_per_day: flags.hours_per_day,
        status_date: flags
            .status_date
            .as_deref()
            .map(|d| when_value("status-date", d))
            .transpose()?,
        update_cadence_days: flags.update_cadence,
    })
}

/// The --budget flag: a number, or "none" to clear it.
fn budget_value(text: &str) -> Result<Option<f64>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    text.parse::<f64>()
        .map(Some)
        .map_err(|_| anyhow!("--budget: '{text}' is not a number"))
}

fn print_project(p: &ProjectView) {
    outln!("{}  {}", p.key, p.name);
    outln!("  status      {} ({})", p.status, p.stage);
    if let Some(at) = p.archived_at {
        outln!("  archived    {}", at.format("%Y-%m-%d"));
    }
    if let Some(task) = &p.promoted_from {
        outln!("  promoted from task {task}");
    }
    outln!(
        "  owner       {}",
        or_dash(p.owner.as_ref().map(|o| o.email.clone()))
    );
    outln!("  objective   {}", or_dash(p.objective.clone()));
    outln!("  scope in    {}", or_dash(p.scope_in.clone()));
    outln!("  scope out   {}", or_dash(p.scope_out.clone()));
    outln!(
        "  dates       {} → {}",
        or_dash(p.start_date),
        if p.ongoing {
            "ongoing".into()
        } else {
            or_dash(p.target_date)
        }
    );
    outln!("  budget      {}", or_dash(p.budget));
    if let Some(t) = &p.template {
        outln!("  template    {} (version {})", t.name, t.version);
    }
    outln!(
        "  updates     {}",
        match p.update_cadence_days {
            0 => "none expected".to_string(),
            7 => "weekly".to_string(),
            n => format!("every {n} days"),
        }
    );
    if let Some(progress) = &p.progress {
        outln!(
            "  progress    {:.1}% of {} tasks ({} done)",
            progress.percent,
            progress.leaf_tasks,
            progress.done_tasks
        );
    }
}

pub(super) async fn project_command(
    client: &Client,
    command: ProjectCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        ProjectCommand::Add {
            key,
            name,
            template,
            template_version,
            roles,
            fields,
        } => {
            let fields = project_update(None, &fields)?;
            let roles = if template.is_some() {
                let mut people = std::collections::BTreeMap::new();
                for pair in &roles {
                    let Some((role, email)) = pair.split_once('=') else {
                        anyhow::bail!(
                            "--role: '{pair}' is not ROLE=EMAIL (\"Designer=ana@acme.example\")"
                        );
                    };
                    people.insert(role.trim().to_string(), email.trim().to_string());
                }
                Some(people)
            } else {
                None
            };
            let request = CreateProject {
                template,
                template_version,
                roles,
                key: Some(key),
                name: Some(name),
                objective: fields.objective.flatten(),
                scope_in: fields.scope_in.flatten(),
                scope_out: fields.scope_out.flatten(),
                owner: fields.owner.flatten(),
                status: fields.status,
                stage: fields.stage,
                start_date: fields.start_date.flatten(),
                target_date: fields.target_date.flatten(),
                budget: fields.budget.flatten(),
                ongoing: fields.ongoing,
                work_week: fields.work_week,
                hours_per_day: fields.hours_per_day,
                status_date: fields.status_date.flatten(),
                update_cadence_days: fields.update_cadence_days,
            };
            let project: ProjectView = client
                .send(
                    Method::POST,
                    &client.ws_path("/projects").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&project)
            } else {
                outln!("Created project {} ({})", project.key, project.name)
            }
        }
        ProjectCommand::List { archived } => {
            let which = match archived {
                Archived::InUse => "false",
                Archived::Only => "true",
                Archived::All => "any",
            };
            let projects: Vec<ProjectView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects?archived={which}"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&projects);
                    Ok(())
                };
            }
            let rows = projects
                .iter()
                .map(|p| {
                    vec![
                        p.key.clone(),
                        p.name.clone(),
                        p.status.to_string(),
                        p.stage.to_string(),
                        or_dash(p.owner.as_ref().map(|o| o.email.clone())),
                        if p.ongoing {
                            "ongoing".into()
                        } else {
                            or_dash(p.target_date)
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(
                &["key", "name", "status", "stage", "owner", "target"],
                &rows,
            );
        }
        ProjectCommand::Signals { key } => {
            let path = client.ws_path(&format!("/projects/{key}/signals")).await?;
            let view: SignalsView = client.send(Method::GET, &path, None).await?;
            super::task::print_signals(&key, &view, as_json);
        }
        ProjectCommand::Show { key } => {
            let base = client.ws_path(&format!("/projects/{key}")).await?;
            let project: ProjectView = client.send(Method::GET, &base, None).await?;
            let phases: Vec<PhaseView> = client
                .send(Method::GET, &format!("{base}/phases"), None)
                .await?;
            let milestones: Vec<MilestoneView> = client
                .send(Method::GET, &format!("{base}/milestones"), None)
                .await?;
            let risks: Vec<RiskView> = client
                .send(Method::GET, &format!("{base}/risks"), None)
                .await?;
            if as_json {
                return {
                    print_json(
                        &json!({"project": project, "phases": phases, "milestones": milestones, "risks": risks}),
                    );
                    Ok(())
                };
            }
            print_project(&project);
            if !phases.is_empty() {
                outln!("\nPhases");
                let rows = phases
                    .iter()
                    .map(|p| {
                        vec![
                            p.name.clone(),
                            or_dash(p.start_date),
                            or_dash(p.end_date),
                            format!(
                                "{:.0}%",
                                p.progress.as_ref().map(|x| x.percent).unwrap_or(0.0)
                            ),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["phase", "start", "end", "progress"], &rows);
            }
            if !milestones.is_empty() {
                outln!("\nMilestones");
                let rows = milestones
                    .iter()
                    .map(|m| {
                        vec![
                            m.name.clone(),
                            or_dash(m.date),
                            format!(
                                "{:.0}%",
                                m.progress.as_ref().map(|x| x.percent).unwrap_or(0.0)
                            ),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["milestone", "date", "progress"], &rows);
            }
            if !risks.is_empty() {
                outln!("\nTop risks");
                let rows = risks
                    .iter()
                    .take(5)
                    .map(|r| {
                        vec![
                            r.score.to_string(),
                            r.level.clone(),
                            r.title.clone(),
                            r.status.to_string(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["score", "level", "risk", "status"], &rows);
            }
        }
        ProjectCommand::Edit { key, name, fields } => {
            let body = request_body(&project_update(name, &fields)?)?;
            if body.as_object().is_some_and(|fields| fields.is_empty()) {
                bail!("nothing to change: give at least one field flag");
            }
            let project: ProjectView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/projects/{key}")).await?,
                    Some(&body),
                )
                .await?;
            if as_json {
                print_json(&project)
            } else {
                print_project(&project)
            }
        }
        ProjectCommand::Archive { key } => set_archived(client, &key, true, as_json).await?,
        ProjectCommand::Unarchive { key } => set_archived(client, &key, false, as_json).await?,
        ProjectCommand::Demote {
            key,
            to_project,
            personal,
        } => {
            let path = client.ws_path(&format!("/projects/{key}")).await?;
            let project: ProjectView = client.send(Method::GET, &path, None).await?;
            let body = match to_project {
                Some(other) => json!({"to_project": other}),
                None => json!({"personal": personal}),
            };
            let done: DemotionView = client
                .send_if_match(
                    Method::POST,
                    &format!("{path}/demote"),
                    Some(&body),
                    project.version,
                )
                .await?;
            if as_json {
                print_json(&done);
            } else {
                outln!(
                    "Demoted project {} to task {} ({}): {} {} under it{}",
                    project.key,
                    done.task.key,
                    done.task.title,
                    done.moved,
                    if done.moved == 1 { "task" } else { "tasks" },
                    if done.restored {
                        ", back where it was promoted from"
                    } else {
                        ""
                    }
                );
            }
        }
        ProjectCommand::Delete { key, yes } => {
            if !yes {
                bail!("refusing to delete {key} and all its tasks without --yes");
            }
            let path = client.ws_path(&format!("/projects/{key}")).await?;
            let project: ProjectView = client.send(Method::GET, &path, None).await?;
            client
                .send_if_match::<()>(Method::DELETE, &path, None, project.version)
                .await?;
            if !as_json {
                outln!("Deleted project {} ({})", project.key, project.name);
            }
        }
    }
    Ok(())
}

/// Archives the project or brings it back, at the version just read.
async fn set_archived(client: &Client, key: &str, archive: bool, as_json: bool) -> Result<()> {
    let path = client.ws_path(&format!("/projects/{key}")).await?;
    let current: ProjectView = client.send(Method::GET, &path, None).await?;
    let verb = if archive { "archive" } else { "unarchive" };
    let project: ProjectView = client
        .send_if_match(
            Method::POST,
            &format!("{path}/{verb}"),
            None,
            current.version,
        )
        .await?;
    if as_json {
        print_json(&project);
    } else if archive {
        outln!("Archived {} ({})", project.key, project.name);
    } else {
        outln!("Unarchived {} ({})", project.key, project.name);
    }
    Ok(())
}
