//! The command line: clap definitions, then one function per command. Flags
//! are parsed and checked first; the work happens once the whole command is
//! known.

use std::io::Read;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Local, NaiveDate};
use clap::{Args, Parser, Subcommand};
use reqwest::Method;
use serde_json::{Map, Value, json};
use tandem_api::*;
use tandem_domain::dates::{Bucket, bucket, parse_date, parse_work_days};
use tandem_domain::{Email, LagFormat, Role, Slug, check_password};
use tandem_server::ServeOptions;

use crate::client::{Client, Config, load_config, save_config};
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "Projects and tasks in one tool: the server and its client"
)]
pub struct Cli {
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    /// The workspace to act in (default: TANDEM_WORKSPACE, the config, or your first).
    #[arg(long, short = 'w', global = true)]
    workspace: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Administer a database directly, without a server (bootstrapping).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Sign in and save a token for the other commands.
    Login(LoginArgs),
    /// Personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Projects.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Tasks.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Dependencies between tasks.
    #[command(subcommand)]
    Dep(DepCommand),
    /// Risks of a project.
    #[command(subcommand)]
    Risk(RiskCommand),
    /// Phases of a project.
    #[command(subcommand)]
    Phase(PhaseCommand),
    /// Milestones of a project.
    #[command(subcommand)]
    Milestone(MilestoneCommand),
    /// Stakeholders of a project.
    #[command(subcommand)]
    Stakeholder(StakeholderCommand),
    /// Add a task from one line, as the web's quick add reads it:
    /// tandem add "Write brief @ana #LAUNCH due fri !high"
    /// (@person by email, name or first name; #PROJECT key; due and a date
    /// or date words such as fri, tomorrow, 2027-01-15; !low, !medium,
    /// !high or !urgent). Without #PROJECT it is a personal task.
    Add { text: String },
    /// My open tasks across all projects: overdue, today, this week, later.
    My,
    /// Schedule a plan: the critical path, the finish date and each task's slack.
    Schedule(ScheduleArgs),
    /// Import a file as a new project.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export a project as a file (to standard output).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Holidays and days of other hours in a project's calendar.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Members of the workspace: invitations, hours a week and time off.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Invitations to workspaces that wait for your answer.
    #[command(subcommand)]
    Invitation(InvitationCommand),
    /// Baselines of a project's schedule, to measure variance against.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// P50 / P80 / P95 finish of a project from its three-point estimates.
    Forecast {
        key: String,
        /// Monte Carlo runs (1 to 20000).
        #[arg(long)]
        runs: Option<usize>,
        /// The same seed gives the same forecast.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Level a project by task owner: a preview, or --apply to write it.
    Level {
        key: String,
        /// Write the levelled starts to the tasks (as "start no earlier than").
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// A Microsoft Project XML file: tasks, outline, links, constraints,
    /// calendar, actuals and baseline.
    Mspdi {
        file: std::path::PathBuf,
        /// The new project's key (default: made from the file's name).
        #[arg(long)]
        project: Option<String>,
        /// The new project's name (default: the file's).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// As Microsoft Project XML: tandem export mspdi KEY > plan.xml
    Mspdi { key: String },
}

#[derive(Debug, Subcommand)]
enum MemberCommand {
    /// Members, their roles and hours a week.
    List,
    /// Set how many hours a week a member works (40 is full time).
    Capacity { email: String, hours: f64 },
    /// Record time off: levelling keeps their work off those days.
    Away {
        email: String,
        #[arg(long)]
        from: String,
        /// The last day away (default: the first).
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// A member's time off.
    TimeOff { email: String },
    /// Invite a person by email; they join when they accept
    /// (`tandem invitation accept ID`). Owners and admins.
    Invite {
        email: String,
        /// The role they join with: owner (owners only), admin, member or guest.
        #[arg(long, default_value = "member", value_parser = ["owner", "admin", "member", "guest"])]
        role: String,
    },
    /// The workspace's open invitations (owners and admins).
    Invitations,
    /// Withdraw an invitation by its id (owners and admins).
    Uninvite { id: i64 },
}

#[derive(Debug, Subcommand)]
enum InvitationCommand {
    /// Invitations waiting for you, in any workspace.
    List,
    /// Accept an invitation: join its workspace with its role.
    Accept { id: i64 },
    /// Decline an invitation.
    Decline { id: i64 },
}

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// Add a holiday (no work) or, with --hours, days of other hours.
    Add {
        key: String,
        name: String,
        /// The first day (a date or a date word).
        #[arg(long)]
        from: String,
        /// The last day (default: the first).
        #[arg(long)]
        to: Option<String>,
        /// The hours worked on those days, e.g. "09:00-13:00".
        #[arg(long)]
        hours: Option<String>,
    },
    /// The project's working week and its exceptions.
    List { key: String },
    /// Remove an exception.
    Rm { key: String, id: i64 },
}

#[derive(Debug, Subcommand)]
enum BaselineCommand {
    /// Save the project's current schedule as a baseline.
    Save {
        key: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// The project's baselines, newest first.
    List { key: String },
    /// Delete a baseline.
    Rm { key: String, id: i64 },
}

#[derive(Debug, Args)]
struct ScheduleArgs {
    /// The project to schedule (on the server).
    #[arg(required_unless_present = "mspdi", conflicts_with = "mspdi")]
    key: Option<String>,
    /// A Microsoft Project XML file, scheduled here without a server. With
    /// --json: one JSON object per line per task.
    #[arg(long)]
    mspdi: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TANDEM_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// sqlite://PATH (created if missing) or postgres://…
    #[arg(
        long,
        env = "TANDEM_DATABASE_URL",
        default_value = "sqlite://tandem.db"
    )]
    database: String,
    /// Load the demo workspace (once).
    #[arg(long)]
    demo: bool,
    /// Seconds a client has to send a request's headers, from connecting
    /// or from the request's first byte.
    #[arg(
        long,
        env = "TANDEM_HEADER_TIMEOUT",
        value_name = "SECONDS",
        value_parser = seconds,
        default_value_t = ServeOptions::default().header_read_timeout.as_secs()
    )]
    header_timeout: u64,
    /// Seconds a client has to send a request's body, plus one for every
    /// 64 KiB sent.
    #[arg(
        long,
        env = "TANDEM_BODY_TIMEOUT",
        value_name = "SECONDS",
        value_parser = seconds,
        default_value_t = ServeOptions::default().body_read_timeout.as_secs()
    )]
    body_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(
        long,
        env = "TANDEM_IDLE_TIMEOUT",
        value_name = "SECONDS",
        value_parser = seconds,
        default_value_t = ServeOptions::default().idle_timeout.as_secs()
    )]
    idle_timeout: u64,
    /// Connections open at once; more wait to be accepted. Keep it below
    /// the open-file limit (ulimit -n).
    #[arg(
        long,
        env = "TANDEM_MAX_CONNECTIONS",
        value_name = "N",
        value_parser = connections,
        default_value_t = ServeOptions::default().max_connections
    )]
    max_connections: usize,
}

