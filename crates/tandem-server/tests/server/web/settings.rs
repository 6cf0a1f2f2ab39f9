//! A project set up and changed through its settings page's forms: every
//! field of the project, its phases in order, milestones, stakeholders,
//! risks, and deleting it behind a typed confirmation. Each refused form
//! changes nothing.

use super::*;

/// A JSON list at `path` as (id, field) pairs, in the order served.
async fn ids_and(ana: &Browser, path: &str, field: &str) -> Vec<(i64, Value)> {
    let list: Value = ana
        .get(&format!("/api/v1/workspaces/demo{path}"))
        .await
        .json()
        .await
        .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| (item["id"].as_i64().unwrap(), item[field].clone()))
        .collect()
}

async fn project(ana: &Browser, key: &str) -> Value {
    ana.get(&format!("/api/v1/workspaces/demo/projects/{key}"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_project_is_set_up_and_changed_from_its_settings_page() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;

    // A new project with every field the form has.
    let (status, _) = ana
        .post(
            "/w/demo/projects",
            "name=Data+centre+move&key=dcm&objective=Out+by+March&scope_in=Servers&scope_out=Desks\
             &owner=ben%40demo.tandem&stage=planning&status=proposed&start_date=2027-01-04\
             &target_date=2027-03-31&budget=25000",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let dcm = project(&ana, "DCM").await;
    assert_eq!(dcm["owner"]["email"], "ben@demo.tandem");
    assert_eq!(dcm["stage"], "planning");
    assert_eq!(dcm["status"], "proposed");
    assert_eq!(dcm["scope_out"], "Desks");
    assert_eq!(dcm["budget"], 25000.0);
    assert_eq!(dcm["ongoing"], false);

    // The settings page shows the fields as stored, and saves them all.
    let page = ana
        .get("/w/demo/p/DCM/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"value="Data centre move""#), "{page}");
    assert!(
        page.contains(r#"<option value="planning" selected>"#),
        "{page}"
    );
    let form = format!(
        "version={}&name=Data+centre+exit&objective=&scope_in=Servers+and+racks&scope_out=Desks\
         &owner=&stage=execution&status=on_hold&start_date=2027-01-04&target_date=&budget=&ongoing=true\
         &status_date=2027-01-15T17%3A00",
        dcm["version"]
    );
    let (status, _) = ana.post("/w/demo/p/DCM/settings", &form, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let changed = project(&ana, "DCM").await;
    assert_eq!(changed["name"], "Data centre exit");
    assert_eq!(changed["objective"], Value::Null);
    assert_eq!(changed["owner"], Value::Null);
    assert_eq!(changed["status"], "on_hold");
    assert_eq!(changed["budget"], Value::Null);
    assert_eq!(changed["target_date"], Value::Null);
    assert_eq!(changed["ongoing"], true);
    assert_eq!(changed["status_date"], "2027-01-15T17:00");
    let page = ana
        .get("/w/demo/p/DCM/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"value="2027-01-15T17:00""#), "{page}");
    // The same form again, from the version it was drawn at: refused.
    let (status, page) = ana.post("/w/demo/p/DCM/settings", &form, &[]).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert!(page.contains("changed this since you opened it"), "{page}");
    // Unticking "ongoing" is a change too (an unticked box sends nothing).
    let form = format!("version={}&name=Data+centre+exit", changed["version"]);
    let (status, _) = ana.post("/w/demo/p/DCM/settings", &form, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(project(&ana, "DCM").await["ongoing"], false);

    // The calendar: a working week (Saturday mornings too), a holiday.
    let version = project(&ana, "DCM").await["version"].clone();
    let form_of = |days: &[&str]| -> String {
        days.iter()
            .map(|d| format!("work_week={}", d.replace(' ', "+")))
            .collect::<Vec<_>>()
            .join("&")
    };
    let day = "08:00-12:00 13:00-17:00";
    let week = form_of(&[
        day,
        day,
        day,
        day,
        "08:00-12:00 13:00-16:00",
        "09:00-13:00",
        "",
    ]);
    let (status, page) = ana
        .post(
            "/w/demo/p/DCM/calendar",
            &format!(
                "version={version}&{}&hours_per_day=7.5",
                form_of(&["9-5", day, day, day, day, "", ""])
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not like 08:00-12:00"), "{page}");
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/calendar",
            &format!("version={version}&{week}&hours_per_day=7.5"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let planned = project(&ana, "DCM").await;
    assert_eq!(planned["work_week"][5], "09:00-13:00", "{planned}");
    assert_eq!(planned["work_week"][6], "", "{planned}");
    assert_eq!(planned["hours_per_day"], 7.5);
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/calendar/exceptions",
            "name=Move+day&start_date=2027-02-12&end_date=2027-02-12&hours=",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A day has one exception: the form says which one has it.
    let (status, page) = ana
        .post(
            "/w/demo/p/DCM/calendar/exceptions",
            "name=Long+weekend&start_date=2027-02-11&end_date=2027-02-14&hours=",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Move day"), "{page}");
    let holidays = ids_and(&ana, "/projects/DCM/calendar/exceptions", "name").await;
    assert_eq!(holidays.len(), 1);
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/calendar/exceptions/{}/delete", holidays[0].0),
            "",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        ids_and(&ana, "/projects/DCM/calendar/exceptions", "name")
            .await
            .is_empty()
    );

    // Phases: added last, reordered in one write, renamed, deleted.
    for name in ["Plan", "Move", "Check"] {
        let (status, _) = ana
            .post("/w/demo/p/DCM/phases", &format!("name={name}"), &[])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let phases = ids_and(&ana, "/projects/DCM/phases", "name").await;
    let names: Vec<&Value> = phases.iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["Plan", "Move", "Check"]);
    let (plan, moving, check) = (phases[0].0, phases[1].0, phases[2].0);
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/phases/order",
            &format!("phases={check}&phases={plan}&phases={moving}"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let order = ids_and(&ana, "/projects/DCM/phases", "position").await;
    assert_eq!(
        order,
        [(check, 1.into()), (plan, 2.into()), (moving, 3.into())]
    );
    // An order that leaves a phase out is refused whole.
    let (status, page) = ana
        .post(
            "/w/demo/p/DCM/phases/order",
            &format!("phases={plan}&phases={check}"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("phases"), "{page}");
    assert_eq!(
        ids_and(&ana, "/projects/DCM/phases", "position").await,
        order
    );
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/phases/{check}"),
            "version=2&name=Verify&start_date=2027-03-01&end_date=2027-03-12",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Ends before it starts: refused, nothing changes.
    let (status, page) = ana
        .post(
            &format!("/w/demo/p/DCM/phases/{check}"),
            "version=3&name=Verify&start_date=2027-03-12&end_date=2027-03-01",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("End date must not be before start date."),
        "{page}"
    );
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/phases/{plan}/delete"),
            "version=2",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let phases = ids_and(&ana, "/projects/DCM/phases", "name").await;
    assert_eq!(phases, [(check, "Verify".into()), (moving, "Move".into())]);

    // Milestones: added in a phase, changed, deleted.
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/milestones",
            &format!("name=Racks+out&date=2027-02-26&phase_id={moving}"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let gate = ids_and(&ana, "/projects/DCM/milestones", "phase_id").await;
    assert_eq!(gate.len(), 1);
    assert_eq!(gate[0].1, moving);
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/milestones/{}", gate[0].0),
            "version=1&name=Racks+out&date=2027-03-05&phase_id=&description=All+racks",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let gate_now = ids_and(&ana, "/projects/DCM/milestones", "date").await;
    assert_eq!(gate_now[0].1, "2027-03-05");
    assert_eq!(
        ids_and(&ana, "/projects/DCM/milestones", "phase_id").await[0].1,
        Value::Null
    );

    // A second milestone goes last, and is moved first with its button's
    // order; an order that leaves one out is refused whole.
    let (status, _) = ana
        .post("/w/demo/p/DCM/milestones", "name=Cutover", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let racks = gate[0].0;
    let cutover = ids_and(&ana, "/projects/DCM/milestones", "name").await[1].0;
    let page = ana
        .get("/w/demo/p/DCM/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("aria-label=\"Move Cutover up\""), "{page}");
    assert!(
        page.contains("aria-label=\"Move Racks out down\""),
        "{page}"
    );
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/milestones/order",
            &format!("milestones={cutover}&milestones={racks}"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let order = ids_and(&ana, "/projects/DCM/milestones", "position").await;
    assert_eq!(order, [(cutover, 1.into()), (racks, 2.into())]);
    let (status, page) = ana
        .post(
            "/w/demo/p/DCM/milestones/order",
            &format!("milestones={racks}"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("milestones"), "{page}");
    assert_eq!(
        ids_and(&ana, "/projects/DCM/milestones", "position").await,
        order
    );
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/milestones/{cutover}/delete"),
            "version=2",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Stakeholders: a member, someone outside, a new role, removed.
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/stakeholders",
            "member=ben%40demo.tandem&name=&email=&role=approver",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/stakeholders",
            "member=&name=Facilities+desk&email=facilities%40example.com&role=informed",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let people = ids_and(&ana, "/projects/DCM/stakeholders", "role").await;
    assert_eq!(people.len(), 2);
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/stakeholders/{}", people[1].0),
            "version=1&role=sponsor",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/stakeholders/{}/delete", people[0].0),
            "version=1",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        ids_and(&ana, "/projects/DCM/stakeholders", "role").await,
        [(people[1].0, "sponsor".into())]
    );

    // A risk: linked to a task and the milestone, then closed.
    let (status, _) = ana
        .post("/w/demo/tasks", "title=Book+the+van&project=DCM", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/risks",
            "title=Van+late&probability=3&impact=4",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let risk = ids_and(&ana, "/projects/DCM/risks", "version").await[0].0;
    let page = ana.get("/w/demo/p/DCM/risks").await.text().await.unwrap();
    assert!(
        page.contains(&format!("/w/demo/p/DCM/risks/{risk}")),
        "{page}"
    );
    let (status, _) = ana
        .post(
            &format!("/w/demo/p/DCM/risks/{risk}"),
            &format!(
                "version=1&title=Van+late&probability=2&impact=4&owner=ben%40demo.tandem\
                 &status=closed&mitigation=Second+van&tasks=DCM-1&milestones={}",
                gate[0].0
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let stored: Value = ana
        .get(&format!("/api/v1/workspaces/demo/risks/{risk}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["status"], "closed");
    assert_eq!(stored["tasks"][0]["key"], "DCM-1");
    assert_eq!(stored["milestones"][0], gate[0].0);
    assert_eq!(stored["owner"]["email"], "ben@demo.tandem");

    // Archiving: out of the projects list (API, page), back again; a
    // member may not.
    let chloe = Browser::sign_in(&server.base, "chloe@demo.tandem").await;
    let version = project(&ana, "DCM").await["version"].clone();
    let (status, _) = chloe
        .post("/w/demo/p/DCM/archive", &format!("version={version}"), &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ana
        .post("/w/demo/p/DCM/archive", &format!("version={version}"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let keys = |list: Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|p| p["key"].as_str().unwrap().to_string())
            .collect()
    };
    let listed = |query: &'static str| {
        let ana = &ana;
        async move {
            let list: Value = ana
                .get(&format!("/api/v1/workspaces/demo/projects{query}"))
                .await
                .json()
                .await
                .unwrap();
            keys(list)
        }
    };
    assert_eq!(listed("").await, ["LAUNCH", "OPS"]);
    assert_eq!(listed("?archived=true").await, ["DCM"]);
    assert_eq!(listed("?archived=any").await, ["DCM", "LAUNCH", "OPS"]);
    assert_eq!(
        ana.get("/api/v1/workspaces/demo/projects?archived=maybe")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let archived = project(&ana, "DCM").await;
    assert!(archived["archived_at"].is_string(), "{archived}");
    let page = ana.get("/w/demo/projects").await.text().await.unwrap();
    let (in_use, archived_part) = page.split_once("Archived projects").unwrap();
    assert!(!in_use.contains("/w/demo/p/DCM"), "{page}");
    assert!(archived_part.contains("/w/demo/p/DCM"), "{page}");
    // Its pages still open and say so.
    let overview = ana.get("/w/demo/p/DCM").await.text().await.unwrap();
    assert!(overview.contains("badge archived"), "{overview}");
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/unarchive",
            &format!("version={}", archived["version"]),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(project(&ana, "DCM").await["archived_at"], Value::Null);
    assert_eq!(listed("").await, ["DCM", "LAUNCH", "OPS"]);

    // Deleting: a member may not; the owner must type the key back.
    let version = project(&ana, "DCM").await["version"].clone();
    let (status, _) = chloe
        .post(
            "/w/demo/p/DCM/delete",
            &format!("version={version}&confirm=DCM"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let page = chloe
        .get("/w/demo/p/DCM/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Delete this project"), "{page}");
    let (status, page) = ana
        .post(
            "/w/demo/p/DCM/delete",
            &format!("version={version}&confirm=LAUNCH"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Type the project"), "{page}");
    assert_eq!(project(&ana, "DCM").await["name"], "Data centre exit");
    let (status, _) = ana
        .post(
            "/w/demo/p/DCM/delete",
            &format!("version={version}&confirm=dcm"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        ana.get("/api/v1/workspaces/demo/projects/DCM")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

/// The id and version of the demo member with `email`.
async fn member(ana: &Browser, email: &str) -> (i64, i64) {
    let members: Value = ana
        .get("/api/v1/workspaces/demo/members")
        .await
        .json()
        .await
        .unwrap();
    let m = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["email"] == email)
        .unwrap_or_else(|| panic!("{email} is not a member: {members}"));
    (
        m["user"]["id"].as_i64().unwrap(),
        m["version"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn the_workspace_settings_page_manages_people_and_tokens() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let chloe = Browser::sign_in(&server.base, "chloe@demo.tandem").await;
    let page = ana.get("/w/demo/settings").await.text().await.unwrap();
    assert!(page.contains("Invite someone"), "{page}");
    let page = chloe.get("/w/demo/settings").await.text().await.unwrap();
    assert!(!page.contains("Invite someone"), "a member invites nobody");

    // A token: shown once on the page it was made on, then it works, then
    // revoked it does not.
    let (status, page) = ana
        .post("/w/demo/settings/tokens", "name=laptop+CLI", &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let secret = page
        .split("value=\"tdm_")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|s| format!("tdm_{s}"))
        .unwrap_or_else(|| panic!("no token on the page: {page}"));
    let me = |token: String| {
        let base = server.base.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{base}/api/v1/me"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me(secret.clone()).await, StatusCode::OK);
    assert!(
        !ana.get("/w/demo/settings")
            .await
            .text()
            .await
            .unwrap()
            .contains(&secret),
        "the secret is shown once"
    );
    let tokens: Value = ana.get("/api/v1/tokens").await.json().await.unwrap();
    let id = tokens[0]["id"].as_i64().unwrap();
    let (status, _) = ana
        .post(&format!("/w/demo/settings/tokens/{id}/revoke"), "", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(me(secret).await, StatusCode::UNAUTHORIZED);

    // An invitation, then withdrawn; a member may do neither.
    let (status, _) = chloe
        .post(
            "/w/demo/members",
            "email=new%40example.com&role=member",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The page that answers shows the invitation's link, once.
    let (status, page) = ana
        .post(
            "/w/demo/members",
            "email=new%40example.com&role=member",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("/invitations/accept?token=tdi_") && page.contains("shown only now"),
        "{page}"
    );
    let again = ana.get("/w/demo/settings").await.text().await.unwrap();
    assert!(!again.contains("/invitations/accept?token="), "shown once");
    let open: Value = ana
        .get("/api/v1/workspaces/demo/invitations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open[0]["email"], "new@example.com");
    let (status, _) = ana
        .post(
            &format!("/w/demo/invitations/{}/withdraw", open[0]["id"]),
            "",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let open: Value = ana
        .get("/api/v1/workspaces/demo/invitations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open, serde_json::json!([]));

    // A role, at the version the page showed.
    let (dev, version) = member(&ana, "dev@demo.tandem").await;
    let form = format!("version={version}&role=admin");
    let (status, _) = ana
        .post(&format!("/w/demo/members/{dev}"), &form, &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = ana
        .post(&format!("/w/demo/members/{dev}"), &form, &[])
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);

    // Hours and time off: one's own, not another's (for a member).
    let (me_chloe, version) = member(&ana, "chloe@demo.tandem").await;
    let (status, _) = chloe
        .post(
            &format!("/w/demo/members/{me_chloe}/hours"),
            &format!("version={version}&capacity_hours=24"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, dev_version) = member(&ana, "dev@demo.tandem").await;
    let (status, _) = chloe
        .post(
            &format!("/w/demo/members/{dev}/hours"),
            &format!("version={dev_version}&capacity_hours=1"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let time_off = |id: i64| {
        let ana = &ana;
        async move {
            let list: Value = ana
                .get(&format!("/api/v1/workspaces/demo/members/{id}/time-off"))
                .await
                .json()
                .await
                .unwrap();
            list
        }
    };
    let (status, page) = chloe
        .post(
            &format!("/w/demo/members/{me_chloe}/time-off"),
            "start_date=2027-01-08&end_date=2027-01-04",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("End date must not be before start date."),
        "{page}"
    );
    let before = time_off(me_chloe).await.as_array().unwrap().len();
    let (status, _) = chloe
        .post(
            &format!("/w/demo/members/{me_chloe}/time-off"),
            "start_date=2027-01-04&end_date=2027-01-08&note=Ski",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let away = time_off(me_chloe).await;
    assert_eq!(away.as_array().unwrap().len(), before + 1);
    let added = away
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["note"] == "Ski")
        .unwrap()["id"]
        .clone();
    let (status, _) = chloe
        .post(
            &format!("/w/demo/members/{me_chloe}/time-off/{added}/delete"),
            "",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(time_off(me_chloe).await.as_array().unwrap().len(), before);

    // Deactivating someone, their work kept and flagged; then back.
    let (eli, _) = member(&ana, "eli@demo.tandem").await;
    let (status, _) = ana
        .post(
            &format!("/w/demo/members/{eli}/deactivate"),
            "reassign_to=",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let members: Value = ana
        .get("/api/v1/workspaces/demo/members")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !members.to_string().contains("eli@demo.tandem"),
        "{members}"
    );
    let page = ana.get("/w/demo/settings").await.text().await.unwrap();
    let listed = page.find("h-deactivated").expect("a Deactivated section");
    assert!(page[listed..].contains("eli@demo.tandem"), "{page}");
    // Their work shows flagged, and its page keeps them as its owner.
    let hits: Value = ana
        .get("/api/v1/workspaces/demo/search?q=Landing+page+design&kind=task")
        .await
        .json()
        .await
        .unwrap();
    let key = hits[0]["key"].as_str().unwrap().to_string();
    let task_page = ana
        .get(&format!("/w/demo/t/{key}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(task_page.contains("no longer a member"), "{task_page}");
    assert!(
        task_page.contains(r#"<option value="eli@demo.tandem" selected>"#),
        "the owner is kept as it is: {task_page}"
    );
    let project = key.split('-').next().unwrap();
    let list = ana
        .get(&format!("/w/demo/p/{project}/list"))
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("no longer a member"), "{list}");
    let (status, _) = ana
        .post(&format!("/w/demo/members/{eli}/reactivate"), "", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let members: Value = ana
        .get("/api/v1/workspaces/demo/members")
        .await
        .json()
        .await
        .unwrap();
    assert!(members.to_string().contains("eli@demo.tandem"), "{members}");
    server.stop().await;
}

#[tokio::test]
async fn a_person_renames_themselves_changes_their_password_and_an_owner_the_workspace() {
    let server = Server::with_demo().await;
    let chloe = Browser::sign_in(&server.base, "chloe@demo.tandem").await;
    let elsewhere = Browser::sign_in(&server.base, "chloe@demo.tandem").await;
    let me = |browser: &Browser| {
        let http = browser.http.clone();
        let url = format!("{}/api/v1/me", server.base);
        let cookie = browser.cookie.clone();
        async move { http.get(url).header("cookie", cookie).send().await.unwrap() }
    };

    let (status, _) = chloe
        .post(
            "/w/demo/settings/profile",
            "name=Chlo%C3%A9+Martin-Roy",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let who: Value = me(&chloe).await.json().await.unwrap();
    assert_eq!(who["user"]["name"], "Chloé Martin-Roy");
    let (status, _) = chloe.post("/w/demo/settings/profile", "name=+", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The new password twice, and the current one right; else nothing.
    let new = "a-longer-secret";
    for (form, field) in [
        (
            format!(
                "current_password=tandem-demo&new_password={new}&new_password_again=other-secret"
            ),
            "New password again is not the same",
        ),
        (
            format!("current_password=wrong-one&new_password={new}&new_password_again={new}"),
            "is not your current password",
        ),
        (
            "current_password=tandem-demo&new_password=short&new_password_again=short".to_string(),
            "at least 8 characters",
        ),
    ] {
        let (status, page) = chloe.post("/w/demo/settings/password", &form, &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
        assert!(page.contains(field), "{form}: {page}");
    }
    assert_eq!(me(&elsewhere).await.status(), StatusCode::OK);
    let (status, _) = chloe
        .post(
            "/w/demo/settings/password",
            &format!("current_password=tandem-demo&new_password={new}&new_password_again={new}"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // This session goes on; the other one is over; the old password is.
    assert_eq!(me(&chloe).await.status(), StatusCode::OK);
    assert_eq!(me(&elsewhere).await.status(), StatusCode::UNAUTHORIZED);
    let sign_in = |password: &'static str| {
        let base = server.base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/auth/login"))
                .json(&serde_json::json!({"email": "chloe@demo.tandem", "password": password}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(sign_in("tandem-demo").await, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in("a-longer-secret").await, StatusCode::OK);

    // The workspace's name: owners and admins only; its address stays.
    let (status, _) = chloe
        .post("/w/demo/settings/workspace", "name=Chloe%27s+Co", &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let (status, _) = ana
        .post("/w/demo/settings/workspace", "name=Demo+Company", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let who: Value = me(&ana).await.json().await.unwrap();
    assert_eq!(who["workspaces"][0]["name"], "Demo Company", "{who}");
    assert_eq!(who["workspaces"][0]["slug"], "demo", "{who}");
    server.stop().await;
}

#[tokio::test]
async fn tasks_go_into_phases_from_the_list() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let page = ana.get("/w/demo/p/LAUNCH/list").await.text().await.unwrap();
    assert!(page.contains(r#"data-field="phase_id""#), "a phase column");
    assert!(page.contains(r#"name="bulk_phase""#), "a bulk phase");
    let phases = ids_and(&ana, "/projects/LAUNCH/phases", "name").await;
    let (phase, milestone) = (
        phases[1].0,
        ids_and(&ana, "/projects/LAUNCH/milestones", "name").await[0].0,
    );
    let ana = &ana;
    let form = |extra: String| async move {
        let (ten, eleven) = (ana.task("LAUNCH-10").await, ana.task("LAUNCH-11").await);
        format!(
            "sel=LAUNCH-10&v.LAUNCH-10={}&sel=LAUNCH-11&v.LAUNCH-11={}&{extra}",
            ten["version"], eleven["version"]
        )
    };
    let (status, page) = ana
        .post(
            "/w/demo/tasks/bulk",
            &form("bulk_phase=soon".into()).await,
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("LAUNCH-10: phase must"), "{page}");
    let (status, _) = ana
        .post(
            "/w/demo/tasks/bulk",
            &form(format!("bulk_phase={phase}&bulk_milestone={milestone}")).await,
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for key in ["LAUNCH-10", "LAUNCH-11"] {
        let task = ana.task(key).await;
        assert_eq!(task["phase_id"], phase, "{task}");
        assert_eq!(task["milestone_id"], milestone, "{task}");
    }
    let (status, _) = ana
        .post(
            "/w/demo/tasks/bulk",
            &form("bulk_phase=none".into()).await,
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(ana.task("LAUNCH-10").await["phase_id"], Value::Null);
    assert_eq!(ana.task("LAUNCH-10").await["milestone_id"], milestone);
    // A milestone column, edited in place as the phase is.
    let page = ana
        .get("/w/demo/p/LAUNCH/list?cols=milestone")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!(
            r#"data-field="milestone_id" data-value="{milestone}""#
        )),
        "{page}"
    );
    assert!(page.contains(r#"id="tpl-milestone_id""#), "{page}");
    server.stop().await;
}

#[tokio::test]
async fn baselines_the_forecast_and_levelling_from_the_plan_tab() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let text = |path: String| {
        let ana = &ana;
        async move {
            let response = ana.get(&path).await;
            (response.status(), response.text().await.unwrap())
        }
    };

    // A three-point estimate from the task page, and cleared again.
    let task = ana.task("LAUNCH-5").await;
    let (status, _) = ana
        .post(
            "/w/demo/t/LAUNCH-5",
            &format!(
                "version={}&title=Estimate&three_point.optimistic=2&three_point.likely=3&three_point.pessimistic=8",
                task["version"]
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let task = ana.task("LAUNCH-5").await;
    assert_eq!(
        task["three_point"],
        serde_json::json!({"optimistic": 2.0, "likely": 3.0, "pessimistic": 8.0})
    );
    let (status, page) = ana
        .post(
            "/w/demo/t/LAUNCH-5",
            &format!(
                "version={}&title=Estimate&three_point.optimistic=9&three_point.likely=3&three_point.pessimistic=8",
                task["version"]
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert_eq!(
        ana.task("LAUNCH-5").await["three_point"],
        task["three_point"]
    );

    // A baseline: saved, compared on the timeline, deleted.
    let (status, page) = text("/w/demo/p/LAUNCH/plan".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Save baseline"), "{page}");
    let (status, _) = ana
        .post("/w/demo/p/LAUNCH/baselines", "name=Signed+off", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let saved = ids_and(&ana, "/projects/LAUNCH/baselines", "name").await;
    let signed = saved
        .iter()
        .find(|(_, name)| name == "Signed off")
        .unwrap()
        .0;
    let (status, page) = text(format!("/w/demo/p/LAUNCH/timeline?baseline={signed}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("baseline Signed off"), "{page}");
    let (status, _) = text("/w/demo/p/LAUNCH/timeline?baseline=999999".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The same from the timeline itself: saved, chosen, deleted, each
    // coming back to the timeline.
    let (_, page) = text("/w/demo/p/LAUNCH/timeline".into()).await;
    assert!(page.contains(r#"id="tl-baseline-name""#), "{page}");
    let back = ana
        .posted_to(
            "/w/demo/p/LAUNCH/baselines",
            "name=From+the+timeline&back=timeline",
        )
        .await;
    assert_eq!(back, "/w/demo/p/LAUNCH/timeline");
    let from_timeline = ids_and(&ana, "/projects/LAUNCH/baselines", "name")
        .await
        .into_iter()
        .find(|(_, name)| name == "From the timeline")
        .unwrap()
        .0;
    let (_, page) = text(format!(
        "/w/demo/p/LAUNCH/timeline?baseline={from_timeline}"
    ))
    .await;
    assert!(
        page.contains(&format!(r#"<option value="{from_timeline}" selected>"#)),
        "{page}"
    );
    assert!(page.contains("Delete baseline From the timeline"), "{page}");
    let back = ana
        .posted_to(
            &format!("/w/demo/p/LAUNCH/baselines/{from_timeline}/delete"),
            "back=timeline",
        )
        .await;
    assert_eq!(back, "/w/demo/p/LAUNCH/timeline");
    assert!(
        !ids_and(&ana, "/projects/LAUNCH/baselines", "name")
            .await
            .iter()
            .any(|(id, _)| *id == from_timeline)
    );

    // The forecast and the levelling preview, when asked for.
    let (status, page) = text("/w/demo/p/LAUNCH/plan?runs=200".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("P80") && page.contains("Most often critical"),
        "{page}"
    );
    let (status, page) = text("/w/demo/p/LAUNCH/plan?level=1".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Finish levelled"), "{page}");
    let (status, page) = ana.post("/w/demo/p/LAUNCH/plan/level", "", &[]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Levelling applied"), "{page}");
    // What it delayed stands, with its undo, on the result and the plan.
    assert!(page.contains("Undo levelling"), "{page}");
    let (_, plan) = text("/w/demo/p/LAUNCH/plan".into()).await;
    assert!(plan.contains("Undo levelling"), "{plan}");
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    let (status, _) = gwen.post("/w/demo/p/LAUNCH/plan/level", "", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = gwen.post("/w/demo/p/LAUNCH/plan/level/undo", "", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ana.post("/w/demo/p/LAUNCH/plan/level/undo", "", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, plan) = text("/w/demo/p/LAUNCH/plan".into()).await;
    assert!(!plan.contains("Undo levelling"), "{plan}");
    // Twice is refused, in words.
    let (status, page) = ana.post("/w/demo/p/LAUNCH/plan/level/undo", "", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("taken back already"), "{page}");
    // Levelled again and cleared from the page: no delay is left, and the
    // clearing is the levelling an undo takes back.
    let (status, _) = ana.post("/w/demo/p/LAUNCH/plan/level", "", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(plan_delays(&ana).await > 0);
    assert!(
        text("/w/demo/p/LAUNCH/plan".into())
            .await
            .1
            .contains("Clear levelling")
    );
    let (status, _) = gwen
        .post("/w/demo/p/LAUNCH/plan/level/clear", "", &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ana.post("/w/demo/p/LAUNCH/plan/level/clear", "", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(plan_delays(&ana).await, 0);
    let (status, _) = ana.post("/w/demo/p/LAUNCH/plan/level/undo", "", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(plan_delays(&ana).await > 0);

    let (status, _) = ana
        .post(
            &format!("/w/demo/p/LAUNCH/baselines/{signed}/delete"),
            "",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        !ids_and(&ana, "/projects/LAUNCH/baselines", "name")
            .await
            .iter()
            .any(|(id, _)| *id == signed)
    );
    server.stop().await;
}

/// How many of the launch's tasks have a levelling delay.
async fn plan_delays(ana: &Browser) -> usize {
    let page: Value = ana
        .get("/api/v1/workspaces/demo/tasks?project=LAUNCH&limit=500")
        .await
        .json()
        .await
        .unwrap();
    page["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["levelling_delay_hours"].as_f64() > Some(0.0))
        .count()
}
