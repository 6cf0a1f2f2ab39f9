//! Levelling across projects (issue 16): `projects` active projects of
//! `per_project` linked tasks each, owned round the `people` of the
//! workspace, levelled one after another, each around the work of the
//! ones levelled before it. Measures the preview (reading every plan,
//! scheduling and levelling each) and the apply (the same, and writing
//! each project's levelling delays in its own transaction).

use std::time::Instant;

use anyhow::Result;
use chrono::Local;
use rand::{Rng, SeedableRng};
use tandem_domain::interop::{ImportLink, ProjectImport};
use tandem_domain::*;
use tandem_store::Store;

pub struct LevellingArgs {
    pub projects: usize,
    pub per_project: usize,
    pub people: usize,
    pub seed: u64,
}

pub async fn run(store: std::sync::Arc<dyn Store>, args: LevellingArgs) -> Result<()> {
    let today = Local::now().date_naive();
    // A database seeded by an earlier run (`--database`) is levelled again
    // from a clean slate: its levelling delays cleared first (timed too,
    // as the one write of every levelled task it is).
    let person0 = Email::parse("person0@bench.example").map_err(anyhow::Error::msg)?;
    let (owner, reused) = match store.user_by_email(&person0).await? {
        Some(user) => {
            let membership = store
                .membership(user.id, "bench")
                .await?
                .ok_or_else(|| anyhow::anyhow!("person0 is in no workspace \"bench\""))?;
            let owner = tandem_store::Scope {
                workspace_id: membership.workspace.id,
                user_id: user.id,
                role: membership.role,
            };
            (owner, true)
        }
        None => {
            let seeded = Instant::now();
            let owner = seed(store.as_ref(), &args).await?;
            eprintln!(
                "seeded {} projects of {} tasks over {} people in {:.1} s",
                args.projects,
                args.per_project,
                args.people,
                seeded.elapsed().as_secs_f64()
            );
            (owner, false)
        }
    };
    let writer = tandem_usecases::Actor {
        user: UserRef {
            id: owner.user_id,
            email: person0.to_string(),
            name: "Person 0".into(),
        },
        scope: owner,
    }
    .writer()
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    if reused {
        let started = Instant::now();
        let mut cleared = 0;
        for (project, _) in store.open_projects(owner).await? {
            if let Some(applied) =
                tandem_usecases::planning::clear_levelling(store.as_ref(), &writer, &project.key)
                    .await?
            {
                cleared += applied.tasks.len();
            }
        }
        eprintln!(
            "measuring the database as seeded before; {cleared} levelling delays cleared in {:.0} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    let mut previews = Vec::new();
    let mut last = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        last =
            tandem_usecases::planning::level_workspace(store.as_ref(), owner, None, today).await?;
        previews.push(started.elapsed().as_secs_f64());
    }
    let over = |before: bool| -> f64 {
        last.iter()
            .flat_map(|(l, _)| l.overallocations.iter())
            .map(|o| if before { o.minutes_before } else { o.minutes_after } as f64 / 60.0)
            .sum()
    };
    let delayed: usize = last.iter().map(|(l, _)| l.delayed.len()).sum();
    let (before, after) = (over(true), over(false));
    let started = Instant::now();
    let applied =
        tandem_usecases::planning::level_workspace(store.as_ref(), owner, Some(&writer), today)
            .await?;
    let apply = started.elapsed().as_secs_f64();
    let written: usize = applied
        .iter()
        .filter_map(|(_, a)| a.as_ref())
        .map(|a| a.tasks.len())
        .sum();
    previews.sort_by(f64::total_cmp);
    println!(
        "{} projects × {} tasks × {} people: preview (read, schedule and level every project) {:.0} ms median of 3 ({:.0}–{:.0}); apply {:.0} ms, {} tasks given a levelling delay; {} tasks moved; hours booked twice, summed per project: {:.0} → {:.0}",
        args.projects,
        args.per_project,
        args.people,
        previews[1] * 1e3,
        previews[0] * 1e3,
        previews[2] * 1e3,
        apply * 1e3,
        written,
        delayed,
        before,
        after
    );
    Ok(())
}

async fn seed(store: &dyn Store, args: &LevellingArgs) -> Result<tandem_store::Scope> {
    let owner = crate::bench_workspace(store).await?;
    let hash = tandem_server::auth::hash_password(crate::PASSWORD).map_err(anyhow::Error::msg)?;
    for i in crate::PEOPLE..args.people {
        let email =
            Email::parse(&format!("person{i}@bench.example")).map_err(anyhow::Error::msg)?;
        let user = store
            .create_user(&email, &format!("Person {i}"), &hash)
            .await?;
        store
            .add_member(owner.admin().expect("the owner"), user.id, Role::Member)
            .await?;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let today = Local::now().date_naive();
    for p in 0..args.projects {
        let mut project = crate::bench_project(&format!("L{p:03}"), &format!("Levelled {p}"))?;
        project.fields.ongoing = false;
        project.fields.start_date = Some(today);
        let tasks = (0..args.per_project)
            .map(|i| {
                let mut fields = TaskFields::titled(format!("Step {i} of {p}"));
                fields.estimate_days = Some(rng.gen_range(1..=5) as f64);
                fields
            })
            .collect();
        // Chains of five, and every other task waits for one more before it.
        let mut dependencies = Vec::new();
        for i in 1..args.per_project {
            let mut link = |predecessor: usize| {
                dependencies.push(ImportLink {
                    predecessor,
                    successor: i,
                    kind: DependencyKind::Fs,
                    lag_days: 0.0,
                    lag_format: LagFormat::WorkingDays,
                })
            };
            if i % 5 != 0 {
                link(i - 1);
            }
            if i % 2 == 0 && i >= 10 {
                link(rng.gen_range(0..i - 5));
            }
        }
        let imported = store
            .import_project(
                owner.writer().expect("the bench works as an owner"),
                &ProjectImport {
                    project,
                    exceptions: Vec::new(),
                    tasks,
                    dependencies,
                    baseline: Vec::new(),
                },
            )
            .await?;
        // An import takes no owners: they are given in one write after.
        let owned: Vec<(String, i64, TaskFields)> =
            tandem_usecases::planning::project_tasks(store, owner, &imported.key)
                .await?
                .into_iter()
                .map(|task| {
                    let mut fields = task.fields();
                    fields.owner = Email::parse(&format!(
                        "person{}@bench.example",
                        rng.gen_range(0..args.people)
                    ))
                    .ok();
                    (task.key, task.version, fields)
                })
                .collect();
        store
            .update_tasks(owner.writer().expect("the bench works as an owner"), &owned)
            .await?;
    }
    Ok(owner)
}
