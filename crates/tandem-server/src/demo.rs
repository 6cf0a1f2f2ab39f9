//! The demo workspace `tandem serve --demo` loads once: a product launch
//! planned with phases, milestones, dependencies of all four types, risks
//! and stakeholders; an ongoing operations project; and personal tasks.
//! It goes through the same store calls as the API, so it obeys every rule.

use chrono::{Datelike, Days, NaiveDate};
use tandem_domain::*;
use tandem_store::{Scope, Store, StoreError};

pub const DEMO_PASSWORD: &str = "tandem-demo";
pub const DEMO_WORKSPACE: &str = "demo";

pub struct DemoInfo {
    pub emails: Vec<String>,
}

const PEOPLE: &[(&str, &str, Role)] = &[
    ("ana@demo.tandem", "Ana Lopez", Role::Owner),
    ("ben@demo.tandem", "Ben Okafor", Role::Admin),
    ("chloe@demo.tandem", "Chloé Martin", Role::Member),
    ("dev@demo.tandem", "Dev Patel", Role::Member),
    ("eli@demo.tandem", "Eli Novak", Role::Member),
    ("gwen@demo.tandem", "Gwen Sponsor", Role::Guest),
];

/// (phase, title, owner, working days, effort hours, priority, status)
type Row = (
    usize,
    &'static str,
    &'static str,
    f64,
    f64,
    Priority,
    TaskStatus,
);

const LAUNCH_TASKS: &[Row] = {
    use Priority::*;
    use TaskStatus::*;
    &[
        (
            0,
            "Interview ten target customers",
            "chloe",
            5.0,
            24.0,
            High,
            Done,
        ),
        (
            0,
            "Write the positioning brief",
            "ana",
            3.0,
            16.0,
            High,
            Done,
        ),
        (
            0,
            "Size the market segments",
            "dev",
            2.0,
            12.0,
            Medium,
            Done,
        ),
        (
            0,
            "Competitive teardown of three rivals",
            "chloe",
            3.0,
            18.0,
            Medium,
            Done,
        ),
        (
            0,
            "Pricing hypothesis and willingness-to-pay survey",
            "dev",
            4.0,
            20.0,
            High,
            InProgress,
        ),
        (
            0,
            "Sign off launch scope with sponsor",
            "ana",
            1.0,
            2.0,
            Urgent,
            InReview,
        ),
        (
            1,
            "Messaging house and tagline",
            "chloe",
            3.0,
            16.0,
            High,
            InProgress,
        ),
        (1, "Landing page copy", "chloe", 2.0, 10.0, Medium, Todo),
        (1, "Landing page design", "eli", 4.0, 28.0, Medium, Todo),
        (1, "Landing page build", "dev", 3.0, 20.0, Medium, Todo),
        (
            1,
            "Product demo video script",
            "chloe",
            2.0,
            8.0,
            Medium,
            Todo,
        ),
        (
            1,
            "Record and edit demo video",
            "eli",
            4.0,
            24.0,
            Medium,
            Backlog,
        ),
        (
            1,
            "Press kit: screenshots, logos, fact sheet",
            "eli",
            2.0,
            12.0,
            Low,
            Backlog,
        ),
        (
            1,
            "Customer case study (pilot account)",
            "chloe",
            5.0,
            16.0,
            High,
            Blocked,
        ),
        (1, "Sales deck", "ben", 3.0, 16.0, High, Todo),
        (
            1,
            "Pricing page and plan matrix",
            "dev",
            2.0,
            10.0,
            High,
            Todo,
        ),
        (
            2,
            "Billing: plans and trials in checkout",
            "dev",
            6.0,
            40.0,
            Urgent,
            InProgress,
        ),
        (
            2,
            "Onboarding checklist in product",
            "dev",
            4.0,
            28.0,
            High,
            Todo,
        ),
        (2, "In-app announcement banner", "dev", 1.0, 6.0, Low, Todo),
        (
            2,
            "Analytics: launch funnel dashboard",
            "ben",
            3.0,
            14.0,
            Medium,
            Todo,
        ),
        (
            2,
            "Load test the signup path",
            "dev",
            2.0,
            10.0,
            High,
            Backlog,
        ),
        (
            2,
            "Security review of new endpoints",
            "ben",
            3.0,
            12.0,
            High,
            Todo,
        ),
        (
            2,
            "Help centre articles (12)",
            "chloe",
            5.0,
            30.0,
            Medium,
            Todo,
        ),
        (
            2,
            "Support macros and escalation path",
            "ben",
            2.0,
            8.0,
            Medium,
            Backlog,
        ),
        (3, "Brief the sales team", "ben", 1.0, 4.0, High, Todo),
        (3, "Partner newsletter slot", "ana", 1.0, 3.0, Medium, Todo),
        (
            3,
            "Press embargo outreach (15 outlets)",
            "ana",
            5.0,
            14.0,
            High,
            Todo,
        ),
        (3, "Launch-day runbook", "ben", 2.0, 8.0, Urgent, Todo),
        (
            3,
            "Social campaign calendar",
            "chloe",
            3.0,
            12.0,
            Medium,
            Backlog,
        ),
        (3, "Launch webinar", "ana", 1.0, 6.0, Medium, Backlog),
        (3, "Go / no-go review", "ana", 0.5, 2.0, Urgent, Todo),
        (
            3,
            "Publish landing page and pricing",
            "dev",
            0.5,
            2.0,
            Urgent,
            Todo,
        ),
        (
            3,
            "Send launch email to waitlist",
            "chloe",
            0.5,
            2.0,
            High,
            Todo,
        ),
        (
            4,
            "Monitor signups and errors for 72 h",
            "dev",
            3.0,
            12.0,
            High,
            Backlog,
        ),
        (
            4,
            "Daily launch stand-up notes",
            "ben",
            5.0,
            5.0,
            Medium,
            Backlog,
        ),
        (
            4,
            "Follow up with press and partners",
            "ana",
            3.0,
            8.0,
            Medium,
            Backlog,
        ),
        (4, "Retrospective", "ana", 0.5, 4.0, Medium, Backlog),
        (
            4,
            "Launch report to stakeholders",
            "ana",
            1.0,
            6.0,
            High,
            Backlog,
        ),
        (
            2,
            "Translate onboarding into German and French",
            "eli",
            4.0,
            16.0,
            Low,
            Cancelled,
        ),
        (1, "Customer quote approvals", "ana", 1.0, 2.0, Medium, Todo),
    ]
};

