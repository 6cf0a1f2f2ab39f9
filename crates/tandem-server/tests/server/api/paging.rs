//! Paging by due date: the task list's `sort=due` visits every task once,
//! first due first, and My Work counts each bucket whole and pages it; and
//! a project's schedule pages by task, full and compact.

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
        assert!(
            doc["paths"]["/api/v1/workspaces/{ws}/my-work"]["get"].is_object(),
            "My Work is documented"
        );
        server.stop().await;
    }
}

/// Every other order pages through the same tasks, each in its order;
/// titles with any characters survive the cursor's trip through a URL.
#[tokio::test]
async fn every_sort_of_the_task_list_pages_through_every_task_once() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        mels_work(&ana, &mel).await;
        for (n, title) in ["Zebra & co", "ärger?", "a+b=c", "Zebra & co", "#1 / 100%"]
            .iter()
            .enumerate()
        {
            let priority = ["urgent", "low", "none", "high", "medium"][n];
            let (status, answer) = ana
                .post(
                    &format!("{WS}/tasks"),
                    json!({"project": "LAUNCH", "title": title, "priority": priority}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{answer}");
        }
        let (_, all) = ana.get(&format!("{WS}/tasks?limit=500")).await;
        let all = all["tasks"].as_array().unwrap().clone();
        let ids = |tasks: &[Value]| {
            let mut ids: Vec<i64> = tasks.iter().map(|t| t["id"].as_i64().unwrap()).collect();
            ids.sort();
            ids
        };
        let priorities = ["urgent", "high", "medium", "low", "none"];
        for sort in ["start", "priority", "status", "title", "owner", "board"] {
            let mut seen: Vec<Value> = Vec::new();
            let mut cursor = String::new();
            loop {
                let (status, page) = ana
                    .get(&format!(
                        // The cursor is URL-safe as it comes.
                        "{WS}/tasks?sort={sort}&limit=2&cursor={cursor}"
                    ))
                    .await;
                assert_eq!(status, StatusCode::OK, "{sort}: {page}");
                seen.extend(page["tasks"].as_array().unwrap().iter().cloned());
                match page["next_cursor"].as_str() {
                    Some(next) => cursor = next.to_string(),
                    None => break,
                }
            }
            assert_eq!(ids(&seen), ids(&all), "{sort}: every task once");
            if sort == "priority" {
                let places: Vec<usize> = seen
                    .iter()
                    .map(|t| priorities.iter().position(|p| t["priority"] == *p).unwrap())
                    .collect();
                assert!(places.is_sorted(), "{sort}: {places:?}");
            }
        }
        let (status, problem) = ana
            .get(&format!("{WS}/tasks?sort=title&cursor=xzz.1"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "cursor");
        server.stop().await;
    }
}

#[tokio::test]
async fn my_work_counts_every_bucket_and_pages_each_one() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        plan(&ana).await;
        let open = mels_work(&ana, &mel).await;

        // 2026-11-14 is a Saturday: overdue before it, this week is Sunday
        // the 15th, later from the 16th on and undated.
        let today = "2026-11-14";
        let (status, work) = mel
            .get(&format!("{WS}/my-work?today={today}&limit=2"))
            .await;
        assert_eq!(status, StatusCode::OK, "{work}");
        assert_eq!(work["today"], today);
        let buckets = work["buckets"].as_array().unwrap();
        let names: Vec<&str> = buckets
            .iter()
            .map(|b| b["bucket"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["overdue", "today", "this_week", "later"]);
        let count = |b: &Value| b["count"].as_u64().unwrap() as usize;
        assert_eq!(buckets.iter().map(count).sum::<usize>(), open);
        for b in buckets {
            let name = b["bucket"].as_str().unwrap();
            let mut tasks: Vec<Value> = b["tasks"].as_array().unwrap().clone();
            assert!(tasks.len() <= 2, "{b}");
            let mut cursor = b["next_cursor"].as_str().map(str::to_string);
            while let Some(c) = cursor {
                let (status, next) = mel
                    .get(&format!(
                        "{WS}/my-work?today={today}&limit=2&bucket={name}&cursor={c}"
                    ))
                    .await;
                assert_eq!(status, StatusCode::OK, "{next}");
                let page = &next["buckets"][0];
                assert_eq!(page["bucket"], name);
                assert_eq!(count(page), count(b));
                tasks.extend(page["tasks"].as_array().unwrap().iter().cloned());
                cursor = page["next_cursor"].as_str().map(str::to_string);
            }
            // Paging the bucket visits each of its tasks once, in order,
            // and only tasks whose due date belongs there.
            assert_eq!(tasks.len(), count(b), "{name}");
            let order: Vec<_> = tasks.iter().map(due_and_id).collect();
            assert!(order.windows(2).all(|w| w[0] < w[1]), "{name}: {order:?}");
            for task in &tasks {
                let due = task["due_date"].as_str().unwrap_or("none");
                let fits = match name {
                    "overdue" => due < today,
                    "today" => due == today,
                    "this_week" => due == "2026-11-15",
                    _ => due == "none" || due >= "2026-11-16",
                };
                assert!(fits, "{} due {due} is not {name}", task["key"]);
            }
        }
        // A bucket's cursor in another bucket starts at that bucket.
        let later = buckets[3]["next_cursor"].as_str().unwrap();
        let (_, overdue) = mel
            .get(&format!(
                "{WS}/my-work?today={today}&bucket=overdue&cursor={later}"
            ))
            .await;
        assert_eq!(overdue["buckets"][0]["tasks"], json!([]));

        for (query, field) in [
            ("cursor=2026-11-12.1f", "cursor"),
            ("bucket=soon", "bucket"),
            ("bucket=later&cursor=1f", "cursor"),
            ("limit=0", "limit"),
            ("today=tomorrow", "today"),
            ("sort=due", "sort"),
        ] {
            let (status, problem) = mel.get(&format!("{WS}/my-work?{query}")).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {problem}"
            );
            assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        }
        server.stop().await;
    }
}

/// The pages of LAUNCH's schedule (`changed`, as read without a limit),
/// full and compact, name every task once in order and leave the critical
/// path to the rows; bad paging input is refused naming its field.
pub(super) async fn schedule_pages_visit_every_task(ana: &Api, changed: &Value) {
    let whole: Vec<String> = changed["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_string())
        .collect();
    for form in ["full", "compact"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let (status, page) = ana
                .get(&format!(
                    "{WS}/projects/LAUNCH/schedule?limit=3&form={form}{cursor}"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert_eq!(page["finish"], changed["finish"]);
            assert_eq!(page["critical_path"], json!([]));
            let rows = if form == "full" {
                &page["tasks"]
            } else {
                &page["rows"]
            };
            let rows = rows.as_array().unwrap();
            assert!(rows.len() <= 3);
            for row in rows {
                let key = if form == "full" { &row["key"] } else { &row[0] };
                seen.push(key.as_str().unwrap().to_string());
            }
            if form == "compact" {
                assert!(page["tasks"].as_array().unwrap().is_empty());
                assert_eq!(rows[0].as_array().unwrap().len(), 5);
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(seen, whole, "{form}");
    }
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=5001", "limit"),
        ("limit=2&cursor=zz", "cursor"),
        ("form=tiny", "form"),
    ] {
        let (status, problem) = ana
            .get(&format!("{WS}/projects/LAUNCH/schedule?{query}"))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {problem}"
        );
        assert!(problem.to_string().contains(field), "{query}: {problem}");
    }
}
