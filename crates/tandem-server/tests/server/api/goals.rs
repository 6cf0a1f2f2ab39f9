//! Goals: the tree, progress computed from key results, sub-goals (by
//! weight), projects and tasks; status derived or set; what is refused;
//! and what a guest sees of them.

use super::*;

async fn goal(api: &Api, body: Value) -> Value {
    let (status, created) = api.post(&format!("{WS}/goals"), body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}: {created}");
    created
}

async fn goals(api: &Api) -> Value {
    let (status, all) = api.get(&format!("{WS}/goals")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    all
}

fn find<'a>(all: &'a Value, title: &str) -> &'a Value {
    all.as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == title)
        .unwrap_or_else(|| panic!("no goal {title} in {all}"))
}

#[tokio::test]
async fn goals_roll_up_what_serves_them_and_show_a_guest_only_their_part() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Secret step"})).await;

        let company = goal(
            &ana,
            json!({"title": "Win the mid-market", "period": "2027", "owner": "ana@x.org"}),
        )
        .await;
        assert_eq!(company["period"]["label"], "2027");
        assert_eq!(company["period"]["start"], "2027-01-01");
        assert_eq!(company["progress"], 0.0);
        assert_eq!(company["measured_by"], Value::Null);
        let launch = goal(
            &ana,
            json!({"title": "Ship the launch", "parent": company["id"], "projects": ["LAUNCH"]}),
        )
        .await;
        let nps = goal(
            &ana,
            json!({"title": "Happier customers", "parent": company["id"], "weight": 3, "period": "2027-H1"}),
        )
        .await;
        let secret = goal(
            &ana,
            json!({"title": "Secret goal", "projects": ["HIDDEN"]}),
        )
        .await;
        let mixed = goal(
            &ana,
            json!({"title": "Mixed goal", "projects": ["LAUNCH", "HIDDEN"], "tasks": ["HIDDEN-1", "LAUNCH-2"], "measure": "tasks"}),
        )
        .await;

        // A key result moves from its start to its target.
        let kr_path = format!("{WS}/goals/{}/key-results", nps["id"]);
        let (status, with_kr) = ana
            .post(
                &kr_path,
                json!({"name": "NPS", "start": 30, "target": 50, "unit": "points"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{with_kr}");
        assert_eq!(with_kr["key_results"][0]["current"], 30.0);
        let kr = with_kr["key_results"][0]["id"].clone();
        let (status, set) = ana
            .patch(&format!("{kr_path}/{kr}"), json!({"current": 40}))
            .await;
        assert_eq!(status, StatusCode::OK, "{set}");
        assert_eq!(set["progress"], 50.0);
        assert_eq!(set["measured_by"], "key_results");

        // Done work in the project raises the goals it serves, and theirs.
        let (status, _) = ana
            .patch(&format!("{WS}/tasks/LAUNCH-1"), json!({"status": "done"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let all = goals(&ana).await;
        let shipped = find(&all, "Ship the launch");
        assert_eq!(shipped["measured_by"], "projects");
        let third = shipped["progress"].as_f64().unwrap();
        assert!((third - 33.3).abs() < 0.1, "{shipped}");
        let top = find(&all, "Win the mid-market");
        assert_eq!(top["measured_by"], "sub_goals");
        let weighted = (third + 3.0 * 50.0) / 4.0;
        assert!(
            (top["progress"].as_f64().unwrap() - weighted).abs() < 0.1,
            "{top}"
        );
        assert_eq!(
            top["goals"].as_array().unwrap().len(),
            2,
            "its sub-goals: {top}"
        );
        // Measured by its tasks: one of two done.
        let (status, _) = ana
            .patch(&format!("{WS}/tasks/HIDDEN-1"), json!({"status": "done"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, m) = ana.get(&format!("{WS}/goals/{}", mixed["id"])).await;
        assert_eq!(m["progress"], 50.0, "{m}");
        assert_eq!(m["tasks"].as_array().unwrap().len(), 2);

        // Set by its owner, a status is theirs; a dropped goal counts in
        // no parent.
        let (status, dropped) = ana
            .patch(
                &format!("{WS}/goals/{}", nps["id"]),
                json!({"status": "dropped"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{dropped}");
        assert_eq!(dropped["status"], "dropped");
        assert_eq!(dropped["status_set"], true);
        assert_ne!(dropped["derived_status"], "dropped");
        let (_, top) = ana.get(&format!("{WS}/goals/{}", company["id"])).await;
        assert!(
            (top["progress"].as_f64().unwrap() - third).abs() < 0.1,
            "{top}"
        );

        // The guest sees the goals LAUNCH or its tasks serve, not those
        // above them; of a goal also served by HIDDEN, only LAUNCH and its
        // task.
        let seen = goals(&gus).await;
        let titles: Vec<&str> = seen
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Mixed goal", "Ship the launch"], "{seen}");
        let text = seen.to_string();
        assert!(
            !text.contains("HIDDEN") && !text.contains("Hidden") && !text.contains("Secret"),
            "{seen}"
        );
        assert!(!text.contains("Happier"), "a sub-goal not theirs: {seen}");
        assert!(!text.contains("mid-market"), "a goal above theirs: {seen}");
        assert_eq!(find(&seen, "Ship the launch")["parent"], Value::Null);
        let (status, _) = gus.get(&format!("{WS}/goals/{}", company["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = gus.get(&format!("{WS}/goals/{}", secret["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = gus
            .post(&format!("{WS}/goals"), json!({"title": "Mine"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = gus
            .post(&kr_path, json!({"name": "X", "start": 0, "target": 1}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Refused whole, naming the field.
        let before = goals(&ana).await;
        let (status, problem) = ana
            .patch(
                &format!("{WS}/goals/{}", company["id"]),
                json!({"parent": launch["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "parent");
        for (body, field) in [
            (json!({"title": "X", "projects": ["NOPE"]}), "projects"),
            (json!({"title": "X", "tasks": ["LAUNCH-99"]}), "tasks"),
            (json!({"title": "X", "tasks": ["TASK-1"]}), "tasks"),
            (json!({"title": "X", "period": "2027-H3"}), "period"),
            (json!({"title": "X", "weight": -1}), "weight"),
            (json!({"title": "X", "parent": 999999}), "parent"),
            (json!({"title": "X", "status": "great"}), "status"),
            (json!({"period": "2027"}), "title"),
        ] {
            let (status, problem) = ana.post(&format!("{WS}/goals"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        for (body, field) in [
            (json!({"name": "Flat", "start": 5, "target": 5}), "target"),
            (json!({"name": "NPS", "start": 0, "target": 5}), "name"),
            (json!({"start": 0, "target": 5}), "name"),
        ] {
            let (status, problem) = ana.post(&kr_path, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        let (status, _) = ana
            .call_with(
                Method::PATCH,
                &format!("{WS}/goals/{}", company["id"]),
                Some(json!({"title": "Renamed"})),
                &[("if-match", "\"999\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let (status, _) = ana
            .call_with(
                Method::PATCH,
                &format!("{kr_path}/{kr}"),
                Some(json!({"current": 45})),
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(goals(&ana).await, before, "a refused write changed nothing");

        // A goal deleted from the middle of the tree hands its sub-goals
        // to its own parent.
        let middle = goal(&ana, json!({"title": "Middle", "parent": company["id"]})).await;
        let leaf = goal(&ana, json!({"title": "Leaf", "parent": middle["id"]})).await;
        let (status, _) = ana
            .call_with(
                Method::DELETE,
                &format!("{WS}/goals/{}", middle["id"]),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, leaf) = ana.get(&format!("{WS}/goals/{}", leaf["id"])).await;
        assert_eq!(leaf["parent"]["id"], company["id"], "{leaf}");
        let (status, _) = ana
            .call_with(
                Method::DELETE,
                &format!("{WS}/goals/{}", leaf["id"]),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);

        // Deleted, its sub-goals move to the top; its key results go.
        let (status, _) = ana
            .call_with(
                Method::DELETE,
                &format!("{WS}/goals/{}", company["id"]),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, shipped) = ana.get(&format!("{WS}/goals/{}", launch["id"])).await;
        assert_eq!(shipped["parent"], Value::Null, "{shipped}");
        let (status, _) = ana
            .call_with(Method::DELETE, &format!("{kr_path}/{kr}"), None, &[])
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, nps) = ana.get(&format!("{WS}/goals/{}", nps["id"])).await;
        assert_eq!(nps["key_results"], json!([]));
        server.stop().await;
    }
}
