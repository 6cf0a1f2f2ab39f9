//! Automation rules over the API, on a real server whose automation job
//! hears the outbox: triggers on a change and on the clock, each action,
//! the history under the rule's name, a chain of rules stopped, a rule
//! never reacting to its own change, a dry run, and refusals.

use std::time::Duration;

use super::*;

/// Waits, on the store's own event feed (a second store on the same
/// database), for a change made by rule `id`.
async fn rule_change(
    feed: &mut tokio::sync::broadcast::Receiver<tandem_store::events::Event>,
    id: i64,
) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match feed.recv().await {
                Ok(event) if event.rule_id == Some(id) => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the feed ended: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("rule {id} changed nothing within 30 s"));
}

/// Waits on the feed for a run of rule `id` to end (its `ran` event).
async fn rule_ran(
    feed: &mut tokio::sync::broadcast::Receiver<tandem_store::events::Event>,
    id: i64,
) {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match feed.recv().await {
                Ok(e) if e.kind == "rule" && e.action == "ran" && e.key == id.to_string() => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the feed ended: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no run of rule {id} ended within 30 s"));
}

async fn rule(ana: &Api, body: Value) -> Value {
    let (status, rule) = ana.post(&format!("{WS}/rules"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{rule}");
    rule
}

async fn task(ana: &Api, key: &str) -> Value {
    ana.get(&format!("{WS}/tasks/{key}")).await.1
}

#[tokio::test]
async fn rules_act_on_changes_as_their_rule_and_never_loop() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let watcher = tandem_store::open(&url).await.unwrap();
        let mut feed = watcher.event_feed();
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;

        // Urgent work goes to Ada, tagged and started: three fields, one write.
        let urgent = rule(
            &ana,
            json!({"name": "Urgent to Ada", "project": "LAUNCH", "when": "priority=urgent",
                   "if": ["status!=done"], "then": ["owner=ada@x.org", "tag=hot", "status=in_progress"]}),
        )
        .await;
        assert_eq!(
            urgent["description"],
            "When a task's priority becomes urgent, if status is not done: set owner to ada@x.org, then add the tag hot, then set status to in_progress."
        );
        let id = urgent["id"].as_i64().unwrap();
        mel.patch(
            &format!("{WS}/tasks/LAUNCH-1"),
            json!({"priority": "urgent"}),
        )
        .await;
        rule_change(&mut feed, id).await;
        rule_ran(&mut feed, id).await;
        let one = task(&ana, "LAUNCH-1").await;
        assert_eq!(one["owner"]["email"], "ada@x.org", "{one}");
        assert_eq!(one["status"], "in_progress");
        assert!(one["tags"].as_array().unwrap().contains(&json!("hot")));
        // Its history names the rule; its run is logged.
        let (_, history) = ana.get(&format!("{WS}/tasks/LAUNCH-1/activity")).await;
        let by_rule: Vec<&Value> = history
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["rule"] == "Urgent to Ada")
            .collect();
        assert_eq!(by_rule.len(), 1, "one write for three fields: {history}");
        let (_, runs) = ana.get(&format!("{WS}/rules/{id}/runs")).await;
        assert_eq!(runs[0]["outcome"], "done", "{runs}");
        assert_eq!(runs[0]["object"], "LAUNCH-1");
        assert!(
            runs[0]["detail"].as_str().unwrap().contains("owner"),
            "{runs}"
        );
        // What a run did may name what a guest may not open: not to a guest.
        ana.post(
            &format!("{WS}/projects/LAUNCH/stakeholders"),
            json!({"member": "gus@x.org", "role": "informed"}),
        )
        .await;
        let (_, seen) = gus.get(&format!("{WS}/rules/{id}/runs")).await;
        assert_eq!(seen[0]["outcome"], "done", "{seen}");
        assert!(seen[0]["detail"].is_null(), "{seen}");
        // A condition that fails: nothing happens to a done task.
        let (_, done) = mel
            .patch(&format!("{WS}/tasks/LAUNCH-2"), json!({"status": "done"}))
            .await;
        assert_eq!(done["status"], "done");

        // A task created sets off a rule that makes a follow-up: created
        // by a rule, it sets off no rule of the same kind forever — two
        // rules that would feed each other stop at the depth limit.
        let ping = rule(
            &ana,
            json!({"name": "Ping", "project": "LAUNCH", "when": "created", "if": ["title~ping"],
                   "then": ["create task: pong"]}),
        )
        .await;
        let pong = rule(
            &ana,
            json!({"name": "Pong", "project": "LAUNCH", "when": "created", "if": ["title~pong"],
                   "then": ["create task: ping"]}),
        )
        .await;
        let (status, _) = mel
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "ping"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        rule_change(&mut feed, ping["id"].as_i64().unwrap()).await;
        rule_change(&mut feed, pong["id"].as_i64().unwrap()).await;
        rule_change(&mut feed, ping["id"].as_i64().unwrap()).await;
        // The third rule-made task is at depth 3: the next run is refused.
        let refused = loop {
            let (_, runs) = ana.get(&format!("{WS}/rules/{}/runs", pong["id"])).await;
            if let Some(r) = runs
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["outcome"] == "refused")
            {
                break r.clone();
            }
            // Each refusal is recorded before its event is complete; the
            // next change of the feed is the rule-made task's own.
            tokio::time::timeout(Duration::from_secs(30), feed.recv())
                .await
                .expect("a refusal within 30 s")
                .unwrap();
        };
        assert!(
            refused["detail"].as_str().unwrap().contains("chain"),
            "{refused}"
        );
        let (_, tasks) = ana
            .get(&format!("{WS}/tasks?project=LAUNCH&limit=500"))
            .await;
        let pings = tasks["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| matches!(t["title"].as_str(), Some("ping" | "pong")))
            .count();
        assert_eq!(pings, 4, "one by Mel, three by rules, then the chain stops");

        // A rule never reacts to its own change: set status=in_progress
        // when status changes would otherwise run on its own write.
        let own = rule(
            &ana,
            json!({"name": "Restart", "project": "LAUNCH", "when": "status changed", "if": ["status=blocked"],
                   "then": ["status=todo", "tag=restarted"]}),
        )
        .await;
        mel.patch(
            &format!("{WS}/tasks/LAUNCH-3"),
            json!({"status": "blocked", "blocked_reason": "Waiting"}),
        )
        .await;
        rule_change(&mut feed, own["id"].as_i64().unwrap()).await;
        assert_eq!(task(&ana, "LAUNCH-3").await["status"], "todo");

        // Dry run: which tasks the urgent rule would touch now, nothing written.
        let before = fingerprint(&ana).await;
        let (status, dry) = ana
            .post(&format!("{WS}/rules/{id}/dry-run"), json!(null))
            .await;
        assert_eq!(status, StatusCode::OK, "{dry}");
        let keys: Vec<&str> = dry["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["LAUNCH-1"], "{dry}");
        assert_eq!(dry["actions"][0], "set owner to ada@x.org");
        let (status, draft) = ana
            .post(
                &format!("{WS}/rules/dry-run"),
                json!({"name": "Draft", "project": "LAUNCH", "when": "status=todo", "then": ["priority=high"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{draft}");
        assert!(
            draft["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["key"] == "LAUNCH-3"),
            "{draft}"
        );
        assert_eq!(fingerprint(&ana).await, before, "a dry run writes nothing");

        // Refusals name the field and make nothing.
        for (body, field) in [
            (
                json!({"name": "x", "project": "LAUNCH", "when": "whenever", "then": ["status=done"]}),
                "when",
            ),
            (
                json!({"name": "x", "project": "LAUNCH", "when": "created", "then": []}),
                "actions",
            ),
            (
                json!({"name": "x", "project": "LAUNCH", "when": "created", "then": ["colour=red"]}),
                "then",
            ),
            (
                json!({"name": "x", "project": "LAUNCH", "when": "milestone reached", "then": ["owner=ada@x.org"]}),
                "actions",
            ),
            (
                json!({"name": "x", "project": "NOPE", "when": "created", "then": ["tag=a"]}),
                "project",
            ),
            (
                json!({"name": "", "project": "LAUNCH", "when": "created", "then": ["tag=a"]}),
                "name",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{WS}/rules"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        // Members make project rules, not the workspace's; guests none.
        let (status, _) = mel
            .post(
                &format!("{WS}/rules"),
                json!({"name": "All", "when": "created", "then": ["tag=new"]}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = gus
            .post(
                &format!("{WS}/rules"),
                json!({"name": "G", "project": "LAUNCH", "when": "created", "then": ["tag=g"]}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Turned off by Mel, it acts as Mel from now on: a rule acts as
        // whoever last wrote it, never as another under their name.
        let (status, off) = mel
            .patch(&format!("{WS}/rules/{id}"), json!({"enabled": false}))
            .await;
        assert_eq!(status, StatusCode::OK, "{off}");
        assert_eq!(off["enabled"], false);
        assert_eq!(off["created_by"]["email"], "mel@x.org", "{off}");
        server.stop().await;
    }
}

#[tokio::test]
async fn the_clock_and_a_milestone_set_rules_off_once() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let watcher = tandem_store::open(&url).await.unwrap();
        let mut feed = watcher.event_feed();
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        let today = chrono::Local::now().date_naive();
        let yesterday = today.pred_opt().unwrap();
        mel.patch(
            &format!("{WS}/tasks/LAUNCH-2"),
            json!({"due_date": yesterday}),
        )
        .await;
        let (_, stakeholder) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/stakeholders"),
                json!({"member": "ada@x.org", "role": "approver"}),
            )
            .await;
        assert!(stakeholder["id"].is_number());

        // Overdue work is raised and its approval asked, once.
        let overdue = rule(
            &ana,
            json!({"name": "Chase", "project": "LAUNCH", "when": "overdue",
                   "then": ["priority=urgent", "request approval"]}),
        )
        .await;
        // A milestone reached makes the follow-up task.
        let (_, beta) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/milestones"),
                json!({"name": "Beta"}),
            )
            .await;
        let reached = rule(
            &ana,
            json!({"name": "Retro", "project": "LAUNCH", "when": format!("milestone {} reached", beta["id"]),
                   "then": ["create task: Hold the beta retro"]}),
        )
        .await;
        // The clock's rules run at once when a server starts: a restart.
        let url = server.stop().await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        // Its two writes: the priority, then the approval asked.
        rule_change(&mut feed, overdue["id"].as_i64().unwrap()).await;
        rule_ran(&mut feed, overdue["id"].as_i64().unwrap()).await;
        let two = task(&ana, "LAUNCH-2").await;
        assert_eq!(two["priority"], "urgent", "{two}");
        let (_, approvals) = ana.get(&format!("{WS}/approvals?task=LAUNCH-2")).await;
        assert_eq!(approvals.as_array().unwrap().len(), 1, "{approvals}");
        assert_eq!(
            approvals[0]["approvers"][0]["approver"]["email"],
            "ada@x.org"
        );

        let (status, body) = ana
            .patch(
                &format!("{WS}/milestones/{}", beta["id"]),
                json!({"reached": today}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        rule_change(&mut feed, reached["id"].as_i64().unwrap()).await;
        let (_, tasks) = ana.get(&format!("{WS}/tasks?project=LAUNCH&q=retro")).await;
        assert_eq!(tasks["tasks"][0]["title"], "Hold the beta retro", "{tasks}");

        // A second node's clock runs nothing twice: each run's fire key
        // is taken.
        let again = tandem_server::automation::tick(watcher.as_ref(), today)
            .await
            .unwrap();
        assert_eq!(again, 0, "the clock's rules ran once");
        let (_, runs) = ana.get(&format!("{WS}/rules/{}/runs", overdue["id"])).await;
        assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
        assert_eq!(runs[0]["outcome"], "done", "{runs}");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_rule_comments_under_its_name() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let watcher = tandem_store::open(&url).await.unwrap();
        let mut feed = watcher.event_feed();
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        let done = rule(
            &ana,
            json!({"name": "Log hours", "project": "LAUNCH", "when": "status=done",
                   "then": ["comment: Thanks! Please **log the hours** you spent."]}),
        )
        .await;
        assert_eq!(
            done["description"],
            "When a task's status becomes done: comment \"Thanks! Please **log the hours** you spent.\"."
        );
        let id = done["id"].as_i64().unwrap();
        mel.patch(&format!("{WS}/tasks/LAUNCH-2"), json!({"status": "done"}))
            .await;
        rule_ran(&mut feed, id).await;
        let (_, comments) = mel.get(&format!("{WS}/comments?task=LAUNCH-2")).await;
        assert_eq!(
            comments[0]["body"], "Thanks! Please **log the hours** you spent.",
            "{comments}"
        );
        // Written as its last writer; its history row names the rule.
        assert_eq!(comments[0]["author"]["email"], "ana@x.org");
        let (_, history) = ana.get(&format!("{WS}/projects/LAUNCH/activity")).await;
        let by_rule = history
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["entity_kind"] == "comment")
            .expect("the comment in the project's history");
        assert_eq!(by_rule["rule"], "Log hours", "{by_rule}");
        // A workspace rule about a project's dates has no task or project
        // to comment on: refused when it is written.
        let (status, problem) = ana
            .post(
                &format!("{WS}/rules"),
                json!({"name": "Weekly nudge", "when": "every monday",
                       "then": ["comment: Update your tasks"]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("comment"),
            "{problem}"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn a_rule_tells_people_in_their_inbox() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let watcher = tandem_store::open(&url).await.unwrap();
        let mut feed = watcher.event_feed();
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let ada = Api::login(&server.base, "ada").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;
        // Urgent work: its owner and Ada hear of it; Gus is named too,
        // and hears of LAUNCH's (shared with him), never of HIDDEN's.
        let urgent = rule(
            &ana,
            json!({"name": "Urgent alert", "when": "priority=urgent",
                   "then": ["notify owner, ada@x.org, gus@x.org: Urgent now, please look today"]}),
        )
        .await;
        assert_eq!(
            urgent["description"],
            "When a task's priority becomes urgent: notify owner, ada@x.org, gus@x.org: \"Urgent now, please look today\"."
        );
        let id = urgent["id"].as_i64().unwrap();
        ana.patch(
            &format!("{WS}/tasks/HIDDEN-1"),
            json!({"priority": "urgent"}),
        )
        .await;
        rule_ran(&mut feed, id).await;
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-1"),
            json!({"priority": "urgent"}),
        )
        .await;
        rule_ran(&mut feed, id).await;
        for who in [&mel, &ada, &gus] {
            let (_, inbox) = who.get(&format!("{WS}/inbox")).await;
            let told: Vec<&Value> = inbox
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "rule")
                .collect();
            let keys: Vec<&Value> = told.iter().map(|n| &n["object"]["key"]).collect();
            if std::ptr::eq(who, &gus) {
                assert_eq!(keys, [&json!("LAUNCH-1")], "{inbox}");
            } else {
                assert!(keys.contains(&&json!("LAUNCH-1")), "{inbox}");
            }
            assert_eq!(told[0]["note"], "Urgent now, please look today");
            assert_eq!(told[0]["actor"]["email"], "ana@x.org");
        }
        // A rule that tells nobody in words is refused.
        let (status, problem) = ana
            .post(
                &format!("{WS}/rules"),
                json!({"name": "Mute", "when": "created", "then": ["notify owner:   "]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        server.stop().await;
    }
}
