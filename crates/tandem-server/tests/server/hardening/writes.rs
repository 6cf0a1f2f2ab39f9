//! Writes under contention, cross-site writes, and nonsense input: refused
//! naming the field, changing nothing.

use super::*;

#[tokio::test]
async fn patch_without_if_match_applies_every_write_under_contention() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let (_, before) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        let start_version = before["version"].as_i64().unwrap();
        // On PostgreSQL every other client writes through a second node.
        let second = second_node(&url).await;
        let clients = 20;
        let each = 10;
        let mut writers = Vec::new();
        for client in 0..clients {
            let base = match &second {
                Some(node) if client % 2 == 1 => node.base.clone(),
                _ => ana.base.clone(),
            };
            let api = Api {
                http: reqwest::Client::new(),
                base,
                token: ana.token.clone(),
            };
            writers.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for n in 0..each {
                    let (status, body) = api
                        .patch(
                            &format!("{WS}/tasks/LAUNCH-1"),
                            json!({"description": format!("client {client} write {n}")}),
                        )
                        .await;
                    statuses.push((status, body.to_string()));
                }
                statuses
            }));
        }
        for writer in writers {
            for (status, body) in writer.await.unwrap() {
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
        let (_, after) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(
            after["version"].as_i64().unwrap(),
            start_version + clients * each,
            "every write applied, one version each"
        );
        if let Some(second) = second {
            second.stop().await;
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn deleting_while_linking_never_fails_and_always_deletes() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        // On PostgreSQL the links come through a second node.
        let second = second_node(&url).await;
        let linker = Api {
            http: reqwest::Client::new(),
            base: second.as_ref().map_or(ana.base.clone(), |s| s.base.clone()),
            token: ana.token.clone(),
        };
        for round in 0..200 {
            let task = created(
                &ana,
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": format!("Short-lived {round}")}),
            )
            .await;
            let key = task["key"].as_str().unwrap().to_string();
            let (links, task) = (format!("{WS}/dependencies"), format!("{WS}/tasks/{key}"));
            let (link, delete) = tokio::join!(
                linker.post(&links, json!({"predecessor": "LAUNCH-1", "successor": key})),
                ana.call(Method::DELETE, &task, None),
            );
            assert!(
                matches!(
                    link.0,
                    StatusCode::CREATED
                        | StatusCode::CONFLICT
                        | StatusCode::UNPROCESSABLE_ENTITY
                        | StatusCode::NOT_FOUND
                ),
                "round {round}: link answered {} {}",
                link.0,
                link.1
            );
            assert_eq!(
                delete.0,
                StatusCode::NO_CONTENT,
                "round {round}: {}",
                delete.1
            );
            let (status, _) = ana.get(&format!("{WS}/tasks/{key}")).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "round {round}: the task stayed"
            );
        }
        // The rescheduler's view agrees: no link to a deleted task.
        let (status, links) = ana.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(links.as_array().unwrap().len(), 2, "{links}");
        if let Some(second) = second {
            second.stop().await;
        }
        server.stop().await;
    }
}

async fn count_tasks(ana: &Api) -> usize {
    let (_, page) = ana.get(&format!("{WS}/tasks?limit=500")).await;
    page["tasks"].as_array().unwrap().len()
}

