use chrono::NaiveDate;

use super::*;

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

fn plan_task(id: Id, owner: Option<Id>) -> PlanTask {
    PlanTask {
        id,
        key: format!("P-{id}"),
        status: TaskStatus::Todo,
        parent_id: None,
        owner_id: owner,
        start_date: None,
        due_date: None,
        estimate_days: Some(2.0),
        effort_hours: None,
        three_point: None,
        percent_complete: 0,
        phase_id: None,
        milestone_id: None,
        schedule: TaskScheduling::default(),
        version: 1,
    }
}

#[test]
fn a_later_edit_wins_field_by_field_and_survives_storage() {
    let first = TaskEdit {
        estimate_days: Some(Edit::Set(3.0)),
        owner: Some(Edit::Set("ana@x.org".into())),
        ..Default::default()
    };
    let later = TaskEdit {
        estimate_days: Some(Edit::Set(5.0)),
        due_date: Some(Edit::Clear),
        ..Default::default()
    };
    let merged = first.merged(later);
    assert_eq!(merged.estimate_days, Some(Edit::Set(5.0)));
    assert_eq!(merged.owner, Some(Edit::Set("ana@x.org".into())));
    assert_eq!(merged.due_date, Some(Edit::Clear));
    assert_eq!(merged.fields(), ["estimate_days", "due_date", "owner"]);
    let text = serde_json::to_string(&merged).unwrap();
    assert_eq!(serde_json::from_str::<TaskEdit>(&text).unwrap(), merged);
    assert!(TaskEdit::default().is_empty());
}

#[test]
fn a_scenario_lays_its_edits_and_links_over_the_plan() {
    let mut tasks = vec![plan_task(1, None), plan_task(2, Some(7))];
    let mut links = vec![Link {
        id: 10,
        predecessor_id: 1,
        successor_id: 2,
        kind: DependencyKind::Fs,
        lag_days: 0.0,
        lag_format: LagFormat::WorkingDays,
        version: 1,
    }];
    let edits = HashMap::from([(
        2,
        TaskEdit {
            estimate_days: Some(Edit::Set(4.0)),
            owner: Some(Edit::Set("mel@x.org".into())),
            ..Default::default()
        },
    )]);
    let link_edits = [
        LinkEdit {
            predecessor_id: 1,
            successor_id: 2,
            kind: DependencyKind::Fs,
            lag_days: 0.0,
            removed: true,
        },
        LinkEdit {
            predecessor_id: 2,
            successor_id: 1,
            kind: DependencyKind::Ss,
            lag_days: 1.0,
            removed: false,
        },
    ];
    let owner = |email: &str| (email == "mel@x.org").then_some(8);
    lay_over(&mut tasks, &mut links, &edits, &link_edits, &owner);
    assert_eq!(tasks[1].estimate_days, Some(4.0));
    assert_eq!(tasks[1].owner_id, Some(8));
    assert_eq!(tasks[0].estimate_days, Some(2.0), "untouched");
    assert_eq!(links.len(), 1);
    assert_eq!(
        (
            links[0].predecessor_id,
            links[0].successor_id,
            links[0].kind
        ),
        (2, 1, DependencyKind::Ss)
    );
}

#[test]
fn the_base_of_an_edit_tells_which_of_its_fields_the_plan_changed_since() {
    let mut fields = TaskFields::titled("Build");
    fields.estimate_days = Some(2.0);
    let edit = TaskEdit {
        estimate_days: Some(Edit::Set(5.0)),
        due_date: Some(Edit::Set(NaiveDate::from_ymd_opt(2026, 12, 18).unwrap())),
        ..Default::default()
    };
    let base = edit.base_in(&Held::from(&fields));
    assert_eq!(base.estimate_days, Some(Edit::Set(2.0)));
    assert_eq!(base.due_date, Some(Edit::Clear));
    assert_eq!(base.owner, None, "a field it does not change has no base");
    assert!(base.changed_since(&Held::from(&fields)).is_empty());
    // Another field changing in the plan is no conflict; one it changes is.
    fields.priority = Priority::High;
    assert!(base.changed_since(&Held::from(&fields)).is_empty());
    fields.estimate_days = Some(3.0);
    assert_eq!(base.changed_since(&Held::from(&fields)), ["estimate_days"]);
    // The plan's task tells the same as the task's fields.
    let mut task = plan_task(1, None);
    task.estimate_days = Some(3.0);
    assert_eq!(
        base.changed_since(&Held::of_plan(&task, None)),
        ["estimate_days"]
    );
    task.estimate_days = Some(2.0);
    assert!(base.changed_since(&Held::of_plan(&task, None)).is_empty());
}

