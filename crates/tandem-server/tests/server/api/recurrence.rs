//! Recurrence rules tried over the API: plain words and RRULE values, the
//! dates they give, landed on a project's working days, and refusals that
//! name the field.

use super::*;

#[tokio::test]
async fn a_rule_gives_its_dates_on_the_projects_working_days() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let preview = |query: &str| format!("{WS}/recurrences/preview?{query}");

        let (status, answer) = ana
            .get(&preview(
                "rule=monthly%20on%20the%20last%20fri&from=2027-01-01&count=3",
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["rule"], "FREQ=MONTHLY;BYDAY=-1FR");
        assert_eq!(answer["words"], "Every month on the last Fri");
        assert_eq!(
            answer["dates"],
            json!(["2027-01-29", "2027-02-26", "2027-03-26"])
        );

        // The 15th of each month on LAUNCH's working days: 15 February
        // 2027 is a holiday there, 15 May a Saturday.
        let (status, holiday) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Founders' day", "start_date": "2027-02-15"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{holiday}");
        let on_launch =
            "rule=FREQ%3DMONTHLY%3BBYMONTHDAY%3D15&from=2027-01-01&count=5&project=LAUNCH";
        let (status, moved) = ana
            .get(&preview(&format!("{on_launch}&landing=next_working_day")))
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(
            moved["dates"],
            json!([
                "2027-01-15",
                "2027-02-16",
                "2027-03-15",
                "2027-04-15",
                "2027-05-17"
            ])
        );
        let (_, skipped) = ana
            .get(&preview(&format!("{on_launch}&landing=skip")))
            .await;
        assert_eq!(
            skipped["dates"],
            json!([
                "2027-01-15",
                "2027-03-15",
                "2027-04-15",
                "2027-06-15",
                "2027-07-15"
            ])
        );

        // What is wrong is named, and what was not understood said.
        for (query, field, says) in [
            ("rule=every%20blue%20moon", "rule", "blue"),
            ("", "rule", "empty"),
            ("rule=daily&count=0", "count", "1 to 100"),
            ("rule=daily&from=soon", "from", "YYYY-MM-DD"),
            ("rule=daily&landing=sideways", "landing", "next_working_day"),
            ("rule=daily&colour=red", "colour", "unknown"),
        ] {
            let (status, problem) = ana.get(&preview(query)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
            assert!(
                problem["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains(says),
                "{query}: {problem}"
            );
        }
        let (status, _) = ana.get(&preview("rule=daily&project=NOPE")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_recurring_task_is_made_closed_into_its_next_and_ended() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        let before = fingerprint(&ana).await;
        // Refused, naming the field, and nothing made.
        for (body, field) in [
            (
                json!({"project": "LAUNCH", "title": "Drill", "repeat": {"rule": "weekly"}}),
                "due_date",
            ),
            (
                json!({"project": "LAUNCH", "title": "Drill", "due_date": "2027-01-04", "repeat": {"rule": "every blue moon"}}),
                "repeat.rule",
            ),
            (
                json!({"project": "LAUNCH", "title": "Drill", "due_date": "2027-01-04", "repeat": {}}),
                "repeat.rule",
            ),
            (
                json!({"project": "LAUNCH", "title": "Drill", "due_date": "2027-01-04", "repeat": {"rule": "weekly", "mode": "often"}}),
                "repeat.mode",
            ),
            (
                json!({"project": "LAUNCH", "title": "Drill", "due_date": "2027-01-04", "repeat": {"rule": "weekly", "reuse": "twice"}}),
                "repeat.reuse",
            ),
            (
                json!({"project": "LAUNCH", "title": "Drill", "due_date": "2027-01-04", "repeat": {"rule": "weekly", "colour": "red"}}),
                "repeat",
            ),
        ] {
            let (status, problem) = ana.post(&format!("{WS}/tasks"), body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(
                problem["errors"].to_string().contains(field),
                "{body}: {problem}"
            );
        }
        assert_eq!(fingerprint(&ana).await, before);

        let (status, drill) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "Drill", "due_date": "2027-01-04",
                       "repeat": {"rule": "first monday of each month", "landing": "next_working_day"}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{drill}");
        assert_eq!(drill["recurrence"]["rule"], "FREQ=MONTHLY;BYDAY=1MO");
        assert_eq!(drill["recurrence"]["words"], "Every month on the first Mon");
        assert_eq!(drill["recurrence"]["mode"], "schedule");
        assert_eq!(drill["recurrence"]["starts_on"], "2027-01-04");
        let key = drill["key"].as_str().unwrap().to_string();
        let (_, shown) = ana.get(&format!("{WS}/tasks/{key}")).await;
        assert_eq!(shown["recurrence"]["id"], drill["recurrence"]["id"]);
        // Lists leave the series out.
        let (_, page) = ana.get(&format!("{WS}/tasks?project=LAUNCH&q=drill")).await;
        assert!(page["tasks"][0].get("recurrence").is_none(), "{page}");

        // Done: the next occurrence is a task of its own.
        let (status, _) = ana
            .patch(&format!("{WS}/tasks/{key}"), json!({"status": "done"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, page) = ana
            .get(&format!("{WS}/tasks?project=LAUNCH&q=drill&status=todo"))
            .await;
        let open = page["tasks"].as_array().unwrap();
        assert_eq!(open.len(), 1, "{page}");
        assert_eq!(open[0]["due_date"], "2027-02-01");
        let next = open[0]["key"].as_str().unwrap().to_string();
        assert_ne!(next, key);

        // Changed from the next occurrence on: the one made stays, the one
        // after follows the new rule; what is left out stays.
        let change = format!("{WS}/tasks/{next}/repeat");
        let (status, changed) = ana
            .patch(&change, json!({"rule": "every 2 weeks on mon"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["rule"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO");
        assert_eq!(changed["starts_on"], "2027-02-01");
        assert_eq!(changed["landing"], "next_working_day");
        let (status, problem) = ana.patch(&change, json!({"mode": "sometimes"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "repeat.mode", "{problem}");
        let (status, _) = ana
            .patch(&format!("{WS}/tasks/{next}"), json!({"status": "done"}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, page) = ana
            .get(&format!("{WS}/tasks?project=LAUNCH&q=drill&status=todo"))
            .await;
        assert_eq!(page["tasks"][0]["due_date"], "2027-02-15", "{page}");
        let next = page["tasks"][0]["key"].as_str().unwrap().to_string();
        let (status, _) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-2/repeat"),
                json!({"rule": "daily"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A guest may not end it; the owner may, once it repeats.
        let end = |k: &str| format!("{WS}/tasks/{k}/repeat/end");
        let (status, _) = gus.post(&end(&next), json!(null)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, ended) = ana.post(&end(&next), json!(null)).await;
        assert_eq!(status, StatusCode::OK, "{ended}");
        assert_eq!(ended["ended"], true);
        let (status, _) = ana
            .patch(
                &format!("{WS}/tasks/{next}/repeat"),
                json!({"rule": "daily"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = ana.post(&end("LAUNCH-1"), json!(null)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A task made to repeat later: from its due date, once.
        let start = format!("{WS}/tasks/LAUNCH-1/repeat");
        ana.patch(&format!("{WS}/tasks/LAUNCH-1"), json!({"due_date": null}))
            .await;
        let (status, problem) = ana.post(&start, json!({"rule": "weekly"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "due_date", "{problem}");
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-1"),
            json!({"due_date": "2027-03-01"}),
        )
        .await;
        let (status, started) = ana
            .post(&start, json!({"rule": "weekly", "reuse": "reopen"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{started}");
        assert_eq!(started["starts_on"], "2027-03-01");
        assert_eq!(started["reuse"], "reopen");
        let (status, _) = ana.post(&start, json!({"rule": "weekly"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = gus.post(&start, json!({"rule": "weekly"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        ana.patch(&format!("{WS}/tasks/{next}"), json!({"status": "done"}))
            .await;
        let (_, page) = ana
            .get(&format!("{WS}/tasks?project=LAUNCH&q=drill&status=todo"))
            .await;
        assert!(page["tasks"].as_array().unwrap().is_empty(), "{page}");
    }
}