/// A timeout flag: whole seconds, at least one, at most a day.
fn seconds(text: &str) -> std::result::Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1 second (0 would close every connection at once)".into()),
        Ok(n) if n <= 86_400 => Ok(n),
        Ok(_) => Err("must be at most 86400 seconds (a day)".into()),
        Err(_) => Err(format!("'{text}' is not a whole number of seconds")),
    }
}

/// The connection cap: at least one.
fn connections(text: &str) -> std::result::Result<usize, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("must be at least 1 (0 would accept no connection)".into()),
        Ok(n) => Ok(n as usize),
        Err(_) => Err(format!(
            "'{text}' is not a whole number from 1 to 4294967295"
        )),
    }
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Workspaces.
    #[command(subcommand)]
    Workspace(AdminWorkspace),
    /// Users.
    #[command(subcommand)]
    User(AdminUser),
}

#[derive(Debug, Subcommand)]
enum AdminWorkspace {
    /// Create a workspace.
    Add {
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(
            long,
            env = "TANDEM_DATABASE_URL",
            default_value = "sqlite://tandem.db"
        )]
        database: String,
    },
}

#[derive(Debug, Subcommand)]
enum AdminUser {
    /// Create a user (or reuse one with this email) and add them to a workspace.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        workspace: String,
        #[arg(long, default_value = "member")]
        role: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[arg(
            long,
            env = "TANDEM_DATABASE_URL",
            default_value = "sqlite://tandem.db"
        )]
        database: String,
    },
}

#[derive(Debug, Args)]
struct LoginArgs {
    #[arg(long)]
    server: String,
    #[arg(long)]
    email: String,
    /// Read the password from standard input.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print it (shown once).
    Create { name: String },
    /// List your tokens.
    List,
    /// Revoke a token by id.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
enum ProjectCommand {
    /// Create a project.
    Add {
        key: String,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        fields: ProjectFlags,
    },
    /// List projects.
    List,
    /// Show a project with its progress, phases, milestones and risks.
    Show { key: String },
    /// Change a project's fields ("none" clears a field).
    Edit {
        key: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: ProjectFlags,
    },
}

#[derive(Debug, Args)]
struct ProjectFlags {
    #[arg(long)]
    objective: Option<String>,
    /// The outcome owner's email.
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    start: Option<String>,
    #[arg(long)]
    target: Option<String>,
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    stage: Option<String>,
    #[arg(long)]
    budget: Option<String>,
    #[arg(long)]
    scope_in: Option<String>,
    #[arg(long)]
    scope_out: Option<String>,
    /// An ongoing process with no end date.
    #[arg(long)]
    ongoing: Option<bool>,
    /// Working hours of the seven days, Monday first, separated by '|':
    /// "09:00-17:00|09:00-17:00|09:00-17:00|09:00-17:00|||" is a four-day week.
    #[arg(long)]
    work_week: Option<String>,
    /// Hours in a day of estimate.
    #[arg(long)]
    hours_per_day: Option<f64>,
    /// When progress was last reported (a date, a date word, or
    /// YYYY-MM-DDTHH:MM; "none" to clear): work not done moves after it.
    #[arg(long)]
    status_date: Option<String>,
}

#[derive(Debug, Subcommand)]
enum TaskCommand {
    /// Create a task (without --project, a personal task).
    Add {
        title: String,
        #[arg(long)]
        project: Option<String>,
        #[command(flatten)]
        fields: TaskFlags,
    },
    /// List tasks.
    List {
        #[arg(long)]
        project: Option<String>,
        #[arg(long, conflicts_with = "mine")]
        owner: Option<String>,
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        priority: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        /// Words in the title or description.
        #[arg(long)]
        search: Option<String>,
        /// How many at most.
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Show a task with its links and history.
    Show { key: String },
    /// Change a task's fields ("none" clears a field).
    Edit {
        key: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        fields: TaskFlags,
    },
    /// Mark a task done.
    Done { key: String },
}

#[derive(Debug, Args)]
struct TaskFlags {
    /// The owner's email.
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    due: Option<String>,
    #[arg(long)]
    start: Option<String>,
    #[arg(long)]
    priority: Option<String>,
    #[arg(long)]
    status: Option<String>,
    /// Duration estimate: 3d, 4h, 2w.
    #[arg(long)]
    estimate: Option<String>,
    /// Effort in hours.
    #[arg(long)]
    effort: Option<f64>,
    #[arg(long)]
    percent: Option<i64>,
    /// The parent task's key.
    #[arg(long)]
    parent: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// A tag; repeat for several (replaces the list).
    #[arg(long = "tag")]
    tags: Vec<String>,
    #[arg(long)]
    blocked_reason: Option<String>,
    /// asap, alap, snet, snlt, fnet, fnlt, mso or mfo ("none" to clear).
    #[arg(long)]
    constraint: Option<String>,
    /// The constraint's date: a date, a date word, or YYYY-MM-DDTHH:MM.
    #[arg(long)]
    constraint_date: Option<String>,
    /// When work really started: a date, a date word, or YYYY-MM-DDTHH:MM.
    #[arg(long)]
    actual_start: Option<String>,
    /// When work really finished.
    #[arg(long)]
    actual_finish: Option<String>,
}

#[derive(Debug, Subcommand)]
enum DepCommand {
    /// Make SUCC depend on PRED.
    Add {
        pred: String,
        succ: String,
        #[arg(long = "type", default_value = "FS")]
        kind: String,
        /// Lag: working time (2d, -1d, 4h, 1w), elapsed time (3ed, 12eh,
        /// 1ew) or a percentage of the predecessor's duration (50%).
        #[arg(long, default_value = "0d", allow_hyphen_values = true)]
        lag: String,
    },
    /// Remove the link PRED → SUCC.
    Rm { pred: String, succ: String },
    /// A task's links, both ways.
    List { key: String },
}

#[derive(Debug, Subcommand)]
enum RiskCommand {
    /// Add a risk to a project.
    Add {
        key: String,
        title: String,
        #[arg(long)]
        probability: i64,
        #[arg(long)]
        impact: i64,
        #[arg(long)]
        mitigation: Option<String>,
        #[arg(long)]
        owner: Option<String>,
    },
    /// A project's risk register.
    List { key: String },
}

#[derive(Debug, Subcommand)]
enum PhaseCommand {
    Add {
        key: String,
        name: String,
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        end: Option<String>,
    },
    List {
        key: String,
    },
}

#[derive(Debug, Subcommand)]
enum MilestoneCommand {
    Add {
        key: String,
        name: String,
        #[arg(long)]
        date: Option<String>,
    },
    List {
        key: String,
    },
}

#[derive(Debug, Subcommand)]
enum StakeholderCommand {
    /// Add a member (--member EMAIL) or an external person (--name, --email).
    Add {
        key: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        member: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    List {
        key: String,
    },
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn read_password() -> Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the password from standard input")?;
    let password = text.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

/// A date flag: ISO or words; "none" clears.
fn date_value(flag: &str, text: &str) -> Result<Value> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(Value::Null);
    }
    parse_date(text, today())
        .map(|d| json!(d.to_string()))
        .map_err(|e| anyhow!("--{flag}: {e}"))
}

/// A plan instant for the API: `YYYY-MM-DDTHH:MM` as given, or a date
/// (words allowed) that the server places at the start or end of the day.
fn when_value(flag: &str, text: &str) -> Result<Value> {
    if text.contains('T') {
        Ok(json!(text))
    } else {
        date_value(flag, text)
    }
}

fn text_value(text: &str) -> Value {
    if text.eq_ignore_ascii_case("none") {
        Value::Null
    } else {
        json!(text)
    }
}

fn put(body: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        body.insert(key.into(), value);
    }
}

fn project_body(flags: &ProjectFlags, body: &mut Map<String, Value>) -> Result<()> {
    put(
        body,
        "objective",
        flags.objective.as_deref().map(text_value),
    );
    put(body, "owner", flags.owner.as_deref().map(text_value));
    put(
        body,
        "start_date",
        flags
            .start
            .as_deref()
            .map(|d| date_value("start", d))
            .transpose()?,
    );
    put(
        body,
        "target_date",
        flags
            .target
            .as_deref()
            .map(|d| date_value("target", d))
            .transpose()?,
    );
    put(
        body,
        "status",
        flags
            .status
            .as_deref()
            .map(|s| json!(s.to_lowercase().replace([' ', '-'], "_"))),
    );
    put(
        body,
        "stage",
        flags.stage.as_deref().map(|s| json!(s.to_lowercase())),
    );
    let budget = match flags.budget.as_deref() {
        Some(b) if b.eq_ignore_ascii_case("none") => Some(Value::Null),
        Some(b) => Some(json!(
            b.parse::<f64>()
                .map_err(|_| anyhow!("--budget: '{b}' is not a number"))?
        )),
        None => None,
    };
    put(body, "budget", budget);
    put(body, "scope_in", flags.scope_in.as_deref().map(text_value));
    put(
        body,
        "scope_out",
        flags.scope_out.as_deref().map(text_value),
    );
    put(body, "ongoing", flags.ongoing.map(Value::Bool));
    put(
        body,
        "work_week",
        flags
            .work_week
            .as_deref()
            .map(|w| json!(w.split('|').map(str::trim).collect::<Vec<_>>())),
    );
    put(body, "hours_per_day", flags.hours_per_day.map(|h| json!(h)));
    put(
        body,
        "status_date",
        flags
            .status_date
            .as_deref()
            .map(|d| when_value("status-date", d))
            .transpose()?,
    );
    Ok(())
}

fn task_body(flags: &TaskFlags, body: &mut Map<String, Value>) -> Result<()> {
    put(body, "owner", flags.owner.as_deref().map(text_value));
    put(
        body,
        "due_date",
        flags
            .due
            .as_deref()
            .map(|d| date_value("due", d))
            .transpose()?,
    );
    put(
        body,
        "start_date",
        flags
            .start
            .as_deref()
            .map(|d| date_value("start", d))
            .transpose()?,
    );
    put(
        body,
        "priority",
        flags.priority.as_deref().map(|p| json!(p.to_lowercase())),
    );
    put(
        body,
        "status",
        flags
            .status
            .as_deref()
            .map(|s| json!(s.to_lowercase().replace([' ', '-'], "_"))),
    );
    let estimate = match flags.estimate.as_deref() {
        Some(e) if e.eq_ignore_ascii_case("none") => Some(Value::Null),
        Some(e) => Some(json!(
            parse_work_days(e).map_err(|err| anyhow!("--estimate: {err}"))?
        )),
        None => None,
    };
    put(body, "estimate_days", estimate);
    put(body, "effort_hours", flags.effort.map(|e| json!(e)));
    put(body, "percent_complete", flags.percent.map(|p| json!(p)));
    put(body, "parent", flags.parent.as_deref().map(text_value));
    put(
        body,
        "description",
        flags.description.as_deref().map(text_value),
    );
    if !flags.tags.is_empty() {
        body.insert("tags".into(), json!(flags.tags));
    }
    put(
        body,
        "blocked_reason",
        flags.blocked_reason.as_deref().map(text_value),
    );
    put(
        body,
        "constraint_type",
        flags
            .constraint
            .as_deref()
            .map(|c| text_value(&c.to_lowercase())),
    );
    for (flag, field, value) in [
        ("constraint-date", "constraint_date", &flags.constraint_date),
        ("actual-start", "actual_start", &flags.actual_start),
        ("actual-finish", "actual_finish", &flags.actual_finish),
    ] {
        put(
            body,
            field,
            value.as_deref().map(|v| when_value(flag, v)).transpose()?,
        );
    }
    Ok(())
}

pub async fn run(cli: Cli) -> Result<()> {
    let as_json = cli.json;
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Admin(command) => admin(command, as_json).await,
        Command::Login(args) => login(args, cli.workspace).await,
        Command::Schedule(ScheduleArgs {
            mspdi: Some(path), ..
        }) => schedule_file(&path, as_json),
        command => {
            let client = Client::from_env(cli.workspace)?;
            client_command(&client, command, as_json).await
        }
    }
}

