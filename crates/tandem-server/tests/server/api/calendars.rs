//! Working calendars, holidays, part-time capacity and time off in the
//! schedule and in levelling.

use super::*;

#[tokio::test]
async fn a_project_calendar_with_holidays_moves_the_schedule() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        // A four-day week of 09:00-17:00 (eight hours, no lunch break).
        let day = "09:00-17:00";
        let (status, project) = ana
            .patch(
                &format!("{WS}/projects/LAUNCH"),
                json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00", "work_week": [day, day, day, day, "", "", ""]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{project}");
        assert_eq!(project["work_week"][4], "");
        assert_eq!(project["hours_per_day"], 8.0);
        // Wednesday the 25th is a holiday.
        let (status, holiday) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Founders' day", "start_date": "2026-11-25"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{holiday}");
        assert_eq!(holiday["end_date"], "2026-11-25");
        assert_eq!(holiday["hours"], "");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        // Monday, Tuesday, then Thursday: Wednesday is off.
        assert_eq!(
            scheduled(&schedule, "LAUNCH-1")["early_start"],
            "2026-11-23T09:00"
        );
        assert_eq!(
            scheduled(&schedule, "LAUNCH-2")["early_start"],
            "2026-11-24T09:00"
        );
        assert_eq!(
            scheduled(&schedule, "LAUNCH-3")["early_start"],
            "2026-11-26T09:00"
        );
        assert_eq!(schedule["finish"], "2026-11-26T17:00");

        // Thursday becomes a half day: LAUNCH-3 spills into Monday.
        let (status, short) = ana
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Short day", "start_date": "2026-11-26", "hours": "09:00-13:00"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{short}");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], "2026-11-30T13:00");
        let (_, list) = ana
            .get(&format!("{WS}/projects/LAUNCH/calendar/exceptions"))
            .await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/projects/LAUNCH/calendar/exceptions/{}", short["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], "2026-11-26T17:00");

        // Bad calendars are refused, each field named, and change nothing.
        let before = fingerprint(&ana).await;
        for (body, field) in [
            (json!({"work_week": [day, day]}), "work_week"),
            (
                json!({"work_week": [day, day, day, "9 to 5", "", "", ""]}),
                "work_week[3]",
            ),
            (
                json!({"work_week": ["", "", "", "", "", "", ""]}),
                "work_week",
            ),
            (json!({"hours_per_day": 0}), "hours_per_day"),
        ] {
            let (status, problem) = ana
                .patch(&format!("{WS}/projects/LAUNCH"), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        for (body, field) in [
            (json!({"name": "x"}), "start_date"),
            (json!({"start_date": "2026-12-24"}), "name"),
            (
                json!({"name": "x", "start_date": "2026-12-24", "end_date": "2026-12-20"}),
                "end_date",
            ),
            (
                json!({"name": "x", "start_date": "2026-12-24", "hours": "late"}),
                "hours",
            ),
            // Founders' day is the 25th: a day has one exception.
            (
                json!({"name": "Long weekend", "start_date": "2026-11-24", "end_date": "2026-11-27"}),
                "start_date",
            ),
        ] {
            let (status, problem) = ana
                .post(
                    &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                    body.clone(),
                )
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert!(
                problem["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["field"] == field),
                "{body} should name {field}: {problem}"
            );
        }
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .post(
                &format!("{WS}/projects/LAUNCH/calendar/exceptions"),
                json!({"name": "Mine", "start_date": "2026-12-01"}),
            )
            .await;
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/projects/LAUNCH/calendar/exceptions/99999"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(fingerprint(&ana).await, before);
        server.stop().await;
    }
}

#[tokio::test]
async fn part_time_capacity_and_time_off_shape_the_plan_and_levelling() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        ana.patch(
            &format!("{WS}/projects/LAUNCH"),
            json!({"start_date": "2026-11-23", "status_date": "2026-11-23T08:00"}),
        )
        .await;
        let (_, members) = ana.get(&format!("{WS}/members")).await;
        let id_of = |email: &str| {
            members
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["user"]["email"] == email)
                .unwrap()["user"]["id"]
                .as_i64()
                .unwrap()
        };
        let (mel_id, ada_id) = (id_of("mel@x.org"), id_of("ada@x.org"));
        assert_eq!(members[0]["capacity_hours"], 40.0);
        // LAUNCH-2 is eight hours of Mel's effort: a day at full time.
        ana.patch(
            &format!("{WS}/tasks/LAUNCH-2"),
            json!({"effort_hours": 8.0}),
        )
        .await;
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], "2026-11-25T17:00");

        // Mel goes half time: the effort takes two days.
        let (status, member) = mel
            .patch(
                &format!("{WS}/members/{mel_id}/availability"),
                json!({"capacity_hours": 20}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{member}");
        assert_eq!(member["capacity_hours"], 20.0);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(
            scheduled(&schedule, "LAUNCH-2")["early_finish"],
            "2026-11-25T17:00"
        );
        assert_eq!(schedule["finish"], "2026-11-26T17:00");

        // Mel is away on Tuesday and Wednesday: her work waits for her in
        // the plan itself, as on a resource calendar in Microsoft
        // Project, and levelling has nothing left to move.
        let (status, away) = mel
            .post(
                &format!("{WS}/members/{mel_id}/time-off"),
                json!({"start_date": "2026-11-24", "end_date": "2026-11-25", "note": "Conference"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{away}");
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        let l2 = scheduled(&schedule, "LAUNCH-2");
        assert_eq!(l2["early_start"], "2026-11-26T08:00", "{schedule}");
        assert_eq!(l2["early_finish"], "2026-11-27T17:00");
        assert_eq!(schedule["finish"], "2026-11-30T17:00");
        let (_, levelling) = ana.get(&format!("{WS}/projects/LAUNCH/levelling")).await;
        assert_eq!(levelling["delayed"], json!([]), "{levelling}");
        assert_eq!(levelling["finish_after"], "2026-11-30T17:00");
        let (_, list) = mel.get(&format!("{WS}/members/{mel_id}/time-off")).await;
        assert_eq!(list.as_array().unwrap().len(), 1);

        // Who may change whose availability, and bad input.
        let gus = Api::login(&server.base, "gus").await;
        let (status, _) = gus
            .patch(
                &format!("{WS}/members/{mel_id}/availability"),
                json!({"capacity_hours": 10}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = mel
            .post(
                &format!("{WS}/members/{ada_id}/time-off"),
                json!({"start_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = ana
            .post(
                &format!("{WS}/members/{ada_id}/time-off"),
                json!({"start_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "admins manage anyone's time off"
        );
        let before = ana.get(&format!("{WS}/members/{mel_id}/time-off")).await.1;
        for (path, body, field) in [
            (
                "availability",
                json!({"capacity_hours": 200}),
                "capacity_hours",
            ),
            ("availability", json!({}), "capacity_hours"),
            ("time-off", json!({"end_date": "2026-12-01"}), "start_date"),
            (
                "time-off",
                json!({"start_date": "2026-12-02", "end_date": "2026-12-01"}),
                "end_date",
            ),
        ] {
            let url = format!("{WS}/members/{mel_id}/{path}");
            let (status, problem) = if path == "availability" {
                mel.patch(&url, body.clone()).await
            } else {
                mel.post(&url, body.clone()).await
            };
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        }
        assert_eq!(
            ana.get(&format!("{WS}/members/{mel_id}/time-off")).await.1,
            before
        );
        let (_, other) = Api::login(&server.base, "zoe")
            .await
            .get("/api/v1/workspaces/other/members")
            .await;
        let zoe_id = other[0]["user"]["id"].as_i64().unwrap();
        let (status, _) = ana
            .post(
                &format!("{WS}/members/{zoe_id}/time-off"),
                json!({"start_date": "2026-12-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not a member here");

        let (status, _) = mel
            .call(
                Method::DELETE,
                &format!("{WS}/members/{mel_id}/time-off/{}", away["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
        assert_eq!(schedule["finish"], "2026-11-26T17:00", "back when she is");
        server.stop().await;
    }
}
