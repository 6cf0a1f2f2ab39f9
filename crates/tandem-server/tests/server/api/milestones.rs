//! Milestones across projects: planned against scheduled, by project, the
//! dependencies between projects, and what a guest sees of them.

use super::*;

#[tokio::test]
async fn milestones_across_projects_show_their_scheduled_dates_and_cross_links() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Secret step", "estimate_days": 2})).await;
        let (status, gate) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/milestones"),
                json!({"name": "Go live", "date": "2020-01-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{gate}");
        let (status, _) = ana
            .post(
                &format!("{WS}/projects/HIDDEN/milestones"),
                json!({"name": "Secret gate", "date": "2020-02-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-3"),
                json!({"milestone_id": gate["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, link) = ana
            .post(
                &format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-3", "successor": "HIDDEN-1", "type": "fs"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{link}");

        // The scheduled date is the latest finish of its tasks in the
        // stored schedule.
        let (status, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(status, StatusCode::OK, "{schedule}");
        let finish = schedule["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "LAUNCH-3")
            .and_then(|t| t["early_finish"].as_str())
            .map(|f| f[..10].to_string())
            .unwrap_or_else(|| panic!("{schedule}"));
        let (status, all) = ana.get(&format!("{WS}/milestones")).await;
        assert_eq!(status, StatusCode::OK, "{all}");
        let rows = all["milestones"].as_array().unwrap();
        assert_eq!(rows.len(), 2, "{all}");
        let live = rows.iter().find(|m| m["name"] == "Go live").unwrap();
        assert_eq!(live["project"], "LAUNCH");
        assert_eq!(live["date"], "2020-01-01");
        assert_eq!(live["scheduled"], finish.as_str(), "{live}");
        assert!(live["slip_days"].as_i64().unwrap() > 0, "{live}");
        let secret = rows.iter().find(|m| m["name"] == "Secret gate").unwrap();
        assert_eq!(
            secret["scheduled"],
            Value::Null,
            "none of its tasks: {secret}"
        );
        assert_eq!(all["dependencies"].as_array().unwrap().len(), 1, "{all}");
        assert_eq!(all["dependencies"][0]["predecessor_milestone"], gate["id"]);
        assert_eq!(all["dependencies"][0]["type"], "fs");

        // A portfolio's timeline holds its projects' milestones alone.
        let (status, only) = ana
            .post(
                &format!("{WS}/portfolios"),
                json!({"name": "Launch only", "projects": ["LAUNCH"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, of) = ana
            .get(&format!("{WS}/milestones?portfolio={}", only["id"]))
            .await;
        assert_eq!(of["milestones"].as_array().unwrap().len(), 1, "{of}");
        assert_eq!(of["dependencies"], json!([]), "one end is outside: {of}");
        let (status, problem) = ana.get(&format!("{WS}/milestones?portfolio=abc")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "portfolio");
        let (status, _) = ana.get(&format!("{WS}/milestones?portfolio=999999")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The guest: LAUNCH's milestone; nothing of HIDDEN, not even the
        // link from LAUNCH into it.
        let (status, seen) = gus.get(&format!("{WS}/milestones")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["milestones"].as_array().unwrap().len(), 1, "{seen}");
        assert_eq!(seen["dependencies"], json!([]));
        assert!(
            !seen.to_string().contains("HIDDEN") && !seen.to_string().contains("Secret"),
            "{seen}"
        );
        server.stop().await;
    }
}
