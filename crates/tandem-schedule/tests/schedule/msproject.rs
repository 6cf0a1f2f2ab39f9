//! Every leaf task of the Microsoft Project files in `shared/fixtures/mspdi`
//! against the dates and slack Microsoft Project itself stored, compared in
//! working time (Friday 17:00 and Monday 08:00 are one instant).

use std::path::PathBuf;

use chrono::NaiveDateTime;
use tandem_schedule::{mspdi, schedule};

fn fixtures() -> PathBuf {
    let dir = std::env::var_os("TANDEM_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/mspdi")
        });
    assert!(
        dir.is_dir(),
        "the MSPDI fixtures are missing at {} (set TANDEM_FIXTURES)",
        dir.display()
    );
    dir
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
}

/// Mismatches of one file, as readable lines.
fn compare(name: &str) -> (usize, Vec<String>) {
    let dir = fixtures();
    let xml = std::fs::read_to_string(dir.join(format!("{name}.xml"))).unwrap();
    let project = mspdi::read(&xml).unwrap();
    let plan = project.plan().unwrap();
    let result = schedule(&plan).unwrap();
    let expected = std::fs::read_to_string(dir.join(format!("{name}.msproject.jsonl"))).unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for line in expected.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        if row["summary"] == true {
            continue;
        }
        let uid = row["uid"].as_i64().unwrap();
        let Some(index) = plan.tasks.iter().position(|t| t.uid == uid) else {
            problems.push(format!("uid {uid} not imported"));
            continue;
        };
        checked += 1;
        let ours = result.tasks[index];
        let t = &result.timeline;
        let fields = [
            ("early_start", ours.early_start),
            ("early_finish", ours.early_finish),
            ("late_start", ours.late_start),
            ("late_finish", ours.late_finish),
        ];
        for (field, value) in fields {
            let theirs = t.to_work(at(row[field].as_str().unwrap()));
            if theirs != value {
                problems.push(format!(
                    "{name} uid {uid} {:?} {field}: Project {} ({}), Tandem {} ({})",
                    row["name"],
                    row[field],
                    theirs,
                    t.start_instant(value),
                    value
                ));
            }
        }
        let slack = (row["total_slack_h"].as_f64().unwrap() * 60.0).round() as i64;
        if slack != ours.total_slack {
            problems.push(format!(
                "{name} uid {uid} total slack: Project {slack} min, Tandem {} min",
                ours.total_slack
            ));
        }
    }
    (checked, problems)
}

#[test]
fn every_fixture_matches_microsoft_project() {
    let mut all = Vec::new();
    for name in [
        "mspdirelations",
        "sample",
        "task-links-project2010-mspdi",
        "task-baselines-project2010-mspdi",
    ] {
        let (checked, problems) = compare(name);
        assert!(checked > 0, "{name}: no leaf task compared");
        eprintln!(
            "{name}: {checked} leaf tasks, {} differences",
            problems.len()
        );
        all.extend(problems);
    }
    assert!(
        all.is_empty(),
        "{} differences:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// The calendar file holds no leaf task, only a calendar with recurring
/// exceptions (written by Project as dated exceptions); they must arrive as
/// non-working dates, and the empty project must still schedule.
#[test]
fn recurring_calendar_exceptions_are_read() {
    let xml = std::fs::read_to_string(
        fixtures().join("calendar-recurring-exceptions-project2010-mspdi.xml"),
    )
    .unwrap();
    let project = mspdi::read(&xml).unwrap();
    assert!(
        project.calendar.exceptions.len() >= 27,
        "{} exception dates",
        project.calendar.exceptions.len()
    );
    let holidays = project
        .calendar
        .exceptions
        .values()
        .filter(|p| p.is_empty())
        .count();
    assert!(holidays > 0);
    let plan = project.plan().unwrap();
    let result = schedule(&plan).unwrap();
    let [start, ..] = result.instants(0);
    assert_eq!(start, at("2017-10-20T08:00"));
}