#[test]
fn a_levelling_delay_is_laid_over_and_compared_like_any_field() {
    let mut task = plan_task(1, None);
    task.schedule.levelling_delay = 120;
    let edit = TaskEdit {
        levelling_delay: Some(Edit::Set(480)),
        ..Default::default()
    };
    let base = edit.base_in(&Held::of_plan(&task, None));
    assert_eq!(base.levelling_delay, Some(Edit::Set(120)));
    assert_eq!(edit.fields(), ["levelling_delay"]);
    let mut laid = task.clone();
    edit.apply_to_plan(&mut laid, &|_| None);
    assert_eq!(laid.schedule.levelling_delay, 480);
    let mut fields = TaskFields::titled("Build");
    edit.apply_to_fields(&mut fields).unwrap();
    assert_eq!(fields.schedule.levelling_delay, 480);
    // Levelling the plan again meanwhile is a change the scenario names.
    task.schedule.levelling_delay = 0;
    assert_eq!(
        base.changed_since(&Held::of_plan(&task, None)),
        ["levelling_delay"]
    );
}

#[test]
fn applied_edits_are_checked_by_the_tasks_rules() {
    let mut fields = TaskFields::titled("Build");
    let edit = TaskEdit {
        start_date: Some(Edit::Set(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap())),
        three_point: Some(Edit::Set([1.0, 2.0, 4.0])),
        ..Default::default()
    };
    assert!(edit.apply_to_fields(&mut fields).is_ok());
    assert_eq!(fields.three_point.as_ref().unwrap().pessimistic, 4.0);
    let bad = TaskEdit {
        owner: Some(Edit::Set("not an email".into())),
        ..Default::default()
    };
    let errors = bad.apply_to_fields(&mut fields).unwrap_err();
    assert_eq!(errors[0].field, "owner");
}

#[test]
fn a_comparison_names_what_moved_the_furthest_first_and_milestones_by_their_work() {
    let schedule = |finishes: &[(Id, NaiveDateTime)]| StoredSchedule {
        fingerprint: String::new(),
        computed_at: chrono::DateTime::<chrono::Utc>::default(),
        start: at(1, 8),
        finish: finishes.iter().map(|(_, f)| *f).max().unwrap(),
        critical_path: Vec::new(),
        warnings: Vec::new(),
        tasks: finishes
            .iter()
            .map(|(id, f)| TaskSchedule {
                task_id: *id,
                early_start: at(1, 8),
                early_finish: *f,
                late_start: at(1, 8),
                late_finish: *f,
                total_slack: 0,
                free_slack: 0,
                critical: false,
                summary: false,
                milestone: false,
                loose_digest: None,
            })
            .collect(),
        basis: None,
    };
    let plan = schedule(&[(1, at(2, 17)), (2, at(4, 17)), (3, at(3, 17))]);
    let scenario = schedule(&[(1, at(2, 17)), (2, at(9, 17)), (3, at(4, 17))]);
    let milestone_of = HashMap::from([(2, 50), (3, 50)]);
    let c = compare(&plan, &scenario, &milestone_of, 1);
    assert_eq!((c.plan_finish, c.scenario_finish), (at(4, 17), at(9, 17)));
    assert_eq!(c.moved_count, 2);
    assert_eq!(c.moved.len(), 1, "cut at the limit");
    assert_eq!(c.moved[0].task_id, 2, "the furthest first");
    assert_eq!(
        c.milestones,
        [MilestoneDates {
            milestone_id: 50,
            plan: Some(at(4, 17)),
            scenario: Some(at(9, 17))
        }]
    );
}