/// Links between launch tasks, by 1-based number: (pred, succ, type, lag days).
const LAUNCH_LINKS: &[(i64, i64, DependencyKind, f64)] = {
    use DependencyKind::*;
    &[
        (1, 2, Fs, 0.0),
        (3, 5, Ss, 1.0),
        (2, 6, Fs, 0.0),
        (4, 2, Ff, 0.0),
        (6, 7, Fs, 0.0),
        (7, 8, Fs, 0.0),
        (8, 9, Ss, 1.0),
        (9, 10, Fs, -1.0),
        (7, 11, Fs, 0.0),
        (11, 12, Fs, 0.0),
        (5, 16, Fs, 0.0),
        (16, 10, Ff, 0.0),
        (7, 15, Fs, 0.0),
        (5, 17, Fs, 0.0),
        (17, 18, Ss, 2.0),
        (17, 21, Fs, 0.0),
        (17, 22, Ff, 0.0),
        (18, 23, Ss, 0.0),
        (23, 24, Fs, 0.0),
        (15, 25, Fs, 0.0),
        (2, 27, Fs, 5.0),
        (24, 28, Fs, 0.0),
        (21, 28, Fs, 0.0),
        (28, 31, Fs, 0.0),
        (22, 31, Fs, 0.0),
        (10, 31, Fs, 0.0),
        (31, 32, Fs, 0.0),
        (32, 33, Fs, 0.0),
        (31, 26, Sf, 0.0),
        (33, 34, Fs, 0.0),
        (32, 35, Ss, 0.0),
        (34, 36, Fs, 0.0),
        (34, 37, Fs, 0.0),
        (37, 38, Fs, 0.0),
        (12, 31, Fs, 0.0),
        (20, 34, Ss, 0.0),
        (14, 31, Fs, 2.0),
        (40, 14, Fs, 0.0),
    ]
};

fn email(s: &str) -> Email {
    Email::parse(s).expect("demo emails are valid")
}

