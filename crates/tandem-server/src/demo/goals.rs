//! The demo's goals: a company goal for this half-year measured by three
//! team goals under it (one served by the launch, two by key results),
//! and a personal goal served by two of the launch's tasks, so the goal
//! tree, My Work and the task pages have something to show; and a
//! portfolio of both projects, for the portfolio table.

use chrono::{Datelike, NaiveDate};
use tandem_domain::*;
use tandem_store::{Store, StoreError, WriteScope};

use super::person;

fn key(k: &str) -> ProjectKey {
    ProjectKey::parse(k).expect("demo keys are valid")
}

fn task(project: &str, number: i64) -> TaskKey {
    TaskKey::Project {
        project: project.into(),
        number,
    }
}

pub(super) async fn seed(
    store: &dyn Store,
    owner: WriteScope,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let half = if today.month() <= 6 { 1 } else { 2 };
    let period = Period::parse(&format!("{}-H{half}", today.year())).ok();
    let mut company = GoalFields::new("Become the team's one planning tool");
    company.description =
        Some("The half-year's bet: teams move their plans and their tasks into one tool.".into());
    company.owner = Some(person("ana"));
    company.period = period;
    let company = store.create_goal(owner, &company).await?;
    let mut teams = GoalFields::new("Grow to 500 paying teams");
    teams.owner = Some(person("ana"));
    teams.period = period;
    teams.parent = Some(company.id);
    let teams = store.create_goal(owner, &teams).await?;
    store
        .add_key_result(
            owner,
            teams.id,
            None,
            &KeyResultFields {
                name: "Paying teams".into(),
                unit: Some("teams".into()),
                start: 120.0,
                target: 500.0,
                current: 185.0,
            },
        )
        .await?;
    let mut launch = GoalFields::new("Launch Tandem Cloud");
    launch.owner = Some(person("ana"));
    launch.period = period;
    launch.parent = Some(company.id);
    launch.weight = 2.0;
    launch.projects = vec![key("LAUNCH")];
    let launch = store.create_goal(owner, &launch).await?;
    let mut reliable = GoalFields::new("Keep the service reliable");
    reliable.owner = Some(person("ben"));
    reliable.period = period;
    reliable.parent = Some(company.id);
    reliable.projects = vec![key("OPS")];
    let reliable = store.create_goal(owner, &reliable).await?;
    store
        .add_key_result(
            owner,
            reliable.id,
            None,
            &KeyResultFields {
                name: "Monthly uptime".into(),
                unit: Some("%".into()),
                start: 99.5,
                target: 99.95,
                current: 99.9,
            },
        )
        .await?;
    let mut pricing = GoalFields::new("Pricing that sells itself");
    pricing.owner = Some(person("ana"));
    pricing.period = period;
    pricing.parent = Some(launch.id);
    pricing.tasks = vec![task("LAUNCH", 5), task("LAUNCH", 16)];
    store.create_goal(owner, &pricing).await?;
    store
        .create_portfolio(
            owner,
            &PortfolioFields {
                name: "Everything we run".into(),
                owner: Some(person("ana")),
                projects: vec![key("LAUNCH"), key("OPS")],
                portfolios: Vec::new(),
            },
        )
        .await?;
    Ok(())
}
