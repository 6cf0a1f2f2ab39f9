//! Reports: the weeks' scope, done and throughput, cycle times from the
//! history, for a project, a portfolio and a person; what a guest's
//! report counts; what is refused.

use super::*;

#[tokio::test]
async fn a_report_counts_scope_done_and_cycle_times_of_what_the_reader_may_open() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(
            &ana,
            json!({"title": "Secret step", "owner": "mel@x.org", "status": "done"}),
        )
        .await;
        // LAUNCH-1 goes through in progress to done, LAUNCH-2 straight to
        // done, a fourth task is cancelled.
        for (key, status) in [
            ("LAUNCH-1", "in_progress"),
            ("LAUNCH-1", "done"),
            ("LAUNCH-2", "done"),
        ] {
            let (s, body) = ana
                .patch(&format!("{WS}/tasks/{key}"), json!({"status": status}))
                .await;
            assert_eq!(s, StatusCode::OK, "{body}");
        }
        let (status, _) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Dropped", "status": "cancelled"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, r) = ana.get(&format!("{WS}/reports?project=LAUNCH")).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["kind"], "project");
        assert_eq!(r["subject"], "LAUNCH Launch");
        assert_eq!(r["weeks"].as_array().unwrap().len(), 12, "{r}");
        let now = r["weeks"].as_array().unwrap().last().unwrap();
        assert_eq!(now["scope_tasks"], 3, "the cancelled one is out: {now}");
        assert_eq!(now["done_tasks"], 2);
        assert_eq!(now["remaining_tasks"], 1);
        assert_eq!(now["throughput"], 2);
        assert_eq!(r["done_in_period"], 2);
        assert_eq!(r["cycle_time"]["tasks"], 1, "{r}");
        assert_eq!(r["cycle_time"]["median_days"], 0);
        assert_eq!(r["cycle_time"]["never_started"], 1);
        assert_eq!(r["cycle_time"]["buckets"][0]["count"], 1);
        assert!(r["health"]["health"].is_string(), "{r}");

        // A person's: their tasks in the projects the reader may open.
        let (_, mel) = ana.get(&format!("{WS}/reports?person=mel@x.org")).await;
        let now = mel["weeks"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            now["scope_tasks"], 4,
            "three of LAUNCH, one of HIDDEN: {mel}"
        );
        assert_eq!(mel["health"], Value::Null);
        let (status, seen) = gus.get(&format!("{WS}/reports?person=mel@x.org")).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        let now = seen["weeks"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(now["scope_tasks"], 3, "HIDDEN is not the guest's: {seen}");
        let (status, _) = gus.get(&format!("{WS}/reports?project=HIDDEN")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A portfolio's: its projects'.
        let (_, both) = ana
            .post(
                &format!("{WS}/portfolios"),
                json!({"name": "All", "projects": ["LAUNCH", "HIDDEN"]}),
            )
            .await;
        let (_, r) = ana
            .get(&format!(
                "{WS}/reports?portfolio={}&from=2026-01-05&to=2026-01-18",
                both["id"]
            ))
            .await;
        assert_eq!(r["from"], "2026-01-05");
        assert_eq!(r["to"], "2026-01-18");
        // A period is taken in whole weeks, Monday to Sunday.
        let (_, r) = ana
            .get(&format!(
                "{WS}/reports?project=LAUNCH&from=2026-01-07&to=2026-01-13"
            ))
            .await;
        assert_eq!(
            (r["from"].as_str(), r["to"].as_str()),
            (Some("2026-01-05"), Some("2026-01-18"))
        );
        assert_eq!(r["weeks"].as_array().unwrap().len(), 2, "{r}");
        let (_, r) = ana
            .get(&format!("{WS}/reports?portfolio={}", both["id"]))
            .await;
        assert_eq!(r["done_in_period"], 3, "{r}");

        for (query, field) in [
            ("project=LAUNCH&person=mel@x.org", "project"),
            ("project=LAUNCH&from=yesterday", "from"),
            ("project=LAUNCH&from=2027-02-01&to=2027-01-01", "from"),
            ("project=LAUNCH&from=2020-01-01&to=2027-01-01", "from"),
            ("person=nobody", "person"),
            ("project=LAUNCH&to=%2B262142-12-31", "to"),
            ("project=LAUNCH&from=-262143-01-01", "from"),
            ("project=LAUNCH&to=9999-12-31", "to"),
            ("project=LAUNCH&from=2024-12-02&to=2026-11-30", "from"),
            ("portfolio=x", "portfolio"),
        ] {
            let (status, problem) = ana.get(&format!("{WS}/reports?{query}")).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        }
        // Nothing named: the caller's own work.
        let (status, mine) = gus.get(&format!("{WS}/reports")).await;
        assert_eq!(status, StatusCode::OK, "{mine}");
        assert_eq!(
            (mine["kind"].as_str(), mine["subject"].as_str()),
            (Some("person"), Some("gus"))
        );
        let (status, _) = ana.get(&format!("{WS}/reports?project=NOPE")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        server.stop().await;
    }
}
