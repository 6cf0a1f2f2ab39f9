//! Tests of the MSPDI reader and writer: errors that name where a file
//! goes wrong, a written plan read back, and duration syntax.

use chrono::NaiveDate;

use super::reader::duration_minutes;
use super::*;
use crate::calendar::Period;

#[test]
fn a_truncated_file_is_an_error_naming_where_it_ends() {
    let err = read("<Project><Tasks><Task><UID>1</UID>").unwrap_err();
    assert_eq!(
        err.to_string(),
        "is not well-formed XML: the file ends inside <Task>"
    );
}

#[test]
fn a_written_plan_reads_back_and_schedules_the_same() {
    use crate::cpm::{LinkSpec, TaskSpec, day, schedule};
    let at = |d: u32, h: u32| day(NaiveDate::from_ymd_opt(2026, 11, d).unwrap(), h);
    let mut calendar = Calendar::default();
    calendar
        .exceptions
        .insert(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), Vec::new());
    calendar
        .exceptions
        .insert(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(), Vec::new());
    calendar.exceptions.insert(
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        vec![Period::new(9 * 60, 13 * 60)],
    );
    let mut tasks = vec![
        TaskSpec::new(1, "Phase & <one>", 0),
        TaskSpec::new(2, "Design", 960),
        TaskSpec::new(3, "Build", 1440),
        TaskSpec::new(4, "Review", 240),
        TaskSpec::new(5, "Done", 0),
    ];
    for t in &mut tasks[1..4] {
        t.parent = Some(0);
    }
    tasks[2].constraint = Constraint::StartNoEarlierThan(at(25, 8));
    tasks[3].deadline = Some(at(30, 17));
    tasks[1].actual_start = Some(at(23, 8));
    let link = |predecessor, successor, kind, lag| LinkSpec {
        predecessor,
        successor,
        kind,
        lag,
    };
    let plan = Plan {
        status_date: None,
        calendar,
        calendars: Vec::new(),
        start: at(23, 8),
        tasks,
        links: vec![
            link(1, 2, LinkKind::FinishToStart, Lag::Work(60)),
            link(2, 3, LinkKind::StartToStart, Lag::Percent(50.0)),
            link(3, 4, LinkKind::FinishToFinish, Lag::Elapsed(-120)),
        ],
    };
    let first = schedule(&plan).unwrap();
    let extras: Vec<ExportTask> = plan
        .tasks
        .iter()
        .map(|t| ExportTask {
            name: t.name.clone(),
            code: format!("P-{}", t.uid),
            percent_complete: 50,
            notes: Some("a \"quoted\" note".into()),
            baseline: Some(MspdiBaseline {
                start: at(23, 8),
                finish: at(24, 17),
                duration_minutes: 960,
            }),
        })
        .collect();
    let xml = write("Plan <A>", &plan, &first, &extras);
    let read = read(&xml).unwrap();
    assert_eq!(read.name.as_deref(), Some("Plan <A>"));
    assert_eq!(read.tasks[0].name, "Phase & <one>");
    assert_eq!(read.tasks[1].notes.as_deref(), Some("a \"quoted\" note"));
    assert_eq!(read.tasks[1].percent_complete, 50);
    assert_eq!(read.tasks[1].baseline.unwrap().duration_minutes, 960);
    let again = read.plan().unwrap();
    assert_eq!(again.calendar, plan.calendar);
    assert_eq!(again.links, plan.links);
    assert_eq!(
        again.tasks.iter().map(|t| t.parent).collect::<Vec<_>>(),
        plan.tasks.iter().map(|t| t.parent).collect::<Vec<_>>()
    );
    assert_eq!(
        again.tasks.iter().map(|t| t.constraint).collect::<Vec<_>>(),
        plan.tasks.iter().map(|t| t.constraint).collect::<Vec<_>>()
    );
    let second = schedule(&again).unwrap();
    for i in 0..plan.tasks.len() {
        assert_eq!(first.instants(i), second.instants(i), "task {i}");
        assert_eq!(
            first.tasks[i].total_slack, second.tasks[i].total_slack,
            "task {i}"
        );
    }
}

#[test]
fn durations() {
    assert_eq!(duration_minutes("PT8H0M0S"), Some(480));
    assert_eq!(duration_minutes("PT0H30M0S"), Some(30));
    assert_eq!(duration_minutes("PT1.5H0M0S"), Some(90));
    assert_eq!(duration_minutes("-PT8H0M0S"), Some(-480));
    assert_eq!(duration_minutes("8 hours"), None);
}
