//! Two kinds of dates, as Microsoft Project has them: a task a person
//! dated keeps its dates and counts in the plan's finish; one in a plan of
//! links is scheduled; each says which it is and can be switched.

use super::*;

#[tokio::test]
async fn a_dated_task_keeps_its_dates_and_a_linked_one_is_scheduled() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        // LAUNCH-1 → LAUNCH-2 → LAUNCH-3, a day each, from Monday the 23rd.
        plan(&ana).await;
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        // A loose task of two days due Friday December 18th: before, it
        // was drawn at the project's start, and the plan's finish ignored
        // it.
        let (status, party) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Launch party", "due_date": "2026-12-18", "estimate_days": 2}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{party}");
        assert_eq!(party["scheduling"], "dated");
        assert_eq!(party["scheduling_mode"], "auto");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        let row = scheduled(&schedule, "LAUNCH-4");
        assert_eq!(row["early_start"], "2026-12-17T08:00", "{schedule}");
        assert_eq!(row["early_finish"], "2026-12-18T17:00");
        assert_eq!(
            schedule["finish"], "2026-12-18T17:00",
            "the finish counts it"
        );
        assert_eq!(scheduled(&schedule, "LAUNCH-3")["critical"], false);
        assert_eq!(
            ana.get(&format!("{WS}/tasks/LAUNCH-1")).await.1["scheduling"],
            "scheduled",
            "linked work is the plan's"
        );

        // Linked into the plan, it is scheduled: after LAUNCH-3, its due
        // date a deadline it keeps.
        let (status, link) = ana
            .post(
                &format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-4", "type": "fs"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{link}");
        assert_eq!(
            ana.get(&format!("{WS}/tasks/LAUNCH-4")).await.1["scheduling"],
            "scheduled"
        );
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-4")["early_start"],
            "2026-11-26T08:00",
            "{schedule}"
        );
        assert_eq!(schedule["finish"], "2026-11-27T17:00");

        // Switched to dated by hand, it keeps its dates even so, and a link
        // it starts before is pointed out.
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-4"),
            json!({"scheduling": "dated", "start_date": "2026-11-24", "due_date": "2026-11-25"}),
        )
        .await;
        let (_, task) = ana.get(&format!("{WS}/tasks/LAUNCH-4")).await;
        assert_eq!(
            (&task["scheduling"], &task["scheduling_mode"]),
            (&json!("dated"), &json!("dated"))
        );
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        let row = scheduled(&schedule, "LAUNCH-4");
        assert_eq!(
            (&row["early_start"], &row["early_finish"]),
            (&json!("2026-11-24T08:00"), &json!("2026-11-25T17:00")),
            "its own start and due date, not its estimate: {schedule}"
        );
        assert!(
            schedule["warnings"].as_array().unwrap().iter().any(|w| w
                == "LAUNCH-4's dates, kept as given, put it before its link from LAUNCH-3 allows"),
            "{schedule}"
        );

        // Dated needs a date to keep: refused, naming the field, nothing
        // changed.
        let (status, problem) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-2"),
                json!({"scheduling": "dated"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "scheduling");
        let (status, problem) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-2"),
                json!({"scheduling": "sometimes"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "scheduling", "{problem}");
        let (_, two) = ana.get(&format!("{WS}/tasks/LAUNCH-2")).await;
        assert_eq!(two["scheduling_mode"], "auto");
        assert_eq!(two["version"], 1);

        // Back to the plan's dates by hand: a start date is then "start no
        // earlier than" and the due date a deadline.
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-4"),
            json!({"scheduling": "scheduled"}),
        )
        .await;
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-4")["early_start"],
            "2026-11-26T08:00"
        );
        assert!(
            schedule["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w == "LAUNCH-4 finishes after its due date"),
            "{schedule}"
        );
        server.stop().await;
    }
}
