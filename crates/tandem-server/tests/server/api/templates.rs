//! Templates over the API: a project saved as one and made again from a
//! new start is the same plan shifted, with the same critical path; the
//! starters; versions; what a guest sees; refusals that name the field and
//! make nothing.

use super::*;

/// A plan of four tasks from Monday 4 January 2027, with estimates, a
/// parallel branch, a phase, a milestone, a risk and a stakeholder.
async fn source(ana: &Api) {
    let (status, body) = ana
        .post(
            &format!("{WS}/projects"),
            json!({"key": "SRC", "name": "Source", "start_date": "2027-01-04", "target_date": "2027-01-29", "objective": "Ship it"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, phase) = ana
        .post(
            &format!("{WS}/projects/SRC/phases"),
            json!({"name": "Build", "start_date": "2027-01-04", "end_date": "2027-01-22"}),
        )
        .await;
    let (_, milestone) = ana
        .post(
            &format!("{WS}/projects/SRC/milestones"),
            json!({"name": "Done", "date": "2027-01-22", "phase_id": phase["id"]}),
        )
        .await;
    for (title, days, owner) in [
        ("Design", 3, "mel@x.org"),
        ("Build", 5, "mel@x.org"),
        ("Docs", 2, "ada@x.org"),
        ("Ship", 1, "ana@x.org"),
    ] {
        let (status, body) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "SRC", "title": title, "estimate_days": days, "owner": owner,
                       "phase_id": phase["id"], "milestone_id": if title == "Ship" { milestone["id"].clone() } else { Value::Null }}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    for (p, s) in [
        ("SRC-1", "SRC-2"),
        ("SRC-2", "SRC-4"),
        ("SRC-1", "SRC-3"),
        ("SRC-3", "SRC-4"),
    ] {
        let (status, body) = ana
            .post(
                &format!("{WS}/dependencies"),
                json!({"predecessor": p, "successor": s}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = ana
        .post(
            &format!("{WS}/projects/SRC/risks"),
            json!({"title": "Build slips", "probability": 3, "impact": 4, "owner": "mel@x.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = ana
        .post(
            &format!("{WS}/projects/SRC/stakeholders"),
            json!({"member": "ana@x.org", "role": "approver"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Each task's title, critical or not, and its early start and finish.
async fn plan_of(ana: &Api, key: &str) -> (Vec<(String, bool, String, String)>, String) {
    let (status, schedule) = ana.get(&format!("{WS}/projects/{key}/schedule")).await;
    assert_eq!(status, StatusCode::OK, "{schedule}");
    let mut tasks: Vec<(String, bool, String, String)> = schedule["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["title"].as_str().unwrap().to_string(),
                t["critical"].as_bool().unwrap(),
                t["early_start"].as_str().unwrap().to_string(),
                t["early_finish"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    tasks.sort();
    (tasks, schedule["finish"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_project_saved_as_a_template_is_made_again_shifted_with_the_same_critical_path() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        source(&ana).await;

        let (status, saved) = ana
            .post(
                &format!("{WS}/templates"),
                json!({"project": "SRC", "name": "Ship a thing", "description": "Four steps",
                       "roles": {"mel@x.org": "Engineer", "ada@x.org": "Writer", "ana@x.org": "Lead"}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        assert_eq!(saved["version"], 1);
        assert_eq!(saved["roles"], json!(["Engineer", "Writer", "Lead"]));
        assert_eq!(saved["task_count"], 4);
        assert_eq!(saved["tasks"][1]["after"], json!(["Design"]));

        // Made again four weeks later, each role given to someone.
        let (status, made) = ana
            .post(
                &format!("{WS}/projects"),
                json!({"key": "NEW", "name": "Again", "template": "ship a thing", "start_date": "2027-02-01",
                       "roles": {"Engineer": "ada@x.org", "Lead": "mel@x.org"}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!(
            made["template"],
            json!({"name": "Ship a thing", "version": 1})
        );
        assert_eq!(made["start_date"], "2027-02-01");
        assert_eq!(made["target_date"], "2027-02-26");
        assert_eq!(made["objective"], "Ship it");

        let (before, finish_before) = plan_of(&ana, "SRC").await;
        let (after, finish_after) = plan_of(&ana, "NEW").await;
        assert_eq!(before.len(), 4);
        let shift = |text: &str| {
            let at = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap();
            (at + chrono::Duration::days(28))
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        for ((t0, c0, s0, f0), (t1, c1, s1, f1)) in before.iter().zip(&after) {
            assert_eq!(t0, t1);
            assert_eq!(c0, c1, "{t0} critical");
            assert_eq!(&shift(s0), s1, "{t0} start");
            assert_eq!(&shift(f0), f1, "{t0} finish");
        }
        assert_eq!(shift(&finish_before), finish_after);

        // Its people, phase, milestone, risk and stakeholder.
        let (_, tasks) = ana.get(&format!("{WS}/tasks?project=NEW&sort=id")).await;
        let owners: Vec<Value> = tasks["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["owner"]["email"].clone())
            .collect();
        assert_eq!(
            owners,
            [
                json!("ada@x.org"),
                json!("ada@x.org"),
                Value::Null,
                json!("mel@x.org")
            ]
        );
        let (_, phases) = ana.get(&format!("{WS}/projects/NEW/phases")).await;
        assert_eq!(phases[0]["name"], "Build");
        assert_eq!(phases[0]["end_date"], "2027-02-19");
        let (_, risks) = ana.get(&format!("{WS}/projects/NEW/risks")).await;
        assert_eq!(risks[0]["owner"]["email"], "ada@x.org");
        let (_, people) = ana.get(&format!("{WS}/projects/NEW/stakeholders")).await;
        assert_eq!(people[0]["user"]["email"], "mel@x.org");
        assert_eq!(people[0]["role"], "approver");

        // Saved again: version 2; the project keeps version 1.
        let (_, again) = ana
            .post(
                &format!("{WS}/templates"),
                json!({"project": "NEW", "name": "Ship a thing"}),
            )
            .await;
        assert_eq!(again["version"], 2);
        assert_eq!(again["versions"].as_array().unwrap().len(), 2);
        let (_, old) = ana
            .get(&format!("{WS}/templates/Ship%20a%20thing?version=1"))
            .await;
        assert_eq!(old["source_project"], "SRC");
        let (_, project) = ana.get(&format!("{WS}/projects/NEW")).await;
        assert_eq!(project["template"]["version"], 1);
        // Ana's template is not Mel's to replace or delete; an admin's.
        let mel = Api::login(&server.base, "mel").await;
        let (status, _) = mel
            .post(
                &format!("{WS}/templates"),
                json!({"project": "SRC", "name": "ship a thing"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = mel
            .call(
                Method::DELETE,
                &format!("{WS}/templates/Ship%20a%20thing"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The starters are there for everyone; a guest sees only them.
        let (_, all) = ana.get(&format!("{WS}/templates")).await;
        let names: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "Product launch",
                "Client onboarding",
                "Quarterly planning",
                "Ship a thing"
            ]
        );
        let (_, seen) = gus.get(&format!("{WS}/templates")).await;
        assert_eq!(seen.as_array().unwrap().len(), 3, "{seen}");
        let (status, _) = gus.get(&format!("{WS}/templates/Ship%20a%20thing")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = gus
            .post(
                &format!("{WS}/templates"),
                json!({"project": "SRC", "name": "Mine"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A starter makes a whole project that schedules.
        let (status, launch) = ana
            .post(
                &format!("{WS}/projects"),
                json!({"key": "ONB", "name": "Acme onboarding", "template": "Client onboarding", "start_date": "2027-03-01",
                       "roles": {"Account manager": "ana@x.org"}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{launch}");
        let (onboarding, finish) = plan_of(&ana, "ONB").await;
        assert_eq!(onboarding.len(), 13);
        // Its plan fits its target.
        let target = launch["target_date"].as_str().unwrap();
        assert!(&finish[..10] <= target, "{finish} after {target}");

        // Refused, naming the field; nothing is made.
        for (body, field) in [
            (
                json!({"key": "BAD", "name": "x", "template": "Nope"}),
                "template",
            ),
            (
                json!({"key": "BAD", "name": "x", "template": "Client onboarding", "roles": {"Astronaut": "ana@x.org"}}),
                "roles",
            ),
            (
                json!({"key": "BAD", "name": "x", "template": "Client onboarding", "roles": {"Trainer": "not-an-email"}}),
                "roles.Trainer",
            ),
            (
                json!({"key": "BAD", "name": "x", "template": "Client onboarding", "budget": 5}),
                "budget",
            ),
            (
                json!({"key": "BAD", "name": "x", "roles": {"Trainer": "ana@x.org"}}),
                "roles",
            ),
            (
                json!({"key": "BAD", "name": "x", "template": "Client onboarding", "roles": {"Trainer": "zoe@x.org"}}),
                "tasks[8].owner",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{WS}/projects"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(
                problem["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["field"] == field),
                "{field} not named: {problem}"
            );
        }
        let (status, _) = ana.get(&format!("{WS}/projects/BAD")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "nothing half made");
        for (body, field) in [
            (json!({"project": "SRC", "name": "Product launch"}), "name"),
            (json!({"project": "SRC", "name": " "}), "name"),
            (json!({"project": "SRC"}), "name"),
            (
                json!({"project": "SRC", "name": "x", "roles": {"nobody": "Lead"}}),
                "roles",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{WS}/templates"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/templates/Product%20launch"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/templates/Ship%20a%20thing"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, project) = ana.get(&format!("{WS}/projects/NEW")).await;
        assert_eq!(
            project["template"]["name"], "Ship a thing",
            "kept after the template went"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn a_task_with_its_subtasks_is_saved_and_added_again() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        let (_, top) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Month-end close", "due_date": "2027-01-29", "tags": ["finance"]}),
            )
            .await;
        let top_key = top["key"].as_str().unwrap();
        for (title, due) in [
            ("Reconcile accounts", "2027-01-27"),
            ("Send invoices", "2027-01-28"),
        ] {
            let (status, body) = ana
                .post(
                    &format!("{WS}/tasks"),
                    json!({"project": "LAUNCH", "title": title, "parent": top_key, "due_date": due, "estimate_days": 1}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, saved) = ana
            .post(
                &format!("{WS}/task-templates"),
                json!({"task": top_key, "name": "Close the month"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        assert_eq!(saved["tasks"].as_array().unwrap().len(), 3);
        assert_eq!(saved["tasks"][1]["due_offset_days"], -2);

        // Added again, due a month on, owned by Mel.
        let (status, added) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "February close", "template": "close the month",
                       "due_date": "2027-02-26", "owner": "mel@x.org"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{added}");
        assert_eq!(added["title"], "February close");
        assert_eq!(added["tags"], json!(["finance"]));
        let (_, subtasks) = ana
            .get(&format!(
                "{WS}/tasks?parent={}&sort=id",
                added["key"].as_str().unwrap()
            ))
            .await;
        let subtasks = subtasks["tasks"].as_array().unwrap();
        let got: Vec<(&str, &str, &str)> = subtasks
            .iter()
            .map(|t| {
                (
                    t["title"].as_str().unwrap(),
                    t["due_date"].as_str().unwrap(),
                    t["owner"]["email"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Reconcile accounts", "2027-02-24", "mel@x.org"),
                ("Send invoices", "2027-02-25", "mel@x.org")
            ]
        );

        // A guest neither reads nor uses them; what else is given with a
        // template is refused by name.
        let (_, none) = gus.get(&format!("{WS}/task-templates")).await;
        assert_eq!(none, json!([]));
        for (body, field) in [
            (
                json!({"project": "LAUNCH", "title": "x", "template": "Nope"}),
                "template",
            ),
            (
                json!({"project": "LAUNCH", "title": "x", "template": "Close the month", "priority": "high"}),
                "priority",
            ),
            (
                json!({"project": "LAUNCH", "title": "x", "template_version": 2}),
                "template_version",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{WS}/tasks"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/task-templates/Close%20the%20month"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        server.stop().await;
    }
}