async fn serve(args: ServeArgs) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TANDEM_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let store: Arc<dyn tandem_store::Store> = Arc::from(
        tandem_store::open(&args.database)
            .await
            .with_context(|| format!("opening the database {}", args.database))?,
    );
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    if args.demo {
        let hash = tandem_server::auth::hash_password(tandem_server::demo::DEMO_PASSWORD)
            .map_err(|e| anyhow!(e))?;
        match tandem_server::demo::load(store.as_ref(), &hash, today())
            .await
            .context("loading the demo")?
        {
            Some(info) => {
                outln!(
                    "Loaded the demo workspace '{}'.",
                    tandem_server::demo::DEMO_WORKSPACE
                );
                outln!(
                    "Sign in as any of {} with the password '{}', e.g.:",
                    info.emails.join(", "),
                    tandem_server::demo::DEMO_PASSWORD
                );
            }
            None => outln!("The demo workspace is already loaded. Sign in, e.g.:"),
        }
        outln!(
            "  echo {} | tandem login --server http://{address} --email ana@demo.tandem --password-stdin",
            tandem_server::demo::DEMO_PASSWORD
        );
    }
    outln!(
        "Tandem is listening on http://{address} ({} database)",
        store.backend()
    );
    tracing::info!(%address, backend = store.backend(), "listening");
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("signal handler");
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
        tracing::info!("shutting down");
    };
    let options = ServeOptions {
        header_read_timeout: std::time::Duration::from_secs(args.header_timeout),
        body_read_timeout: std::time::Duration::from_secs(args.body_timeout),
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
        max_connections: args.max_connections,
    };
    tandem_server::serve_with(store, listener, options, shutdown)
        .await
        .context("serving")?;
    Ok(())
}

