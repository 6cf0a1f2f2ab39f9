//! Promote and demote over the API: a task promoted to a project and the
//! project demoted back keeps every field, link, comment and history
//! entry, and the keys it had; a small project becomes one task of
//! another; a demotion is refused while the project holds what a task
//! cannot, and a refused or stale write changes nothing; what a promoted
//! task points at is shown only to who may open it.

use super::*;

async fn made(api: &Api, path: &str, body: Value) -> Value {
    let (status, answer) = api.post(&format!("{WS}{path}"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
    answer
}

async fn task(api: &Api, key: &str) -> Value {
    let (status, task) = api.get(&format!("{WS}/tasks/{key}")).await;
    assert_eq!(status, StatusCode::OK, "{key}: {task}");
    task
}

/// What a task is, without what a move changes (its key, project,
/// version, parent's key, times of the write).
fn essence(task: &Value) -> Value {
    let mut task = task.clone();
    for field in [
        "key",
        "project",
        "version",
        "updated_at",
        "parent",
        "promoted_to",
    ] {
        task.as_object_mut().unwrap().remove(field);
    }
    task
}

/// The history of a task, oldest first, as (action, fields changed).
async fn history(api: &Api, key: &str) -> Vec<(String, Vec<String>)> {
    let (status, entries) = api.get(&format!("{WS}/tasks/{key}/activity")).await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    let mut entries: Vec<(String, Vec<String>)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let fields = e["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["field"].as_str().unwrap().to_string())
                .collect();
            (e["action"].as_str().unwrap().to_string(), fields)
        })
        .collect();
    entries.reverse();
    entries
}

fn links(list: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["predecessor"]["id"].to_string(),
                l["successor"]["id"].to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

#[tokio::test]
async fn a_promoted_task_becomes_a_project_and_its_demotion_puts_everything_back() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;

        // Website: Mel's, with Ada as collaborator; three subtasks, one
        // under another; a link inside, one from outside, a comment each.
        let website = made(
            &ana,
            "/tasks",
            json!({"project": "LAUNCH", "title": "Website", "owner": "mel@x.org",
                   "collaborators": ["ada@x.org"], "description": "The new site",
                   "start_date": "2026-12-07", "due_date": "2026-12-31", "estimate_days": 10}),
        )
        .await;
        let website_key = website["key"].as_str().unwrap().to_string();
        let mut subtasks = Vec::new();
        for (title, owner, parent, estimate) in [
            ("Copy", "ana@x.org", website_key.clone(), 2.0),
            ("Pages", "ada@x.org", website_key.clone(), 3.0),
        ] {
            let t = made(
                &ana,
                "/tasks",
                json!({"project": "LAUNCH", "title": title, "owner": owner, "parent": parent,
                       "estimate_days": estimate, "tags": ["web"], "priority": "high",
                       "start_date": "2026-12-08", "due_date": "2026-12-18"}),
            )
            .await;
            subtasks.push(t["key"].as_str().unwrap().to_string());
        }
        let deep = made(
            &ana,
            "/tasks",
            json!({"project": "LAUNCH", "title": "Proofread", "owner": "mel@x.org",
                   "parent": subtasks[0], "three_point": {"optimistic": 1, "likely": 2, "pessimistic": 4}}),
        )
        .await;
        subtasks.push(deep["key"].as_str().unwrap().to_string());
        made(
            &ana,
            "/dependencies",
            json!({"predecessor": subtasks[0], "successor": subtasks[1], "type": "fs", "lag_days": 1}),
        )
        .await;
        made(
            &ana,
            "/dependencies",
            json!({"predecessor": "LAUNCH-1", "successor": subtasks[1]}),
        )
        .await;
        made(
            &ana,
            "/comments",
            json!({"task": website_key, "body": "Which CMS?"}),
        )
        .await;
        made(
            &ana,
            "/comments",
            json!({"task": subtasks[0], "body": "Tone: plain"}),
        )
        .await;
        // A file on Website, and a risk of LAUNCH naming a subtask.
        let response = ana
            .http
            .post(format!(
                "{}{WS}/attachments?task={website_key}&name=sitemap.txt",
                ana.base
            ))
            .bearer_auth(ana.token.as_deref().unwrap())
            .header("content-type", "text/plain")
            .body("home, about")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let risk = made(
            &ana,
            "/projects/LAUNCH/risks",
            json!({"title": "Copy late", "probability": 2, "impact": 2, "tasks": [subtasks[1]]}),
        )
        .await;

        // A subtask done, so the roll-ups have something to move.
        let (status, _) = ana
            .patch(
                &format!("{WS}/tasks/{}", subtasks[2]),
                json!({"status": "done"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // A scenario of LAUNCH changes a subtask that is about to leave.
        made(&ana, "/projects/LAUNCH/scenarios", json!({"name": "Later"})).await;
        let (status, body) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH/scenarios/Later/tasks/{}", subtasks[1]),
                json!({"estimate_days": 9}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut before = Vec::new();
        for key in &subtasks {
            before.push((key.clone(), task(&ana, key).await, history(&ana, key).await));
        }
        let (_, launch) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        let progress_before = launch["progress"].clone();
        let website_before = task(&ana, &website_key).await;
        let website_history = history(&ana, &website_key).await;
        let (_, launch_links) = ana.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;

        // Refused: no key, a key in use, a stale version; nothing changes.
        let promote = format!("{WS}/tasks/{website_key}/promote");
        let (status, problem) = ana.post(&promote, json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem.to_string().contains("key"), "{problem}");
        let (status, problem) = ana.post(&promote, json!({"key": "launch"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem.to_string().contains("taken"), "{problem}");
        let (status, _) = ana
            .call_with(
                Method::POST,
                &promote,
                Some(json!({"key": "WEB"})),
                &[("if-match", "\"999\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(
            ana.get(&format!("{WS}/projects/WEB")).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            essence(&task(&ana, &subtasks[0]).await),
            essence(&before[0].1)
        );
        // A guest may not.
        assert_eq!(
            gus.post(&promote, json!({"key": "WEB"})).await.0,
            StatusCode::FORBIDDEN
        );

        let version = website_before["version"].to_string();
        let (status, done) = ana
            .call_with(
                Method::POST,
                &promote,
                Some(json!({"key": "web"})),
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{done}");
        assert_eq!(done["moved"], 3, "{done}");
        assert_eq!(done["stakeholders"], 1, "Ada, the collaborator: {done}");
        let project = &done["project"];
        assert_eq!(project["key"], "WEB");
        assert_eq!(project["name"], "Website");
        assert_eq!(project["objective"], "The new site");
        assert_eq!(project["owner"]["email"], "mel@x.org");
        assert_eq!(project["start_date"], "2026-12-07");
        assert_eq!(project["target_date"], "2026-12-31");
        assert_eq!(project["promoted_from"], json!(website_key));
        assert_eq!(done["task"]["key"], json!(website_key));
        assert_eq!(done["task"]["promoted_to"], "WEB");
        // Once is enough.
        let (status, problem) = ana.post(&promote, json!({"key": "WEB2"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");

        // The subtasks are WEB's tasks, everything but their keys kept;
        // the top ones at the top, the deep one under its parent.
        let (_, web_tasks) = ana.get(&format!("{WS}/tasks?project=WEB")).await;
        let web_tasks = web_tasks["tasks"].as_array().unwrap().clone();
        assert_eq!(web_tasks.len(), 3, "{web_tasks:?}");
        for (old, was, _) in &before {
            // An old key still finds the task, under its new key.
            let now = task(&ana, old).await;
            assert!(now["key"].as_str().unwrap().starts_with("WEB-"), "{now}");
            assert_eq!(essence(&now), {
                let mut was = essence(was);
                was["phase_id"] = Value::Null;
                was
            });
        }
        let copy = task(&ana, &subtasks[0]).await;
        let proofread = task(&ana, &subtasks[2]).await;
        assert_eq!(task(&ana, &subtasks[1]).await["parent"], Value::Null);
        assert_eq!(proofread["parent"]["key"], copy["key"]);
        let (_, web_links) = ana.get(&format!("{WS}/projects/WEB/dependencies")).await;
        assert_eq!(web_links.as_array().unwrap().len(), 2, "{web_links}");
        // The roll-ups follow the work: WEB's progress is its three
        // tasks', one of two leaves done by their weights.
        let (_, web) = ana.get(&format!("{WS}/projects/WEB")).await;
        assert_eq!(web["progress"]["leaf_tasks"], 2, "{web}");
        assert_eq!(web["progress"]["done_tasks"], 1, "{web}");
        let (_, launch) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(
            launch["progress"]["leaf_tasks"], 4,
            "Website is a leaf now: {launch}"
        );
        // The talk and the history went with the work.
        let (_, thread) = ana.get(&format!("{WS}/comments?project=WEB")).await;
        assert!(thread.to_string().contains("Which CMS?"), "{thread}");
        let (_, thread) = ana.get(&format!("{WS}/comments?task={website_key}")).await;
        assert_eq!(thread.as_array().unwrap().len(), 0, "{thread}");
        let (_, project_history) = ana.get(&format!("{WS}/projects/WEB/activity")).await;
        assert!(project_history.to_string().contains("\"promoted\""));
        // An old key finds its task to write to as well.
        made(
            &ana,
            "/comments",
            json!({"task": subtasks[1], "body": "Reached by its old key"}),
        )
        .await;
        let (_, thread) = ana
            .get(&format!(
                "{WS}/comments?task={}",
                task(&ana, &subtasks[1]).await["key"].as_str().unwrap()
            ))
            .await;
        assert!(
            thread.to_string().contains("Reached by its old key"),
            "{thread}"
        );
        // LAUNCH's scenario no longer holds the task that left.
        let (_, later) = ana.get(&format!("{WS}/projects/LAUNCH/scenarios")).await;
        assert_eq!(later[0]["tasks"], json!([]), "{later}");
        let (status, files) = ana.get(&format!("{WS}/attachments?project=WEB")).await;
        assert_eq!(status, StatusCode::OK, "{files}");
        assert_eq!(files[0]["name"], "sitemap.txt", "{files}");
        // A risk names tasks of its own project: the moved one is unlinked,
        // in the risk's history.
        let (_, risk_now) = ana.get(&format!("{WS}/risks/{}", risk["id"])).await;
        assert_eq!(risk_now["tasks"], json!([]), "{risk_now}");
        let (_, stakeholders) = ana.get(&format!("{WS}/projects/WEB/stakeholders")).await;
        assert!(
            stakeholders.to_string().contains("ada@x.org"),
            "{stakeholders}"
        );
        // The guest sees the task, not where its work went.
        let seen = task(&gus, &website_key).await;
        assert!(seen.get("promoted_to").is_none(), "{seen}");
        assert_eq!(
            gus.get(&format!("{WS}/projects/WEB")).await.0,
            StatusCode::NOT_FOUND
        );

        // Demoted back into LAUNCH: the work goes back under Website,
        // with the keys it had.
        let (_, web) = ana.get(&format!("{WS}/projects/WEB")).await;
        let (status, back) = ana
            .call_with(
                Method::POST,
                &format!("{WS}/projects/WEB/demote"),
                Some(json!({"to_project": "LAUNCH"})),
                &[("if-match", &format!("\"{}\"", web["version"]))],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{back}");
        assert_eq!(back["restored"], true);
        assert_eq!(back["moved"], 3);
        assert_eq!(back["task"]["key"], json!(website_key));
        assert_eq!(
            ana.get(&format!("{WS}/projects/WEB")).await.0,
            StatusCode::NOT_FOUND
        );
        let website_after = task(&ana, &website_key).await;
        assert!(
            website_after.get("promoted_to").is_none(),
            "{website_after}"
        );
        assert_eq!(essence(&website_after), essence(&website_before));
        for (key, was, was_history) in &before {
            let now = task(&ana, key).await;
            assert_eq!(now["key"], json!(key), "the key it had");
            assert_eq!(now["project"]["key"], "LAUNCH");
            assert_eq!(essence(&now), {
                let mut was = essence(was);
                was["phase_id"] = Value::Null;
                was
            });
            assert_eq!(now["parent"]["key"], was["parent"]["key"], "{key}");
            // Every entry it had, then the two moves.
            let now_history = history(&ana, key).await;
            assert_eq!(&now_history[..was_history.len()], &was_history[..], "{key}");
            assert_eq!(
                now_history[was_history.len()..]
                    .iter()
                    .map(|(a, _)| a.as_str())
                    .collect::<Vec<_>>(),
                ["moved", "moved"]
            );
        }
        let (_, launch) = ana.get(&format!("{WS}/projects/LAUNCH")).await;
        assert_eq!(launch["progress"], progress_before);
        let (_, launch_after) = ana.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;
        assert_eq!(links(&launch_after), links(&launch_links));
        let (_, thread) = ana.get(&format!("{WS}/comments?task={website_key}")).await;
        assert!(thread.to_string().contains("Which CMS?"), "{thread}");
        let (status, files) = ana
            .get(&format!("{WS}/attachments?task={website_key}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{files}");
        assert_eq!(files[0]["name"], "sitemap.txt", "{files}");
        // Website's own history: all it had, and the promotion, the
        // project's, and the demotion.
        let now_history = history(&ana, &website_key).await;
        for entry in &website_history {
            assert!(now_history.contains(entry), "{entry:?} in {now_history:?}");
        }
        let actions: Vec<&str> = now_history.iter().map(|(a, _)| a.as_str()).collect();
        assert!(
            actions.ends_with(&["demoted"]) && actions.contains(&"promoted"),
            "{actions:?}"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn a_small_project_becomes_one_task_of_another_and_refusals_change_nothing() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        made(
            &ana,
            "/projects",
            json!({"key": "TINY", "name": "Tiny", "owner": "mel@x.org",
                   "objective": "Fix the footer", "scope_out": "The header",
                   "start_date": "2026-12-07", "target_date": "2026-12-09"}),
        )
        .await;
        for title in ["Find the bug", "Fix it"] {
            made(
                &ana,
                "/tasks",
                json!({"project": "TINY", "title": title, "owner": "mel@x.org", "estimate_days": 1}),
            )
            .await;
        }
        made(
            &ana,
            "/dependencies",
            json!({"predecessor": "TINY-1", "successor": "TINY-2"}),
        )
        .await;
        made(
            &ana,
            "/projects/TINY/stakeholders",
            json!({"member": "ada@x.org", "role": "approver"}),
        )
        .await;
        made(
            &ana,
            "/comments",
            json!({"project": "TINY", "body": "Small one"}),
        )
        .await;
        let goal = made(
            &ana,
            "/goals",
            json!({"title": "Fewer bugs", "projects": ["TINY"]}),
        )
        .await;
        let milestone = made(
            &ana,
            "/projects/TINY/milestones",
            json!({"name": "Fixed", "date": "2026-12-09"}),
        )
        .await;
        let demote = format!("{WS}/projects/TINY/demote");

        // Refused while it holds a milestone, naming it; nothing changes.
        let (status, problem) = ana.post(&demote, json!({"to_project": "LAUNCH"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(problem.to_string().contains("1 milestone"), "{problem}");
        assert_eq!(task(&ana, "TINY-1").await["project"]["key"], "TINY");
        let (_, launch) = ana.get(&format!("{WS}/tasks?project=LAUNCH")).await;
        assert_eq!(launch["tasks"].as_array().unwrap().len(), 3);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/milestones/{}", milestone["id"]),
                None,
            )
            .await;
        assert!(status.is_success(), "{status}");

        // Where to is required, and must be another project one may open.
        for (body, field) in [
            (json!({}), "to_project"),
            (json!({"to_project": "NOPE"}), "to_project"),
            (json!({"to_project": "TINY"}), "to_project"),
            (
                json!({"to_project": "LAUNCH", "personal": true}),
                "to_project",
            ),
            (json!({"to_project": "LAUNCH", "extra": 1}), "extra"),
        ] {
            let (status, problem) = ana.post(&demote, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(problem.to_string().contains(field), "{body}: {problem}");
        }
        // A personal task serves no goal.
        let (status, problem) = ana.post(&demote, json!({"personal": true})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(
            problem.to_string().contains("1 goal it serves"),
            "{problem}"
        );
        // A stale version.
        let (status, _) = ana
            .call_with(
                Method::POST,
                &demote,
                Some(json!({"to_project": "LAUNCH"})),
                &[("if-match", "\"999\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);

        // Mel owns TINY: hers to demote, though she is a member.
        let (status, done) = mel.post(&demote, json!({"to_project": "launch"})).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["restored"], false);
        assert_eq!(done["moved"], 2);
        let made_task = &done["task"];
        assert_eq!(made_task["key"], "LAUNCH-4");
        assert_eq!(made_task["title"], "Tiny");
        assert_eq!(made_task["owner"]["email"], "mel@x.org");
        assert_eq!(made_task["start_date"], "2026-12-07");
        assert_eq!(made_task["due_date"], "2026-12-09");
        assert_eq!(
            made_task["description"],
            "Fix the footer\n\nOut of scope: The header"
        );
        assert!(
            made_task["collaborators"].to_string().contains("ada@x.org"),
            "the stakeholder: {made_task}"
        );
        assert_eq!(
            ana.get(&format!("{WS}/projects/TINY")).await.0,
            StatusCode::NOT_FOUND
        );
        // Its tasks, under it; the link between them kept; old keys find them.
        let fix = task(&ana, "TINY-2").await;
        assert_eq!(fix["key"], "LAUNCH-6");
        assert_eq!(fix["parent"]["key"], "LAUNCH-4");
        let (_, fix_links) = ana.get(&format!("{WS}/tasks/LAUNCH-6/dependencies")).await;
        assert_eq!(
            fix_links[0]["predecessor"]["key"], "LAUNCH-5",
            "{fix_links}"
        );
        let (_, thread) = ana.get(&format!("{WS}/comments?task=LAUNCH-4")).await;
        assert!(thread.to_string().contains("Small one"), "{thread}");
        let (_, goal) = ana.get(&format!("{WS}/goals/{}", goal["id"])).await;
        assert!(goal["tasks"].to_string().contains("LAUNCH-4"), "{goal}");
        // TINY's history is the task's now, with its last word in LAUNCH's.
        let actions: Vec<String> = history(&ana, "LAUNCH-4")
            .await
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        assert!(
            actions.iter().filter(|a| *a == "created").count() >= 2,
            "{actions:?}"
        );
        assert_eq!(actions.last().unwrap(), "demoted");
        let (_, launch_history) = ana.get(&format!("{WS}/projects/LAUNCH/activity")).await;
        assert!(
            launch_history.to_string().contains("demoted_to"),
            "{launch_history}"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn a_project_of_ones_own_work_becomes_a_personal_task_and_a_member_may_not_demote_others() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        made(
            &ana,
            "/projects",
            json!({"key": "SOLO", "name": "Solo", "owner": "ana@x.org"}),
        )
        .await;
        made(
            &ana,
            "/tasks",
            json!({"project": "SOLO", "title": "Tidy the inbox", "owner": "ana@x.org"}),
        )
        .await;
        // SOLO is Ana's: Mel, a member, may not make it a task.
        let (status, _) = mel
            .post(
                &format!("{WS}/projects/SOLO/demote"),
                json!({"personal": true}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Mel's own task in it could not be Ana's personal work.
        let mels = made(
            &mel,
            "/tasks",
            json!({"project": "SOLO", "title": "Mel's part", "owner": "mel@x.org"}),
        )
        .await;
        let (status, problem) = ana
            .post(
                &format!("{WS}/projects/SOLO/demote"),
                json!({"personal": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(
            problem.to_string().contains("1 task of someone else"),
            "{problem}"
        );
        let mels = mels["key"].as_str().unwrap().to_string();
        let (status, _) = mel
            .call(Method::DELETE, &format!("{WS}/tasks/{mels}"), None)
            .await;
        assert!(status.is_success(), "{status}");
        // A personal task serves no goal.
        let goal = made(
            &ana,
            "/goals",
            json!({"title": "Calm", "projects": ["SOLO"]}),
        )
        .await;
        let (status, problem) = ana
            .post(
                &format!("{WS}/projects/SOLO/demote"),
                json!({"personal": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert!(
            problem.to_string().contains("1 goal it serves"),
            "{problem}"
        );
        let (status, _) = ana
            .call(Method::DELETE, &format!("{WS}/goals/{}", goal["id"]), None)
            .await;
        assert!(status.is_success(), "{status}");
        let (status, done) = ana
            .post(
                &format!("{WS}/projects/SOLO/demote"),
                json!({"personal": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{done}");
        let key = done["task"]["key"].as_str().unwrap().to_string();
        assert!(done["task"]["project"].is_null(), "{done}");
        assert_eq!(done["task"]["owner"]["email"], "ana@x.org");
        let (_, subtasks) = ana.get(&format!("{WS}/tasks?parent={key}")).await;
        assert_eq!(
            subtasks["tasks"][0]["title"], "Tidy the inbox",
            "{subtasks}"
        );
        // A personal task is Ana's alone.
        assert_eq!(
            mel.get(&format!("{WS}/tasks/{key}")).await.0,
            StatusCode::NOT_FOUND
        );
        // And promoted again, it is a project once more.
        let (status, again) = ana
            .post(&format!("{WS}/tasks/{key}/promote"), json!({"key": "SOLO"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{again}");
        assert_eq!(again["moved"], 1);
        assert_eq!(task(&ana, "SOLO-1").await["title"], "Tidy the inbox");
        // Made personal again, its work goes back under the same task.
        let (status, back) = ana
            .post(
                &format!("{WS}/projects/SOLO/demote"),
                json!({"personal": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{back}");
        assert_eq!(back["restored"], true, "{back}");
        assert_eq!(back["task"]["key"], json!(key));
        server.stop().await;
    }
}
