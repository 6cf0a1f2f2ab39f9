//! Each rule with a plan that trips it and one that does not.

use chrono::{NaiveDate, NaiveDateTime, Utc};

use super::*;
use crate::model::{Stage, TaskSchedule, TaskScheduling, TaskStatus, UserRef};

fn day(d: u32) -> NaiveDate {
    // December 2026: the 7th is a Monday.
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

fn at(d: u32, hour: u32) -> NaiveDateTime {
    day(d).and_hms_opt(hour, 0, 0).unwrap()
}

fn person(id: Id) -> UserRef {
    UserRef {
        id,
        email: format!("p{id}@example.com"),
        name: format!("P{id}"),
    }
}

fn project() -> Project {
    Project {
        id: 1,
        key: "ACME".into(),
        name: "Acme".into(),
        objective: None,
        scope_in: None,
        scope_out: None,
        owner: Some(person(1)),
        status: ProjectStatus::Active,
        stage: Stage::Execution,
        start_date: Some(day(7)),
        target_date: None,
        budget: None,
        ongoing: false,
        work_week: Default::default(),
        status_date: None,
        update_cadence_days: 7,
        archived_at: None,
        template: None,
        health: None,
        version: 1,
        // Long enough ago to owe status updates.
        created_at: day(1).and_hms_opt(9, 0, 0).unwrap().and_utc() - chrono::Days::new(60),
        updated_at: Utc::now(),
    }
}

/// An open task, owned, estimated, in no phase.
fn task(id: Id) -> PlanTask {
    PlanTask {
        id,
        key: format!("ACME-{id}"),
        status: TaskStatus::Todo,
        parent_id: None,
        owner_id: Some(1),
        start_date: None,
        due_date: None,
        estimate_days: Some(1.0),
        effort_hours: None,
        three_point: None,
        percent_complete: 0,
        phase_id: None,
        milestone_id: None,
        schedule: TaskScheduling::default(),
        version: 1,
    }
}

fn milestone(id: Id, date: NaiveDate) -> Milestone {
    Milestone {
        id,
        project_id: 1,
        name: format!("M{id}"),
        date: Some(date),
        description: None,
        phase_id: None,
        reached: None,
        position: id,
        version: 1,
    }
}

fn risk(id: Id, probability: i64, impact: i64, mitigation: Option<&str>, owned: bool) -> Risk {
    Risk {
        id,
        project_id: 1,
        title: format!("R{id}"),
        description: None,
        probability,
        impact,
        owner: owned.then(|| person(1)),
        mitigation: mitigation.map(str::to_string),
        status: RiskStatus::Open,
        tasks: Vec::new(),
        milestone_ids: Vec::new(),
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn scheduled(id: Id, start: NaiveDateTime, finish: NaiveDateTime) -> TaskSchedule {
    TaskSchedule {
        task_id: id,
        early_start: start,
        early_finish: finish,
        late_start: start,
        late_finish: finish,
        total_slack: 0,
        free_slack: 0,
        critical: false,
        summary: false,
        milestone: false,
        loose_digest: None,
    }
}

fn schedule(tasks: Vec<TaskSchedule>) -> StoredSchedule {
    StoredSchedule {
        fingerprint: String::new(),
        computed_at: Utc::now(),
        start: at(7, 8),
        finish: tasks
            .iter()
            .map(|t| t.early_finish)
            .max()
            .unwrap_or(at(7, 8)),
        critical_path: Vec::new(),
        warnings: Vec::new(),
        tasks,
        basis: None,
    }
}

/// A plan the lint has nothing to say about, to be spoilt one way at a
/// time: owned, estimated, phased, linked, reported on yesterday.
struct Plan {
    project: Project,
    tasks: Vec<PlanTask>,
    links: Vec<(Id, Id)>,
    phases: usize,
    milestones: Vec<Milestone>,
    risks: Vec<Risk>,
    schedule: Option<StoredSchedule>,
    levelled: HashSet<Id>,
    delayed: HashSet<Id>,
    signals: Verdict<ProjectSignal>,
    latest_update: Option<NaiveDate>,
    overbooked: Vec<Overbooked>,
    off: Vec<LintRule>,
}

fn plan() -> Plan {
    let tasks: Vec<PlanTask> = (1..=20)
        .map(|id| PlanTask {
            phase_id: Some(1),
            ..task(id)
        })
        .collect();
    Plan {
        project: project(),
        tasks,
        links: vec![(1, 2)],
        phases: 1,
        milestones: vec![milestone(1, day(31))],
        risks: vec![risk(1, 4, 4, Some("Test early"), true)],
        schedule: Some(schedule(vec![scheduled(1, at(7, 8), at(7, 17))])),
        levelled: HashSet::new(),
        delayed: HashSet::new(),
        signals: Verdict {
            signals: Vec::new(),
            verdict: WorkLevel::Project,
        },
        latest_update: Some(day(8)),
        overbooked: Vec::new(),
        off: Vec::new(),
    }
}

impl Plan {
    fn lint(&self) -> Vec<Finding> {
        lint(&LintInput {
            today: day(9),
            project: &self.project,
            tasks: &self.tasks,
            linked: !self.links.is_empty(),
            delayed: &self.delayed,
            phases: self.phases,
            milestones: &self.milestones,
            risks: &self.risks,
            schedule: self.schedule.as_ref(),
            levelled: &self.levelled,
            signals: &self.signals,
            latest_update: self.latest_update,
            overbooked: &self.overbooked,
            off: &self.off,
        })
    }

    fn rules(&self) -> Vec<LintRule> {
        self.lint().iter().map(|f| f.rule).collect()
    }

    fn only(&self, rule: LintRule) -> Finding {
        let found = self.lint();
        assert_eq!(
            found.iter().map(|f| f.rule).collect::<Vec<_>>(),
            vec![rule],
            "{found:#?}"
        );
        found.into_iter().next().unwrap()
    }
}

#[test]
fn a_well_kept_plan_has_no_finding() {
    assert_eq!(plan().rules(), Vec::<LintRule>::new());
}

#[test]
fn rule_names_read_back_and_are_the_issues_words() {
    for rule in LintRule::ALL {
        assert_eq!(rule.as_str().parse::<LintRule>(), Ok(*rule));
        let json = serde_json::to_string(rule).unwrap();
        assert_eq!(json, format!("\"{}\"", rule.as_str()));
    }
    assert_eq!("Flat_List".parse::<LintRule>(), Ok(LintRule::FlatList));
    let wrong = "flat".parse::<LintRule>().unwrap_err();
    assert!(wrong.contains("orphan-task"), "{wrong}");
}

#[test]
fn many_tasks_with_no_shape_are_a_flat_list() {
    let mut p = plan();
    p.phases = 0;
    p.milestones.clear();
    p.links.clear();
    for t in &mut p.tasks {
        t.phase_id = None;
    }
    let f = p.only(LintRule::FlatList);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.objects[0].kind, "project");
    // One link gives it shape enough.
    p.links.push((3, 4));
    assert_eq!(p.rules(), Vec::<LintRule>::new());
    // And a few tasks are no list to speak of.
    p.links.clear();
    p.tasks.truncate(FLAT_LIST_TASKS - 1);
    assert_eq!(p.rules(), Vec::<LintRule>::new());
}

#[test]
fn a_project_that_could_be_a_task_carries_overhead() {
    let mut p = plan();
    p.signals.verdict = WorkLevel::Task;
    assert_eq!(
        p.only(LintRule::OverheadOnSimpleWork).severity,
        Severity::Info
    );
    p.project.status = ProjectStatus::Done;
    assert!(!p.rules().contains(&LintRule::OverheadOnSimpleWork));
}

#[test]
fn a_project_with_no_owner_has_no_outcome_owner() {
    let mut p = plan();
    p.project.owner = None;
    p.only(LintRule::NoOutcomeOwner);
}

#[test]
fn open_work_without_an_owner_in_a_dated_plan_is_unowned() {
    let mut p = plan();
    p.tasks[4].owner_id = None;
    // Closed work and parents are nobody's concern.
    p.tasks[5].owner_id = None;
    p.tasks[5].status = TaskStatus::Done;
    p.tasks[6].owner_id = None;
    p.tasks[7].parent_id = Some(7);
    let f = p.only(LintRule::UnownedTasks);
    assert_eq!(f.count, 1);
    assert_eq!(f.objects[0].key.as_deref(), Some("ACME-5"));
    // An ongoing project is a process, not a dated plan.
    p.project.ongoing = true;
    assert_eq!(p.rules(), Vec::<LintRule>::new());
}

#[test]
fn a_high_risk_without_mitigation_or_owner_is_found_and_scored() {
    let mut p = plan();
    p.risks = vec![
        risk(1, 4, 4, None, true),
        risk(2, 3, 4, Some("Pair on it"), false),
        risk(3, 5, 5, Some("  "), false),
        // Medium, or mitigated and owned, or closed: nothing to say.
        risk(4, 2, 5, None, false),
        risk(5, 5, 5, Some("Fallback supplier"), true),
        RiskStatus::Closed.into_risk(risk(6, 5, 5, None, false)),
    ];
    let found = p.lint();
    let risks: Vec<(Severity, Id, &str)> = found
        .iter()
        .map(|f| (f.severity, f.objects[0].id, f.message.as_str()))
        .collect();
    assert_eq!(risks.len(), 3, "{found:#?}");
    assert!(
        found
            .iter()
            .all(|f| f.rule == LintRule::RiskWithoutMitigation)
    );
    // Worst first: the 25 and the 16 are severe, the 12 is high.
    assert_eq!(risks[0].0, Severity::Error);
    assert_eq!(risks[1].0, Severity::Error);
    assert_eq!(
        risks[2],
        (
            Severity::Warning,
            2,
            "Risk \u{201c}R2\u{201d} scores 12 with no owner"
        )
    );
    assert!(
        risks
            .iter()
            .any(|r| r.1 == 3 && r.2.ends_with("no mitigation and no owner"))
    );
}

trait Closing {
    fn into_risk(self, risk: Risk) -> Risk;
}

impl Closing for RiskStatus {
    fn into_risk(self, risk: Risk) -> Risk {
        Risk {
            status: self,
            ..risk
        }
    }
}

#[test]
fn a_milestone_dated_before_its_work_finishes_is_found_with_the_date_to_move_to() {
    let mut p = plan();
    p.milestones = vec![milestone(1, day(10)), milestone(2, day(31))];
    for id in [3, 4] {
        p.tasks[id as usize - 1].milestone_id = Some(1);
    }
    p.tasks[4].milestone_id = Some(2);
    p.schedule = Some(schedule(vec![
        scheduled(3, at(7, 8), at(9, 17)),
        scheduled(4, at(10, 8), at(14, 17)),
        scheduled(5, at(14, 8), at(18, 17)),
    ]));
    let f = p.only(LintRule::MilestoneBeforeItsWork);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.action, Some(FixAction::MoveMilestone));
    assert_eq!(f.fix_date, Some(day(14)));
    assert_eq!(
        f.message,
        "Milestone \u{201c}M1\u{201d} is dated 2026-12-10, but 1 of its tasks finishes after it, the last on 2026-12-14"
    );
    let kinds: Vec<(&str, Id)> = f.objects.iter().map(|o| (o.kind.as_str(), o.id)).collect();
    assert_eq!(kinds, vec![("milestone", 1), ("task", 4)]);
    // Reached, it promises nothing more.
    p.milestones[0].reached = Some(day(9));
    assert_eq!(p.rules(), Vec::<LintRule>::new());
    // Without a schedule the due dates say when work finishes.
    p.milestones[0].reached = None;
    p.schedule = None;
    p.tasks[3].due_date = Some(day(11));
    assert_eq!(
        p.only(LintRule::MilestoneBeforeItsWork).fix_date,
        Some(day(11))
    );
}

#[test]
fn open_work_with_no_estimate_is_unestimated() {
    let mut p = plan();
    p.tasks[0].estimate_days = None;
    p.tasks[1].estimate_days = None;
    p.tasks[1].effort_hours = Some(6.0);
    let f = p.only(LintRule::UnestimatedWork);
    assert_eq!((f.count, f.severity), (1, Severity::Info));
    assert_eq!(f.message, "1 of 20 open tasks have no estimate");
    for t in &mut p.tasks {
        t.estimate_days = None;
    }
    assert_eq!(
        p.only(LintRule::UnestimatedWork).severity,
        Severity::Warning
    );
}

#[test]
fn a_start_no_earlier_than_that_holds_work_back_dangles() {
    let mut p = plan();
    let snet = |d: u32| TaskScheduling {
        constraint_type: Some(ConstraintType::Snet),
        constraint_date: Some(at(d, 8)),
        ..TaskScheduling::default()
    };
    // Tasks 2, 3 and 4 start no earlier than a date; the plan without
    // the constraints starts 2 and 3 sooner, 4 not (its links start it
    // as late). 3's is the standing levelling's.
    for i in [1, 2, 3] {
        p.tasks[i].schedule = snet(10);
    }
    p.delayed = HashSet::from([2, 3]);
    p.levelled.insert(3);
    assert_eq!(constrained(&p.tasks, &p.levelled), HashSet::from([2, 4]));
    let f = p.only(LintRule::DanglingConstraints);
    assert_eq!(f.action, Some(FixAction::ClearConstraints));
    assert_eq!(f.count, 1);
    assert_eq!(f.objects[0].key.as_deref(), Some("ACME-2"));
    // Once the task has started, the constraint is history.
    p.tasks[1].schedule.actual_start = Some(at(10, 8));
    assert_eq!(constrained(&p.tasks, &p.levelled), HashSet::from([4]));
    assert_eq!(p.rules(), Vec::<LintRule>::new());
}

#[test]
fn someone_booked_past_their_hours_is_over_allocated() {
    let mut p = plan();
    p.overbooked = vec![Overbooked {
        person: 2,
        name: "Ben".into(),
        week: day(7),
        assigned: 74.0,
        capacity: 40.0,
    }];
    let f = p.only(LintRule::OverAllocation);
    assert_eq!(f.objects[0].kind, "person");
    assert_eq!(
        f.message,
        "Ben is booked 74 h in the week of 2026-12-07 against 40 h, across the projects you can see"
    );
}

#[test]
fn no_update_within_the_cadence_is_stale() {
    let mut p = plan();
    p.latest_update = Some(day(1));
    let f = p.only(LintRule::StaleStatus);
    assert!(
        f.message
            .starts_with("The latest status update is 8 days old")
    );
    p.latest_update = None;
    assert_eq!(
        p.only(LintRule::StaleStatus).message,
        "No status update has been posted"
    );
    // A project younger than its cadence owes none yet.
    p.project.created_at = day(5).and_hms_opt(9, 0, 0).unwrap().and_utc();
    assert_eq!(p.rules(), Vec::<LintRule>::new());
    // One made here lately that started long before does.
    p.project.start_date = Some(day(1) - chrono::Days::new(30));
    assert_eq!(p.only(LintRule::StaleStatus).rule, LintRule::StaleStatus);
    p.project.start_date = Some(day(7));
    // Nor does one that expects none.
    p.project.created_at = day(1).and_hms_opt(9, 0, 0).unwrap().and_utc();
    assert_eq!(p.only(LintRule::StaleStatus).rule, LintRule::StaleStatus);
    p.project.update_cadence_days = 0;
    assert_eq!(p.rules(), Vec::<LintRule>::new());
}

#[test]
fn a_plan_that_is_over_has_nothing_to_put_right() {
    let mut p = plan();
    p.project.owner = None;
    p.tasks[0].owner_id = None;
    p.risks = vec![risk(1, 5, 5, None, false)];
    assert_eq!(p.lint().len(), 3);
    for status in [ProjectStatus::Done, ProjectStatus::Cancelled] {
        p.project.status = status;
        assert_eq!(p.rules(), Vec::<LintRule>::new(), "{status:?}");
    }
    p.project.status = ProjectStatus::Active;
    p.project.archived_at = Some(Utc::now());
    assert_eq!(p.rules(), Vec::<LintRule>::new());
}

#[test]
fn top_level_work_in_no_phase_of_a_phased_plan_is_orphaned() {
    let mut p = plan();
    p.tasks[2].phase_id = None;
    // A subtask is where its parent is.
    p.tasks[3].phase_id = None;
    p.tasks[3].parent_id = Some(1);
    let f = p.only(LintRule::OrphanTask);
    assert_eq!(f.objects.len(), 1);
    assert_eq!(f.objects[0].id, 3);
    // Without phases there is nothing to be orphaned from.
    p.phases = 0;
    assert_eq!(p.rules(), Vec::<LintRule>::new());
}

#[test]
fn a_rule_switched_off_says_nothing() {
    let mut p = plan();
    p.project.owner = None;
    p.latest_update = None;
    assert_eq!(
        p.rules(),
        vec![LintRule::NoOutcomeOwner, LintRule::StaleStatus]
    );
    p.off = vec![LintRule::StaleStatus];
    assert_eq!(p.rules(), vec![LintRule::NoOutcomeOwner]);
}

#[test]
fn a_long_list_of_objects_is_cut_and_counted() {
    let mut p = plan();
    p.tasks = (1..=200)
        .map(|id| PlanTask {
            phase_id: Some(1),
            owner_id: None,
            ..task(id)
        })
        .collect();
    let f = p.only(LintRule::UnownedTasks);
    assert_eq!((f.count, f.objects.len()), (200, MAX_OBJECTS));
}

#[test]
fn work_scheduled_before_the_project_starts_is_pointed_out() {
    let mut p = plan();
    // The plan starts on Monday the 7th at 08:00; task 2 ends where task
    // 1 starts, by a start-to-finish link, so it starts on Friday the 4th.
    p.schedule = Some(schedule(vec![
        scheduled(1, at(7, 8), at(7, 17)),
        scheduled(2, at(4, 8), at(7, 8)),
    ]));
    let f = p.only(LintRule::StartsBeforeProject);
    assert_eq!(f.objects[0].key.as_deref(), Some("ACME-2"));
    // Started already, it is history.
    p.tasks[1].schedule.actual_start = Some(at(4, 8));
    assert_eq!(p.rules(), Vec::<LintRule>::new());
}
