//! `tandem task promote` and `tandem project demote`: a task made a
//! project and the project made a task again, from the terminal, on
//! SQLite and PostgreSQL; bad input and refusals say what was wrong.

use super::project_parts::json;
use super::*;

#[test]
fn a_task_is_promoted_and_its_project_demoted_back_from_the_terminal() {
    for (ana, server) in super::above_projects::parts_servers("levels") {
        let parent = json(
            &ana,
            &[
                "task",
                "add",
                "Office move",
                "--project",
                "OPS",
                "--owner",
                "ben@demo.tandem",
                "--due",
                "2027-02-01",
            ],
        );
        let key = parent["key"].as_str().unwrap().to_string();
        let packing = json(
            &ana,
            &[
                "task",
                "add",
                "Pack desks",
                "--project",
                "OPS",
                "--parent",
                &key,
                "--estimate",
                "2d",
            ],
        );
        let packing = packing["key"].as_str().unwrap().to_string();

        let bad = fails(&ana, &["task", "promote", &key, "--key", "9X"]);
        assert!(bad.contains("key"), "{bad}");
        let taken = fails(&ana, &["task", "promote", &key, "--key", "LAUNCH"]);
        assert!(taken.contains("taken"), "{taken}");

        let done = json(&ana, &["task", "promote", &key, "--key", "MOVE"]);
        assert_eq!(done["project"]["key"], "MOVE", "{done}");
        assert_eq!(done["project"]["name"], "Office move");
        assert_eq!(done["project"]["target_date"], "2027-02-01");
        assert_eq!(done["moved"], 1);
        assert_eq!(done["task"]["promoted_to"], "MOVE");
        let again = fails(&ana, &["task", "promote", &key, "--key", "MOVE2"]);
        assert!(again.contains("promoted to MOVE already"), "{again}");
        // The subtask is MOVE-1; its old key still finds it.
        let shown = ok(&ana, &["task", "show", &packing]);
        assert!(shown.starts_with("MOVE-1  Pack desks"), "{shown}");
        let shown = ok(&ana, &["task", "show", &key]);
        assert!(shown.contains("promoted to project MOVE"), "{shown}");
        let project = ok(&ana, &["project", "show", "MOVE"]);
        assert!(
            project.contains(&format!("promoted from task {key}")),
            "{project}"
        );

        let nowhere = fails(&ana, &["project", "demote", "MOVE"]);
        assert!(nowhere.contains("--to-project"), "{nowhere}");
        // LAUNCH holds milestones and risks, which a task cannot.
        let refused = fails(
            &ana,
            &["project", "demote", "LAUNCH", "--to-project", "OPS"],
        );
        assert!(
            refused.contains("milestone") && refused.contains("a task cannot hold"),
            "{refused}"
        );
        let said = ok(&ana, &["project", "demote", "MOVE", "--to-project", "OPS"]);
        assert!(
            said.contains(&format!("Demoted project MOVE to task {key}"))
                && said.contains("back where it was promoted from"),
            "{said}"
        );
        let gone = fails(&ana, &["project", "show", "MOVE"]);
        assert!(gone.contains("not found"), "{gone}");
        let back = json(&ana, &["task", "show", &packing]);
        assert_eq!(
            back["task"]["key"],
            serde_json::json!(packing),
            "its key again"
        );
        assert_eq!(back["task"]["parent"]["key"], serde_json::json!(key));

        let help = ok(&ana, &["task", "promote", "--help"]);
        assert!(
            help.contains("--key <NEWKEY>") && help.contains("capital letters"),
            "{help}"
        );
        let help = ok(&ana, &["project", "demote", "--help"]);
        assert!(
            help.contains("--to-project <OTHER>") && help.contains("--personal"),
            "{help}"
        );
        drop(server);
    }
}
