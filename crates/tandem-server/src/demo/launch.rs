//! The launch project: phases, milestones, tasks with subtasks, links of
//! all four types, dates from the scheduler, risks and stakeholders.

use chrono::{Datelike, Days, NaiveDate};
use tandem_domain::*;
use tandem_store::{Store, StoreError, WriteScope};

use super::launch_tasks::{LAUNCH_LINKS, LAUNCH_TASKS};
use super::{email, person};

/// Adds working days (Mon–Fri) to a date.
fn add_working_days(mut day: NaiveDate, days: f64) -> NaiveDate {
    let mut left = days.ceil() as i64;
    while left > 0 {
        day = day + Days::new(1);
        if day.weekday().num_days_from_monday() < 5 {
            left -= 1;
        }
    }
    day
}

/// Gives each launch task the start and due date the scheduler computes
/// from the links, as a planner would after laying out the work, so the
/// demo's due dates agree with its dependencies.
async fn plan_launch_dates(
    store: &dyn Store,
    owner: WriteScope,
    launch: &Project,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let filter = tandem_store::TaskFilter {
        project: Some(launch.key.clone()),
        limit: 500,
        ..Default::default()
    };
    let tasks = store.list_tasks(*owner, &filter).await?.tasks;
    let (_, access) = store.open_project(*owner, &launch.key).await?;
    let links = store.project_links(access).await?;
    let plan_tasks: Vec<tandem_domain::planning::PlanTask> = tasks.iter().map(Into::into).collect();
    let planned = tandem_domain::planning::project_plan(
        launch,
        &[],
        &plan_tasks,
        &links,
        &Default::default(),
        today,
    );
    let Ok(result) = tandem_schedule::schedule(&planned.plan) else {
        return Ok(()); // the demo's links are acyclic; nothing to date otherwise
    };
    for (i, id) in planned.task_ids.iter().enumerate() {
        let Some(task) = tasks.iter().find(|t| t.id == *id) else {
            continue;
        };
        // Planned to start early, due when it must finish not to move the
        // launch: its slack stays visible.
        let [early_start, _, _, late_finish] = result.instants(i);
        let mut fields = task.fields();
        fields.start_date = Some(early_start.date());
        fields.due_date = Some(late_finish.date().max(early_start.date()));
        // Dates the plan gave, and the plan keeps placing: a loose task's
        // slack stays slack, not a span it must fill.
        fields.schedule.mode = SchedulingMode::Scheduled;
        store
            .update_task(
                owner,
                &task.key,
                Some(task.version),
                &|_| Ok(fields.clone()),
            )
            .await?;
    }
    Ok(())
}