async fn admin(command: AdminCommand, as_json: bool) -> Result<()> {
    match command {
        AdminCommand::Workspace(AdminWorkspace::Add {
            slug,
            name,
            database,
        }) => {
            let slug = Slug::parse(&slug).map_err(|e| anyhow!("slug: {e}"))?;
            let mut v = tandem_domain::Validation::new();
            let name = tandem_domain::validate::required_text(Some(&name), "name", 200, &mut v);
            if let Err(errors) = v.into_result() {
                bail!("--name {}", errors[0].message);
            }
            let store = tandem_store::open(&database)
                .await
                .with_context(|| format!("opening {database}"))?;
            let workspace = store.create_workspace(&slug, name.trim(), None).await?;
            if as_json {
                print_json(&json!({"slug": workspace.slug, "name": workspace.name}));
            } else {
                outln!("Created workspace {} ({})", workspace.slug, workspace.name);
            }
        }
        AdminCommand::User(AdminUser::Add {
            email,
            name,
            workspace,
            role,
            password_stdin,
            database,
        }) => {
            let email = Email::parse(&email).map_err(|e| anyhow!("email: {e}"))?;
            let role: Role = role.parse().map_err(|e| anyhow!("--role: {e}"))?;
            let mut v = tandem_domain::Validation::new();
            let name = tandem_domain::validate::required_text(Some(&name), "name", 200, &mut v);
            if let Err(errors) = v.into_result() {
                bail!("--name {}", errors[0].message);
            }
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let password = read_password()?;
            check_password(&password).map_err(|e| anyhow!("password: {e}"))?;
            let store = tandem_store::open(&database)
                .await
                .with_context(|| format!("opening {database}"))?;
            let ws = store
                .workspace_by_slug(&workspace)
                .await?
                .ok_or_else(|| anyhow!("no workspace {workspace}"))?;
            let user = match store.user_by_email(&email).await? {
                Some(user) => user,
                None => {
                    let hash =
                        tandem_server::auth::hash_password(&password).map_err(|e| anyhow!(e))?;
                    store.create_user(&email, name.trim(), &hash).await?
                }
            };
            // Bootstrapping acts as the workspace itself: an owner scope.
            let scope = tandem_store::Scope {
                workspace_id: ws.id,
                user_id: user.id,
                role: Role::Owner,
            };
            store.add_member(scope, user.id, role).await?;
            if as_json {
                print_json(&json!({"email": user.email, "workspace": ws.slug, "role": role}));
            } else {
                outln!("Added {} to {} as {}", user.email, ws.slug, role);
            }
        }
    }
    Ok(())
}

async fn login(args: LoginArgs, workspace: Option<String>) -> Result<()> {
    if !args.password_stdin {
        bail!("give the password on standard input with --password-stdin");
    }
    let password = read_password()?;
    let client = Client::new(args.server.clone(), None, None);
    let (_, me, headers) = client
        .send_raw(
            Method::POST,
            "/api/v1/auth/login",
            Some(&json!({"email": args.email, "password": password})),
            &[],
        )
        .await?;
    let me: Me = serde_json::from_value(me).context("unexpected sign-in answer")?;
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow!("the server did not start a session"))?
        .to_string();
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "this machine".into());
    let (_, token, _) = client
        .send_raw(
            Method::POST,
            "/api/v1/tokens",
            Some(&json!({"name": format!("tandem CLI on {host}")})),
            &[("cookie", cookie.clone())],
        )
        .await?;
    let token: TokenView = serde_json::from_value(token)?;
    client
        .send_raw(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            &[("cookie", cookie)],
        )
        .await?;
    let workspace = workspace.or_else(|| me.workspaces.first().map(|w| w.slug.clone()));
    let mut config = load_config().unwrap_or_else(|_| Config::default());
    config.server = Some(args.server);
    config.token = token.token;
    config.workspace = workspace.clone();
    save_config(&config)?;
    outln!(
        "Signed in as {} ({}); workspace {}",
        me.user.name,
        me.user.email,
        or_dash(workspace)
    );
    Ok(())
}

async fn client_command(client: &Client, command: Command, as_json: bool) -> Result<()> {
    match command {
        Command::Token(TokenCommand::Create { name }) => {
            let token: TokenView = client
                .send(Method::POST, "/api/v1/tokens", Some(&json!({"name": name})))
                .await?;
            if as_json {
                print_json(&token);
            } else {
                outln!("{}", token.token.unwrap_or_default());
            }
        }
        Command::Token(TokenCommand::List) => {
            let tokens: Vec<TokenView> = client.send(Method::GET, "/api/v1/tokens", None).await?;
            if as_json {
                return {
                    print_json(&tokens);
                    Ok(())
                };
            }
            let rows = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.name.clone(),
                        t.created_at.format("%Y-%m-%d").to_string(),
                        if t.revoked_at.is_some() {
                            "revoked".into()
                        } else {
                            "active".into()
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "name", "created", "state"], &rows);
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            client
                .send_raw(Method::DELETE, &format!("/api/v1/tokens/{id}"), None, &[])
                .await?;
            outln!("Revoked token {id}");
        }
        Command::Project(command) => project_command(client, command, as_json).await?,
        Command::Task(command) => task_command(client, command, as_json).await?,
        Command::Dep(command) => dep_command(client, command, as_json).await?,
        Command::Risk(command) => risk_command(client, command, as_json).await?,
        Command::Phase(command) => phase_command(client, command, as_json).await?,
        Command::Milestone(command) => milestone_command(client, command, as_json).await?,
        Command::Stakeholder(command) => stakeholder_command(client, command, as_json).await?,
        Command::Add { text } => {
            let request = QuickAdd { text: Some(text) };
            let task: TaskView = client
                .send(
                    Method::POST,
                    &client.ws_path("/quick").await?,
                    Some(&serde_json::to_value(&request)?),
                )
                .await?;
            if as_json {
                print_json(&task)
            } else {
                let mut details = Vec::new();
                if let Some(owner) = &task.owner {
                    details.push(format!("owner {}", owner.name));
                }
                if let Some(due) = task.due_date {
                    details.push(format!("due {due}"));
                }
                details.push(format!("{} priority", task.priority));
                outln!(
                    "Created {}  {}  ({})",
                    task.key,
                    task.title,
                    details.join(", ")
                )
            }
        }
        Command::My => my(client, as_json).await?,
        Command::Schedule(ScheduleArgs { key: Some(key), .. }) => {
            schedule_project(client, &key, as_json).await?
        }
        Command::Baseline(command) => baseline_command(client, command, as_json).await?,
        Command::Calendar(command) => calendar_command(client, command, as_json).await?,
        Command::Member(command) => member_command(client, command, as_json).await?,
        Command::Invitation(command) => invitation_command(client, command, as_json).await?,
        Command::Import(ImportCommand::Mspdi {
            file,
            project,
            name,
        }) => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut query = Vec::new();
            if let Some(key) = &project {
                query.push(format!("key={}", encode(key)));
            }
            if let Some(name) = &name {
                query.push(format!("name={}", encode(name)));
            }
            let path = client
                .ws_path(&format!("/imports/mspdi?{}", query.join("&")))
                .await?;
            let project: ProjectView = client
                .send_file(Method::POST, &path, "application/xml", bytes)
                .await?;
            if as_json {
                print_json(&project);
            } else {
                let tasks = all_tasks(
                    client,
                    vec![("project".into(), project.key.clone())],
                    usize::MAX,
                )
                .await?
                .len();
                outln!(
                    "Imported {} as {} \"{}\" with {tasks} tasks",
                    file.display(),
                    project.key,
                    project.name
                );
            }
        }
        Command::Export(ExportCommand::Mspdi { key }) => {
            let xml = client
                .get_text(&client.ws_path(&format!("/projects/{key}/mspdi")).await?)
                .await?;
            outln!("{}", xml.trim_end());
        }
        Command::Forecast { key, runs, seed } => {
            forecast(client, &key, runs, seed, as_json).await?
        }
        Command::Level { key, apply } => level(client, &key, apply, as_json).await?,
        Command::Serve(_) | Command::Admin(_) | Command::Login(_) | Command::Schedule(_) => {
            unreachable!("handled before")
        }
    }
    Ok(())
}

