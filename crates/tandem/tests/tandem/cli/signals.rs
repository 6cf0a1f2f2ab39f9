//! `tandem task signals` and `tandem project signals`: is it a task or a
//! project, from the terminal, on SQLite and PostgreSQL.

use super::project_parts::json;
use super::*;

#[test]
fn a_task_and_a_project_say_what_they_behave_like() {
    for (ana, server) in super::above_projects::parts_servers("signals") {
        let plain = json(&ana, &["task", "signals", "LAUNCH-3"]);
        assert!(plain["signals"].is_array(), "{plain}");
        assert_eq!(plain["verdict"], "task", "{plain}");

        // A project of one person's two days, nothing linked.
        ok(&ana, &["project", "add", "TINY", "--name", "Tiny"]);
        ok(
            &ana,
            &[
                "task",
                "add",
                "Fix the footer",
                "--project",
                "TINY",
                "--owner",
                "ana@demo.tandem",
                "--start",
                "2026-12-07",
                "--due",
                "2026-12-08",
            ],
        );
        let tiny = json(&ana, &["project", "signals", "TINY"]);
        assert_eq!(tiny["verdict"], "task", "{tiny}");
        assert_eq!(
            tiny["signals"],
            serde_json::json!(["one_person", "few_days", "no_links", "no_milestones"])
        );
        let said = ok(&ana, &["project", "signals", "TINY"]);
        assert!(
            said.contains("TINY behaves like a task") && said.contains("one person does it"),
            "{said}"
        );
        let missing = fails(&ana, &["task", "signals", "NOPE-1"]);
        assert!(missing.contains("not found"), "{missing}");
        drop(server);
    }
}
