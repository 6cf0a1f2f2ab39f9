//! A project's derived health and its status updates: the reasons in
//! words, the figures kept with each update, who may post.

use super::*;

#[tokio::test]
async fn health_says_why_and_an_update_keeps_the_figures_of_its_moment() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        let health = format!("{WS}/projects/LAUNCH/health");
        let updates = format!("{WS}/projects/LAUNCH/status-updates");

        let (status, fresh) = ana.get(&health).await;
        assert_eq!(status, StatusCode::OK, "{fresh}");
        assert_eq!(fresh["health"], "on_track", "{fresh}");
        assert_eq!(fresh["reasons"], json!([]));
        assert_eq!(fresh["figures"]["open_tasks"], 3);
        assert_eq!(fresh["latest_update"], Value::Null);
        assert_eq!(fresh["update_due"], true);

        // A baseline of the plan as it is, then the last task doubles.
        let (status, baseline) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/baselines"),
                json!({"name": "Approved"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{baseline}");
        let (status, longer) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-3"),
                json!({"estimate_days": 12}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{longer}");
        // One task overdue, a severe risk open.
        let (status, late) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-1"),
                json!({"due_date": "2020-01-06"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{late}");
        let (status, risk) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/risks"),
                json!({"title": "Vendor folds", "probability": 5, "impact": 4}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{risk}");

        // Posted without a health: the one Tandem derives now, with the
        // figures of this moment (the schedule as it is after the change).
        let (status, posted) = ana
            .post(
                &updates,
                json!({"text": "Vendor trouble; **build** slips."}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
        assert_eq!(posted["project"], "LAUNCH");
        assert_eq!(posted["author"]["email"], "ana@x.org");
        assert_eq!(posted["text"], "Vendor trouble; **build** slips.");
        let figures = &posted["figures"];
        assert!(
            figures["baseline_slip_days"].as_i64().unwrap() >= 10,
            "{posted}"
        );
        assert_eq!(figures["overdue_tasks"], 1);
        assert_eq!(figures["open_risks"], 1);
        // Ten days behind the baseline is off track.
        assert_eq!(figures["derived_health"], "off_track", "{posted}");
        assert_eq!(posted["health"], "off_track");

        // The author may judge otherwise; hyphens are taken as well.
        let (status, judged) = ana
            .post(
                &updates,
                json!({"health": "at_risk", "text": "Recovering next week."}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{judged}");
        assert_eq!(judged["health"], "at_risk");
        assert_eq!(judged["figures"]["derived_health"], "off_track");

        let (status, now) = ana.get(&health).await;
        assert_eq!(status, StatusCode::OK, "{now}");
        let reasons: Vec<&str> = now["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["text"].as_str().unwrap())
            .collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("later than baseline “Approved”")),
            "{now}"
        );
        assert!(reasons.contains(&"1 of 3 open tasks is overdue."), "{now}");
        assert!(reasons.contains(&"An open risk scores 20 of 25."), "{now}");
        assert_eq!(now["latest_update"]["id"], judged["id"]);
        assert_eq!(now["update_due"], false);

        // Newest first, a page at a time; a guest the project is shared
        // with reads them, never posts, and one it is not shared with
        // finds no project.
        let (status, _) = gus.get(&updates).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, shared) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/stakeholders"),
                json!({"member": "gus@x.org", "role": "informed"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{shared}");
        let (status, list) = gus.get(&format!("{updates}?limit=1")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["id"], judged["id"]);
        let (_, older) = gus.get(&format!("{updates}?before={}", judged["id"])).await;
        assert_eq!(older[0]["id"], posted["id"]);
        let (status, refused) = gus.post(&updates, json!({"text": "Hi"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

        // Refusals name the field and write nothing.
        let before = fingerprint(&ana).await;
        for (body, field) in [
            (json!({}), "text"),
            (json!({"text": "   "}), "text"),
            (json!({"text": "x", "health": "fine"}), "health"),
        ] {
            let (status, problem) = ana.post(&updates, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        let (status, problem) = ana.post(&updates, json!({"txt": "x"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(
            problem.to_string().contains("allowed: health, text"),
            "{problem}"
        );
        let (status, problem) = ana.get(&format!("{updates}?limit=0")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "limit");
        assert_eq!(fingerprint(&ana).await, before);
        server.stop().await;
    }
}
