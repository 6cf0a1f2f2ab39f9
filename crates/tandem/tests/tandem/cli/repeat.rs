//! `tandem repeat preview`: a rule's dates, one a line, without a server;
//! on a project's working days through one.

use super::project_parts::parts_server;
use super::*;

#[test]
fn a_rule_prints_its_dates_one_a_line() {
    // No server and no sign-in: a rule alone is expanded by the CLI.
    let config = temp_dir("repeat-alone").join("config");
    let dates = ok(
        &config,
        &[
            "repeat",
            "preview",
            "FREQ=MONTHLY;BYDAY=1MO",
            "--from",
            "2027-01-01",
            "--count",
            "3",
        ],
    );
    assert_eq!(dates, "2027-01-04\n2027-02-01\n2027-03-01\n");
    let out = tandem(
        &config,
        &[
            "repeat",
            "preview",
            "every 2 weeks on tue, thu",
            "--from",
            "2027-01-04",
            "--count",
            "4",
        ],
        None,
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2027-01-05\n2027-01-07\n2027-01-19\n2027-01-21\n"
    );
    // The rule in words, on standard error where it does not mix with
    // the dates.
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Every 2 weeks on Tue, Thu (FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH)")
    );
    // Days off: the 15th of May 2027 is a Saturday.
    let moved = ok(
        &config,
        &[
            "repeat",
            "preview",
            "monthly on the 15th",
            "--from",
            "2027-05-01",
            "--count",
            "2",
            "--working-days",
            "next",
        ],
    );
    assert_eq!(moved, "2027-05-17\n2027-06-15\n");

    let said = fails(&config, &["repeat", "preview", "every blue moon"]);
    assert!(said.contains("\"blue\""), "{said}");
    let said = fails(&config, &["repeat", "preview", "daily", "--count", "0"]);
    assert!(said.contains("--count"), "{said}");
    let said = fails(
        &config,
        &["repeat", "preview", "daily", "--working-days", "often"],
    );
    assert!(said.contains("--working-days"), "{said}");
}

#[test]
fn a_rule_lands_on_a_projects_working_days_through_the_server() {
    let (config, _server) = parts_server("repeat");
    ok(
        &config,
        &[
            "calendar",
            "add",
            "PARTS",
            "Founders' day",
            "--from",
            "2027-02-15",
        ],
    );
    let dates = ok(
        &config,
        &[
            "repeat",
            "preview",
            "monthly on the 15th",
            "--from",
            "2027-01-01",
            "--count",
            "2",
            "--project",
            "PARTS",
            "--working-days",
            "skip",
        ],
    );
    assert_eq!(dates, "2027-01-15\n2027-03-15\n");
    let said = fails(
        &config,
        &["repeat", "preview", "daily", "--project", "NOPE"],
    );
    assert!(said.to_lowercase().contains("not found"), "{said}");
}
