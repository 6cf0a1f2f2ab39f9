use chrono::{DateTime, NaiveDate, Utc};

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

fn ana() -> UserRef {
    UserRef {
        id: 1,
        email: "ana@acme.test".into(),
        name: "Ana".into(),
    }
}

fn task() -> Task {
    Task {
        id: 7,
        key: "P-7".into(),
        project: None,
        number: 7,
        title: "Move the office".into(),
        description: Some("Everyone in the new building by March".into()),
        owner: Some(ana()),
        collaborators: Vec::new(),
        status: TaskStatus::InProgress,
        priority: Priority::High,
        start_date: Some(day(7)),
        due_date: Some(day(18)),
        estimate_days: Some(5.0),
        effort_hours: None,
        three_point: None,
        percent_complete: 10,
        schedule: TaskScheduling::default(),
        scheduling: crate::model::Scheduling::Scheduled,
        parent: None,
        phase_id: None,
        milestone_id: None,
        tags: Vec::new(),
        blocked_reason: None,
        created_by: None,
        version: 3,
        created_at: DateTime::<Utc>::default(),
        updated_at: DateTime::<Utc>::default(),
        completed_at: None,
    }
}

#[test]
fn a_promoted_task_gives_the_project_its_name_objective_owner_dates_and_calendar() {
    let week = WorkWeek {
        hours_per_day: 6.0,
        ..Default::default()
    };
    let fields = project_of_task(&task(), None, week.clone());
    assert_eq!(fields.name, "Move the office");
    assert_eq!(
        fields.objective.as_deref(),
        Some("Everyone in the new building by March")
    );
    assert_eq!(
        fields.owner.as_ref().map(Email::as_str),
        Some("ana@acme.test")
    );
    assert_eq!(
        (fields.start_date, fields.target_date),
        (Some(day(7)), Some(day(18)))
    );
    assert_eq!(fields.status, ProjectStatus::Active);
    assert_eq!(fields.stage, Stage::Execution, "work under way");
    assert_eq!(fields.work_week, week);
    assert!(fields.check().is_ok());

    let named = project_of_task(&task(), Some("  Office move 2027 "), WorkWeek::default());
    assert_eq!(named.name, "Office move 2027");
}

#[test]
fn a_task_due_before_it_starts_still_becomes_a_valid_project() {
    let mut t = task();
    t.due_date = Some(day(3));
    let fields = project_of_task(&t, None, WorkWeek::default());
    assert_eq!(fields.target_date, Some(day(7)));
    assert!(fields.check().is_ok());
}

#[test]
fn a_demoted_project_keeps_its_objective_scope_and_budget_in_the_description() {
    let fields = project_of_task(&task(), None, WorkWeek::default());
    let project = Project {
        id: 3,
        key: "MOVE".into(),
        name: fields.name.clone(),
        objective: fields.objective.clone(),
        scope_in: Some("Desks, network".into()),
        scope_out: None,
        owner: Some(ana()),
        status: ProjectStatus::Active,
        stage: Stage::Execution,
        start_date: Some(day(7)),
        target_date: Some(day(18)),
        budget: Some(12000.0),
        ongoing: false,
        work_week: WorkWeek::default(),
        status_date: None,
        update_cadence_days: 7,
        archived_at: None,
        template: None,
        health: None,
        version: 1,
        created_at: DateTime::<Utc>::default(),
        updated_at: DateTime::<Utc>::default(),
    };
    let t = task_of_project(&project, true);
    assert_eq!(t.title, "Move the office");
    assert_eq!(
        t.description.as_deref(),
        Some("Everyone in the new building by March\n\nIn scope: Desks, network\n\nBudget: 12000")
    );
    assert_eq!(t.owner.as_ref().map(Email::as_str), Some("ana@acme.test"));
    assert_eq!((t.start_date, t.due_date), (Some(day(7)), Some(day(18))));
    assert_eq!(t.status, TaskStatus::InProgress);
    assert_eq!(task_of_project(&project, false).status, TaskStatus::Todo);
    let mut held = project.clone();
    held.status = ProjectStatus::OnHold;
    let t = task_of_project(&held, false);
    assert_eq!(t.status, TaskStatus::Blocked);
    assert!(t.check().is_ok(), "a blocked task needs its reason");
}

#[test]
fn a_demotion_is_refused_in_words_that_name_what_is_in_the_way() {
    assert_eq!(DemoteBlockers::default().refusal("MOVE"), None);
    let one = DemoteBlockers {
        risks: 1,
        ..Default::default()
    };
    assert_eq!(
        one.refusal("MOVE").unwrap(),
        "MOVE has 1 risk, which a task cannot hold: move or remove it first"
    );
    let many = DemoteBlockers {
        phases: 2,
        milestones: 1,
        outside_stakeholders: 3,
        ..Default::default()
    };
    assert_eq!(
        many.refusal("MOVE").unwrap(),
        "MOVE has 2 phases, 1 milestone and 3 stakeholders who are not members, \
         which a task cannot hold: move or remove them first"
    );
}
