//! Paging by due date: the task list's `sort=due` visits every task once,
//! first due first.

use super::*;

/// Mel's work: open and closed, dated (several on a day) and undated,
/// in a project and personal. Returns how many of it are open.
async fn mels_work(ana: &Api, mel: &Api) -> usize {
    let mut open = 3; // the plan's three, undated
    for n in 0..26u32 {
        let due = (n % 4 != 0).then(|| format!("2026-11-{}", 10 + n % 9));
        let status = if n % 7 == 3 { "done" } else { "todo" };
        if status == "todo" {
            open += 1;
        }
        let (who, body) = if n % 5 == 0 {
            (
                mel,
                json!({"title": format!("Mine {n}"), "owner": "mel@x.org"}),
            )
        } else {
            (
                ana,
                json!({"project": "LAUNCH", "title": format!("Work {n}"), "owner": "mel@x.org"}),
            )
        };
        let mut body = body;
        body["status"] = json!(status);
        if let Some(due) = due {
            body["due_date"] = json!(due);
        }
        let (status, answer) = who.post(&format!("{WS}/tasks"), body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    // Someone else's.
    let (status, _) = ana
        .post(
            &format!("{WS}/tasks"),
            json!({"project": "LAUNCH", "title": "Ana's", "owner": "ana@x.org", "due_date": "2026-11-12"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    open
}

fn due_and_id(task: &Value) -> (bool, String, i64) {
    let due = task["due_date"].as_str().map(str::to_string);
    (
        due.is_none(),
        due.unwrap_or_default(),
        task["id"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn the_task_list_by_due_date_visits_every_open_task_once_in_order() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        let open = mels_work(&ana, &mel).await;

        let (_, all) = mel
            .get(&format!("{WS}/tasks?owner=me&open=true&limit=500"))
            .await;
        let mut expected: Vec<_> = all["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(due_and_id)
            .collect();
        assert_eq!(expected.len(), open);
        expected.sort();

        for limit in [1, 3, 5] {
            let mut seen = Vec::new();
            let mut cursor = String::new();
            loop {
                let (status, page) = mel
                    .get(&format!(
                        "{WS}/tasks?owner=me&open=true&sort=due&limit={limit}&cursor={cursor}"
                    ))
                    .await;
                assert_eq!(status, StatusCode::OK, "{page}");
                let tasks = page["tasks"].as_array().unwrap();
                assert!(tasks.len() <= limit);
                seen.extend(tasks.iter().map(due_and_id));
                match page["next_cursor"].as_str() {
                    Some(next) => cursor = next.to_string(),
                    None => break,
                }
            }
            // Every open task once, in (due date, id) order, undated last.
            assert_eq!(seen, expected, "limit {limit}");
        }

        // A cursor is of its order: an id cursor is not a due one, nor
        // the reverse; bad values name their field and change nothing.
        let before = fingerprint(&ana).await;
        let (_, by_id) = mel.get(&format!("{WS}/tasks?limit=1")).await;
        let id_cursor = by_id["next_cursor"].as_str().unwrap();
        for (query, field) in [
            (format!("sort=due&cursor={id_cursor}"), "cursor"),
            ("sort=id&cursor=2026-11-12.1f".to_string(), "cursor"),
            ("sort=due&cursor=2026-13-01.1".to_string(), "cursor"),
            ("sort=colour".to_string(), "sort"),
        ] {
            let (status, problem) = mel.get(&format!("{WS}/tasks?{query}")).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        }
        assert_eq!(fingerprint(&ana).await, before);

        // The parameter is documented, with its values.
        let (_, doc) = mel.get("/api/v1/openapi.json").await;
        let params = doc["paths"]["/api/v1/workspaces/{ws}/tasks"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let sort = params.iter().find(|p| p["name"] == "sort").unwrap();
        assert!(sort.to_string().contains("\"due\""), "{sort}");
        server.stop().await;
    }
}