#[test]
fn workload_counts_open_leaf_work_by_owner() {
    let mut tasks = vec![
        plan_task(1, Some(7)),
        plan_task(2, Some(7)),
        plan_task(3, Some(8)),
    ];
    tasks[1].effort_hours = Some(3.0);
    tasks[2].percent_complete = 50;
    let hours = workload(&tasks, 8.0);
    assert_eq!(hours[&7], 16.0 + 3.0);
    assert_eq!(hours[&8], 8.0);
}

#[test]
fn names_are_checked() {
    assert_eq!(check_name("  Late vendor ").unwrap(), "Late vendor");
    assert!(check_name("").is_err());
    assert!(check_name("a/b").is_err());
    assert!(check_name("..").is_err());
    assert!(check_name(&"x".repeat(61)).is_err());
    // Lookalikes: a zero-width space, a right-to-left override, a
    // no-break space between the words.
    for lookalike in ["a\u{200B}b", "ab\u{202E}cd", "Late\u{00A0}vendor"] {
        assert!(check_name(lookalike).is_err(), "{lookalike:?}");
    }
    assert_eq!(
        check_name("Plan B, 2 weeks late").unwrap(),
        "Plan B, 2 weeks late"
    );
}

#[test]
fn cost_is_each_leaf_tasks_work_at_its_owners_rate() {
    let rate = |id: Id| match id {
        7 => Some(100.0),
        8 => Some(50.0),
        _ => None,
    };
    let mut tasks = vec![
        plan_task(1, Some(7)),
        plan_task(2, Some(8)),
        plan_task(3, Some(9)),
    ];
    let amount = |tasks: &[PlanTask]| cost(tasks, 8.0, rate).map(|c| c.amount);
    // Two days at 8 hours at 100, two at 50; nobody's rate for the third,
    // whose sixteen hours are told apart.
    assert_eq!(amount(&tasks), Some(1600.0 + 800.0));
    assert_eq!(cost(&tasks, 8.0, rate).unwrap().uncosted_hours, 16.0);
    tasks[1].effort_hours = Some(4.0);
    tasks[1].percent_complete = 100;
    assert_eq!(amount(&tasks), Some(1600.0 + 200.0), "done work costs too");
    tasks[0].status = TaskStatus::Cancelled;
    assert_eq!(amount(&tasks), Some(200.0));
    // A summary's work is its subtasks'.
    tasks[2].parent_id = Some(2);
    tasks[2].owner_id = Some(7);
    assert_eq!(amount(&tasks), Some(1600.0));
    assert_eq!(cost(&tasks, 8.0, |_| None), None, "nobody costed");
}

#[test]
fn what_the_task_holds_already_is_no_change() {
    let held = Held {
        estimate_days: Some(2.0),
        owner: Some("ana@x.org".into()),
        levelling_delay: 0,
        ..Held::default()
    };
    let edit = TaskEdit {
        estimate_days: Some(Edit::Set(2.0)),
        effort_hours: Some(Edit::Set(6.0)),
        owner: Some(Edit::Set("Ana@X.org".into())),
        levelling_delay: Some(Edit::Clear),
        ..TaskEdit::default()
    };
    let base = edit.base_in(&held);
    let (left, base) = edit.without_unchanged(&base, &held);
    assert_eq!(
        left,
        TaskEdit {
            effort_hours: Some(Edit::Set(6.0)),
            ..TaskEdit::default()
        }
    );
    assert_eq!(base.fields(), ["effort_hours"]);
    // Nothing but the plan's own values: nothing left.
    let same = TaskEdit {
        estimate_days: Some(Edit::Set(2.0)),
        ..TaskEdit::default()
    };
    assert!(same.without_unchanged(&same, &held).0.is_empty());
}
