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

#[tokio::test]
async fn portfolios_and_goals_take_updates_judged_on_their_projects() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        // HIDDEN is past its target with work open: off track. The guest
        // is a stakeholder of LAUNCH alone.
        hidden_beside(&ana, json!({"title": "Secret step"})).await;
        let (status, hidden) = ana
            .patch(
                &format!("{WS}/projects/HIDDEN"),
                json!({"target_date": "2020-01-31"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{hidden}");
        let (status, portfolio) = ana
            .post(
                &format!("{WS}/portfolios"),
                json!({"name": "Growth", "projects": ["LAUNCH", "HIDDEN"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{portfolio}");
        let on_portfolio = format!("{WS}/portfolios/{}", portfolio["id"]);

        // Tandem proposes from the projects' health and says why.
        let (status, now) = ana.get(&format!("{on_portfolio}/health")).await;
        assert_eq!(status, StatusCode::OK, "{now}");
        assert_eq!(now["health"], "off_track", "{now}");
        assert_eq!(
            now["reasons"][0]["text"],
            "1 of 2 projects is off track: HIDDEN."
        );
        assert_eq!(now["figures"]["open_tasks"], 4, "{now}");
        assert_eq!(now["latest_update"], Value::Null);
        let (status, posted) = ana
            .post(
                &format!("{on_portfolio}/status-updates"),
                json!({"text": "HIDDEN needs a *new* date."}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
        assert_eq!(posted["portfolio"], portfolio["id"]);
        assert_eq!(posted.get("project"), None, "{posted}");
        assert_eq!(posted["health"], "off_track");
        assert_eq!(posted["figures"]["derived_health"], "off_track");
        assert_eq!(posted["figures"]["open_tasks"], 4);
        let (status, judged) = ana
            .post(
                &format!("{on_portfolio}/status-updates"),
                json!({"health": "at_risk", "text": "A new date is agreed."}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{judged}");
        let (status, list) = ana.get(&format!("{on_portfolio}/status-updates")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let ids: Vec<&Value> = list.as_array().unwrap().iter().map(|u| &u["id"]).collect();
        assert_eq!(ids, [&judged["id"], &posted["id"]], "newest first");
        let (_, now) = ana.get(&format!("{on_portfolio}/health")).await;
        assert_eq!(now["latest_update"]["id"], judged["id"]);

        // The guest sees the portfolio through LAUNCH: its health is
        // judged on LAUNCH alone, and the updates, written of the whole,
        // are not theirs to read. Nor may they post.
        let (status, theirs) = gus.get(&format!("{on_portfolio}/health")).await;
        assert_eq!(status, StatusCode::OK, "{theirs}");
        assert!(!theirs.to_string().contains("HIDDEN"), "{theirs}");
        assert_eq!(theirs["figures"]["open_tasks"], 3, "{theirs}");
        assert_eq!(theirs["latest_update"], Value::Null);
        let (status, none) = gus.get(&format!("{on_portfolio}/status-updates")).await;
        assert_eq!((status, none), (StatusCode::OK, json!([])));
        let (status, _) = gus
            .post(
                &format!("{on_portfolio}/status-updates"),
                json!({"text": "Hi"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A goal whose period has ended short of done is proposed off
        // track, with its own reason, its project's, and the finish past
        // its period.
        let (status, goal) = ana
            .post(
                &format!("{WS}/goals"),
                json!({"title": "Ship the plan", "period": "2025-Q1", "projects": ["LAUNCH"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{goal}");
        let on_goal = format!("{WS}/goals/{}", goal["id"]);
        let (status, now) = ana.get(&format!("{on_goal}/health")).await;
        assert_eq!(status, StatusCode::OK, "{now}");
        assert_eq!(now["health"], "off_track", "{now}");
        let reasons = now["reasons"].to_string();
        assert!(reasons.contains("Its period ended on 2025-03-31"), "{now}");
        assert!(
            reasons.contains("after its period ends (2025-03-31)"),
            "{now}"
        );
        assert_eq!(now["figures"]["target_date"], "2025-03-31");
        assert!(now["figures"]["slip_days"].as_i64().unwrap() > 0, "{now}");
        let (status, posted) = ana
            .post(
                &format!("{on_goal}/status-updates"),
                json!({"text": "Moving it to H2."}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{posted}");
        assert_eq!(posted["goal"], goal["id"]);
        assert_eq!(posted["health"], "off_track");
        let (_, list) = gus.get(&format!("{on_goal}/status-updates")).await;
        assert_eq!(list, json!([]), "a guest reads no goal's updates");
        // Its owner calls it achieved: the owner's word leads, and the
        // projects' trouble is no longer the goal's.
        let (status, settled) = ana.patch(&on_goal, json!({"status": "achieved"})).await;
        assert_eq!(status, StatusCode::OK, "{settled}");
        let (_, now) = ana.get(&format!("{on_goal}/health")).await;
        assert_eq!(now["health"], "on_track", "{now}");
        assert!(!now["reasons"].to_string().contains("LAUNCH"), "{now}");

        // Refusals name the field and write nothing; what is not there
        // is not found.
        let before = fingerprint(&ana).await;
        let (status, problem) = ana
            .post(
                &format!("{on_goal}/status-updates"),
                json!({"health": "fine", "text": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "health");
        for missing in [
            format!("{WS}/goals/999999/status-updates"),
            format!("{WS}/portfolios/999999/status-updates"),
        ] {
            let (status, _) = ana.post(&missing, json!({"text": "x"})).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        }
        assert_eq!(fingerprint(&ana).await, before);
        let (_, kept) = ana.get(&format!("{on_goal}/status-updates")).await;
        assert_eq!(kept.as_array().unwrap().len(), 1, "{kept}");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_project_sets_how_often_it_owes_an_update() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let health = format!("{WS}/projects/LAUNCH/health");
        let (_, fresh) = ana.get(&health).await;
        assert_eq!(fresh["update_cadence_days"], 7);
        assert_eq!(fresh["update_due"], true);
        let (status, changed) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"update_cadence_days": 0}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["update_cadence_days"], 0);
        let (_, now) = ana.get(&health).await;
        assert_eq!(now["update_due"], false, "none expected, none due: {now}");
        // A project done owes no more updates, whatever its cadence.
        let (status, _) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"update_cadence_days": 7, "status": "done"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, done) = ana.get(&health).await;
        assert_eq!(done["update_due"], false, "{done}");
        let before = fingerprint(&ana).await;
        for wrong in [json!(400), json!(-1), json!("weekly")] {
            let (status, problem) = ana
                .patch(
                    &format!("{WS}/projects/LAUNCH"),
                    json!({"update_cadence_days": wrong}),
                )
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{wrong}: {problem}"
            );
            assert_eq!(
                problem["errors"][0]["field"], "update_cadence_days",
                "{problem}"
            );
        }
        assert_eq!(fingerprint(&ana).await, before);
        server.stop().await;
    }
}