#[tokio::test]
async fn cross_site_writes_with_the_session_cookie_are_refused() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    let browser = Browser::sign_in(&server.base, "ana").await;
    let before = count_tasks(&ana).await;
    let body = r#"{"project": "LAUNCH", "title": "Planted"}"#;
    let tasks = format!("{WS}/tasks");
    let attempts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        // A content type a form may send without a preflight.
        (
            "text/plain with +json in a parameter",
            vec![
                ("origin", "http://evil.test"),
                ("content-type", "text/plain;charset=+json"),
            ],
        ),
        (
            "the same without Origin",
            vec![("content-type", "text/plain;charset=+json")],
        ),
        (
            "multipart",
            vec![
                ("origin", "http://evil.test"),
                ("content-type", "multipart/form-data; boundary=+json"),
            ],
        ),
        (
            "JSON from another site",
            vec![
                ("origin", "http://evil.test"),
                ("content-type", "application/json"),
            ],
        ),
        (
            "JSON the browser marks cross-site",
            vec![
                ("sec-fetch-site", "cross-site"),
                ("content-type", "application/json"),
            ],
        ),
    ];
    for (what, headers) in &attempts {
        let mut request = browser.request(Method::POST, &tasks).body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        assert!(
            matches!(
                status,
                StatusCode::FORBIDDEN | StatusCode::UNSUPPORTED_MEDIA_TYPE
            ),
            "{what}: {status}"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
    }
    // The plan import takes any body: only the origin can stop it.
    let response = browser
        .request(Method::POST, &format!("{WS}/imports/mspdi?key=EVIL"))
        .header("origin", "http://evil.test")
        .header("content-type", "text/plain")
        .body("<Project><Name>Evil</Name></Project>")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(count_tasks(&ana).await, before, "nothing was written");
    let (status, _) = ana.get(&format!("{WS}/projects/EVIL")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The app's own pages write with the cookie, and bearer tokens pass
    // whatever the origin says.
    let host = server.base.trim_start_matches("http://");
    let response = browser
        .request(Method::POST, &tasks)
        .header("origin", format!("http://{host}"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let (status, _) = ana
        .call_with(
            Method::POST,
            &tasks,
            Some(json!({"project": "LAUNCH", "title": "By token"})),
            &[("origin", "http://evil.test")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    server.stop().await;
}

#[tokio::test]
async fn nonsense_input_is_refused_naming_the_field_and_changes_nothing() {
    for url in databases().await {
        nonsense_is_refused(&url).await;
    }
}

async fn nonsense_is_refused(url: &str) {
    seed(url).await;
    let server = Server::start(url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    let before = fingerprint(&ana).await;
    let tasks = format!("{WS}/tasks");
    let cases: Vec<(&str, String, Value, &str)> = vec![
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "a\u{0}b"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "line\nbreak"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "\u{200B}\u{200D}"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "\u{202E}\u{2066}"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "Ok", "description": "x\u{1b}[2J"}),
            "description",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "Ok", "due_date": "-0001-01-01"}),
            "due_date",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "Ok", "start_date": "9999-12-31"}),
            "start_date",
        ),
        (
            "patch",
            format!("{WS}/tasks/LAUNCH-1"),
            json!({"due_date": "2200-01-01"}),
            "due_date",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/phases"),
            json!({"name": "P", "position": i64::MIN}),
            "position",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/phases"),
            json!({"name": "\u{0}"}),
            "name",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/milestones"),
            json!({"name": "M", "date": "0000-01-01"}),
            "date",
        ),
        (
            "post",
            format!("{WS}/dependencies"),
            json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-3", "lag_days": 5000, "lag_format": "percent"}),
            "lag_days",
        ),
        (
            "post",
            format!("{WS}/members"),
            json!({"email": "new\u{0}@x.org", "name": "New", "password": PASSWORD, "role": "member"}),
            "email",
        ),
        (
            "post",
            format!("{WS}/members"),
            json!({"email": "new@x.org", "name": "Ne\u{7f}w", "password": PASSWORD, "role": "member"}),
            "name",
        ),
        (
            "post",
            "/api/v1/tokens".into(),
            json!({"name": "ci\u{0}"}),
            "name",
        ),
        (
            "post",
            "/api/v1/workspaces".into(),
            json!({"slug": "evil", "name": "\u{FEFF}"}),
            "name",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/baselines"),
            json!({"name": "b\u{0}"}),
            "name",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/calendar/exceptions"),
            json!({"name": "Far", "start_date": "9999-01-01", "end_date": "9999-01-02"}),
            "start_date",
        ),
    ];
    for (method, path, body, field) in cases {
        let method: Method = method.to_uppercase().parse().unwrap();
        let (status, answer) = ana.call(method.clone(), &path, Some(body.clone())).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path} {body}: {answer}"
        );
        let fields: Vec<&str> = answer["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{body}: {answer}");
    }
    // A NUL anywhere in a body, a path or a query (PostgreSQL refuses the
    // byte in text: it must never get that far).
    let mel_id = member_id(&ana, "mel@x.org").await;
    let (status, answer) = ana
        .post(
            &format!("{WS}/members/{mel_id}/time-off"),
            json!({"start_date": "2027-01-04", "end_date": "2027-01-04", "note": "a\u{0}b"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["errors"][0]["field"], "note");
    for (path, expected) in [
        (format!("{WS}/tasks?search=%00"), StatusCode::BAD_REQUEST),
        (format!("{WS}/tasks?project=%00"), StatusCode::BAD_REQUEST),
        (
            "/api/v1/workspaces/ac%00me/members".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("{WS}/projects/LA%00/schedule"),
            StatusCode::NOT_FOUND,
        ),
        ("/w/acme/p/LA%00UNCH".into(), StatusCode::NOT_FOUND),
    ] {
        let (status, _) = ana.get(&path).await;
        assert_eq!(status, expected, "{path}");
    }
    // A plan file's lags are held to the same rules as a link's.
    for (lag, format) in [("50000", "19"), ("9223372036854775807", "7")] {
        let file = format!(
            "<Project><StartDate>2026-11-23T08:00:00</StartDate><Tasks>\
             <Task><UID>1</UID><ID>1</ID><Name>A</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration></Task>\
             <Task><UID>2</UID><ID>2</ID><Name>B</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\
             <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>{lag}</LinkLag><LagFormat>{format}</LagFormat></PredecessorLink></Task></Tasks></Project>"
        );
        let response = ana
            .http
            .post(format!("{}{WS}/imports/mspdi?key=LAGS", ana.base))
            .bearer_auth(ana.token.as_ref().unwrap())
            .header("content-type", "application/xml")
            .body(file)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "lag {lag}"
        );
        let problem: Value = response.json().await.unwrap();
        assert!(problem.to_string().contains("lag"), "{problem}");
    }
    assert_eq!(fingerprint(&ana).await, before, "nothing was written");
    let (_, tokens) = ana.get("/api/v1/tokens").await;
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn dates_beyond_the_schedule_are_warned_about() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    // Within what is accepted, but past the sixty years a schedule covers.
    let (status, body) = ana
        .patch(
            &format!("{WS}/tasks/LAUNCH-3"),
            json!({"start_date": "2150-06-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
    assert_eq!(status, StatusCode::OK);
    let warnings = schedule["warnings"].to_string();
    assert!(warnings.contains("LAUNCH-3's dates run past"), "{schedule}");
    server.stop().await;
}
