//! Levelling across projects: a person's work in one project counts when
//! another is levelled, and the whole workspace levels each project around
//! the ones levelled before it.

use super::*;

async fn two_projects(ana: &Api) {
    for (key, title, days) in [("ALPHA", "Alpha work", 5), ("BETA", "Beta work", 3)] {
        let (status, body) = ana
            .post(
                &format!("{WS}/projects"),
                json!({"key": key, "name": key, "status": "active", "start_date": "2026-11-23"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ana.patch(
            &format!("{WS}/projects/{key}"),
            json!({"status_date": "2026-11-23T08:00"}),
        )
        .await;
        let (status, body) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": key, "title": title, "owner": "mel@x.org", "estimate_days": days}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

#[tokio::test]
async fn work_in_other_projects_counts_and_the_workspace_levels_as_one() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        // With no active project there is nothing to level, and saying so
        // is an answer, not a fault.
        let (status, none) = ana.get(&format!("{WS}/levelling")).await;
        assert_eq!(status, StatusCode::OK, "{none}");
        assert_eq!(none["projects"], json!([]), "{none}");
        two_projects(&ana).await;
        // Each project alone has nothing to level; Mel is booked twice for
        // three days across the two.
        let (_, beta) = ana.get(&format!("{WS}/projects/BETA/levelling")).await;
        let mel = &beta["overallocations"][0];
        assert_eq!(mel["owner"]["email"], "mel@x.org", "{beta}");
        assert_eq!(mel["hours_before"], 24.0, "{beta}");
        assert_eq!(mel["hours_after"], 0.0, "{beta}");
        assert_eq!(beta["delayed"][0]["key"], "BETA-1", "{beta}");
        assert_eq!(beta["delayed"][0]["start"], "2026-11-30T08:00");

        // Across the workspace: ALPHA (first by key, same start) keeps its
        // place, BETA gives way.
        let (status, all) = ana.get(&format!("{WS}/levelling")).await;
        assert_eq!(status, StatusCode::OK, "{all}");
        assert_eq!(all["applied"], false);
        let of = |all: &Value, key: &str| -> Value {
            all["projects"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["project"] == key)
                .unwrap_or_else(|| panic!("{key} in {all}"))["levelling"]
                .clone()
        };
        assert_eq!(of(&all, "ALPHA")["delayed"], json!([]), "{all}");
        assert_eq!(of(&all, "BETA")["delayed"][0]["key"], "BETA-1", "{all}");
        let order: Vec<&str> = all["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["project"].as_str().unwrap())
            .collect();
        assert!(
            order.iter().position(|k| *k == "ALPHA") < order.iter().position(|k| *k == "BETA"),
            "{order:?}"
        );
        // Guests level nothing.
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus.post(&format!("{WS}/levelling"), json!({})).await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);

        let (status, applied) = ana.post(&format!("{WS}/levelling"), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{applied}");
        assert_eq!(applied["applied"], true);
        let (_, task) = ana.get(&format!("{WS}/tasks/BETA-1")).await;
        assert_eq!(task["levelling_delay_hours"], 40.0, "{task}");
        assert!(task["constraint_type"].is_null(), "{task}");
        let (_, schedule) = ana.get(&format!("{WS}/projects/BETA/schedule")).await;
        assert_eq!(schedule["finish"], "2026-12-02T17:00", "{schedule}");
        // Levelled, nobody is booked twice any more, whichever project asks.
        let (_, alpha) = ana.get(&format!("{WS}/projects/ALPHA/levelling")).await;
        assert_eq!(alpha["overallocations"][0]["hours_before"], 0.0, "{alpha}");
        let (_, again) = ana.get(&format!("{WS}/levelling")).await;
        assert!(
            again["projects"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["levelling"]["delayed"] == json!([])),
            "{again}"
        );
        // Each project's levelling is its own to take back.
        let (status, _) = ana
            .post(&format!("{WS}/projects/BETA/levelling/undo"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, task) = ana.get(&format!("{WS}/tasks/BETA-1")).await;
        assert_eq!(task["levelling_delay_hours"], 0.0, "{task}");
        server.stop().await;
    }
}
