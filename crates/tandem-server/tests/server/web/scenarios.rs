//! What-if scenarios through the pages, without a script: branched from
//! the plan page, a task and a link changed by form, the scenario's page
//! beside the plan, then applied; another discarded.

use super::*;

async fn estimate(ana: &Browser, key: &str) -> Value {
    let task: Value = ana
        .get(&format!("/api/v1/workspaces/demo/tasks/{key}"))
        .await
        .json()
        .await
        .unwrap();
    task["estimate_days"].clone()
}

#[tokio::test]
async fn a_scenario_is_branched_changed_and_applied_from_the_pages() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    let plan = ana.get("/w/demo/p/LAUNCH/plan").await.text().await.unwrap();
    assert!(plan.contains("What-if scenarios") && plan.contains("Branch the plan"));
    assert_eq!(
        ana.posted_to("/w/demo/p/LAUNCH/scenarios", "name=Late+vendor")
            .await,
        "/w/demo/p/LAUNCH/scenarios/Late%20vendor"
    );
    let before = estimate(&ana, "LAUNCH-9").await;
    assert_eq!(
        ana.posted_to(
            "/w/demo/p/LAUNCH/scenarios/Late%20vendor/tasks",
            "task=LAUNCH-9&estimate_days=20&start_date=&due_date=&owner="
        )
        .await,
        "/w/demo/p/LAUNCH/scenarios/Late%20vendor"
    );
    ana.posted_to(
        "/w/demo/p/LAUNCH/scenarios/Late%20vendor/links",
        "predecessor=LAUNCH-9&successor=LAUNCH-25&type=fs&lag_days=0",
    )
    .await;
    assert_eq!(
        estimate(&ana, "LAUNCH-9").await,
        before,
        "the plan is untouched"
    );
    // A bad form is refused, naming the field, and changes nothing.
    let (status, page) = ana
        .post(
            "/w/demo/p/LAUNCH/scenarios/Late%20vendor/tasks",
            "task=LAUNCH-9&estimate_days=soon",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Estimate must be a number of days"), "{page}");

    let page = ana
        .get("/w/demo/p/LAUNCH/scenarios/Late%20vendor")
        .await
        .text()
        .await
        .unwrap();
    for shown in [
        "Plan finishes",
        "Scenario finishes",
        "(later)",
        "estimate days 20",
        "With the link LAUNCH-9 → LAUNCH-25",
        "Critical path",
        "Open hours by person",
        "Apply to the plan",
    ] {
        assert!(page.contains(shown), "{shown} is not on the page");
    }
    let forecast = ana
        .get("/w/demo/p/LAUNCH/scenarios/Late%20vendor?runs=200")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        forecast.contains("P80") && forecast.contains("200 runs"),
        "{forecast}"
    );
    // Gwen, a guest, reads it and is offered no change.
    let seen = gwen
        .get("/w/demo/p/LAUNCH/scenarios/Late%20vendor")
        .await
        .text()
        .await
        .unwrap();
    assert!(seen.contains("Scenario finishes") && !seen.contains("Apply to the plan"));

    // The page's version goes with the form: what it showed is applied.
    let listed: Value = ana
        .get("/api/v1/workspaces/demo/projects/LAUNCH/scenarios")
        .await
        .json()
        .await
        .unwrap();
    let version = listed[0]["version"].as_i64().unwrap();
    let page_url = format!("{}/w/demo/p/LAUNCH/scenarios/Late%20vendor", server.base);
    let (status, page) = ana
        .post(
            "/w/demo/p/LAUNCH/scenarios/Late%20vendor/apply",
            &format!("version={}", version - 1),
            &[("referer", page_url.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    // The refusal leads back to the page the form was on.
    assert!(
        page.contains(r#"<a href="/w/demo/p/LAUNCH/scenarios/Late%20vendor">Back to the page</a>"#),
        "{page}"
    );
    assert_eq!(
        ana.posted_to(
            "/w/demo/p/LAUNCH/scenarios/Late%20vendor/apply",
            &format!("version={version}")
        )
        .await,
        "/w/demo/p/LAUNCH/plan#h-scenarios"
    );
    assert_eq!(estimate(&ana, "LAUNCH-9").await, serde_json::json!(20.0));

    // Another scenario: its calendar and levelling, from the page.
    ana.posted_to("/w/demo/p/LAUNCH/scenarios", "name=Spare")
        .await;
    let spare = "/w/demo/p/LAUNCH/scenarios/Spare";
    let page = ana.get(spare).await.text().await.unwrap();
    for shown in [
        "Calendar in the scenario",
        "Set the week in the scenario",
        "Add in the scenario",
        "Level the scenario",
    ] {
        assert!(page.contains(shown), "{shown} is not on the page");
    }
    let week = "day0=09:00-17:00&day1=09:00-17:00&day2=09:00-17:00&day3=09:00-17:00\
                &day4=&day5=&day6=&hours_per_day=8";
    assert_eq!(
        ana.posted_to(&format!("{spare}/calendar/week"), week).await,
        format!("{spare}#h-sc-calendar")
    );
    ana.posted_to(
        &format!("{spare}/calendar/exceptions"),
        "name=Offsite&start_date=2027-01-05&end_date=&hours=",
    )
    .await;
    let (status, page) = ana
        .post(
            &format!("{spare}/calendar/exceptions"),
            "name=Backwards&start_date=2027-01-05&end_date=2027-01-01",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    ana.posted_to(&format!("{spare}/levelling"), "").await;
    // A task the scenario changes, deleted from its page: the scenario's
    // page says what went with it.
    ana.posted_to(
        &format!("{spare}/tasks"),
        "task=LAUNCH-40&estimate_days=3&start_date=&due_date=&owner=",
    )
    .await;
    let gone: Value = ana
        .get("/api/v1/workspaces/demo/tasks/LAUNCH-40")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        ana.posted_to(
            "/w/demo/t/LAUNCH-40/delete",
            &format!("version={}", gone["version"])
        )
        .await,
        "/w/demo/p/LAUNCH/list"
    );
    // Everyone's work costed at 80 an hour, from the members' page: the
    // scenario's cost shows beside the plan's.
    let members: Value = ana
        .get("/api/v1/workspaces/demo/members")
        .await
        .json()
        .await
        .unwrap();
    for m in members.as_array().unwrap() {
        assert_eq!(
            ana.posted_to(
                &format!("/w/demo/members/{}/rate", m["user"]["id"]),
                &format!("version={}&cost_rate=80", m["version"])
            )
            .await,
            format!("/w/demo/settings#member-{}", m["user"]["id"])
        );
    }
    let settings = ana.get("/w/demo/settings").await.text().await.unwrap();
    assert!(settings.contains("Cost an hour"), "{settings}");
    let gwen_sees = gwen.get("/w/demo/settings").await.text().await.unwrap();
    assert!(!gwen_sees.contains("Cost an hour"));
    let page = ana.get(spare).await.text().await.unwrap();
    for shown in [
        "Working week: Mon 09:00-17:00",
        "Fri off",
        "With Offsite (2027-01-05, no work)",
        "The plan's week again",
        "Plan costs",
        "Scenario costs",
        "LAUNCH-40 (estimate days): lost, deleted from the plan on",
        // Four days a week, work misses due dates the plan meets.
        "Warned of in the scenario, not in the plan",
        "finishes after its due date</li>",
    ] {
        assert!(page.contains(shown), "{shown} is not on the page");
    }
    let project: Value = ana
        .get("/api/v1/workspaces/demo/projects/LAUNCH")
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(project["work_week"][4], "", "the plan still works Fridays");
    // The plan changes what the scenario changes: the page says so.
    let plan_week: Vec<String> = project["work_week"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, d)| {
            // The plan works Saturday mornings now.
            let d = if i == 5 {
                "09:00-13:00"
            } else {
                d.as_str().unwrap()
            };
            format!("work_week={}", d.replace(' ', "+"))
        })
        .collect();
    ana.posted_to(
        "/w/demo/p/LAUNCH/calendar",
        &format!(
            "version={}&{}&hours_per_day=7.5",
            project["version"],
            plan_week.join("&")
        ),
    )
    .await;
    let page = ana.get(spare).await.text().await.unwrap();
    assert!(
        page.contains("Applying is refused") && page.contains("working week: the plan changed"),
        "{page}"
    );
    ana.posted_to(&format!("{spare}/delete"), "").await;
    let plan = ana.get("/w/demo/p/LAUNCH/plan").await.text().await.unwrap();
    assert!(
        !plan.contains("Spare") && !plan.contains("Late vendor"),
        "{plan}"
    );
    server.stop().await;
}
