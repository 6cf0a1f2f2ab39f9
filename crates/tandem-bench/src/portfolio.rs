//! The portfolio benchmark of issue 13: a workspace of `--projects`
//! projects sharing `--tasks` tasks (200 of 500 each: 100,000), each with
//! milestones and risks, and one portfolio of them all; then the
//! portfolio's table, through the API and as the web page, read
//! `--requests` times once the rescheduler has stored every schedule.
//! The same workspace holds a tree of `--goals` goals (a tenth of them
//! company and team goals measured by their sub-goals, the rest each
//! served by a project and two of its tasks, every fifth with a key
//! result), read as the API's list, one goal and the goals page; and
//! the milestones of all 200 projects (600) on one timeline.

use std::time::Instant;

use anyhow::{Result, bail};
use chrono::{Days, Local};
use rand::{Rng, SeedableRng};
use tandem_domain::*;
use tandem_store::Store;

use crate::PEOPLE;
use crate::web::{measure, session_cookie};

pub struct PortfolioArgs {
    pub projects: usize,
    pub tasks: usize,
    pub requests: usize,
    pub goals: usize,
    pub seed: u64,
}

pub async fn run(store: std::sync::Arc<dyn Store>, args: PortfolioArgs) -> Result<()> {
    let seeded = Instant::now();
    let (id, goal) = seed(store.as_ref(), &args).await?;
    eprintln!(
        "seeded {} projects of {} tasks in {:.1} s",
        args.projects,
        args.tasks / args.projects.max(1),
        seeded.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = tandem_server::serve(store, listener, std::future::pending()).await;
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = session_cookie(&http, &base).await?;
    settle(&http, &base, &cookie, id).await?;
    println!("| read | server p50 ms | server p95 ms | client p50 ms | gzip KB | raw KB |");
    println!("|---|---:|---:|---:|---:|---:|");
    let pages = [
        (
            "Portfolio table (API)",
            format!("/api/v1/workspaces/bench/portfolios/{id}"),
        ),
        ("Portfolio page", format!("/w/bench/portfolios/{id}")),
        (
            "Portfolio page, grouped by health",
            format!("/w/bench/portfolios/{id}?sort=health&group=health"),
        ),
        (
            "Portfolio health (API), proposed for an update",
            format!("/api/v1/workspaces/bench/portfolios/{id}/health"),
        ),
        ("Portfolios list", "/w/bench/portfolios".to_string()),
        (
            "Goal tree (API), every goal measured",
            "/api/v1/workspaces/bench/goals".to_string(),
        ),
        (
            "One goal (API)",
            format!("/api/v1/workspaces/bench/goals/{goal}"),
        ),
        (
            "One goal's health (API), proposed for an update",
            format!("/api/v1/workspaces/bench/goals/{goal}/health"),
        ),
        ("Goals page (the tree)", "/w/bench/goals".to_string()),
        (
            "Milestones across projects (API)",
            format!("/api/v1/workspaces/bench/milestones?portfolio={id}"),
        ),
        (
            "Milestones timeline page",
            "/w/bench/milestones".to_string(),
        ),
    ];
    for (name, path) in &pages {
        measure(&http, &base, &cookie, name, path, args.requests).await?;
    }
    Ok(())
}

/// Waits until every project has a stored schedule and the rescheduler
/// is done: the portfolio's finishes hold for two seconds, none missing.
async fn settle(http: &reqwest::Client, base: &str, cookie: &str, id: Id) -> Result<()> {
    let url = format!("{base}/api/v1/workspaces/bench/portfolios/{id}");
    let started = Instant::now();
    let (mut last, mut same) = (String::new(), 0);
    while same < 4 {
        if started.elapsed() > std::time::Duration::from_secs(600) {
            bail!("the schedules did not settle in ten minutes");
        }
        let view: serde_json::Value = http
            .get(&url)
            .header("cookie", cookie)
            .send()
            .await?
            .json()
            .await?;
        let finishes: Vec<String> = view["projects"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| r["scheduled_finish"].to_string())
                    .collect()
            })
            .unwrap_or_default();
        let now = finishes.join(",");
        same = if now == last && !now.contains("null") {
            same + 1
        } else {
            0
        };
        last = now;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    eprintln!(
        "background settled after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The projects, their milestones, risks and tasks (no links: each plan
/// is its tasks from the project's start), a portfolio of them all, and
/// the goal tree: the portfolio's id and a leaf goal's.
async fn seed(store: &dyn Store, args: &PortfolioArgs) -> Result<(Id, Id)> {
    let owner = crate::bench_workspace(store).await?;
    let writer = || owner.writer().expect("the bench works as an owner");
    let today = Local::now().date_naive();
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let per_project = args.tasks / args.projects.max(1);
    let mut keys = Vec::with_capacity(args.projects);
    for p in 0..args.projects {
        let key = ProjectKey::parse(&format!("P{p:03}")).map_err(anyhow::Error::msg)?;
        let project = store
            .create_project(
                writer(),
                &NewProject {
                    key: key.clone(),
                    fields: ProjectFields {
                        name: format!("Initiative {p}"),
                        objective: None,
                        scope_in: None,
                        scope_out: None,
                        owner: Email::parse(&format!("person{}@bench.example", p % PEOPLE)).ok(),
                        status: ProjectStatus::Active,
                        stage: Stage::ALL[p % Stage::ALL.len()],
                        start_date: Some(today - Days::new(60)),
                        target_date: Some(today + Days::new(rng.gen_range(60..400))),
                        budget: Some(rng.gen_range(10..500) as f64 * 1000.0),
                        ongoing: false,
                        work_week: WorkWeek::default(),
                        status_date: None,
                        update_cadence_days: 7,
                    },
                },
            )
            .await?;
        for m in 0..3 {
            let fields = MilestoneFields {
                name: format!("Gate {m}"),
                date: Some(today + Days::new(40 * m as u64 + rng.gen_range(0..30))),
                description: None,
                phase_id: None,
                reached: None,
            };
            store
                .create_milestone(writer(), project.id, &fields)
                .await?;
        }
        for r in 0..3 {
            let fields = RiskFields {
                title: format!("Risk {r} of initiative {p}"),
                description: None,
                probability: rng.gen_range(1..=5),
                impact: rng.gen_range(1..=5),
                owner: None,
                mitigation: None,
                status: RiskStatus::Open,
                task_keys: Vec::new(),
                milestone_ids: Vec::new(),
            };
            store.create_risk(writer(), project.id, &fields).await?;
        }
        let mut batch = Vec::with_capacity(per_project);
        for i in 0..per_project {
            let mut fields = TaskFields::titled(format!("Step {i} of initiative {p}"));
            fields.owner =
                Email::parse(&format!("person{}@bench.example", rng.gen_range(0..PEOPLE))).ok();
            fields.status =
                [TaskStatus::Todo, TaskStatus::InProgress, TaskStatus::Done][rng.gen_range(0..3)];
            fields.due_date = Some(today + Days::new(rng.gen_range(0..200)) - Days::new(20));
            fields.estimate_days = Some(rng.gen_range(1..5) as f64);
            fields.effort_hours = Some(rng.gen_range(2..30) as f64);
            batch.push(fields);
        }
        store.import_tasks(writer(), key.as_str(), &batch).await?;
        keys.push(key);
    }
    let portfolio = store
        .create_portfolio(
            writer(),
            &PortfolioFields {
                name: "Everything".into(),
                owner: Email::parse("person0@bench.example").ok(),
                projects: keys.clone(),
                portfolios: Vec::new(),
            },
        )
        .await?;
    let goal = seed_goals(store, &owner, args, &keys, per_project).await?;
    Ok((portfolio.id, goal))
}

/// `args.goals` goals: company goals, team goals under them, and the
/// rest under the teams, each served by a project and two of its tasks.
async fn seed_goals(
    store: &dyn Store,
    owner: &tandem_store::Scope,
    args: &PortfolioArgs,
    keys: &[ProjectKey],
    per_project: usize,
) -> Result<Id> {
    let writer = || owner.writer().expect("the bench works as an owner");
    let year = Local::now().date_naive().format("%Y").to_string();
    let period = Period::parse(&year).ok();
    let upper = (args.goals / 10).max(1);
    let companies = (upper / 10).max(1);
    let mut ids: Vec<Id> = Vec::with_capacity(args.goals);
    let mut last = 0;
    for g in 0..args.goals {
        let mut fields = GoalFields::new(format!("Goal {g}"));
        fields.period = period;
        fields.owner = Email::parse(&format!("person{}@bench.example", g % PEOPLE)).ok();
        if g >= companies {
            // Teams under companies; the rest under teams.
            let parents = if g < upper { companies } else { upper };
            fields.parent = Some(ids[g % parents]);
        }
        if g >= upper && !keys.is_empty() {
            let key = &keys[g % keys.len()];
            fields.projects = vec![key.clone()];
            fields.measure = Some(GoalMeasure::Tasks);
            fields.tasks = (0..2)
                .map(|i| TaskKey::Project {
                    project: key.as_str().to_string(),
                    number: ((g * 2 + i) % per_project.max(1) + 1) as i64,
                })
                .collect();
        }
        let goal = store.create_goal(writer(), &fields).await?;
        if g % 5 == 0 {
            let kr = KeyResultFields {
                name: "Teams onboarded".into(),
                unit: Some("teams".into()),
                start: 0.0,
                target: 100.0,
                current: (g % 100) as f64,
            };
            store.add_key_result(writer(), goal.id, None, &kr).await?;
        }
        ids.push(goal.id);
        last = goal.id;
    }
    Ok(last)
}