fn print_project(p: &ProjectView) {
    outln!("{}  {}", p.key, p.name);
    outln!("  status      {} ({})", p.status, p.stage);
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
    if let Some(progress) = &p.progress {
        outln!(
            "  progress    {:.1}% of {} tasks ({} done)",
            progress.percent,
            progress.leaf_tasks,
            progress.done_tasks
        );
    }
}

async fn project_command(client: &Client, command: ProjectCommand, as_json: bool) -> Result<()> {
    match command {
        ProjectCommand::Add { key, name, fields } => {
            let mut body = Map::new();
            body.insert("key".into(), json!(key));
            body.insert("name".into(), json!(name));
            project_body(&fields, &mut body)?;
            let project: ProjectView = client
                .send(
                    Method::POST,
                    &client.ws_path("/projects").await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&project)
            } else {
                outln!("Created project {} ({})", project.key, project.name)
            }
        }
        ProjectCommand::List => {
            let projects: Vec<ProjectView> = client
                .send(Method::GET, &client.ws_path("/projects").await?, None)
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
            let mut body = Map::new();
            put(&mut body, "name", name.map(|n| json!(n)));
            project_body(&fields, &mut body)?;
            if body.is_empty() {
                bail!("nothing to change: give at least one field flag");
            }
            let project: ProjectView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/projects/{key}")).await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&project)
            } else {
                print_project(&project)
            }
        }
    }
    Ok(())
}

fn task_row(t: &TaskView) -> Vec<String> {
    vec![
        t.key.clone(),
        t.title.clone(),
        t.status.to_string(),
        t.priority.to_string(),
        or_dash(t.owner.as_ref().map(|o| o.email.clone())),
        or_dash(t.due_date),
    ]
}

const TASK_HEADER: [&str; 6] = ["key", "title", "status", "priority", "owner", "due"];

