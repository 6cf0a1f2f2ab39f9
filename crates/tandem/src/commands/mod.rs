//! The command line: the top-level clap `Cli` and `Command` and the
//! dispatch to one module per feature, which holds that feature's flags and
//! the functions that run them. Flags are parsed and checked first; the work
//! happens once the whole command is known.

/// `tandem admin`: bootstrapping a database without a server.
mod admin;
/// `tandem approval`.
mod approval;
/// `tandem attach` and `tandem attachment`.
mod attachment;
/// `tandem login` and `tandem token`.
mod auth;
/// `tandem baseline`.
mod baseline;
/// Bulk edits and board moves of tasks.
mod board;
/// `tandem calendar`.
mod calendar;
mod comment;
/// `tandem dep`, and lags as the CLI writes them.
mod dependency;
/// `tandem goal`.
mod goal;
mod inbox;
/// `tandem lint`.
mod lint;
/// `tandem member` and `tandem invitation`.
mod members;
/// `tandem add` and `tandem my`.
mod my_work;
/// `tandem phase` and `tandem milestone`.
mod phase;
/// `tandem portfolio`.
mod portfolio;
/// `tandem project`.
mod project;
/// `tandem repeat`: recurrence rules tried before saving.
mod repeat;
/// `tandem risk`.
mod risk;
/// `tandem rule`.
mod rule;
/// `tandem scenario`.
mod scenario;
/// `tandem schedule`, `tandem forecast` and `tandem level`.
mod schedule;
/// `tandem search`.
mod search;
/// `tandem serve`.
mod serve;
/// `tandem stakeholder`.
mod stakeholder;
/// `tandem status`.
mod status;
/// `tandem task`, and the paged task list other commands read.
mod task;
/// `tandem template`.
mod template;
/// `tandem import` and `tandem export`.
mod transfer;
/// Flag text to request values (dates, "none"), shared by the modules.
mod values;
/// `tandem view`.
mod view;
/// `tandem webhook`.
mod webhook;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::client::Client;
use admin::AdminCommand;
use approval::ApprovalCommand;
use auth::{LoginArgs, TokenCommand};
use baseline::BaselineCommand;
use calendar::CalendarCommand;
use comment::CommentCommand;
use dependency::DepCommand;
use goal::GoalCommand;
use members::{InvitationCommand, MemberCommand};
use phase::{MilestoneCommand, PhaseCommand};
use portfolio::PortfolioCommand;
use project::ProjectCommand;
use risk::RiskCommand;
use rule::RuleCommand;
use schedule::ScheduleArgs;
use serve::ServeArgs;
use stakeholder::StakeholderCommand;
use status::StatusCommand;
use task::TaskCommand;
use transfer::{ExportCommand, ImportCommand};
use view::ViewCommand;

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
    /// Your profile: your name and your password.
    #[command(subcommand)]
    Profile(auth::ProfileCommand),
    /// Your workspaces; renaming one.
    #[command(subcommand)]
    Workspace(auth::WorkspaceCommand),
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
    /// Approvals: ask for one on a task, a milestone or a project's stage
    /// change; approve, request changes or reject.
    #[command(subcommand)]
    Approval(ApprovalCommand),
    /// Comments on a task, a project, a milestone, a risk or a goal:
    /// Markdown, threads one reply deep, edits kept, reactions.
    #[command(subcommand)]
    Comment(CommentCommand),
    /// Your notifications: mentions, work assigned to you, comments and
    /// status changes on what you follow, approvals, work due tomorrow or
    /// overdue; mark them read, archive them; which kinds you hear of.
    Inbox(inbox::InboxArgs),
    /// Attach a file to a task, a project or a comment (50 MiB at most);
    /// a name attached again is that document's next version.
    Attach(attachment::AttachArgs),
    /// Files attached: list them, get one's bytes, show, remove.
    #[command(subcommand)]
    Attachment(attachment::AttachmentCommand),
    /// Search tasks, projects, comments, goals, risks and files: best first,
    /// only what you may open, matched words marked.
    Search(search::SearchArgs),
    /// Lint a project's plan: a flat list, overhead on simple work, no
    /// outcome owner, unowned or unestimated work, risks without
    /// mitigation, milestones before their work, constraints that only
    /// delay, people booked past their hours, a stale status, tasks in no
    /// phase or before the project's start; worst first, with why and the fix. Switch rules off per
    /// project, or let Tandem make a fix.
    Lint(lint::LintArgs),
    /// What-if scenarios of a project's plan: branch it, change tasks and
    /// links in the branch only (`task edit --scenario`, `dep add|rm
    /// --scenario`), compare finishes, critical paths, milestones and
    /// hours with the plan, then apply or discard it.
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// Follow a task, project, milestone, risk, goal or status update:
    /// its comments and status changes reach your inbox.
    Follow(inbox::FollowArgs),
    /// Stop following it.
    Unfollow(inbox::FollowArgs),
    /// Automation rules: when something happens to a task (or on the
    /// clock), if its fields hold, do something; in plain words.
    #[command(subcommand)]
    Rule(RuleCommand),
    /// Saved views of a project's list.
    #[command(subcommand)]
    View(ViewCommand),
    /// Stakeholders of a project.
    #[command(subcommand)]
    Stakeholder(StakeholderCommand),
    /// Portfolios: named sets of projects (and of portfolios) and the
    /// table of one (health, progress, scheduled finish, slip).
    #[command(subcommand)]
    Portfolio(PortfolioCommand),
    /// Every milestone across projects (of the workspace, or of a
    /// portfolio's projects): its project, planned date, the date the
    /// schedule gives it and the slip in days; then the dependencies
    /// between tasks of two projects.
    Milestones {
        /// Only this portfolio's projects (its name or id).
        #[arg(long)]
        portfolio: Option<String>,
    },
    /// A report over a period (twelve weeks to today unless told): week
    /// by week, tasks in scope, done and remaining (by count and hours),
    /// tasks done each week, and cycle times in days (in progress to
    /// done); a project's health. --markdown prints the status report.
    Report {
        #[command(flatten)]
        of: portfolio::ReportOf,
        /// The period's first day, YYYY-MM-DD or date words (twelve weeks
        /// before --to unless given).
        #[arg(long)]
        from: Option<String>,
        /// Its last day (today unless given); at most 104 weeks.
        #[arg(long)]
        to: Option<String>,
        /// Print the status report as Markdown.
        #[arg(long)]
        markdown: bool,
    },
    /// Goals: a tree of them (company, team, personal), each measured by
    /// key results, sub-goals, or the projects and tasks serving it, with
    /// progress (percent) and status computed.
    #[command(subcommand)]
    Goal(GoalCommand),
    /// A project's health and its status updates: post one
    /// (--health on-track, at-risk or off-track), list them, or see the
    /// health Tandem derives and why.
    #[command(subcommand)]
    Status(StatusCommand),
    /// Recurrence rules: the dates a rule gives, before a recurring task
    /// is made with it.
    #[command(subcommand)]
    Repeat(repeat::RepeatCommand),
    /// Webhooks: the workspace's events POSTed to an address, signed;
    /// their deliveries, redelivery and pings (owners and admins).
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// Templates: save a project as one, list them (three starters and
    /// the workspace's own), show one; a project is made from one with
    /// `tandem project add KEY --name NAME --template NAME --start DATE`.
    #[command(subcommand)]
    Template(template::TemplateCommand),
    /// Add a task from one line, as the web's quick add reads it:
    /// tandem add "Write brief @ana #LAUNCH due fri !high"
    /// (@person by email, name or first name; #PROJECT key; due and a date
    /// or date words such as fri, tomorrow, 2027-01-15; !low, !medium,
    /// !high or !urgent). Without #PROJECT it is a personal task.
    Add { text: String },
    /// My open tasks across all projects: overdue, today, this week, later
    /// (each with its count, first due first, a page of each at a time).
    My(my_work::MyArgs),
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
    /// Level a project by task owner, around its people's work in the
    /// other active projects: a preview, --apply to write it, --clear to
    /// take every levelling delay away, or --undo to take back the levelling
    /// applied or cleared last. --all (instead of a key) levels every
    /// active project, one after another (earliest start first), each
    /// around the work of those levelled before it: the earlier keep their
    /// place. --scenario NAME levels a scenario's plan instead, the plan
    /// untouched (--apply writes the delays into the scenario).
    Level {
        /// The project's key (not with --all).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        key: Option<String>,
        /// Every active project of the workspace, each around those
        /// levelled before it.
        #[arg(long, conflicts_with_all = ["clear", "undo"])]
        all: bool,
        /// Write the levelling: each task gets the levelling delay (working
        /// time after its links and constraint) that puts it where
        /// levelling did.
        #[arg(long, conflicts_with_all = ["undo", "clear"])]
        apply: bool,
        /// Clear levelling: every task's levelling delay back to none.
        #[arg(long, conflicts_with = "undo")]
        clear: bool,
        /// Give each task the newest levelling changed the levelling delay
        /// it had before; refused if one of them changed since.
        #[arg(long)]
        undo: bool,
        /// Level the project's scenario NAME: a preview, --apply to change
        /// its tasks' levelling delays in the scenario only, --clear to
        /// take them all away there.
        #[arg(long, value_name = "NAME", conflicts_with_all = ["all", "undo"])]
        scenario: Option<String>,
    },
}

