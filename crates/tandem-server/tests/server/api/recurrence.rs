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