/// Follows the cursor until `limit` tasks or the last page.
async fn all_tasks(
    client: &Client,
    mut query: Vec<(String, String)>,
    limit: usize,
) -> Result<Vec<TaskView>> {
    let path = client.ws_path("/tasks").await?;
    let mut tasks = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_size = (limit - tasks.len()).min(500);
        query.retain(|(k, _)| k != "cursor" && k != "limit");
        query.push(("limit".into(), page_size.to_string()));
        if let Some(c) = &cursor {
            query.push(("cursor".into(), c.clone()));
        }
        let qs = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let page: TaskPage = client
            .send(Method::GET, &format!("{path}?{qs}"), None)
            .await?;
        tasks.extend(page.tasks);
        match page.next_cursor {
            Some(next) if tasks.len() < limit => cursor = Some(next),
            _ => return Ok(tasks),
        }
    }
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn task_command(client: &Client, command: TaskCommand, as_json: bool) -> Result<()> {
    match command {
        TaskCommand::Add {
            title,
            project,
            fields,
        } => {
            let mut body = Map::new();
            body.insert("title".into(), json!(title));
            put(&mut body, "project", project.map(|p| json!(p)));
            task_body(&fields, &mut body)?;
            let task: TaskView = client
                .send(
                    Method::POST,
                    &client.ws_path("/tasks").await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&task)
            } else {
                outln!("Created {}  {}", task.key, task.title)
            }
        }
        TaskCommand::List {
            project,
            owner,
            mine,
            status,
            priority,
            tag,
            search,
            limit,
        } => {
            let mut query = Vec::new();
            let mut add = |k: &str, v: Option<String>| {
                if let Some(v) = v {
                    query.push((k.to_string(), v));
                }
            };
            add("project", project);
            add("owner", if mine { Some("me".into()) } else { owner });
            add(
                "status",
                status.map(|s| s.to_lowercase().replace([' ', '-'], "_")),
            );
            add("priority", priority.map(|p| p.to_lowercase()));
            add("tag", tag);
            add("q", search);
            let tasks = all_tasks(client, query, limit.max(1)).await?;
            if as_json {
                return {
                    let _: () = print_json(&tasks);
                    Ok(())
                };
            }
            table(
                &TASK_HEADER,
                &tasks.iter().map(task_row).collect::<Vec<_>>(),
            );
        }
        TaskCommand::Show { key } => {
            let base = client.ws_path(&format!("/tasks/{key}")).await?;
            let task: TaskView = client.send(Method::GET, &base, None).await?;
            let links: Vec<DependencyView> = client
                .send(Method::GET, &format!("{base}/dependencies"), None)
                .await?;
            let history: Vec<ActivityView> = client
                .send(Method::GET, &format!("{base}/activity"), None)
                .await?;
            if as_json {
                return {
                    print_json(&json!({"task": task, "dependencies": links, "activity": history}));
                    Ok(())
                };
            }
            outln!("{}  {}", task.key, task.title);
            outln!(
                "  status      {}{}",
                task.status,
                task.blocked_reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
            outln!("  priority    {}", task.priority);
            outln!(
                "  owner       {}",
                or_dash(task.owner.as_ref().map(|o| o.email.clone()))
            );
            if !task.collaborators.is_empty() {
                outln!(
                    "  with        {}",
                    task.collaborators
                        .iter()
                        .map(|c| c.email.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            outln!(
                "  dates       {} → {}",
                or_dash(task.start_date),
                or_dash(task.due_date)
            );
            outln!(
                "  estimate    {} days, {} hours, {}% complete",
                or_dash(task.estimate_days),
                or_dash(task.effort_hours),
                task.percent_complete
            );
            if let Some(kind) = task.constraint_type {
                outln!(
                    "  constraint  {} {}",
                    kind,
                    task.constraint_date.as_deref().unwrap_or_default()
                );
            }
            if task.actual_start.is_some() {
                outln!(
                    "  actual      {} → {}",
                    or_dash(task.actual_start.as_deref()),
                    or_dash(task.actual_finish.as_deref())
                );
            }
            if let Some(parent) = &task.parent {
                outln!("  parent      {}  {}", parent.key, parent.title);
            }
            if !task.tags.is_empty() {
                outln!("  tags        {}", task.tags.join(", "));
            }
            if let Some(d) = &task.description {
                outln!("\n{d}");
            }
            for link in &links {
                let (dir, other) = if link.successor.key == task.key {
                    ("after ", &link.predecessor)
                } else {
                    ("before", &link.successor)
                };
                outln!(
                    "  {dir} {}  {} ({}{})",
                    other.key,
                    other.title,
                    link.kind.as_str().to_uppercase(),
                    lag_text(link.lag_days, link.lag_format)
                );
            }
            if !history.is_empty() {
                outln!("\nHistory");
                for entry in history.iter().take(10) {
                    let who = entry
                        .actor
                        .as_ref()
                        .map(|a| a.email.as_str())
                        .unwrap_or("someone");
                    let fields = entry
                        .changes
                        .iter()
                        .map(|c| c.field.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    outln!(
                        "  {}  {who} {} {fields}",
                        entry.at.format("%Y-%m-%d %H:%M"),
                        entry.action
                    );
                }
            }
        }
        TaskCommand::Edit { key, title, fields } => {
            let mut body = Map::new();
            put(&mut body, "title", title.map(|t| json!(t)));
            task_body(&fields, &mut body)?;
            if body.is_empty() {
                bail!("nothing to change: give at least one field flag");
            }
            let task: TaskView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/tasks/{key}")).await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&task)
            } else {
                outln!("Updated {}  {} [{}]", task.key, task.title, task.status)
            }
        }
        TaskCommand::Done { key } => {
            let task: TaskView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/tasks/{key}")).await?,
                    Some(&json!({"status": "done"})),
                )
                .await?;
            if as_json {
                print_json(&task)
            } else {
                outln!("Done: {}  {}", task.key, task.title)
            }
        }
    }
    Ok(())
}

/// A lag as the CLI takes it: working time (`2d`, `4h`, `1w`), elapsed
/// time (`3ed`, `12eh`, `1ew`) or a percentage (`50%`).
fn parse_lag(text: &str) -> Result<(f64, LagFormat), String> {
    let t = text.trim().to_lowercase();
    if let Some(percent) = t.strip_suffix('%') {
        let value: f64 = percent
            .trim()
            .parse()
            .map_err(|_| format!("'{text}' is not a percentage"))?;
        return Ok((value, LagFormat::Percent));
    }
    for (unit, days) in [("ed", 1.0), ("eh", 1.0 / 24.0), ("ew", 7.0)] {
        if let Some(number) = t.strip_suffix(unit) {
            let value: f64 = number
                .trim()
                .parse()
                .map_err(|_| format!("'{text}' is not an elapsed duration"))?;
            return Ok((value * days, LagFormat::ElapsedDays));
        }
    }
    Ok((parse_work_days(&t)?, LagFormat::WorkingDays))
}

fn lag_text(lag: f64, format: LagFormat) -> String {
    match format {
        LagFormat::WorkingDays => format!("{lag:+}d"),
        LagFormat::ElapsedDays => format!("{lag:+}ed"),
        LagFormat::Percent => format!("{lag:+}%"),
    }
}

async fn dep_command(client: &Client, command: DepCommand, as_json: bool) -> Result<()> {
    match command {
        DepCommand::Add {
            pred,
            succ,
            kind,
            lag,
        } => {
            let (lag, format) = parse_lag(&lag).map_err(|e| anyhow!("--lag: {e}"))?;
            let body = json!({"predecessor": pred, "successor": succ, "type": kind.to_lowercase(),
                              "lag_days": lag, "lag_format": format});
            let dep: DependencyView = client
                .send(
                    Method::POST,
                    &client.ws_path("/dependencies").await?,
                    Some(&body),
                )
                .await?;
            if as_json {
                print_json(&dep)
            } else {
                outln!(
                    "{} → {} ({}, lag {})",
                    dep.predecessor.key,
                    dep.successor.key,
                    dep.kind.as_str().to_uppercase(),
                    lag_text(dep.lag_days, dep.lag_format)
                )
            }
        }
        DepCommand::Rm { pred, succ } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/dependencies/{pred}/{succ}"))
                        .await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Removed {pred} → {succ}");
            }
        }
        DepCommand::List { key } => {
            let deps: Vec<DependencyView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/tasks/{key}/dependencies"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&deps);
                    Ok(())
                };
            }
            let rows = deps
                .iter()
                .map(|d| {
                    vec![
                        d.predecessor.key.clone(),
                        d.successor.key.clone(),
                        d.kind.as_str().to_uppercase(),
                        lag_text(d.lag_days, d.lag_format),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["predecessor", "successor", "type", "lag (days)"], &rows);
        }
    }
    Ok(())
}

async fn risk_command(client: &Client, command: RiskCommand, as_json: bool) -> Result<()> {
    match command {
        RiskCommand::Add {
            key,
            title,
            probability,
            impact,
            mitigation,
            owner,
        } => {
            let mut body = Map::new();
            body.insert("title".into(), json!(title));
            body.insert("probability".into(), json!(probability));
            body.insert("impact".into(), json!(impact));
            put(&mut body, "mitigation", mitigation.map(|m| json!(m)));
            put(&mut body, "owner", owner.map(|o| json!(o)));
            let risk: RiskView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/projects/{key}/risks")).await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&risk)
            } else {
                outln!(
                    "Added risk {} (score {}, {})",
                    risk.title,
                    risk.score,
                    risk.level
                )
            }
        }
        RiskCommand::List { key } => {
            let risks: Vec<RiskView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}/risks")).await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&risks);
                    Ok(())
                };
            }
            let rows = risks
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.title.clone(),
                        format!("{}×{}", r.probability, r.impact),
                        r.score.to_string(),
                        r.level.clone(),
                        r.status.to_string(),
                        or_dash(r.mitigation.clone()),
                    ]
                })
                .collect::<Vec<_>>();
            table(
                &[
                    "id",
                    "risk",
                    "p×i",
                    "score",
                    "level",
                    "status",
                    "mitigation",
                ],
                &rows,
            );
        }
    }
    Ok(())
}

async fn phase_command(client: &Client, command: PhaseCommand, as_json: bool) -> Result<()> {
    match command {
        PhaseCommand::Add {
            key,
            name,
            start,
            end,
        } => {
            let mut body = Map::new();
            body.insert("name".into(), json!(name));
            put(
                &mut body,
                "start_date",
                start
                    .as_deref()
                    .map(|d| date_value("start", d))
                    .transpose()?,
            );
            put(
                &mut body,
                "end_date",
                end.as_deref().map(|d| date_value("end", d)).transpose()?,
            );
            let phase: PhaseView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/projects/{key}/phases")).await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&phase)
            } else {
                outln!("Added phase {} (id {})", phase.name, phase.id)
            }
        }
        PhaseCommand::List { key } => {
            let phases: Vec<PhaseView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}/phases")).await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&phases);
                    Ok(())
                };
            }
            let rows = phases
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
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
            table(&["id", "phase", "start", "end", "progress"], &rows);
        }
    }
    Ok(())
}