fn person(short: &str) -> Email {
    email(&format!("{short}@demo.tandem"))
}

fn next_monday(today: NaiveDate) -> NaiveDate {
    let ahead = (7 - today.weekday().num_days_from_monday()) % 7;
    today + Days::new(ahead as u64)
}

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
    owner: Scope,
    launch: &Project,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let filter = tandem_store::TaskFilter {
        project: Some(launch.key.clone()),
        limit: 500,
        ..Default::default()
    };
    let tasks = store.list_tasks(owner, &filter).await?.tasks;
    let links = store.project_links(owner, launch.id).await?;
    let planned = tandem_domain::planning::project_plan(
        launch,
        &[],
        &tasks,
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

/// Loads the demo unless it is already there. `hash` is the password hash
/// every demo user gets. Returns what it loaded, or `None` if it was there.
pub async fn load(
    store: &dyn Store,
    hash: &str,
    today: NaiveDate,
) -> Result<Option<DemoInfo>, StoreError> {
    if store.workspace_by_slug(DEMO_WORKSPACE).await?.is_some() {
        return Ok(None);
    }
    let mut ids = Vec::new();
    for (address, name, _) in PEOPLE {
        let user = match store.user_by_email(&email(address)).await? {
            Some(u) => u,
            None => store.create_user(&email(address), name, hash).await?,
        };
        ids.push(user.id);
    }
    let slug = Slug::parse(DEMO_WORKSPACE).expect("valid slug");
    let workspace = store
        .create_workspace(&slug, "Demo Co", Some(ids[0]))
        .await?;
    let owner = Scope {
        workspace_id: workspace.id,
        user_id: ids[0],
        role: Role::Owner,
    };
    for ((_, _, role), id) in PEOPLE.iter().zip(&ids).skip(1) {
        store.add_member(owner, *id, *role).await?;
    }

    // The launch: started three weeks ago, so some work is done and some late.
    let start = next_monday(today) - Days::new(21);
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
                    position: i as i64,
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

    // Ongoing operations: no end date, recurring chores.
    store
        .create_project(
            owner,
            &NewProject {
                key: ProjectKey::parse("OPS").expect("valid"),
                fields: ProjectFields {
                    name: "Operations".into(),
                    objective: Some("Keep the service healthy and customers answered.".into()),
                    scope_in: None,
                    scope_out: None,
                    owner: Some(person("ben")),
                    status: ProjectStatus::Active,
                    stage: Stage::Execution,
                    start_date: Some(start - Days::new(90)),
                    target_date: None,
                    budget: None,
                    ongoing: true,
                    work_week: WorkWeek::default(),
                    status_date: None,
                },
            },
        )
        .await?;
    let ops = [
        ("Weekly backup restore drill", "ben", 0i64, Priority::High),
        ("Rotate on-call schedule", "ben", 2, Priority::Medium),
        ("Triage support inbox", "chloe", 0, Priority::High),
        ("Renew TLS certificates", "dev", -2, Priority::Urgent),
        ("Review error budget", "dev", 4, Priority::Medium),
        ("Patch database servers", "dev", 9, Priority::Medium),
    ];
    for (title, who, due_in, priority) in ops {
        let mut fields = TaskFields::titled(title);
        fields.owner = Some(person(who));
        fields.priority = priority;
        fields.due_date = Some(if due_in >= 0 {
            today + Days::new(due_in as u64)
        } else {
            today - Days::new(due_in.unsigned_abs())
        });
        fields.tags = vec!["ops".into()];
        store
            .create_task(
                owner,
                &NewTask {
                    project: Some(ProjectKey::parse("OPS").expect("valid")),
                    fields,
                },
            )
            .await?;
    }

    // Personal tasks of Ana's.
    for (title, due_in) in [
        ("Book flights for the offsite", 1u64),
        ("Expense report", 0),
        ("Read the pricing research", 6),
    ] {
        let mut fields = TaskFields::titled(title);
        fields.owner = Some(person("ana"));
        fields.due_date = Some(today + Days::new(due_in));
        store
            .create_task(
                owner,
                &NewTask {
                    project: None,
                    fields,
                },
            )
            .await?;
    }
    Ok(Some(DemoInfo {
        emails: PEOPLE.iter().map(|(e, _, _)| e.to_string()).collect(),
    }))
}
