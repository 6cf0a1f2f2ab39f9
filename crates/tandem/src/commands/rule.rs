//! `tandem rule`: automation rules in plain words, their runs, and a dry
//! run before or after saving.

use anyhow::{Result, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;

use super::values::request_body;
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

const WHEN: &str = "created, FIELD=VALUE (status=done, priority=urgent, owner=EMAIL, phase=ID), \
    FIELD changed, FIELD set, due in N days, overdue, milestone [ID] reached, slip > N days, \
    or dates (every monday, monthly on the 1st, an RRULE)";

#[derive(Debug, Subcommand)]
pub(super) enum RuleCommand {
    /// Make a rule: when something happens (--when), if the task's fields
    /// hold (--if), do something (--then).
    Add {
        name: String,
        /// The project's key; left out: every project (owners and admins).
        #[arg(long)]
        project: Option<String>,
        /// What sets it off: created, status=done, priority=urgent,
        /// owner set, phase=ID, due in N days, overdue, milestone [ID]
        /// reached, slip > N days, every monday (or an RRULE).
        #[arg(long)]
        when: String,
        /// A condition on the task (repeat for more, all must hold):
        /// FIELD=VALUE, FIELD!=VALUE, FIELD set, FIELD empty, tag=NAME,
        /// title~WORDS. Fields: status, priority, owner, due, phase,
        /// milestone, tag, title.
        #[arg(long = "if")]
        conditions: Vec<String>,
        /// An action (repeat for more, in order): FIELD=VALUE (owner=EMAIL
        /// or none, status, priority, due=+N days or a date, phase=ID,
        /// milestone=ID, tag=NAME adds it), "create task: TITLE", "create
        /// task from TEMPLATE", "create project PREFIX from TEMPLATE",
        /// "request approval [from EMAILS]", "comment: TEXT" (Markdown, on
        /// the task or the project), "notify PEOPLE: TEXT" (owner,
        /// followers or emails, in their inbox), "webhook ID".
        #[arg(long = "then", required = true)]
        actions: Vec<String>,
        /// Save it turned off.
        #[arg(long)]
        off: bool,
    },
    /// The workspace's rules, in words.
    List,
    /// A rule and its latest runs.
    Show {
        /// The rule's id (see `tandem rule list`).
        id: i64,
    },
    /// Change a rule: what is given replaces what it had.
    Edit {
        /// The rule's id.
        id: i64,
        #[arg(long)]
        name: Option<String>,
        /// As `tandem rule add --when`.
        #[arg(long)]
        when: Option<String>,
        /// As `tandem rule add --if`; "none" for no conditions.
        #[arg(long = "if")]
        conditions: Vec<String>,
        /// As `tandem rule add --then`.
        #[arg(long = "then")]
        actions: Vec<String>,
        /// on or off.
        #[arg(long, value_parser = ["on", "off"])]
        state: Option<String>,
    },
    /// Delete a rule and its runs.
    Rm {
        /// The rule's id.
        id: i64,
    },
    /// Which tasks a rule would touch now, writing nothing: a saved rule
    /// (its id), or one described by --when, --if, --then.
    DryRun {
        /// The rule's id; left out, describe one with the flags.
        id: Option<i64>,
        #[arg(long)]
        project: Option<String>,
        #[arg(long)]
        when: Option<String>,
        #[arg(long = "if")]
        conditions: Vec<String>,
        #[arg(long = "then")]
        actions: Vec<String>,
    },
}

async fn get(client: &Client, id: i64) -> Result<RuleView> {
    client
        .send(
            Method::GET,
            &client.ws_path(&format!("/rules/{id}")).await?,
            None,
        )
        .await
}

pub(super) async fn rule_command(
    client: &Client,
    command: RuleCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        RuleCommand::Add {
            name,
            project,
            when,
            conditions,
            actions,
            off,
        } => {
            let input = RuleInput {
                name: Some(name),
                project: Some(project),
                enabled: Some(!off),
                when: Some(when),
                if_: Some(conditions),
                then: Some(actions),
                ..RuleInput::default()
            };
            let rule: RuleView = client
                .send(
                    Method::POST,
                    &client.ws_path("/rules").await?,
                    Some(&request_body(&input)?),
                )
                .await?;
            if as_json {
                print_json(&rule);
            } else {
                outln!(
                    "Made rule {} (id {}): {}",
                    rule.name,
                    rule.id,
                    rule.description
                );
            }
        }
        RuleCommand::List => {
            let rules: Vec<RuleView> = client
                .send(Method::GET, &client.ws_path("/rules").await?, None)
                .await?;
            if as_json {
                print_json(&rules);
            } else if rules.is_empty() {
                outln!("No rules. Make one: tandem rule add NAME --when ... --then ... ({WHEN})");
            } else {
                let rows = rules
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.to_string(),
                            r.name.clone(),
                            r.project.clone().unwrap_or_else(|| "all".into()),
                            if r.enabled { "on" } else { "off" }.to_string(),
                            r.runs.to_string(),
                            r.description.clone(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(
                    &["id", "rule", "project", "state", "runs", "what it does"],
                    &rows,
                );
            }
        }
        RuleCommand::Show { id } => {
            let rule = get(client, id).await?;
            let runs: Vec<RuleRunView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/rules/{id}/runs")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&serde_json::json!({"rule": rule, "runs": runs}));
                return Ok(());
            }
            outln!(
                "Rule {} (id {}), {}",
                rule.name,
                rule.id,
                if rule.enabled { "on" } else { "off" }
            );
            outln!("{}", rule.description);
            outln!("Runs: {}", rule.runs);
            if !runs.is_empty() {
                let rows = runs
                    .iter()
                    .map(|r| {
                        vec![
                            r.at.format("%Y-%m-%d %H:%M").to_string(),
                            r.object.clone(),
                            r.outcome.clone(),
                            r.detail.clone().unwrap_or_default(),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["at (UTC)", "on", "outcome", "detail"], &rows);
            }
        }
        RuleCommand::Edit {
            id,
            name,
            when,
            conditions,
            actions,
            state,
        } => {
            let conditions = match conditions.as_slice() {
                [] => None,
                [none] if none.eq_ignore_ascii_case("none") => Some(Vec::new()),
                _ => Some(conditions),
            };
            let input = RuleInput {
                name,
                when,
                if_: conditions,
                then: (!actions.is_empty()).then_some(actions),
                enabled: state.map(|s| s == "on"),
                ..RuleInput::default()
            };
            let body = request_body(&input)?;
            if body.as_object().is_some_and(|f| f.is_empty()) {
                bail!("nothing to change: give --name, --when, --if, --then or --state");
            }
            let current = get(client, id).await?;
            let rule: RuleView = client
                .send_if_match(
                    Method::PATCH,
                    &client.ws_path(&format!("/rules/{id}")).await?,
                    Some(&body),
                    current.version,
                )
                .await?;
            if as_json {
                print_json(&rule);
            } else {
                outln!(
                    "Changed rule {} (id {}): {}",
                    rule.name,
                    rule.id,
                    rule.description
                );
            }
        }
        RuleCommand::Rm { id } => {
            let current = get(client, id).await?;
            client
                .send_if_match::<()>(
                    Method::DELETE,
                    &client.ws_path(&format!("/rules/{id}")).await?,
                    None,
                    current.version,
                )
                .await?;
            if !as_json {
                outln!("Deleted rule {} (id {})", current.name, id);
            }
        }
        RuleCommand::DryRun {
            id,
            project,
            when,
            conditions,
            actions,
        } => {
            let dry: DryRunView = match (id, when) {
                (Some(id), None) => {
                    client
                        .send(
                            Method::POST,
                            &client.ws_path(&format!("/rules/{id}/dry-run")).await?,
                            None,
                        )
                        .await?
                }
                (None, Some(when)) => {
                    let input = RuleInput {
                        name: Some("Dry run".into()),
                        project: Some(project),
                        when: Some(when),
                        if_: Some(conditions),
                        then: Some(actions),
                        ..RuleInput::default()
                    };
                    client
                        .send(
                            Method::POST,
                            &client.ws_path("/rules/dry-run").await?,
                            Some(&request_body(&input)?),
                        )
                        .await?
                }
                _ => bail!("give a rule's id, or describe one with --when and --then (not both)"),
            };
            if as_json {
                print_json(&dry);
                return Ok(());
            }
            outln!("{}", dry.note);
            for task in &dry.tasks {
                outln!("  {}  {}", task.key, task.title);
            }
            outln!("It would: {}", dry.actions.join(", then "));
        }
    }
    Ok(())
}