async fn milestone_command(
    client: &Client,
    command: MilestoneCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        MilestoneCommand::Add { key, name, date } => {
            let mut body = Map::new();
            body.insert("name".into(), json!(name));
            put(
                &mut body,
                "date",
                date.as_deref().map(|d| date_value("date", d)).transpose()?,
            );
            let milestone: MilestoneView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/milestones"))
                        .await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&milestone)
            } else {
                outln!("Added milestone {} (id {})", milestone.name, milestone.id)
            }
        }
        MilestoneCommand::List { key } => {
            let milestones: Vec<MilestoneView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/milestones"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&milestones);
                    Ok(())
                };
            }
            let rows = milestones
                .iter()
                .map(|m| {
                    vec![
                        m.id.to_string(),
                        m.name.clone(),
                        or_dash(m.date),
                        format!(
                            "{:.0}%",
                            m.progress.as_ref().map(|x| x.percent).unwrap_or(0.0)
                        ),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "milestone", "date", "progress"], &rows);
        }
    }
    Ok(())
}

async fn stakeholder_command(
    client: &Client,
    command: StakeholderCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        StakeholderCommand::Add {
            key,
            role,
            member,
            name,
            email,
        } => {
            let mut body = Map::new();
            body.insert("role".into(), json!(role.to_lowercase()));
            put(&mut body, "member", member.map(|m| json!(m)));
            put(&mut body, "name", name.map(|n| json!(n)));
            put(&mut body, "email", email.map(|e| json!(e)));
            let s: StakeholderView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/stakeholders"))
                        .await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&s)
            } else {
                outln!("Added {} as {}", s.name, s.role)
            }
        }
        StakeholderCommand::List { key } => {
            let list: Vec<StakeholderView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/stakeholders"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&list);
                    Ok(())
                };
            }
            let rows = list
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        or_dash(s.email.clone()),
                        s.role.to_string(),
                        if s.user.is_some() {
                            "member".into()
                        } else {
                            "external".into()
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(&["name", "email", "role", "kind"], &rows);
        }
    }
    Ok(())
}

async fn my(client: &Client, as_json: bool) -> Result<()> {
    let tasks = all_tasks(
        client,
        vec![
            ("owner".into(), "me".into()),
            ("open".into(), "true".into()),
        ],
        5000,
    )
    .await?;
    let today = today();
    let mut groups: Vec<(Bucket, Vec<&TaskView>)> =
        Bucket::ALL.iter().map(|b| (*b, Vec::new())).collect();
    for task in &tasks {
        let b = bucket(task.due_date, today);
        groups
            .iter_mut()
            .find(|(g, _)| *g == b)
            .expect("every bucket listed")
            .1
            .push(task);
    }
    for (_, list) in groups.iter_mut() {
        list.sort_by_key(|t| (t.due_date.unwrap_or(NaiveDate::MAX), t.priority, t.id));
    }
    if as_json {
        let object: Map<String, Value> = groups
            .iter()
            .map(|(b, list)| (b.label().to_lowercase().replace(' ', "_"), json!(list)))
            .collect();
        return {
            print_json(&object);
            Ok(())
        };
    }
    if tasks.is_empty() {
        outln!("Nothing open is assigned to you.");
        return Ok(());
    }
    for (b, list) in &groups {
        if list.is_empty() {
            continue;
        }
        outln!("{} ({})", b.label(), list.len());
        let rows = list
            .iter()
            .map(|t| {
                vec![
                    t.key.clone(),
                    t.title.clone(),
                    t.status.to_string(),
                    t.priority.to_string(),
                    or_dash(t.due_date),
                    t.project
                        .as_ref()
                        .map(|p| p.key.clone())
                        .unwrap_or_else(|| "personal".into()),
                ]
            })
            .collect::<Vec<_>>();
        table(
            &["key", "title", "status", "priority", "due", "project"],
            &rows,
        );
        outln!();
    }
    Ok(())
}

/// Schedules a Microsoft Project XML file locally and prints each task's
/// dates and slack, in the file's order.
fn schedule_file(path: &std::path::Path, as_json: bool) -> Result<()> {
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
    let format = |instant: chrono::NaiveDateTime| instant.format("%Y-%m-%dT%H:%M").to_string();
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
    let path: Vec<&str> = result
        .critical_path()
        .iter()
        .map(|&i| plan.tasks[i].name.as_str())
        .collect();
    outln!("Critical path: {}", path.join(" → "));
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

/// Prints a project's critical path, finish date and each task's slack.
async fn schedule_project(client: &Client, key: &str, as_json: bool) -> Result<()> {
    let schedule: ScheduleView = client
        .send(
            Method::GET,
            &client.ws_path(&format!("/projects/{key}/schedule")).await?,
            None,
        )
        .await?;
    if as_json {
        print_json(&schedule);
        return Ok(());
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
    table(&header, &rows);
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
    outln!("Critical path: {}", schedule.critical_path.join(" → "));
    for warning in &schedule.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

async fn baseline_command(client: &Client, command: BaselineCommand, as_json: bool) -> Result<()> {
    match command {
        BaselineCommand::Save { key, name } => {
            let baseline: BaselineView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/baselines"))
                        .await?,
                    Some(&json!({ "name": name })),
                )
                .await?;
            if as_json {
                print_json(&baseline);
            } else {
                outln!(
                    "Saved baseline #{} \"{}\" of {key} ({} tasks)",
                    baseline.id,
                    baseline.name,
                    baseline.tasks.unwrap_or(0)
                );
            }
        }
        BaselineCommand::List { key } => {
            let list: Vec<BaselineView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/baselines"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&list);
            } else {
                let rows = list
                    .iter()
                    .map(|b| {
                        vec![
                            b.id.to_string(),
                            b.name.clone(),
                            b.created_at.format("%Y-%m-%d %H:%M").to_string(),
                            or_dash(b.created_by.as_ref().map(|u| u.email.clone())),
                        ]
                    })
                    .collect::<Vec<_>>();
                table(&["id", "name", "saved", "by"], &rows);
            }
        }
        BaselineCommand::Rm { key, id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/projects/{key}/baselines/{id}"))
                        .await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Deleted baseline #{id} of {key}");
            }
        }
    }
    Ok(())
}