pub async fn run(cli: Cli) -> Result<()> {
    let as_json = cli.json;
    match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Admin(command) => admin::admin(command, as_json).await,
        Command::Login(args) => auth::login(args, cli.workspace).await,
        Command::Invitation(InvitationCommand::Join(args)) => auth::join(args, cli.workspace).await,
        Command::Schedule(ScheduleArgs {
            mspdi: Some(path), ..
        }) => schedule::schedule_file(&path, as_json),
        Command::Repeat(command) if !repeat::needs_server(&command) => {
            repeat::repeat_command(None, command, as_json).await
        }
        Command::Webhook(webhook::WebhookCommand::Events) => {
            webhook::events(as_json);
            Ok(())
        }
        command => {
            let client = Client::from_env(cli.workspace)?;
            client_command(&client, command, as_json).await
        }
    }
}

async fn client_command(client: &Client, command: Command, as_json: bool) -> Result<()> {
    match command {
        Command::Token(command) => auth::token_command(client, command, as_json).await,
        Command::Profile(command) => auth::profile_command(client, command, as_json).await,
        Command::Workspace(command) => auth::workspace_command(client, command, as_json).await,
        Command::Project(command) => project::project_command(client, command, as_json).await,
        Command::Task(command) => task::task_command(client, command, as_json).await,
        Command::Dep(command) => dependency::dep_command(client, command, as_json).await,
        Command::Risk(command) => risk::risk_command(client, command, as_json).await,
        Command::Approval(command) => approval::approval_command(client, command, as_json).await,
        Command::Comment(command) => comment::comment_command(client, command, as_json).await,
        Command::Inbox(args) => inbox::inbox_command(client, args, as_json).await,
        Command::Search(args) => search::search_command(client, args, as_json).await,
        Command::Lint(args) => lint::lint_command(client, args, as_json).await,
        Command::Scenario(command) => scenario::run(client, command, as_json).await,
        Command::Attach(args) => attachment::attach_command(client, args, as_json).await,
        Command::Attachment(command) => {
            attachment::attachment_command(client, command, as_json).await
        }
        Command::Follow(args) => inbox::follow_command(client, args, true, as_json).await,
        Command::Unfollow(args) => inbox::follow_command(client, args, false, as_json).await,
        Command::Rule(command) => rule::rule_command(client, command, as_json).await,
        Command::Phase(command) => phase::phase_command(client, command, as_json).await,
        Command::Milestone(command) => phase::milestone_command(client, command, as_json).await,
        Command::View(command) => view::view_command(client, command, as_json).await,
        Command::Stakeholder(command) => {
            stakeholder::stakeholder_command(client, command, as_json).await
        }
        Command::Portfolio(command) => portfolio::portfolio_command(client, command, as_json).await,
        Command::Goal(command) => goal::goal_command(client, command, as_json).await,
        Command::Report {
            of,
            from,
            to,
            markdown,
        } => portfolio::report(client, of, from, to, markdown, as_json).await,
        Command::Milestones { portfolio } => {
            portfolio::milestones(client, portfolio.as_deref(), as_json).await
        }
        Command::Status(command) => status::status_command(client, command, as_json).await,
        Command::Repeat(command) => repeat::repeat_command(Some(client), command, as_json).await,
        Command::Webhook(command) => webhook::webhook_command(client, command, as_json).await,
        Command::Template(command) => template::template_command(client, command, as_json).await,
        Command::Add { text } => my_work::quick_add(client, text, as_json).await,
        Command::My(args) => my_work::my(client, args, as_json).await,
        Command::Schedule(args @ ScheduleArgs { key: Some(_), .. }) => {
            schedule::schedule_project(client, &args, as_json).await
        }
        Command::Baseline(command) => baseline::baseline_command(client, command, as_json).await,
        Command::Calendar(command) => calendar::calendar_command(client, command, as_json).await,
        Command::Member(command) => members::member_command(client, command, as_json).await,
        Command::Invitation(command) => members::invitation_command(client, command, as_json).await,
        Command::Import(command) => transfer::import(client, command, as_json).await,
        Command::Export(command) => transfer::export(client, command).await,
        Command::Forecast { key, runs, seed } => {
            schedule::forecast(client, &key, None, runs, seed, as_json).await
        }
        Command::Level {
            all: true, apply, ..
        } => schedule::level_all(client, apply, as_json).await,
        Command::Level {
            key: Some(key),
            undo: true,
            ..
        } => schedule::undo_level(client, &key, as_json).await,
        Command::Level {
            key: Some(key),
            clear: true,
            scenario: Some(name),
            ..
        } => scenario::clear_level(client, &key, &name, as_json).await,
        Command::Level {
            key: Some(key),
            clear: true,
            ..
        } => schedule::clear_level(client, &key, as_json).await,
        Command::Level {
            key: Some(key),
            apply,
            scenario,
            ..
        } => schedule::level(client, &key, scenario.as_deref(), apply, as_json).await,
        Command::Level { key: None, .. } => unreachable!("clap asks for a key without --all"),
        Command::Serve(_) | Command::Admin(_) | Command::Login(_) | Command::Schedule(_) => {
            unreachable!("handled before")
        }
    }
}
