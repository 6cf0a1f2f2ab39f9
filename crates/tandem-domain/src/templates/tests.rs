use proptest::prelude::*;

use super::*;
use crate::model::Email;

fn weekdays(d: NaiveDate) -> bool {
    use chrono::Datelike;
    d.weekday().num_days_from_monday() < 5
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

proptest! {
    #[test]
    fn working_days_there_and_back_are_the_same(days_from_epoch in 0i64..3000, offset in -300i64..300) {
        let start = add_working_days(day("2026-01-01") + chrono::Days::new(days_from_epoch as u64), 0, weekdays);
        let there = add_working_days(start, offset, weekdays);
        prop_assert!(weekdays(there));
        prop_assert_eq!(working_days_between(start, there, weekdays), offset);
    }
}

#[test]
fn a_start_on_a_day_off_moves_to_the_next_working_day() {
    // Saturday 9 January 2027.
    assert_eq!(
        add_working_days(day("2027-01-09"), 0, weekdays),
        day("2027-01-11")
    );
    assert_eq!(
        add_working_days(day("2027-01-08"), 1, weekdays),
        day("2027-01-11")
    );
    assert_eq!(
        working_days_between(day("2027-01-04"), day("2027-01-11"), weekdays),
        5
    );
}

#[test]
fn every_starter_is_whole_and_plans() {
    for name in STARTERS {
        let template = starter(name).unwrap();
        let mut v = Validation::new();
        check_places(&template, &mut v);
        assert!(v.into_result().is_ok(), "{name}");
        assert!(template.tasks.len() >= 10, "{name}");
        assert!(!template.risks.is_empty() && !template.milestones.is_empty());
        let instance = Instance {
            key: ProjectKey::parse("NEW").unwrap(),
            name: name.to_string(),
            start: day("2027-03-01"),
            owner: None,
            people: HashMap::from([(
                template.roles[0].to_ascii_uppercase(),
                Email::parse("lead@x.org").unwrap(),
            )]),
        };
        let plan = plan(&template, &instance).unwrap();
        assert_eq!(plan.tasks.len(), template.tasks.len());
        assert_eq!(plan.project.fields.start_date, Some(day("2027-03-01")));
        // The first role's work is the person's; the rest unassigned.
        let owned = plan
            .tasks
            .iter()
            .filter(|t| t.fields.owner.is_some())
            .count();
        let of_first = template.tasks.iter().filter(|t| t.role == Some(0)).count();
        assert_eq!(owned, of_first, "{name}");
        assert!(plan.project.fields.target_date.unwrap() > day("2027-03-01"));
        // Links run forward: a starter's plan has no cycle.
        assert!(
            plan.dependencies
                .iter()
                .all(|l| l.predecessor < l.successor),
            "{name}"
        );
    }
}

#[test]
fn a_role_that_is_not_the_templates_is_refused_by_name() {
    let template = starter("client onboarding").unwrap();
    let instance = Instance {
        key: ProjectKey::parse("ONB").unwrap(),
        name: "Acme".into(),
        start: day("2027-03-01"),
        owner: None,
        people: HashMap::from([("Astronaut".to_string(), Email::parse("a@x.org").unwrap())]),
    };
    let refused = plan(&template, &instance).unwrap_err();
    assert_eq!(refused[0].field, "roles");
    assert!(refused[0].message.contains("Astronaut") && refused[0].message.contains("Trainer"));
}

#[test]
fn a_captured_plan_made_again_is_the_same_plan_shifted() {
    // A plan of three tasks from Monday 4 January 2027: dates, a parent,
    // a link, an owner and a phase.
    let mut fields = ProjectFields::named("Source");
    fields.start_date = Some(day("2027-01-04"));
    fields.target_date = Some(day("2027-01-29"));
    let phase = PhaseFields {
        name: "Only".into(),
        position: 1,
        start_date: Some(day("2027-01-04")),
        end_date: Some(day("2027-01-15")),
    };
    let ana = Email::parse("ana@x.org").unwrap();
    let mut first = TaskFields::titled("First");
    first.start_date = Some(day("2027-01-05"));
    first.due_date = Some(day("2027-01-11"));
    first.estimate_days = Some(3.0);
    first.owner = Some(ana.clone());
    first.phase_id = Some(7);
    let mut second = TaskFields::titled("Second");
    second.parent = Some("SRC-1".into());
    second.estimate_days = Some(2.0);
    let source = Source {
        fields: Some(&fields),
        phases: vec![(7, &phase)],
        tasks: vec![
            ("SRC-1".into(), &first, Some("Ana".into())),
            ("SRC-2".into(), &second, None),
        ],
        dependencies: vec![(
            "SRC-1".into(),
            "SRC-2".into(),
            DependencyKind::Fs,
            1.0,
            LagFormat::WorkingDays,
        )],
        people: vec![(ana.clone(), "Ana".into())],
        role_names: HashMap::from([("ana@x.org".to_string(), "Designer".to_string())]),
        ..Default::default()
    };
    let template = capture(&source);
    assert_eq!(template.roles, ["Designer"]);
    assert_eq!(template.target, Some(19));
    assert_eq!(template.tasks[0].start, Some(1));
    assert_eq!(template.tasks[0].due, Some(5));
    assert_eq!(template.tasks[1].parent, Some(0));
    assert_eq!(template.tasks[0].phase, Some(0));
    // Kept as JSON and read back.
    let text = serde_json::to_string(&template).unwrap();
    let template: ProjectTemplate = serde_json::from_str(&text).unwrap();
    // Made again from Monday 1 February: the same working days later.
    let made = plan(
        &template,
        &Instance {
            key: ProjectKey::parse("NEW").unwrap(),
            name: "New".into(),
            start: day("2027-02-01"),
            owner: None,
            people: HashMap::from([("designer".to_string(), Email::parse("ben@x.org").unwrap())]),
        },
    )
    .unwrap();
    assert_eq!(made.project.fields.target_date, Some(day("2027-02-26")));
    assert_eq!(made.phases[0].end_date, Some(day("2027-02-12")));
    assert_eq!(made.tasks[0].fields.start_date, Some(day("2027-02-02")));
    assert_eq!(made.tasks[0].fields.due_date, Some(day("2027-02-08")));
    assert_eq!(
        made.tasks[0].fields.owner.as_ref().unwrap().as_str(),
        "ben@x.org"
    );
    assert_eq!(made.tasks[1].parent, Some(0));
    assert_eq!(made.dependencies[0].lag_days, 1.0);
}

#[test]
fn a_task_and_its_subtasks_are_added_again_around_a_new_due_date() {
    let mut top = TaskFields::titled("Monthly close");
    top.due_date = Some(day("2027-01-29"));
    top.owner = Some(Email::parse("ana@x.org").unwrap());
    let mut first = TaskFields::titled("Reconcile accounts");
    first.parent = Some("FIN-1".into());
    first.due_date = Some(day("2027-01-27"));
    first.estimate_days = Some(1.0);
    let mut second = TaskFields::titled("Check invoices");
    second.parent = Some("FIN-2".into());
    let template = capture_task(&[
        ("FIN-1".into(), top),
        ("FIN-2".into(), first),
        ("FIN-3".into(), second),
    ]);
    assert_eq!(template.tasks[1].due, Some(-2));
    assert_eq!(template.tasks[2].parent, Some(1));
    let made = plan_task(
        &template,
        "February close",
        Some(day("2027-02-26")),
        Some(Email::parse("ben@x.org").unwrap()),
    );
    assert_eq!(made[0].fields.title, "February close");
    assert_eq!(made[0].fields.due_date, Some(day("2027-02-26")));
    assert_eq!(made[1].fields.due_date, Some(day("2027-02-24")));
    assert_eq!(made[1].parent, Some(0));
    assert_eq!(made[2].parent, Some(1));
    assert!(
        made.iter()
            .all(|t| t.fields.owner.as_ref().unwrap().as_str() == "ben@x.org")
    );
    // No title given: the template's.
    assert_eq!(
        plan_task(&template, " ", None, None)[0].fields.title,
        "Monthly close"
    );
}

#[test]
fn a_child_made_before_its_parent_and_a_weekend_start_come_out_right() {
    // Saturday 9 January 2027; the work begins on Monday.
    let mut fields = ProjectFields::named("Sat");
    fields.start_date = Some(day("2027-01-09"));
    let mut child = TaskFields::titled("Child");
    child.parent = Some("S-2".into());
    child.due_date = Some(day("2027-01-11"));
    let parent = TaskFields::titled("Parent");
    let mut dropped = TaskFields::titled("Dropped");
    dropped.status = TaskStatus::Cancelled;
    let source = Source {
        fields: Some(&fields),
        tasks: vec![
            ("S-1".into(), &child, None),
            ("S-2".into(), &parent, None),
            ("S-3".into(), &dropped, None),
        ],
        ..Default::default()
    };
    let template = capture(&source);
    let titles: Vec<&str> = template.tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Parent", "Child"],
        "parents first, cancelled work left"
    );
    assert_eq!(template.tasks[1].parent, Some(0));
    assert_eq!(template.tasks[1].due, Some(0));
    let made = plan(
        &template,
        &Instance {
            key: ProjectKey::parse("SAT").unwrap(),
            name: "Again".into(),
            start: day("2027-01-09"),
            owner: None,
            people: HashMap::new(),
        },
    )
    .unwrap();
    assert_eq!(made.tasks[1].fields.due_date, Some(day("2027-01-11")));
    assert_eq!(made.tasks[1].parent, Some(0));
}