async fn forecast(
    client: &Client,
    key: &str,
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
    let path = format!("/projects/{key}/forecast?{}", query.join("&"));
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

async fn level(client: &Client, key: &str, apply: bool, as_json: bool) -> Result<()> {
    let method = if apply { Method::POST } else { Method::GET };
    let body = apply.then(|| json!({}));
    let levelling: LevellingView = client
        .send(
            method,
            &client
                .ws_path(&format!("/projects/{key}/levelling"))
                .await?,
            body.as_ref(),
        )
        .await?;
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
    if levelling.applied {
        outln!("Applied: delayed tasks now start no earlier than their levelled start.");
    } else if !levelling.delayed.is_empty() {
        outln!("A preview: run again with --apply to write it.");
    }
    Ok(())
}

async fn calendar_command(client: &Client, command: CalendarCommand, as_json: bool) -> Result<()> {
    match command {
        CalendarCommand::Add {
            key,
            name,
            from,
            to,
            hours,
        } => {
            let mut body = Map::new();
            body.insert("name".into(), json!(name));
            body.insert("start_date".into(), date_value("from", &from)?);
            put(
                &mut body,
                "end_date",
                to.as_deref().map(|d| date_value("to", d)).transpose()?,
            );
            put(&mut body, "hours", hours.map(|h| json!(h)));
            let created: CalendarExceptionView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/calendar/exceptions"))
                        .await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&created);
            } else {
                outln!(
                    "Added #{} {} ({} → {}) to {key}'s calendar",
                    created.id,
                    created.name,
                    created.start_date,
                    created.end_date
                );
            }
        }
        CalendarCommand::List { key } => {
            let project: ProjectView = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}")).await?,
                    None,
                )
                .await?;
            let exceptions: Vec<CalendarExceptionView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/calendar/exceptions"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(
                    &json!({"work_week": project.work_week, "hours_per_day": project.hours_per_day, "exceptions": exceptions}),
                );
                return Ok(());
            }
            for (day, hours) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                .iter()
                .zip(&project.work_week)
            {
                outln!("{day}  {}", if hours.is_empty() { "off" } else { hours });
            }
            outln!("A day of estimate is {} hours.\n", project.hours_per_day);
            let rows = exceptions
                .iter()
                .map(|e| {
                    vec![
                        e.id.to_string(),
                        e.name.clone(),
                        e.start_date.to_string(),
                        e.end_date.to_string(),
                        if e.hours.is_empty() {
                            "off".into()
                        } else {
                            e.hours.clone()
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "exception", "from", "to", "hours"], &rows);
        }
        CalendarCommand::Rm { key, id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/projects/{key}/calendar/exceptions/{id}"))
                        .await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Removed #{id} from {key}'s calendar");
            }
        }
    }
    Ok(())
}

fn print_invitations(invitations: &[InvitationView], as_json: bool) {
    if as_json {
        print_json(&invitations);
        return;
    }
    let rows = invitations
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.workspace.clone(),
                i.email.clone(),
                i.role.to_string(),
                or_dash(i.invited_by.as_ref().map(|u| u.name.clone())),
                i.expires_at.format("%Y-%m-%d").to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &["id", "workspace", "email", "role", "invited by", "until"],
        &rows,
    );
}

async fn invitation_command(
    client: &Client,
    command: InvitationCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        InvitationCommand::List => {
            let list: Vec<InvitationView> = client
                .send(Method::GET, "/api/v1/invitations", None)
                .await?;
            print_invitations(&list, as_json);
        }
        InvitationCommand::Accept { id } => {
            let joined: WorkspaceView = client
                .send(
                    Method::POST,
                    &format!("/api/v1/invitations/{id}/accept"),
                    None,
                )
                .await?;
            if as_json {
                print_json(&joined);
            } else {
                outln!(
                    "Joined {} ({}) as {}; use it with --workspace {}",
                    joined.name,
                    joined.slug,
                    joined.role,
                    joined.slug
                );
            }
        }
        InvitationCommand::Decline { id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &format!("/api/v1/invitations/{id}"),
                    None,
                    &[],
                )
                .await?;
            outln!("Declined invitation {id}");
        }
    }
    Ok(())
}

async fn member_command(client: &Client, command: MemberCommand, as_json: bool) -> Result<()> {
    // Invitations need no member list.
    match &command {
        MemberCommand::Invite { email, role } => {
            let request = AddMember {
                email: email.clone(),
                role: role.parse::<Role>().map_err(|e| anyhow!(e))?,
            };
            let invitation: InvitationView = client
                .send(
                    Method::POST,
                    &client.ws_path("/members").await?,
                    Some(&serde_json::to_value(&request)?),
                )
                .await?;
            if as_json {
                print_json(&invitation);
            } else {
                outln!(
                    "Invited {} to {} as {} (invitation {}, open until {}); they join with: tandem invitation accept {}",
                    invitation.email,
                    invitation.workspace,
                    invitation.role,
                    invitation.id,
                    invitation.expires_at.format("%Y-%m-%d"),
                    invitation.id
                );
            }
            return Ok(());
        }
        MemberCommand::Invitations => {
            let list: Vec<InvitationView> = client
                .send(Method::GET, &client.ws_path("/invitations").await?, None)
                .await?;
            print_invitations(&list, as_json);
            return Ok(());
        }
        MemberCommand::Uninvite { id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client.ws_path(&format!("/invitations/{id}")).await?,
                    None,
                    &[],
                )
                .await?;
            outln!("Withdrew invitation {id}");
            return Ok(());
        }
        _ => {}
    }
    let members: Vec<MemberView> = client
        .send(Method::GET, &client.ws_path("/members").await?, None)
        .await?;
    let id_of = |email: &str| -> Result<i64> {
        members
            .iter()
            .find(|m| m.user.email.eq_ignore_ascii_case(email))
            .map(|m| m.user.id)
            .ok_or_else(|| anyhow!("{email} is not a member of this workspace"))
    };
    match command {
        MemberCommand::List => {
            if as_json {
                print_json(&members);
                return Ok(());
            }
            let rows = members
                .iter()
                .map(|m| {
                    vec![
                        m.user.email.clone(),
                        m.user.name.clone(),
                        m.role.to_string(),
                        format!("{}h", m.capacity_hours),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["email", "name", "role", "week"], &rows);
        }
        MemberCommand::Capacity { email, hours } => {
            let id = id_of(&email)?;
            let member: MemberView = client
                .send(
                    Method::PATCH,
                    &client
                        .ws_path(&format!("/members/{id}/availability"))
                        .await?,
                    Some(&json!({ "capacity_hours": hours })),
                )
                .await?;
            if as_json {
                print_json(&member);
            } else {
                outln!(
                    "{} works {} hours a week",
                    member.user.email,
                    member.capacity_hours
                );
            }
        }
        MemberCommand::Away {
            email,
            from,
            to,
            note,
        } => {
            let id = id_of(&email)?;
            let mut body = Map::new();
            body.insert("start_date".into(), date_value("from", &from)?);
            put(
                &mut body,
                "end_date",
                to.as_deref().map(|d| date_value("to", d)).transpose()?,
            );
            put(&mut body, "note", note.map(|n| json!(n)));
            let away: TimeOffView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/members/{id}/time-off")).await?,
                    Some(&Value::Object(body)),
                )
                .await?;
            if as_json {
                print_json(&away);
            } else {
                outln!("{email} is away {} → {}", away.start_date, away.end_date);
            }
        }
        MemberCommand::TimeOff { email } => {
            let id = id_of(&email)?;
            let list: Vec<TimeOffView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/members/{id}/time-off")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&list);
                return Ok(());
            }
            let rows = list
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.start_date.to_string(),
                        t.end_date.to_string(),
                        or_dash(t.note.clone()),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "from", "to", "note"], &rows);
        }
        MemberCommand::Invite { .. }
        | MemberCommand::Invitations
        | MemberCommand::Uninvite { .. } => {
            unreachable!("answered above")
        }
    }
    Ok(())
}
