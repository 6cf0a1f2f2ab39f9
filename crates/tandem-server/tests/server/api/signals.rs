//! Is it a task or a project, over the API: ordinary work is a task and
//! says nothing more; work of weeks, people, approvals, links and steps
//! behaves like a project; one person's few days with nothing linked
//! could be a task; and a guest reads the signals of nothing it may not
//! open.

use super::*;

#[tokio::test]
async fn a_task_that_behaves_like_a_project_and_a_project_that_could_be_a_task_are_told() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;

        // Ordinary work: a task, nothing holds.
        let (status, plain) = ana.get(&format!("{WS}/tasks/LAUNCH-1/signals")).await;
        assert_eq!(status, StatusCode::OK, "{plain}");
        assert_eq!(plain["verdict"], "task");

        // Weeks, four people, an approval, links and steps.
        let (status, big) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Website", "owner": "mel@x.org",
                       "collaborators": ["ada@x.org", "gus@x.org"], "estimate_days": 15,
                       "effort_hours": 120}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{big}");
        let key = big["key"].as_str().unwrap().to_string();
        for (title, owner) in [
            ("Copy", "ana@x.org"),
            ("Pages", "ada@x.org"),
            ("Launch", "mel@x.org"),
        ] {
            let (status, body) = ana
                .post(
                    &format!("{WS}/tasks"),
                    json!({"project": "LAUNCH", "title": title, "owner": owner, "parent": key}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        for (predecessor, successor) in [("LAUNCH-1", key.as_str()), (key.as_str(), "LAUNCH-3")] {
            let (status, body) = ana
                .post(
                    &format!("{WS}/dependencies"),
                    json!({"predecessor": predecessor, "successor": successor}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, body) = ana
            .post(
                &format!("{WS}/approvals"),
                json!({"task": key, "approvers": ["ada@x.org"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, signals) = ana.get(&format!("{WS}/tasks/{key}/signals")).await;
        assert_eq!(signals["verdict"], "project", "{signals}");
        assert_eq!(
            signals["signals"],
            json!([
                "spans_weeks",
                "several_people",
                "needs_approval",
                "depends_on_other_work",
                "many_steps",
                "large_effort"
            ])
        );
        assert_eq!(signals["reasons"].as_array().unwrap().len(), 6);
        // Its page says so; an ordinary task's does not.
        let page = |key: String| {
            let http = reqwest::Client::new();
            let url = format!("{}/w/acme/t/{key}", server.base);
            let token = ana.token.clone().unwrap();
            async move {
                http.get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            }
        };
        assert!(
            page(key.clone())
                .await
                .contains("This behaves like a project")
        );
        assert!(
            !page("LAUNCH-2".into())
                .await
                .contains("This behaves like a project")
        );

        // A project: LAUNCH is several people's; one person's two days
        // with nothing linked could be a task.
        let (_, launch) = ana.get(&format!("{WS}/projects/LAUNCH/signals")).await;
        assert_eq!(launch["verdict"], "project", "{launch}");
        let (status, _) = ana
            .post(
                &format!("{WS}/projects"),
                json!({"key": "TINY", "name": "Tiny", "owner": "ana@x.org"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        ana.post(
            &format!("{WS}/tasks"),
            json!({"project": "TINY", "title": "Fix the footer", "owner": "ana@x.org",
                   "start_date": "2026-12-07", "due_date": "2026-12-08"}),
        )
        .await;
        let (_, tiny) = ana.get(&format!("{WS}/projects/TINY/signals")).await;
        assert_eq!(tiny["verdict"], "task", "{tiny}");
        assert_eq!(
            tiny["signals"],
            json!(["one_person", "few_days", "no_links", "no_milestones"])
        );

        // A guest: what is shared, not the rest.
        let (status, _) = gus.get(&format!("{WS}/tasks/LAUNCH-1/signals")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = gus.get(&format!("{WS}/tasks/HIDDEN-1/signals")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let (status, _) = gus.get(&format!("{WS}/projects/TINY/signals")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        server.stop().await;
    }
}
