//! Comments over the API: on each kind of subject, threads one reply
//! deep, edits that keep what they replaced, deletion that keeps a
//! thread's shape, reactions, who may do what, and what a guest may
//! read.

use super::*;

async fn comment(api: &Api, body: Value) -> Value {
    let (status, comment) = api.post(&format!("{WS}/comments"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{comment}");
    comment
}

async fn thread(api: &Api, query: &str) -> (StatusCode, Value) {
    api.get(&format!("{WS}/comments?{query}")).await
}

fn bodies(list: &Value) -> Vec<(Value, Value)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| (c["body"].clone(), c["parent"].clone()))
        .collect()
}

#[tokio::test]
async fn comments_thread_edit_react_and_stay_with_what_they_are_on() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let ada = Api::login(&server.base, "ada").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;

        // A thread on a task: a reply to a reply answers the thread.
        let first = comment(
            &ana,
            json!({"task": "LAUNCH-1", "body": "Is the **brief** final?"}),
        )
        .await;
        assert_eq!(first["author"]["email"], "ana@x.org");
        assert_eq!(first["on"], json!({"kind": "task", "key": "LAUNCH-1"}));
        let id = first["id"].as_i64().unwrap();
        let reply = comment(
            &mel,
            json!({"task": "LAUNCH-1", "parent": id, "body": "Yes, signed off"}),
        )
        .await;
        let deeper = comment(
            &ana,
            json!({"task": "launch-1", "parent": reply["id"], "body": "Thanks"}),
        )
        .await;
        assert_eq!(deeper["parent"], id, "{deeper}");
        comment(&mel, json!({"task": "LAUNCH-1", "body": "Second thread"})).await;
        let (status, list) = thread(&ana, "task=LAUNCH-1").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            bodies(&list),
            [
                (json!("Is the **brief** final?"), Value::Null),
                (json!("Yes, signed off"), json!(id)),
                (json!("Thanks"), json!(id)),
                (json!("Second thread"), Value::Null),
            ]
        );

        // A reply names a comment on the same subject.
        let (status, problem) = ana
            .post(
                &format!("{WS}/comments"),
                json!({"task": "LAUNCH-2", "parent": id, "body": "Elsewhere"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "parent");
        // Something to say, on one thing.
        let (status, problem) = ana
            .post(
                &format!("{WS}/comments"),
                json!({"task": "LAUNCH-1", "body": "   "}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "body");
        let (status, problem) = ana
            .post(
                &format!("{WS}/comments"),
                json!({"task": "LAUNCH-1", "project": "LAUNCH", "body": "Both"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (_, list) = thread(&ana, "task=LAUNCH-1").await;
        assert_eq!(list.as_array().unwrap().len(), 4, "nothing was added");

        // The author edits; the old text is kept. Nobody else edits.
        let version = first["version"].as_i64().unwrap();
        let (status, refused) = mel
            .call_with(
                Method::PATCH,
                &format!("{WS}/comments/{id}"),
                Some(json!({"body": "Hijacked"})),
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        let (status, edited) = ana
            .call_with(
                Method::PATCH,
                &format!("{WS}/comments/{id}"),
                Some(json!({"body": "Is the brief final now?"})),
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert!(edited["edited_at"].is_string());
        // A second edit from the same stale page is refused, not lost.
        let (status, _) = ana
            .call_with(
                Method::PATCH,
                &format!("{WS}/comments/{id}"),
                Some(json!({"body": "Overwritten"})),
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let (_, edits) = ana.get(&format!("{WS}/comments/{id}/edits")).await;
        assert_eq!(edits[0]["body"], "Is the **brief** final?", "{edits}");
        assert_eq!(edits.as_array().unwrap().len(), 1);

        // Reactions: counted, each person's once, taken back.
        for who in [&mel, &ada, &mel] {
            let (status, c) = who
                .post(
                    &format!("{WS}/comments/{id}/reactions"),
                    json!({"reaction": "thumbs_up"}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{c}");
        }
        let (_, seen) = mel.get(&format!("{WS}/comments/{id}")).await;
        assert_eq!(seen["reactions"][0]["count"], 2, "{seen}");
        assert_eq!(seen["reactions"][0]["mine"], true);
        let (_, seen) = ana.get(&format!("{WS}/comments/{id}")).await;
        assert_eq!(seen["reactions"][0]["mine"], false);
        let (status, problem) = mel
            .post(
                &format!("{WS}/comments/{id}/reactions"),
                json!({"reaction": "party"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "reaction");
        let (status, c) = ada
            .call(
                Method::DELETE,
                &format!("{WS}/comments/{id}/reactions/thumbs_up"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(c["reactions"][0]["count"], 1, "{c}");

        // Deleting: the author or an admin; the thread keeps its shape.
        let (_, now) = ana.get(&format!("{WS}/comments/{id}")).await;
        let version = now["version"].to_string();
        let (status, _) = mel
            .call_with(
                Method::DELETE,
                &format!("{WS}/comments/{id}"),
                None,
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = ada
            .call_with(
                Method::DELETE,
                &format!("{WS}/comments/{id}"),
                None,
                &[("if-match", &format!("\"{version}\""))],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, list) = thread(&ana, "task=LAUNCH-1").await;
        assert_eq!(list[0]["deleted"], true, "{list}");
        assert!(list[0]["body"].is_null());
        assert!(list[0]["reactions"].as_array().unwrap().is_empty());
        assert_eq!(list[1]["body"], "Yes, signed off");
        let (_, edits) = ana.get(&format!("{WS}/comments/{id}/edits")).await;
        assert!(
            edits.as_array().unwrap().is_empty(),
            "its words went: {edits}"
        );

        // A project, a milestone, a risk and a goal have threads too.
        let (_, milestone) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/milestones"),
                json!({"name": "Beta"}),
            )
            .await;
        let (_, risk) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/risks"),
                json!({"title": "Vendor", "probability": 2, "impact": 2}),
            )
            .await;
        let (_, goal) = ana
            .post(
                &format!("{WS}/goals"),
                json!({"title": "Grow", "period": "2026"}),
            )
            .await;
        let (status, project_update) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/status-updates"),
                json!({"health": "at_risk", "text": "Vendor late"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{project_update}");
        let (status, goal_update) = ana
            .post(
                &format!("{WS}/goals/{}/status-updates", goal["id"]),
                json!({"health": "on_track", "text": "Growing"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{goal_update}");
        for (field, value) in [
            ("project", json!("LAUNCH")),
            ("milestone", milestone["id"].clone()),
            ("risk", risk["id"].clone()),
            ("goal", goal["id"].clone()),
            ("status_update", project_update["id"].clone()),
            ("status_update", goal_update["id"].clone()),
        ] {
            let made = comment(
                &mel,
                json!({field: value, "body": format!("On the {field}")}),
            )
            .await;
            assert_eq!(made["on"]["kind"], field, "{made}");
            let query = format!(
                "{field}={}",
                value.as_str().map_or(value.to_string(), str::to_string)
            );
            let (status, list) = thread(&mel, &query).await;
            assert_eq!(status, StatusCode::OK, "{list}");
            assert_eq!(list[0]["body"], format!("On the {field}"));
        }

        // A guest reads the talk of what is shared with them, says
        // nothing, and finds nothing of the rest, goals included.
        let hidden = comment(&ana, json!({"task": "HIDDEN-1", "body": "Hush"})).await;
        let (status, list) = thread(&gus, "task=LAUNCH-1").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 4);
        let (status, _) = gus
            .post(
                &format!("{WS}/comments"),
                json!({"task": "LAUNCH-1", "body": "Me too"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = thread(&gus, "task=HIDDEN-1").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, body) = gus.get(&format!("{WS}/comments/{}", hidden["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.to_string().contains("Hush"));
        let (status, _) = thread(&gus, &format!("goal={}", goal["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // An update's talk goes with what it is posted on.
        let (status, list) = thread(&gus, &format!("status_update={}", project_update["id"])).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list[0]["body"], "On the status_update");
        let (status, body) = thread(&gus, &format!("status_update={}", goal_update["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(!body.to_string().contains("On the status_update"));
        let (_, hidden_update) = ana
            .post(
                &format!("{WS}/projects/HIDDEN/status-updates"),
                json!({"health": "on_track", "text": "Quiet"}),
            )
            .await;
        comment(
            &ana,
            json!({"status_update": hidden_update["id"], "body": "Shh"}),
        )
        .await;
        let (status, _) = thread(&gus, &format!("status_update={}", hidden_update["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = thread(&ana, "status_update=999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A personal task's talk is its owner's.
        let (_, mine) = mel
            .post(&format!("{WS}/tasks"), json!({"title": "Call the bank"}))
            .await;
        comment(&mel, json!({"task": mine["key"], "body": "Ask about fees"})).await;
        let (status, _) = thread(&ana, &format!("task={}", mine["key"].as_str().unwrap())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A deleted task takes its talk with it.
        let (_, task) = ana.get(&format!("{WS}/tasks/LAUNCH-3")).await;
        let doomed = comment(&ana, json!({"task": "LAUNCH-3", "body": "Soon gone"})).await;
        let (status, _) = ana
            .call_with(
                Method::DELETE,
                &format!("{WS}/tasks/LAUNCH-3"),
                None,
                &[("if-match", &format!("\"{}\"", task["version"]))],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = ana.get(&format!("{WS}/comments/{}", doomed["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        server.stop().await;
    }
}
