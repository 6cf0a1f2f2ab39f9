//! A project's parts changed from the terminal: phases edited, reordered
//! and deleted, milestones, stakeholders and risks edited and removed, and
//! a project deleted only when the command says --yes.

use serde_json::Value;

use super::*;

/// The demo server, signed in as Ana (a workspace owner), with a new
/// project PARTS of its own so that nothing of the demo's data matters.
pub(super) fn parts_server(name: &str) -> (PathBuf, ServerProcess) {
    let database = format!("sqlite://{}", temp_dir(name).join("parts.db").display());
    parts_server_on(name, &database)
}

/// [`parts_server`] on `database`.
pub(super) fn parts_server_on(name: &str, database: &str) -> (PathBuf, ServerProcess) {
    let config = temp_dir(name).join("config");
    let server = serve_demo(database, &config);
    ok(&config, &["project", "add", "PARTS", "--name", "Parts"]);
    (config, server)
}

/// The JSON a `tandem --json …` command prints.
pub(super) fn json(config: &Path, args: &[&str]) -> Value {
    let mut full = vec!["--json"];
    full.extend_from_slice(args);
    let out = ok(config, &full);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// The id of an object a `--json … add` command printed.
pub(super) fn id_of(value: &Value) -> String {
    value["id"].as_i64().expect("an id").to_string()
}

/// The item of a JSON list whose id is `id`.
pub(super) fn item<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"].as_i64().unwrap().to_string() == id)
}

