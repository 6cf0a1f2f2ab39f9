//! Portfolios: what they hold, the table of one (the contract's fields),
//! totals, portfolios within portfolios, and what a guest sees of them.

use super::*;

#[tokio::test]
async fn a_portfolio_shows_its_projects_as_the_reader_may_see_them() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        let portfolios = format!("{WS}/portfolios");
        let (status, hidden) = ana
            .post(
                &format!("{WS}/projects"),
                json!({"key": "HIDDEN", "name": "Hidden plan", "target_date": "2020-01-31", "budget": 500}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{hidden}");
        let (status, _) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "HIDDEN", "title": "Step"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"target_date": "2099-12-31", "budget": 1000}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // The guest is a stakeholder of LAUNCH alone.
        let (status, _) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/stakeholders"),
                json!({"member": "gus@x.org", "role": "informed"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, both) = ana
            .post(
                &portfolios,
                json!({"name": "Growth", "owner": "ana@x.org", "projects": ["LAUNCH", "HIDDEN"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{both}");
        assert_eq!(both["projects"], json!(["LAUNCH", "HIDDEN"]));
        let (status, only_hidden) = ana
            .post(
                &portfolios,
                json!({"name": "Skunkworks", "projects": ["HIDDEN"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{only_hidden}");
        let (status, all) = ana
            .post(
                &portfolios,
                json!({"name": "Company", "portfolios": [both["id"], only_hidden["id"]]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{all}");

        // The table: the contract's fields, from the stored schedules.
        let (status, table) = ana.get(&format!("{portfolios}/{}", both["id"])).await;
        assert_eq!(status, StatusCode::OK, "{table}");
        let rows = table["projects"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let launch = rows.iter().find(|r| r["key"] == "LAUNCH").unwrap();
        assert_eq!(launch["target_date"], "2099-12-31");
        assert!(
            launch["scheduled_finish"].as_str().unwrap().len() == 10,
            "{launch}"
        );
        assert_eq!(launch["progress"], 0.0);
        assert_eq!(launch["health"], "on_track");
        let hidden_row = rows.iter().find(|r| r["key"] == "HIDDEN").unwrap();
        // Its target has passed: the schedule finishes after it.
        assert_eq!(hidden_row["health"], "off_track", "{hidden_row}");
        assert!(hidden_row["slip_days"].as_i64().unwrap() > 0);
        assert_eq!(table["totals"]["projects"], 2);
        assert_eq!(table["totals"]["budget"], 1500.0);
        assert_eq!(
            table["totals"]["health"],
            json!({"on_track": 1, "at_risk": 0, "off_track": 1})
        );
        // A portfolio of portfolios counts their projects once each.
        let (_, company) = ana.get(&format!("{portfolios}/{}", all["id"])).await;
        assert_eq!(company["totals"]["projects"], 2, "{company}");
        assert_eq!(company["portfolios"].as_array().unwrap().len(), 2);

        // The guest: only portfolios holding LAUNCH, and of them LAUNCH
        // alone, totals included; the others are not there.
        let (status, seen) = gus.get(&portfolios).await;
        assert_eq!(status, StatusCode::OK);
        let names: Vec<&str> = seen
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Company", "Growth"], "{seen}");
        assert!(
            !seen.to_string().contains("HIDDEN") && !seen.to_string().contains("Skunkworks"),
            "{seen}"
        );
        let (status, guest_table) = gus.get(&format!("{portfolios}/{}", both["id"])).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(guest_table["totals"]["projects"], 1);
        assert!(!guest_table.to_string().contains("Hidden"), "{guest_table}");
        let (status, _) = gus
            .get(&format!("{portfolios}/{}", only_hidden["id"]))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = gus.post(&portfolios, json!({"name": "Mine"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Refused whole, naming the field: a cycle, a taken name, an
        // unknown project or portfolio, a stale version.
        let before = fingerprint(&ana).await;
        let (status, problem) = ana
            .patch(
                &format!("{portfolios}/{}", both["id"]),
                json!({"portfolios": [all["id"]]}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "portfolios");
        for (body, field) in [
            (json!({"name": "Growth"}), "name"),
            (json!({"name": "X", "projects": ["NOPE"]}), "projects"),
            (json!({"name": "X", "portfolios": [999999]}), "portfolios"),
            (
                json!({"name": "X", "projects": ["LAUNCH", "LAUNCH"]}),
                "projects",
            ),
            (json!({"projects": []}), "name"),
        ] {
            let (status, problem) = ana.post(&portfolios, body.clone()).await;
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
                &format!("{portfolios}/{}", both["id"]),
                Some(json!({"name": "Renamed"})),
                &[("if-match", "\"999\"")],
            )
            .await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(fingerprint(&ana).await, before);

        // Changed and deleted; the projects stay.
        let (status, changed) = ana
            .patch(
                &format!("{portfolios}/{}", both["id"]),
                json!({"name": "Growth 2027", "projects": ["LAUNCH"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["projects"], json!(["LAUNCH"]));
        let (status, _) = ana
            .call_with(
                Method::DELETE,
                &format!("{portfolios}/{}", only_hidden["id"]),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, company) = ana.get(&format!("{portfolios}/{}", all["id"])).await;
        assert_eq!(
            company["portfolios"].as_array().unwrap().len(),
            1,
            "{company}"
        );
        let (status, _) = ana.get(&format!("{WS}/projects/HIDDEN")).await;
        assert_eq!(status, StatusCode::OK);
        server.stop().await;
    }
}
