//! `tandem template save` and `tandem project add --template`: a project
//! saved and made again from a new start, on SQLite and PostgreSQL; a
//! starter with people for its roles.

use super::project_parts::json;
use super::*;

#[test]
fn a_project_saved_as_a_template_is_made_again_from_a_new_start() {
    for (config, _server) in super::above_projects::parts_servers("templates") {
        let saved = ok(
            &config,
            &["template", "save", "LAUNCH", "--name", "Launch playbook"],
        );
        assert!(
            saved.contains("Saved LAUNCH as template Launch playbook (version 1)"),
            "{saved}"
        );
        let made = ok(
            &config,
            &[
                "project",
                "add",
                "NEXT",
                "--name",
                "Next launch",
                "--template",
                "Launch playbook",
                "--start",
                "2027-03-01",
            ],
        );
        assert!(made.contains("Created project NEXT"), "{made}");
        let project = json(&config, &["project", "show", "NEXT"])["project"].clone();
        assert_eq!(project["start_date"], "2027-03-01");
        assert_eq!(project["template"]["name"], "Launch playbook");
        let source = json(
            &config,
            &["task", "list", "--project", "LAUNCH", "--limit", "1000"],
        );
        let copy = json(
            &config,
            &["task", "list", "--project", "NEXT", "--limit", "1000"],
        );
        // Cancelled work stays behind.
        let titles = |list: &serde_json::Value| {
            let mut t: Vec<String> = list
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["status"] != "cancelled")
                .map(|t| t["title"].as_str().unwrap().to_string())
                .collect();
            t.sort();
            t
        };
        assert_eq!(titles(&source), titles(&copy));
        // Nothing of the source's progress comes along.
        assert!(
            copy.as_array()
                .unwrap()
                .iter()
                .all(|t| t["status"] == "todo")
        );

        // A starter, its roles given to people; the list shows them all.
        let list = ok(&config, &["template", "list"]);
        for name in [
            "Product launch",
            "Client onboarding",
            "Quarterly planning",
            "Launch playbook",
        ] {
            assert!(list.contains(name), "{list}");
        }
        ok(
            &config,
            &[
                "project",
                "add",
                "ONB",
                "--name",
                "Acme onboarding",
                "--template",
                "client onboarding",
                "--start",
                "2027-03-01",
                "--role",
                "Trainer=ben@demo.tandem",
            ],
        );
        let tasks = json(&config, &["task", "list", "--project", "ONB"]);
        let trained: Vec<&str> = tasks
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["owner"]["email"] == "ben@demo.tandem")
            .map(|t| t["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            trained,
            ["Train the client's admins", "Train the end users"]
        );
        let shown = ok(&config, &["template", "show", "Client onboarding"]);
        assert!(
            shown.contains("Implementation lead") && shown.contains("Go live"),
            "{shown}"
        );

        // Refused, with the reason.
        let said = fails(
            &config,
            &[
                "project",
                "add",
                "BAD",
                "--name",
                "x",
                "--template",
                "Nope",
                "--start",
                "2027-03-01",
            ],
        );
        assert!(said.contains("template") && said.contains("Nope"), "{said}");
        let said = fails(
            &config,
            &[
                "project",
                "add",
                "BAD",
                "--name",
                "x",
                "--template",
                "Client onboarding",
                "--role",
                "Astronaut=ben@demo.tandem",
            ],
        );
        assert!(said.contains("Astronaut"), "{said}");
        let said = fails(
            &config,
            &["template", "save", "LAUNCH", "--name", "Product launch"],
        );
        assert!(said.contains("starter"), "{said}");
        // A task and its subtasks, saved and added again.
        let top = json(
            &config,
            &[
                "task",
                "add",
                "Close the month",
                "--project",
                "PARTS",
                "--due",
                "2027-01-29",
            ],
        );
        let top = top["key"].as_str().unwrap().to_string();
        ok(
            &config,
            &[
                "task",
                "add",
                "Reconcile",
                "--project",
                "PARTS",
                "--parent",
                &top,
                "--due",
                "2027-01-27",
            ],
        );
        let saved = ok(
            &config,
            &["template", "save-task", &top, "--name", "Month end"],
        );
        assert!(saved.contains("Month end (version 1): 2 tasks"), "{saved}");
        assert!(ok(&config, &["template", "tasks"]).contains("Close the month · Reconcile"));
        let added = json(
            &config,
            &[
                "task",
                "add",
                "February close",
                "--template",
                "Month end",
                "--project",
                "PARTS",
                "--due",
                "2027-02-26",
            ],
        );
        assert_eq!(added["title"], "February close");
        let subtasks = json(
            &config,
            &["task", "list", "--project", "PARTS", "--limit", "1000"],
        );
        let reconcile: Vec<&str> = subtasks
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["title"] == "Reconcile")
            .map(|t| t["due_date"].as_str().unwrap())
            .collect();
        assert_eq!(reconcile, ["2027-01-27", "2027-02-24"]);
        ok(&config, &["template", "rm-task", "Month end"]);
        ok(&config, &["template", "rm", "Launch playbook"]);
        assert!(!ok(&config, &["template", "list"]).contains("Launch playbook"));
    }
}