#[test]
fn phases_are_edited_reordered_and_deleted_from_the_terminal() {
    let (config, _server) = parts_server("phases");
    let discovery = id_of(&json(
        &config,
        &[
            "phase",
            "add",
            "PARTS",
            "Discovery",
            "--start",
            "2027-01-04",
            "--end",
            "2027-01-29",
        ],
    ));
    let build = id_of(&json(&config, &["phase", "add", "PARTS", "Build"]));
    let launch = id_of(&json(&config, &["phase", "add", "PARTS", "Launch"]));

    // An edit renames and clears the end date; the start stays.
    let out = ok(
        &config,
        &[
            "phase", "edit", "PARTS", &discovery, "--name", "Research", "--end", "none",
        ],
    );
    assert_eq!(
        out.trim(),
        format!("Updated phase Research (id {discovery})")
    );
    let phases = json(&config, &["phase", "list", "PARTS"]);
    let research = item(&phases, &discovery).unwrap();
    assert_eq!(research["name"], "Research", "{research}");
    assert_eq!(research["end_date"], Value::Null, "{research}");
    assert_eq!(research["start_date"], "2027-01-04", "{research}");

    // Edits that cannot be made say why, exit non-zero and change nothing.
    let launch_phase = json(&config, &["phase", "list", "LAUNCH"])[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let not_in_parts = format!("project PARTS has no phase {launch_phase}");
    for (args, says) in [
        (
            vec!["phase", "edit", "PARTS", &discovery],
            "nothing to change",
        ),
        (
            vec!["phase", "edit", "PARTS", "999999", "--name", "X"],
            "project PARTS has no phase 999999",
        ),
        (
            vec!["phase", "edit", "PARTS", &launch_phase, "--name", "X"],
            not_in_parts.as_str(),
        ),
        (
            vec!["phase", "edit", "PARTS", &build, "--end", "someday"],
            "--end",
        ),
        (
            vec!["phase", "delete", "PARTS", "999999"],
            "no phase 999999",
        ),
    ] {
        let err = fails(&config, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(json(&config, &["phase", "list", "PARTS"]), phases);

    // A reorder puts the phases in the order given, positions 1 to n, and
    // prints them as `phase list` does.
    let out = ok(
        &config,
        &["phase", "reorder", "PARTS", &launch, &discovery, &build],
    );
    let names: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(names, ["Launch", "Research", "Build"], "{out}");
    assert!(out.starts_with("ID"), "{out}");
    let reordered = json(&config, &["phase", "list", "PARTS"]);
    let order: Vec<(String, i64)> = reordered
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (id_of(p), p["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            (launch.clone(), 1),
            (discovery.clone(), 2),
            (build.clone(), 3)
        ]
    );
    let answer = json(
        &config,
        &["phase", "reorder", "PARTS", &build, &launch, &discovery],
    );
    let ids: Vec<String> = answer.as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(ids, [build.clone(), launch.clone(), discovery.clone()]);

    // A phase left out, an unknown one, one of another project, one twice
    // or none at all: refused, naming the phases, and the order stays.
    let before = json(&config, &["phase", "list", "PARTS"]);
    for (args, says) in [
        (
            vec!["phase", "reorder", "PARTS", &launch, &discovery],
            "phases",
        ),
        (
            vec![
                "phase", "reorder", "PARTS", &launch, &discovery, &build, "999999",
            ],
            "phases",
        ),
        (
            vec![
                "phase",
                "reorder",
                "PARTS",
                &launch,
                &discovery,
                &launch_phase,
            ],
            "phases",
        ),
        (
            vec![
                "phase", "reorder", "PARTS", &launch, &launch, &discovery, &build,
            ],
            "phases",
        ),
        (vec!["phase", "reorder", "PARTS"], "<IDS>"),
    ] {
        let err = fails(&config, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(json(&config, &["phase", "list", "PARTS"]), before);

    let out = ok(&config, &["phase", "delete", "PARTS", &build]);
    assert_eq!(out.trim(), format!("Deleted phase Build (id {build})"));
    let left = json(&config, &["phase", "list", "PARTS"]);
    assert!(item(&left, &build).is_none(), "{left}");
    assert_eq!(left.as_array().unwrap().len(), 2, "{left}");
    let err = fails(&config, &["phase", "delete", "PARTS", &build]);
    assert!(err.contains(&format!("no phase {build}")), "{err}");

    let help = ok(&config, &["phase", "edit", "--help"]);
    for word in ["YYYY-MM-DD", "tomorrow", "none"] {
        assert!(help.contains(word), "{help}");
    }
}

#[test]
fn milestones_and_stakeholders_are_edited_and_removed_from_the_terminal() {
    let (config, _server) = parts_server("milestones");
    let phase = id_of(&json(&config, &["phase", "add", "PARTS", "Build"]));
    let milestone = id_of(&json(
        &config,
        &["milestone", "add", "PARTS", "Beta", "--date", "2027-02-01"],
    ));

    let out = ok(
        &config,
        &[
            "milestone",
            "edit",
            "PARTS",
            &milestone,
            "--name",
            "Public beta",
            "--description",
            "Open to all",
            "--phase",
            &phase,
            "--date",
            "none",
        ],
    );
    assert_eq!(
        out.trim(),
        format!("Updated milestone Public beta (id {milestone})")
    );
    let list = json(&config, &["milestone", "list", "PARTS"]);
    let beta = item(&list, &milestone).unwrap();
    assert_eq!(beta["name"], "Public beta", "{beta}");
    assert_eq!(beta["description"], "Open to all", "{beta}");
    assert_eq!(beta["phase_id"].as_i64().unwrap().to_string(), phase);
    assert_eq!(beta["date"], Value::Null, "{beta}");
    let beta = json(
        &config,
        &["milestone", "edit", "PARTS", &milestone, "--phase", "none"],
    );
    assert_eq!(beta["phase_id"], Value::Null, "{beta}");
    assert_eq!(beta["name"], "Public beta", "{beta}");

    let before = json(&config, &["milestone", "list", "PARTS"]);
    for (args, says) in [
        (
            vec!["milestone", "edit", "PARTS", &milestone, "--phase", "first"],
            "--phase",
        ),
        (
            vec!["milestone", "edit", "PARTS", "999999", "--name", "X"],
            "project PARTS has no milestone 999999",
        ),
        (
            vec!["milestone", "edit", "PARTS", &milestone],
            "nothing to change",
        ),
    ] {
        let err = fails(&config, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(json(&config, &["milestone", "list", "PARTS"]), before);

    // A new milestone goes last; a reorder puts them in the order given,
    // prints them as `milestone list` does, and a partial order is refused.
    let gate = id_of(&json(&config, &["milestone", "add", "PARTS", "Gate"]));
    let out = ok(
        &config,
        &["milestone", "reorder", "PARTS", &gate, &milestone],
    );
    let names: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(names, ["Gate", "Public"], "{out}");
    let order: Vec<(String, i64)> = json(&config, &["milestone", "list", "PARTS"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (id_of(m), m["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(order, [(gate.clone(), 1), (milestone.clone(), 2)]);
    let err = fails(&config, &["milestone", "reorder", "PARTS", &gate]);
    assert!(err.contains("milestones"), "{err}");
    let help = ok(&config, &["milestone", "reorder", "--help"]);
    assert!(help.contains("every milestone's id"), "{help}");
    let out = ok(&config, &["milestone", "delete", "PARTS", &gate]);
    assert!(out.contains("Deleted milestone Gate"), "{out}");

    let out = ok(&config, &["milestone", "delete", "PARTS", &milestone]);
    assert_eq!(
        out.trim(),
        format!("Deleted milestone Public beta (id {milestone})")
    );
    assert_eq!(
        json(&config, &["milestone", "list", "PARTS"]),
        serde_json::json!([])
    );
    let err = fails(&config, &["milestone", "delete", "PARTS", &milestone]);
    assert!(err.contains(&format!("no milestone {milestone}")), "{err}");

    // Stakeholders: a member and an external person.
    let ben = id_of(&json(
        &config,
        &[
            "stakeholder",
            "add",
            "PARTS",
            "--role",
            "informed",
            "--member",
            "ben@demo.tandem",
        ],
    ));
    let pat = id_of(&json(
        &config,
        &[
            "stakeholder",
            "add",
            "PARTS",
            "--role",
            "contributor",
            "--name",
            "Pat Vendor",
            "--email",
            "pat@vendor.example",
        ],
    ));
    let listed = ok(&config, &["stakeholder", "list", "PARTS"]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&format!("{pat} ")) && l.contains("Pat Vendor")),
        "the list shows the ids edits take: {listed}"
    );
    let out = ok(
        &config,
        &["stakeholder", "edit", "PARTS", &ben, "--role", "sponsor"],
    );
    assert!(
        out.starts_with("Updated stakeholder Ben Okafor") && out.contains("sponsor"),
        "{out}"
    );
    let pat_now = json(
        &config,
        &[
            "stakeholder",
            "edit",
            "PARTS",
            &pat,
            "--role",
            "approver",
            "--name",
            "Pat Supplier",
            "--email",
            "none",
        ],
    );
    assert_eq!(pat_now["role"], "approver", "{pat_now}");
    assert_eq!(pat_now["name"], "Pat Supplier", "{pat_now}");
    assert_eq!(pat_now["email"], Value::Null, "{pat_now}");
    let list = json(&config, &["stakeholder", "list", "PARTS"]);
    assert_eq!(item(&list, &ben).unwrap()["role"], "sponsor", "{list}");
    assert_eq!(item(&list, &pat).unwrap()["role"], "approver", "{list}");

    for (args, says) in [
        (
            vec!["stakeholder", "edit", "PARTS", &ben, "--role", "king"],
            "--role",
        ),
        (
            vec![
                "stakeholder",
                "edit",
                "PARTS",
                "999999",
                "--role",
                "sponsor",
            ],
            "project PARTS has no stakeholder 999999",
        ),
        (
            vec!["stakeholder", "remove", "LAUNCH", &pat],
            "no stakeholder",
        ),
    ] {
        let err = fails(&config, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(json(&config, &["stakeholder", "list", "PARTS"]), list);
    let help = ok(&config, &["stakeholder", "edit", "--help"]);
    for word in ["sponsor", "approver", "contributor", "informed"] {
        assert!(help.contains(word), "{help}");
    }

    let out = ok(&config, &["stakeholder", "remove", "PARTS", &pat]);
    assert_eq!(
        out.trim(),
        format!("Removed stakeholder Pat Supplier (id {pat}) from PARTS")
    );
    let list = json(&config, &["stakeholder", "list", "PARTS"]);
    assert!(item(&list, &pat).is_none(), "{list}");
    assert!(item(&list, &ben).is_some(), "{list}");
}

#[test]
fn risks_are_edited_and_deleted_from_the_terminal() {
    let (config, _server) = parts_server("risks");
    let task = json(
        &config,
        &["task", "add", "Sign the vendor", "--project", "PARTS"],
    );
    let task_key = task["key"].as_str().unwrap().to_string();
    let milestone = id_of(&json(&config, &["milestone", "add", "PARTS", "Beta"]));
    let risk = id_of(&json(
        &config,
        &[
            "risk",
            "add",
            "PARTS",
            "Vendor slips",
            "--probability",
            "3",
            "--impact",
            "4",
        ],
    ));

    let out = ok(
        &config,
        &[
            "risk",
            "edit",
            &risk,
            "--status",
            "closed",
            "--tasks",
            &task_key,
            "--milestones",
            &milestone,
            "--impact",
            "5",
            "--mitigation",
            "A second vendor",
        ],
    );
    assert!(
        out.starts_with(&format!("Updated risk Vendor slips (id {risk}, score 15")),
        "{out}"
    );
    let list = json(&config, &["risk", "list", "PARTS"]);
    let edited = item(&list, &risk).unwrap();
    assert_eq!(edited["status"], "closed", "{edited}");
    assert_eq!(edited["impact"], 5, "{edited}");
    assert_eq!(edited["probability"], 3, "{edited}");
    assert_eq!(edited["mitigation"], "A second vendor", "{edited}");
    let tasks: Vec<&str> = edited["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert_eq!(tasks, [task_key.as_str()], "{edited}");
    assert_eq!(
        edited["milestones"],
        serde_json::json!([milestone.parse::<i64>().unwrap()])
    );

    // Owner set and cleared; links emptied with "none".
    let owned = json(
        &config,
        &["risk", "edit", &risk, "--owner", "chloe@demo.tandem"],
    );
    assert_eq!(owned["owner"]["email"], "chloe@demo.tandem", "{owned}");
    assert_eq!(
        owned["status"], "closed",
        "an edit keeps what it does not name"
    );
    let cleared = json(
        &config,
        &[
            "risk",
            "edit",
            &risk,
            "--owner",
            "none",
            "--tasks",
            "none",
            "--mitigation",
            "none",
        ],
    );
    assert_eq!(cleared["owner"], Value::Null, "{cleared}");
    assert_eq!(cleared["tasks"], serde_json::json!([]), "{cleared}");
    assert_eq!(cleared["mitigation"], Value::Null, "{cleared}");
    assert_eq!(
        cleared["milestones"].as_array().unwrap().len(),
        1,
        "{cleared}"
    );

    let before = json(&config, &["risk", "list", "PARTS"]);
    for (args, says) in [
        (vec!["risk", "edit", &risk, "--status", "gone"], "--status"),
        (
            vec!["risk", "edit", &risk, "--probability", "6"],
            "--probability",
        ),
        (vec!["risk", "edit", &risk, "--impact", "0"], "--impact"),
        (
            vec!["risk", "edit", &risk, "--milestones", "beta"],
            "--milestones",
        ),
        (vec!["risk", "edit", &risk], "nothing to change"),
        (
            vec!["risk", "edit", "999999", "--status", "open"],
            "risk 999999",
        ),
        (vec!["risk", "delete", "999999"], "risk 999999"),
    ] {
        let err = fails(&config, &args);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(json(&config, &["risk", "list", "PARTS"]), before);
    let help = ok(&config, &["risk", "edit", "--help"]);
    for word in [
        "open, mitigating, closed or occurred",
        "1 (rare) to 5",
        "none",
    ] {
        assert!(help.contains(word), "{help}");
    }

    let out = ok(&config, &["risk", "delete", &risk]);
    assert_eq!(out.trim(), format!("Deleted risk Vendor slips (id {risk})"));
    assert_eq!(
        json(&config, &["risk", "list", "PARTS"]),
        serde_json::json!([])
    );
}

#[test]
fn a_project_is_deleted_only_with_yes() {
    let (config, _server) = parts_server("delete");
    let task = json(&config, &["task", "add", "Keep me", "--project", "PARTS"]);
    let task_key = task["key"].as_str().unwrap().to_string();

    let err = fails(&config, &["project", "delete", "PARTS"]);
    assert!(
        err.contains("refusing to delete PARTS and all its tasks without --yes"),
        "{err}"
    );
    let shown = json(&config, &["project", "show", "PARTS"]);
    assert_eq!(shown["project"]["name"], "Parts", "{shown}");
    let kept = json(&config, &["task", "show", &task_key]);
    assert_eq!(kept["task"]["title"], "Keep me", "{kept}");

    let out = ok(&config, &["project", "delete", "PARTS", "--yes"]);
    assert_eq!(out.trim(), "Deleted project PARTS (Parts)");
    let projects = json(&config, &["project", "list"]);
    let keys: Vec<&str> = projects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert!(!keys.contains(&"PARTS"), "{keys:?}");
    assert!(keys.contains(&"LAUNCH"), "only PARTS is gone: {keys:?}");
    fails(&config, &["project", "show", "PARTS"]);
    fails(&config, &["task", "show", &task_key]);
    let err = fails(&config, &["project", "delete", "PARTS", "--yes"]);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn a_project_is_archived_out_of_the_list_and_brought_back() {
    let (config, _server) = parts_server("archive");
    let keys = |args: &[&str]| -> Vec<String> {
        json(&config, args)
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ok(&config, &["project", "archive", "PARTS"]).trim(),
        "Archived PARTS (Parts)"
    );
    assert_eq!(keys(&["project", "list"]), ["LAUNCH", "OPS"]);
    assert_eq!(keys(&["project", "list", "--archived", "yes"]), ["PARTS"]);
    assert_eq!(
        keys(&["project", "list", "--archived", "all"]),
        ["LAUNCH", "OPS", "PARTS"]
    );
    let shown = ok(&config, &["project", "show", "PARTS"]);
    assert!(shown.contains("archived"), "{shown}");
    // Its work is still there to add to and read.
    ok(
        &config,
        &["task", "add", "Still here", "--project", "PARTS"],
    );
    let err = fails(&config, &["project", "list", "--archived", "maybe"]);
    assert!(err.contains("yes") && err.contains("all"), "{err}");
    assert_eq!(
        ok(&config, &["project", "unarchive", "PARTS"]).trim(),
        "Unarchived PARTS (Parts)"
    );
    assert_eq!(keys(&["project", "list"]), ["LAUNCH", "OPS", "PARTS"]);
}

#[test]
fn tasks_are_put_in_a_phase_and_on_a_milestone_in_bulk() {
    let (config, _server) = parts_server("bulk-phase");
    let phase = id_of(&json(&config, &["phase", "add", "PARTS", "Build"]));
    let gate = id_of(&json(&config, &["milestone", "add", "PARTS", "Beta"]));
    for title in ["One", "Two"] {
        ok(&config, &["task", "add", title, "--project", "PARTS"]);
    }
    let err = fails(
        &config,
        &[
            "task",
            "bulk-edit",
            "PARTS-1",
            "PARTS-2",
            "--phase",
            "first",
        ],
    );
    assert!(err.contains("--phase"), "{err}");
    ok(
        &config,
        &[
            "task",
            "bulk-edit",
            "PARTS-1",
            "PARTS-2",
            "--phase",
            &phase,
            "--milestone",
            &gate,
        ],
    );
    for key in ["PARTS-1", "PARTS-2"] {
        let task = json(&config, &["task", "show", key]);
        assert_eq!(task["task"]["phase_id"].to_string(), phase, "{task}");
        assert_eq!(task["task"]["milestone_id"].to_string(), gate, "{task}");
    }
    ok(
        &config,
        &["task", "bulk-edit", "PARTS-1", "--phase", "none"],
    );
    let task = json(&config, &["task", "show", "PARTS-1"]);
    assert_eq!(task["task"]["phase_id"], Value::Null, "{task}");
    assert_eq!(task["task"]["milestone_id"].to_string(), gate, "{task}");
}

#[test]
fn views_of_the_list_are_saved_listed_sorted_by_and_deleted_from_the_terminal() {
    let (config, _server) = parts_server("views");
    let saved = json(
        &config,
        &[
            "view",
            "save",
            "PARTS",
            "--name",
            "Open by due",
            "--query",
            "status=open&sort=due&cols=owner,due",
            "--shared",
        ],
    );
    assert_eq!(saved["query"], "status=open&sort=due&cols=owner,due");
    assert_eq!(saved["shared"], true);
    let id = id_of(&saved);
    let listed = json(&config, &["view", "list", "PARTS"]);
    assert_eq!(item(&listed, &id).unwrap()["name"], "Open by due");
    // A query with anything but the list's parameters is refused, by name.
    let refused = fails(
        &config,
        &[
            "view",
            "save",
            "PARTS",
            "--name",
            "Odd",
            "--query",
            "colour=red",
        ],
    );
    assert!(refused.contains("query"), "{refused}");
    assert_eq!(
        json(&config, &["view", "list", "PARTS"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The task list sorts as the views do; the allowed values are named.
    ok(&config, &["task", "add", "Zeta", "--project", "PARTS"]);
    ok(&config, &["task", "add", "alpha", "--project", "PARTS"]);
    let by_title = json(
        &config,
        &["task", "list", "--project", "PARTS", "--sort", "title"],
    );
    let titles: Vec<&str> = by_title
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["alpha", "Zeta"]);
    let wrong = fails(&config, &["task", "list", "--sort", "colour"]);
    assert!(wrong.contains("priority"), "{wrong}");
    ok(&config, &["view", "delete", &id]);
    assert!(
        json(&config, &["view", "list", "PARTS"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}