/// Seeds the launch, which started on `start`.
pub(super) async fn seed(
    store: &dyn Store,
    owner: WriteScope,
    start: NaiveDate,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let launch = store
        .create_project(owner, &NewProject {
            key: ProjectKey::parse("LAUNCH").expect("valid"),
            fields: ProjectFields {
                name: "Product launch: Tandem Cloud".into(),
                objective: Some("Launch the hosted plan to the waitlist and reach 500 paying workspaces within 60 days.".into()),
                scope_in: Some("Positioning, website and pricing, billing with trials, onboarding, launch campaign, first-week support.".into()),
                scope_out: Some("Enterprise SSO, mobile apps, paid advertising.".into()),
                owner: Some(person("ana")),
                status: ProjectStatus::Active,
                stage: Stage::Execution,
                start_date: Some(start),
                target_date: Some(add_working_days(start, 45.0)),
                budget: Some(85_000.0),
                ongoing: false,
                work_week: WorkWeek::default(),
                status_date: None,
                update_cadence_days: 7,
            },
        })
        .await?;
    let phase_names = [
        "Discovery",
        "Content and assets",
        "Product readiness",
        "Launch",
        "Follow-through",
    ];
    let mut phases = Vec::new();
    let mut phase_start = start;
    for (i, name) in phase_names.iter().enumerate() {
        let end = add_working_days(phase_start, 9.0);
        let phase = store
            .create_phase(
                owner,
                launch.id,
                &PhaseFields {
                    name: name.to_string(),
                    position: i as i64 + 1,
                    start_date: Some(phase_start),
                    end_date: Some(end),
                },
            )
            .await?;
        phases.push(phase);
        phase_start = add_working_days(end, 1.0);
    }
    let milestones = [
        ("Scope signed off", 0, 8.0),
        ("Website ready", 1, 22.0),
        ("Go / no-go", 3, 36.0),
        ("Launch day", 3, 38.0),
        ("60-day review", 4, 45.0),
    ];
    let mut milestone_ids = Vec::new();
    for (name, phase, offset) in milestones {
        let m = store
            .create_milestone(
                owner,
                launch.id,
                &MilestoneFields {
                    name: name.into(),
                    date: Some(add_working_days(start, offset)),
                    description: None,
                    phase_id: Some(phases[phase].id),
                    reached: None,
                },
            )
            .await?;
        milestone_ids.push(m.id);
    }
    for (i, (phase, title, who, days, hours, priority, status)) in LAUNCH_TASKS.iter().enumerate() {
        let mut fields = TaskFields::titled(*title);
        fields.owner = Some(person(who));
        fields.estimate_days = Some(*days);
        fields.effort_hours = Some(*hours);
        fields.priority = *priority;
        fields.status = *status;
        fields.phase_id = Some(phases[*phase].id);
        fields.milestone_id = Some(
            milestone_ids[match phase {
                0 => 0,
                1 => 1,
                2 | 3 => 3,
                _ => 4,
            }],
        );
        fields.three_point = Some(ThreePoint {
            optimistic: days * 0.75,
            likely: *days,
            pessimistic: days * 1.8,
        });
        if *status == TaskStatus::InProgress {
            fields.percent_complete = 40;
        }
        if *status == TaskStatus::Blocked {
            fields.blocked_reason =
                Some("Waiting for the pilot customer's legal approval of the quote.".into());
        }
        if i % 3 == 0 {
            fields.collaborators = vec![person("ben")];
        }
        fields.tags = match phase {
            0 => vec!["research".into()],
            1 => vec!["marketing".into()],
            2 => vec!["engineering".into()],
            _ => vec!["launch".into()],
        };
        store
            .create_task(
                owner,
                &NewTask {
                    project: Some(ProjectKey::parse("LAUNCH").expect("valid")),
                    fields,
                },
            )
            .await?;
    }
    // Subtasks under the help centre articles.
    for topic in ["Getting started", "Billing and plans", "Inviting your team"] {
        let mut fields = TaskFields::titled(format!("Article: {topic}"));
        fields.parent = Some("LAUNCH-23".into());
        fields.owner = Some(person("chloe"));
        fields.estimate_days = Some(1.0);
        store
            .create_task(
                owner,
                &NewTask {
                    project: Some(ProjectKey::parse("LAUNCH").expect("valid")),
                    fields,
                },
            )
            .await?;
    }
    for (pred, succ, kind, lag) in LAUNCH_LINKS {
        store
            .create_dependency(
                owner,
                &NewDependency {
                    predecessor: format!("LAUNCH-{pred}"),
                    successor: format!("LAUNCH-{succ}"),
                    kind: *kind,
                    lag_days: *lag,
                    lag_format: LagFormat::WorkingDays,
                },
            )
            .await?;
    }
    plan_launch_dates(store, owner, &launch, today).await?;
    let risks = [
        (
            "Billing provider approval slips",
            3,
            5,
            "dev",
            "Start the provider review now; keep invoice billing as a fallback.",
            vec!["LAUNCH-17"],
        ),
        (
            "Pilot customer withholds the case study",
            4,
            3,
            "chloe",
            "Line up a second pilot account as backup.",
            vec!["LAUNCH-14"],
        ),
        (
            "Press embargo broken early",
            2,
            3,
            "ana",
            "Brief only outlets with a track record; stagger the kit.",
            vec!["LAUNCH-27"],
        ),
        (
            "Signup path fails under launch load",
            2,
            5,
            "dev",
            "Load test at 10x expected traffic and pre-scale.",
            vec!["LAUNCH-21"],
        ),
        (
            "Support queue overwhelmed in week one",
            3,
            3,
            "ben",
            "",
            vec![],
        ),
    ];
    for (title, probability, impact, who, mitigation, tasks) in risks {
        store
            .create_risk(
                owner,
                launch.id,
                &RiskFields {
                    title: title.into(),
                    description: None,
                    probability,
                    impact,
                    owner: Some(person(who)),
                    mitigation: (!mitigation.is_empty()).then(|| mitigation.into()),
                    status: RiskStatus::Open,
                    task_keys: tasks.into_iter().map(String::from).collect(),
                    milestone_ids: vec![milestone_ids[3]],
                },
            )
            .await?;
    }
    for (member, role) in [
        ("gwen", StakeholderRole::Sponsor),
        ("ben", StakeholderRole::Approver),
        ("chloe", StakeholderRole::Contributor),
    ] {
        store
            .create_stakeholder(
                owner,
                launch.id,
                &StakeholderFields {
                    member: Some(person(member)),
                    name: None,
                    email: None,
                    role,
                },
            )
            .await?;
    }
    store
        .create_stakeholder(
            owner,
            launch.id,
            &StakeholderFields {
                member: None,
                name: Some("Priya Raman (Board)".into()),
                email: Some(email("priya@board.example")),
                role: StakeholderRole::Informed,
            },
        )
        .await?;
    Ok(())
}
