//! The web pages over plain HTTP (no browser): redirects to sign-in, form
//! posts that are refused change nothing, forms from other sites are
//! refused, pages are compressed, and writes are announced on the event
//! stream. The browser's own behaviour is in `browser`.

mod across;
mod approvals;
mod comments;
mod dated;
mod levels;
mod lint;
mod rules;
mod scenarios;
mod settings;
mod views;

use crate::common::Server;

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;

/// A browser-like client: a session cookie, no automatic redirects.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Browser {
    async fn sign_in(base: &str, email: &str) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap();
        let response = http
            .post(format!("{base}/signin"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email={}&password={}&next=%2Fw%2Fdemo%2Fmy",
                email.replace('@', "%40"),
                tandem_server::demo::DEMO_PASSWORD
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/w/demo/my");
        let cookie = crate::common::session_cookie_of(&response);
        Browser {
            http,
            base: base.to_string(),
            cookie,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, form: &str, extra: &[(&str, &str)]) -> (StatusCode, String) {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string());
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Where a form post sends the browser on (its `303`'s location).
    async fn posted_to(&self, path: &str, form: &str) -> String {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        response.headers()["location"].to_str().unwrap().to_string()
    }

    async fn task(&self, key: &str) -> Value {
        self.get(&format!("/api/v1/workspaces/demo/tasks/{key}"))
            .await
            .json()
            .await
            .unwrap()
    }

    async fn count_tasks(&self) -> usize {
        let page: Value = self
            .get("/api/v1/workspaces/demo/tasks?project=LAUNCH&limit=500")
            .await
            .json()
            .await
            .unwrap();
        page["tasks"].as_array().unwrap().len()
    }
}

#[tokio::test]
async fn pages_need_a_session_and_send_you_back_after_sign_in() {
    let server = Server::with_demo().await;
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let response = http
        .get(format!("{}/w/demo/p/LAUNCH/board?x=1", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/signin?next=/w/demo/p/LAUNCH/board%3Fx%3D1"
    );
    let wrong = http
        .post(format!("{}/signin", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=ana%40demo.tandem&password=nope&next=%2F")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Wrong email or password")
    );
    // Only a path on this site is a place to come back to.
    let away = http
        .post(format!("{}/signin", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=ana%40demo.tandem&password=tandem-demo&next=%2F%2Fevil.example%2F")
        .send()
        .await
        .unwrap();
    assert_eq!(away.headers()["location"], "/");
    // Another workspace's pages are not found, like a missing one.
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    assert_eq!(
        ana.get("/w/nobody/my").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ana.get("/w/demo/p/NOPE").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ana.get("/w/demo/p/LAUNCH/list?sort=colour").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    server.stop().await;
}

#[tokio::test]
async fn refused_forms_change_nothing() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let before = ana.count_tasks().await;

    // Quick add without a title, and with a stranger as owner.
    let (status, page) = ana
        .post("/w/demo/quick", "text=%40ana+%23LAUNCH+due+fri", &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("title"), "{page}");
    let (status, page) = ana
        .post("/w/demo/quick", "text=Call+%40zed+%23LAUNCH", &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("not a member"), "{page}");
    // A script gets the API's problem details instead of a page.
    let (status, body) = ana
        .post(
            "/w/demo/quick",
            "text=%21soon+Fix",
            &[("x-tandem", "fetch")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["errors"][0]["field"], "priority");
    // A form from another site.
    let (status, _) = ana
        .post(
            "/w/demo/tasks",
            "title=Injected&project=LAUNCH",
            &[("origin", "http://evil.example")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ana
        .post(
            "/w/demo/tasks",
            "title=Injected&project=LAUNCH",
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(ana.count_tasks().await, before);

    // A bulk edit of two rows where one was shown at an old version:
    // neither changes (one transaction).
    let (one, two) = (ana.task("LAUNCH-10").await, ana.task("LAUNCH-11").await);
    let stale = one["version"].as_i64().unwrap() - 1;
    let form = format!(
        "sel=LAUNCH-10&v.LAUNCH-10={stale}&sel=LAUNCH-11&v.LAUNCH-11={}&bulk_priority=low",
        two["version"]
    );
    let (status, _) = ana.post("/w/demo/tasks/bulk", &form, &[]).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(ana.task("LAUNCH-10").await["priority"], one["priority"]);
    assert_eq!(ana.task("LAUNCH-11").await["priority"], two["priority"]);
    // A bad value names its row and field; nothing changes.
    let form = "sel=LAUNCH-10&sel=LAUNCH-11&bulk_due=soon&bulk_status=done";
    let (status, page) = ana.post("/w/demo/tasks/bulk", form, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("LAUNCH-10: due date"), "{page}");
    assert_eq!(ana.task("LAUNCH-10").await["status"], one["status"]);
    // The same bulk edit, right this time: both rows, redirected back.
    let form = "sel=LAUNCH-10&sel=LAUNCH-11&bulk_priority=low";
    let (status, _) = ana
        .post(
            "/w/demo/tasks/bulk",
            form,
            &[("referer", &format!("{}/w/demo/p/LAUNCH/list", server.base))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(ana.task("LAUNCH-10").await["priority"], "low");
    assert_eq!(ana.task("LAUNCH-11").await["priority"], "low");
    // Blocked in bulk says why, and each task keeps the reason.
    let form = "sel=LAUNCH-10&sel=LAUNCH-11&bulk_status=blocked";
    let (status, page) = ana.post("/w/demo/tasks/bulk", form, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("LAUNCH-10: blocked reason"), "{page}");
    assert_ne!(ana.task("LAUNCH-10").await["status"], "blocked");
    let form = "sel=LAUNCH-10&sel=LAUNCH-11&bulk_status=blocked&bulk_blocked_reason=Vendor+late";
    let (status, page) = ana.post("/w/demo/tasks/bulk", form, &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    for key in ["LAUNCH-10", "LAUNCH-11"] {
        let task = ana.task(key).await;
        assert_eq!(task["status"], "blocked", "{task}");
        assert_eq!(task["blocked_reason"], "Vendor late", "{task}");
    }
    // So does the task page.
    let task = ana.task("LAUNCH-12").await;
    let (status, page) = ana
        .post(
            "/w/demo/t/LAUNCH-12",
            &format!(
                "version={}&title=Held&status=blocked&blocked_reason=",
                task["version"]
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Blocked reason must say why"), "{page}");
    assert_eq!(ana.task("LAUNCH-12").await["version"], task["version"]);

    // A task form saved at an old version is refused, and says why.
    let task = ana.task("LAUNCH-12").await;
    let (status, page) = ana
        .post(
            "/w/demo/t/LAUNCH-12",
            &format!(
                "version={}&title=Stale+edit",
                task["version"].as_i64().unwrap() - 1
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert!(page.contains("changed this since you opened it"));
    assert_eq!(ana.task("LAUNCH-12").await["title"], task["title"]);

    // Guests read pages but post nothing.
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    assert_eq!(gwen.get("/w/demo/p/LAUNCH").await.status(), StatusCode::OK);
    let (status, _) = gwen
        .post("/w/demo/quick", "text=Guest+task+%23LAUNCH", &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(ana.count_tasks().await, before);
    server.stop().await;
}

#[tokio::test]
async fn pages_are_compressed_and_writes_are_announced() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let page = ana
        .http
        .get(format!("{}/w/demo/p/LAUNCH/timeline", server.base))
        .header("cookie", &ana.cookie)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");
    assert!(page.headers().contains_key("server-timing"));
    let plain = ana.get("/w/demo/p/LAUNCH/timeline").await;
    assert!(!plain.headers().contains_key("content-encoding"));
    assert!(plain.text().await.unwrap().contains("<svg class=\"gantt\""));

    // The event stream answers at once (it is not buffered) and carries a
    // `change` after a write in the workspace, naming what changed.
    let mut events = ana.get("/w/demo/events").await;
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let (status, _) = ana
        .post(
            "/w/demo/quick",
            "text=Announce+me+%23LAUNCH",
            &[("x-tandem", "fetch")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Other changes (the rescheduler's) may come first; the task's comes.
    let mut text = String::new();
    while !text.contains(r#""kind":"task""#) {
        let chunk = events.chunk().await.unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        text.contains("event: change")
            && text.contains(r#""kind":"task","action":"created","key":"LAUNCH-"#)
            && text.contains(r#""project":"LAUNCH""#)
            && !text.contains("Announce"),
        "{text}"
    );
    drop(events);
    server.stop().await;
}

/// The sections of My Work, each as (bucket, count shown, task keys,
/// "more" link).
fn buckets_of(html: &str) -> Vec<(String, u64, Vec<String>, Option<String>)> {
    html.split("<section class=\"bucket\" aria-labelledby=\"b-")
        .skip(1)
        .map(|section| {
            let section = section.split("</section>").next().unwrap();
            let name = section.split('"').next().unwrap().to_string();
            let count = section
                .split("<span class=\"count\">")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .unwrap()
                .parse()
                .unwrap();
            let keys = section
                .split("<li class=\"todo\" data-key=\"")
                .skip(1)
                .map(|s| s.split('"').next().unwrap().to_string())
                .collect();
            let more = section
                .split("<a href=\"")
                .filter(|s| s.contains("rel=\"next\""))
                .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
                .next();
            (name, count, keys, more)
        })
        .collect()
}

#[tokio::test]
async fn my_work_shows_counts_and_a_page_of_each_bucket_with_more() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    // Far off, so "later" whatever today is: more than a page of it.
    for n in 0..57 {
        let (status, body) = ana
            .post(
                "/w/demo/tasks",
                &format!(
                    "title=Someday+{n}&owner=ana%40demo.tandem&due_date=2031-01-{:02}",
                    1 + n % 20
                ),
                &[("x-tandem", "fetch")],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let counts: Value = ana
        .get("/api/v1/workspaces/demo/my-work?limit=1")
        .await
        .json()
        .await
        .unwrap();
    let page = ana.get("/w/demo/my").await.text().await.unwrap();
    let buckets = buckets_of(&page);
    let names: Vec<&str> = buckets.iter().map(|b| b.0.as_str()).collect();
    assert_eq!(names, ["overdue", "today", "this_week", "later"]);
    let mut total = 0;
    for ((name, count, keys, more), api) in
        buckets.iter().zip(counts["buckets"].as_array().unwrap())
    {
        assert_eq!(api["bucket"], name.as_str());
        assert_eq!(*count, api["count"].as_u64().unwrap(), "{name}");
        assert!(keys.len() <= 50, "{name}: {}", keys.len());
        assert_eq!(keys.len() as u64, (*count).min(50), "{name}");
        assert_eq!(more.is_some(), *count > 50, "{name}");
        total += count;
    }
    assert!(page.contains(&format!("{total} open tasks across your projects")));

    // "More" pages on through the rest of the bucket, each task once.
    let (_, count, first, more) = &buckets[3];
    assert!(*count >= 57);
    let mut seen = first.clone();
    let mut next = more.clone();
    while let Some(href) = next {
        assert!(
            href.starts_with("/w/demo/my?bucket=later&cursor="),
            "{href}"
        );
        let page = ana.get(&href).await;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        let only = buckets_of(&page);
        assert_eq!(only.len(), 1, "only the bucket asked for");
        assert_eq!(only[0].0, "later");
        assert_eq!(only[0].1, *count);
        seen.extend(only[0].2.iter().cloned());
        next = only[0].3.clone();
    }
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(
        (seen.len(), unique.len()),
        (*count as usize, *count as usize)
    );

    // A link that is not from My Work is refused, naming what is wrong.
    let bad = ana.get("/w/demo/my?bucket=later&cursor=nope").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().to_lowercase().contains("cursor"));
    server.stop().await;
}

/// The task keys of a list page's rows, and its "Show the next" link.
fn list_rows(html: &str) -> (Vec<String>, Option<String>) {
    let keys = html
        .split("<tr data-key=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    let more = html
        .split("<a href=\"")
        .filter(|s| s.contains("rel=\"next\""))
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
        .next();
    (keys, more)
}

#[tokio::test]
async fn a_long_list_shows_a_page_of_rows_and_the_next_on_request() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let (status, body) = ana
        .post(
            "/w/demo/projects",
            "key=PAGED&name=Paged",
            &[("x-tandem", "fetch")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for n in 1..=205 {
        let due = if n % 3 == 0 {
            String::new()
        } else {
            format!("2031-02-{:02}", 1 + n % 4)
        };
        let (status, body) = ana
            .post(
                "/w/demo/tasks",
                &format!("project=PAGED&title=Row+{n}&due_date={due}"),
                &[("x-tandem", "fetch")],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let all: Vec<String> = (1..=205).map(|n| format!("PAGED-{n}")).collect();
    let number = |k: &String| k[6..].parse::<u32>().unwrap();
    let due = |n: u32| (!n.is_multiple_of(3)).then_some(1 + n % 4);
    // Every order pages through every row once, in its order: ties (all
    // of these rows have one status, priority, owner and start) by key.
    for sort in [
        "key", "due", "title", "priority", "status", "owner", "start",
    ] {
        let mut seen = Vec::new();
        let mut next = Some(format!("/w/demo/p/PAGED/list?sort={sort}&q=row"));
        let mut pages = 0;
        while let Some(href) = next {
            let page = ana.get(&href).await;
            assert_eq!(page.status(), StatusCode::OK, "{href}");
            let (keys, more) = list_rows(&page.text().await.unwrap());
            assert!(keys.len() <= 200, "{href}: {}", keys.len());
            if let Some(more) = &more {
                // The filters and the order go with the link.
                assert!(
                    more.contains(&format!("sort={sort}")) && more.contains("q=row"),
                    "{more}"
                );
            }
            seen.extend(keys);
            next = more;
            pages += 1;
        }
        assert_eq!(pages, 2, "{sort}");
        let mut expected = all.clone();
        match sort {
            "due" => expected.sort_by_key(|k| {
                let n = number(k);
                (due(n).is_none(), due(n), n)
            }),
            "title" => expected.sort_by_key(|k| (format!("row {}", number(k)), number(k))),
            _ => {}
        }
        assert_eq!(seen, expected, "{sort}: every row once, in order");
    }
    // Grouped, each group shows its first rows and continues alone: the
    // group's link is the list narrowed to it, after the rows shown.
    let grouped = ana
        .get("/w/demo/p/PAGED/list?group=status&phase=none&sort=title")
        .await
        .text()
        .await
        .unwrap();
    let (first, more) = list_rows(&grouped);
    assert_eq!(first.len(), 50);
    assert!(grouped.contains("205 tasks in 1 groups"), "{grouped}");
    let more = more.expect("the group continues");
    assert!(
        more.contains("status=todo") && more.contains("phase=none") && !more.contains("group="),
        "{more}"
    );
    let (rest, after) = list_rows(&ana.get(&more).await.text().await.unwrap());
    assert_eq!((rest.len(), after), (155, None));
    let mut expected = all.clone();
    expected.sort_by_key(|k| (format!("row {}", number(k)), number(k)));
    assert_eq!([first, rest].concat(), expected);
    // A live update asks for one row alone.
    let (one, _) = list_rows(
        &ana.get("/w/demo/p/PAGED/list?only=PAGED-7")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(one, ["PAGED-7"]);
    // Grouped by owner, the unassigned rows are a group of their own.
    let by_owner = ana
        .get("/w/demo/p/PAGED/list?group=owner")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        by_owner.contains("Unassigned <span class=\"count\">205</span>"),
        "{by_owner}"
    );
    let bad = ana.get("/w/demo/p/PAGED/list?cursor=zz").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

#[tokio::test]
async fn a_page_address_with_a_trailing_slash_and_the_favicon_answer() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let slashed = ana.get("/w/demo/p/LAUNCH/list/?sort=due").await;
    assert_eq!(slashed.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        slashed.headers()["location"],
        "/w/demo/p/LAUNCH/list?sort=due"
    );
    assert_eq!(
        ana.get("/w/demo/p/LAUNCH/list").await.status(),
        StatusCode::OK
    );
    // Not to another site, and not in the API, whose paths are exact.
    assert_eq!(
        ana.get("//evil.example/").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(ana.get("/api/v1/me/").await.status(), StatusCode::NOT_FOUND);
    for path in ["/favicon.ico", "/assets/favicon.svg"] {
        let icon = ana.get(path).await;
        assert_eq!(icon.status(), StatusCode::OK, "{path}");
        assert_eq!(icon.headers()["content-type"], "image/svg+xml", "{path}");
        assert!(icon.text().await.unwrap().starts_with("<svg"), "{path}");
    }
    let page = ana.get("/w/demo/my").await.text().await.unwrap();
    assert!(page.contains(r#"rel="icon""#), "{page}");
    server.stop().await;
}

/// Each person's total open dated hours on a workload page, in the order
/// of its rows.
fn workload_totals(html: &str) -> Vec<f64> {
    html.split(r#"data-hours=""#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn a_persons_workspace_workload_holds_all_their_work_in_each_project() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    // A write that moves the plan: the stored schedule is behind it until
    // the rescheduler runs, and the pages must not depend on that.
    let task = ana.task("LAUNCH-12").await;
    let (status, _) = ana
        .post(
            "/w/demo/t/LAUNCH-12",
            &format!(
                "version={}&title={}&estimate_days=15",
                task["version"], "Long+job"
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = |path: &'static str| {
        let ana = &ana;
        async move { ana.get(path).await.text().await.unwrap() }
    };
    // Four weeks: much of the demo's work is dated after them, and
    // counted as later rather than left out.
    let everywhere = workload_totals(&page("/w/demo/workload?weeks=4").await);
    let launch = workload_totals(&page("/w/demo/p/LAUNCH/workload?weeks=4").await);
    let ops = workload_totals(&page("/w/demo/p/OPS/workload?weeks=4").await);
    assert_eq!(everywhere.len(), launch.len());
    assert!(everywhere.iter().sum::<f64>() > 0.0);
    for (person, total) in everywhere.iter().enumerate() {
        let in_projects = launch[person] + ops[person];
        assert!(
            *total + 0.05 >= in_projects,
            "person {person}: {total} h in the workspace, {in_projects} in its projects"
        );
    }
    // The window's length moves hours between columns, never the total.
    let longer = workload_totals(&page("/w/demo/workload?weeks=26").await);
    for (short, long) in everywhere.iter().zip(&longer) {
        assert!((short - long).abs() < 0.05, "{everywhere:?} vs {longer:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn quick_add_on_a_project_page_goes_to_that_project_and_people_are_picked_by_name() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let page = ana.get("/w/demo/p/OPS/board").await.text().await.unwrap();
    assert!(page.contains(r#"name="project" value="OPS""#), "{page}");
    let (status, _) = ana
        .post(
            "/w/demo/quick",
            "text=Rotate+the+zebra+keys+%40ben&project=OPS",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = ana
        .post(
            "/w/demo/quick",
            "text=Book+the+hall+%23LAUNCH&project=OPS",
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let ops: Value = ana
        .get("/api/v1/workspaces/demo/tasks?project=OPS&q=zebra&limit=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ops["tasks"][0]["title"], "Rotate the zebra keys", "{ops}");
    assert_eq!(ops["tasks"][0]["owner"]["email"], "ben@demo.tandem");
    let launch: Value = ana
        .get("/api/v1/workspaces/demo/tasks?project=LAUNCH&q=hall&limit=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(launch["tasks"][0]["title"], "Book the hall", "{launch}");

    // Collaborators are picked from the members by name, several at once.
    let page = ana.get("/w/demo/t/LAUNCH-5").await.text().await.unwrap();
    assert!(
        page.contains(r#"select id="t-collaborators" name="collaborators" data-find multiple"#),
        "{page}"
    );
    let task = ana.task("LAUNCH-5").await;
    let (status, _) = ana
        .post(
            "/w/demo/t/LAUNCH-5",
            &format!(
                "version={}&title=Pick&collaborators=ben%40demo.tandem&collaborators=chloe%40demo.tandem",
                task["version"]
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let task = ana.task("LAUNCH-5").await;
    let emails: Vec<&str> = task["collaborators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ben@demo.tandem", "chloe@demo.tandem"], "{task}");
    // None picked: none left.
    let (status, _) = ana
        .post(
            "/w/demo/t/LAUNCH-5",
            &format!("version={}&title=Pick&collaborators=", task["version"]),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        ana.task("LAUNCH-5").await["collaborators"],
        serde_json::json!([])
    );
    server.stop().await;
}

#[tokio::test]
async fn search_finds_tasks_projects_people_and_pages_the_viewer_may_open() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    async fn search(who: &Browser, q: &str) -> String {
        let response = who.get(&format!("/w/demo/search?q={q}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }
    let found = search(&ana, "positioning").await;
    assert!(found.contains(r#"href="/w/demo/t/LAUNCH-"#), "{found}");
    let found = search(&ana, "LAUNCH-3").await;
    assert!(found.contains(r#"href="/w/demo/t/LAUNCH-3""#), "{found}");
    let found = search(&ana, "lau").await;
    assert!(found.contains(r#"href="/w/demo/p/LAUNCH""#), "{found}");
    assert!(
        found.contains(r#"href="/w/demo/p/LAUNCH/timeline""#),
        "{found}"
    );
    let found = search(&ana, "okafor").await;
    assert!(found.contains("ben@demo.tandem"), "{found}");
    let found = search(&ana, "workload").await;
    assert!(found.contains(r#"href="/w/demo/workload""#), "{found}");
    // A project's page by its own name, alone or with the project's.
    let found = search(&ana, "timeline").await;
    assert!(
        found.contains(r#"href="/w/demo/p/LAUNCH/timeline""#),
        "{found}"
    );
    let found = search(&ana, "launch+risks").await;
    assert!(
        found.contains(r#"href="/w/demo/p/LAUNCH/risks""#),
        "{found}"
    );
    assert!(
        !found.contains(r#"href="/w/demo/p/LAUNCH/board""#),
        "{found}"
    );
    // Gwen's pages are of the projects she may open.
    let hers = search(&gwen, "board").await;
    assert!(hers.contains(r#"href="/w/demo/p/LAUNCH/board""#), "{hers}");
    assert!(!hers.contains(r#"href="/w/demo/p/OPS/board""#), "{hers}");
    let found = search(&ana, "zzzz").await;
    assert!(found.contains("Nothing matches"), "{found}");
    // Operations is not Gwen's to open (she is a guest on the launch):
    // its tasks and the project itself stay out of her results.
    let found = search(&ana, "on-call").await;
    assert!(found.contains("/w/demo/t/OPS-"), "{found}");
    let hers = search(&gwen, "on-call").await;
    assert!(
        !hers.contains("/w/demo/t/OPS-") && !hers.contains("on-call schedule"),
        "{hers}"
    );
    let hers = search(&gwen, "operations").await;
    assert!(!hers.contains(r#"href="/w/demo/p/OPS""#), "{hers}");
    // Goals and portfolios by title: only OPS serves the reliability
    // goal, so Gwen does not find it, titles included.
    let found = search(&ana, "reliable").await;
    assert!(
        found.contains("Keep the service <mark>reliable</mark>")
            && found.contains(r#"data-result="goal" href="/w/demo/goals/"#),
        "{found}"
    );
    let hers = search(&gwen, "reliable").await;
    assert!(!hers.contains("Keep the service reliable"), "{hers}");
    let hers = search(&gwen, "cloud").await;
    assert!(hers.contains("Launch Tandem <mark>Cloud</mark>"), "{hers}");
    let found = search(&ana, "everything").await;
    assert!(found.contains("Portfolio: Everything we run"), "{found}");
    server.stop().await;
}

#[tokio::test]
async fn a_tasks_history_reads_as_sentences_with_names() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let task = ana.task("LAUNCH-7").await;
    let phases: Value = ana
        .get("/api/v1/workspaces/demo/projects/LAUNCH/phases")
        .await
        .json()
        .await
        .unwrap();
    let other_phase = phases
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] != task["phase_id"])
        .unwrap()
        .clone();
    let (status, _) = ana
        .post(
            "/w/demo/t/LAUNCH-7",
            &format!(
                "version={}&title={}&status=blocked&blocked_reason=Waiting&owner=eli%40demo.tandem&phase_id={}",
                task["version"],
                task["title"].as_str().unwrap().replace(' ', "+"),
                other_phase["id"]
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page = ana.get("/w/demo/t/LAUNCH-7").await.text().await.unwrap();
    let history = page.split("id=\"h-history\"").nth(1).unwrap();
    assert!(history.contains("to Blocked"), "{history}");
    assert!(history.contains("to Eli Novak"), "{history}");
    // A form without the collaborators' control leaves them as they were.
    assert!(!history.contains("collaborators"), "{history}");
    assert!(
        history.contains("phase from ") || history.contains("set the phase to"),
        "{history}"
    );
    assert!(
        history.contains(other_phase["name"].as_str().unwrap()),
        "{history}"
    );
    assert!(!history.contains("phase id"), "{history}");
    // The project's feed says the same in one sentence, in words.
    let overview = ana.get("/w/demo/p/LAUNCH").await.text().await.unwrap();
    let feed = overview.split("id=\"h-activity\"").nth(1).unwrap();
    assert!(
        feed.contains("changed the blocked reason, owner, phase and status of task"),
        "{feed}"
    );
    assert!(
        !feed.contains("phase_id") && !feed.contains("due_date"),
        "{feed}"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_timeline_fits_the_width_and_marks_due_dates() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    // The names' chart and the bars' chart side by side.
    let svg_width = |page: &str| -> f64 {
        let width = |class: &str| -> f64 {
            page.split(&format!(r#"<svg class="{class}""#))
                .nth(1)
                .and_then(|rest| rest.split(r#"width=""#).nth(1))
                .and_then(|rest| rest.split('"').next())
                .unwrap()
                .parse()
                .unwrap()
        };
        width("gantt-names") + width("gantt")
    };
    let page = |path: &'static str| {
        let ana = &ana;
        async move {
            let response = ana.get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.text().await.unwrap()
        }
    };
    // Fit: the whole plan in the width asked for, to the pixel or so.
    let fit = page("/w/demo/p/LAUNCH/timeline?zoom=fit&width=1000").await;
    assert!(
        (svg_width(&fit) - 1000.0).abs() <= 32.0,
        "{}",
        svg_width(&fit)
    );
    // Month zoom still fills a wide screen rather than stopping short.
    // Month zoom fills a wide screen to the day (3 px), and no wider.
    let month = page("/w/demo/p/LAUNCH/timeline?zoom=month&width=3000").await;
    let filled = svg_width(&month);
    assert!((2997.0..=3000.0).contains(&filled), "{filled}");
    // Each dated task has its due-date flag.
    let week = page("/w/demo/p/LAUNCH/timeline").await;
    assert!(week.contains(r#"<g class="due"#), "due markers");
    // Every month is named, whatever weekday it begins on.
    let months: Vec<chrono::NaiveDate> = week
        .split(r#"<text class="month""#)
        .skip(1)
        .map(|rest| {
            let name = rest.split('>').nth(1).unwrap().split('<').next().unwrap();
            chrono::NaiveDate::parse_from_str(&format!("1 {name}"), "%d %B %Y").unwrap()
        })
        .collect();
    assert!(months.len() >= 3, "{months:?}");
    for pair in months.windows(2) {
        assert_eq!(pair[0] + chrono::Months::new(1), pair[1], "{months:?}");
    }
    assert_eq!(
        ana.get("/w/demo/p/LAUNCH/timeline?width=5").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    server.stop().await;
}

#[tokio::test]
async fn a_long_timeline_draws_a_window_of_rows_and_links_the_others() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let (status, body) = ana
        .post(
            "/w/demo/projects",
            "key=WIN&name=Windows&start_date=2031-03-03",
            &[("x-tandem", "fetch")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for n in 1..=260 {
        let (status, body) = ana
            .post(
                "/w/demo/tasks",
                &format!("project=WIN&title=Step+{n}"),
                &[("x-tandem", "fetch")],
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let bars = |page: &str| page.matches(r#"<g class="bar"#).count();
    let page = |path: String| {
        let ana = &ana;
        async move {
            let response = ana.get(&path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.text().await.unwrap()
        }
    };
    let first = page("/w/demo/p/WIN/timeline?zoom=month&width=1400".into()).await;
    assert_eq!(bars(&first), 250);
    assert!(first.contains("Tasks 1–250 of 260"), "{first}");
    let (_, next) = list_rows(&first);
    let next = next.expect("a link to the rest");
    // The link keeps the zoom and width, and the calendar is the same.
    assert!(
        next.contains("from=250") && next.contains("zoom=month") && next.contains("width=1400"),
        "{next}"
    );
    let rest = page(next).await;
    assert_eq!(bars(&rest), 10);
    assert!(rest.contains("Tasks 251–260 of 260"), "{rest}");
    assert!(rest.contains(r#"rel="prev""#), "{rest}");
    // The chart's opening tag up to its height (its width, scale).
    let svg_head = |page: &str| {
        let svg = page.split(r#"<svg class="gantt""#).nth(1).unwrap();
        svg.split(" height=").next().unwrap().to_string()
    };
    assert_eq!(svg_head(&first), svg_head(&rest), "one calendar, one width");
    let bad = ana.get("/w/demo/p/WIN/timeline?from=-1").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

#[tokio::test]
async fn a_predecessor_is_named_by_words_of_its_title() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let found: Value = ana
        .get("/api/v1/workspaces/demo/tasks?q=positioning+brief")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["tasks"].as_array().unwrap().len(), 1, "{found}");
    let brief = found["tasks"][0]["key"].as_str().unwrap().to_string();

    // Words that match one task link it, as its key would.
    let to = ana
        .posted_to(
            "/w/demo/t/LAUNCH-20/links",
            "predecessor=positioning+brief&type=fs&lag_days=0",
        )
        .await;
    assert_eq!(to, "/w/demo/t/LAUNCH-20");
    let page = ana.get("/w/demo/t/LAUNCH-20").await.text().await.unwrap();
    assert!(
        page.contains(&format!("href=\"/w/demo/t/{brief}\"")),
        "{page}"
    );

    // Words that match none, or several, are refused in words, naming the
    // field, and link nothing.
    let links = |page: &str| page.matches("aria-label=\"Remove the link").count();
    let before = links(&ana.get("/w/demo/t/LAUNCH-21").await.text().await.unwrap());
    for (words, says) in [
        ("zebra+quagga", "No task you can open matches"),
        ("launch", "More than one task matches"),
    ] {
        let (status, body) = ana
            .post(
                "/w/demo/t/LAUNCH-21/links",
                &format!("predecessor={words}&type=fs&lag_days=0"),
                &[("x-tandem", "fetch")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body.contains("predecessor") && body.contains(says),
            "{body}"
        );
    }
    let page = ana.get("/w/demo/t/LAUNCH-21").await.text().await.unwrap();
    assert_eq!(links(&page), before, "{page}");
    server.stop().await;
}

/// The keys of a board column's cards, in the order the board shows them.
fn column_keys(board: &str, status: &str) -> Vec<String> {
    let start = board
        .find(&format!("id=\"cards-{status}\""))
        .unwrap_or_else(|| panic!("no column {status}"));
    let column = &board[start..];
    let column = &column[..column.find("</ul>").unwrap()];
    column
        .split("data-key=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

#[tokio::test]
async fn a_card_added_at_the_top_of_a_column_is_first_there() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let board = ana
        .get("/w/demo/p/LAUNCH/board")
        .await
        .text()
        .await
        .unwrap();
    let before = column_keys(&board, "todo");
    assert!(before.len() > 1, "{before:?}");
    // The column's form names the card that is first.
    assert!(
        board.contains(&format!("name=\"first\" value=\"{}\"", before[0])),
        "{board}"
    );
    let (status, body) = ana
        .post(
            "/w/demo/tasks",
            &format!(
                "project=LAUNCH&status=todo&first={}&title=On+top",
                before[0]
            ),
            &[("x-tandem", "fetch")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let made: Value = serde_json::from_str(&body).unwrap();
    let key = made["key"].as_str().unwrap();
    let board = ana
        .get("/w/demo/p/LAUNCH/board")
        .await
        .text()
        .await
        .unwrap();
    let after = column_keys(&board, "todo");
    assert_eq!(after[0], key, "{after:?}");
    assert_eq!(after[1..], before[..], "the others keep their order");
    server.stop().await;
}

#[tokio::test]
async fn the_board_is_filtered_and_saved_as_a_view_as_the_list_is() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let bens = "/w/demo/p/LAUNCH/board?owner=ben%40demo.tandem";
    let board = ana.get(bens).await.text().await.unwrap();
    assert!(board.contains("form class=\"filters\""), "{board}");
    let labels: Vec<&str> = board
        .split("<li class=\"card\"")
        .skip(1)
        .map(|card| {
            let at = card.find("aria-label=\"").unwrap() + 12;
            &card[at..at + card[at..].find('"').unwrap()]
        })
        .collect();
    assert!(!labels.is_empty(), "{board}");
    assert!(
        labels.iter().all(|l| l.ends_with(", Ben Okafor")),
        "{labels:?}"
    );
    let all = ana
        .get("/w/demo/p/LAUNCH/board")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.matches("<li class=\"card\"").count() > labels.len());

    // Open work: no Done column.
    let open = ana
        .get("/w/demo/p/LAUNCH/board?status=open")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains("id=\"cards-done\""));
    assert!(!open.contains("id=\"cards-done\""), "{open}");

    // Saved from the board, the view opens the board, marked as shown;
    // the list offers it too, as a list.
    let to = ana
        .posted_to(
            "/w/demo/p/LAUNCH/views",
            "name=Ben%27s+cards&query=owner%3Dben%2540demo.tandem&page=board",
        )
        .await;
    assert_eq!(to, bens);
    let board = ana.get(bens).await.text().await.unwrap();
    assert!(
        board.contains(&format!("href=\"{bens}\" aria-current=\"page\"")),
        "{board}"
    );
    let list = ana.get("/w/demo/p/LAUNCH/list").await.text().await.unwrap();
    assert!(
        list.contains("href=\"/w/demo/p/LAUNCH/list?owner=ben%40demo.tandem\""),
        "{list}"
    );
    server.stop().await;
}

#[tokio::test]
async fn work_past_its_due_date_or_starting_after_it_is_shown_late() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let today = chrono::Local::now().date_naive();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let (status, _) = ana
        .post(
            "/w/demo/tasks",
            &format!("title=Overdue+survey&project=LAUNCH&due_date={}", day(-3)),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = ana
        .post(
            "/w/demo/tasks",
            &format!(
                "title=Slipped+report&project=LAUNCH&start_date={}&due_date={}",
                day(20),
                day(10)
            ),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let page: Value = ana
        .get("/api/v1/workspaces/demo/tasks?project=LAUNCH&q=overdue+survey")
        .await
        .json()
        .await
        .unwrap();
    let overdue = page["tasks"][0]["key"].as_str().unwrap().to_string();
    let page: Value = ana
        .get("/api/v1/workspaces/demo/tasks?project=LAUNCH&q=slipped+report")
        .await
        .json()
        .await
        .unwrap();
    let slipped = page["tasks"][0]["key"].as_str().unwrap().to_string();

    // The timeline's flag is red for a due date passed with the work
    // open, and for work scheduled past its due date.
    let timeline = ana
        .get("/w/demo/p/LAUNCH/timeline?zoom=fit")
        .await
        .text()
        .await
        .unwrap();
    for key in [&overdue, &slipped] {
        assert!(
            timeline.contains(&format!(r#"<g class="due late"><title>{key} due"#)),
            "{key}'s flag is red"
        );
    }
    // The task page says it starts after it is due; the list marks its
    // due date.
    let task = ana
        .get(&format!("/w/demo/t/{slipped}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(task.contains("Starts after its due date"), "{task}");
    let list = ana
        .get("/w/demo/p/LAUNCH/list?cols=due,start&sort=due")
        .await
        .text()
        .await
        .unwrap();
    let row = list
        .split(&format!(r#"data-key="{slipped}""#))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap();
    assert!(
        row.contains(r#"<span class="late" title="Starts after its due date">"#),
        "{row}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_file_is_attached_from_a_task_page_previewed_and_removed() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let page = ana.get("/w/demo/t/LAUNCH-3").await.text().await.unwrap();
    assert!(page.contains(r#"enctype="multipart/form-data""#), "{page}");
    assert!(page.contains("No files yet."), "{page}");

    // What a browser sends for the page's form: the subject's field and
    // the file, as multipart/form-data.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let boundary = "----tandem-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"task\"\r\n\r\nLAUNCH-3\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\fakepath\\\\mock-up.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(png);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = ana
        .http
        .post(format!("{}/w/demo/files", server.base))
        .header("cookie", &ana.cookie)
        .header("referer", format!("{}/w/demo/t/LAUNCH-3", server.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/w/demo/t/LAUNCH-3#file-"), "{to}");
    let id = to.rsplit('-').next().unwrap().to_string();

    // The page lists it, the picture previewed; its link serves it inline.
    let page = ana.get("/w/demo/t/LAUNCH-3").await.text().await.unwrap();
    assert!(page.contains("mock-up.png"), "{page}");
    assert!(
        page.contains(&format!(r#"<img src="/w/demo/files/{id}""#)),
        "{page}"
    );
    let file = ana.get(&format!("/w/demo/files/{id}")).await;
    assert_eq!(file.headers()["content-type"], "image/png");
    assert!(
        file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    assert_eq!(file.bytes().await.unwrap().to_vec(), png);

    // Gwen, a guest, sees it and may not attach or remove.
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    let hers = gwen.get("/w/demo/t/LAUNCH-3").await.text().await.unwrap();
    assert!(hers.contains("mock-up.png"), "{hers}");
    assert!(!hers.contains(r#"enctype="multipart/form-data""#), "{hers}");
    let (status, _) = gwen
        .post(&format!("/w/demo/files/{id}/delete"), "", &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Ana removes it.
    let to = ana
        .posted_to(&format!("/w/demo/files/{id}/delete"), "")
        .await;
    assert!(to.starts_with("/w/demo"), "{to}");
    let page = ana.get("/w/demo/t/LAUNCH-3").await.text().await.unwrap();
    assert!(!page.contains("mock-up.png"), "{page}");
    assert_eq!(
        ana.get(&format!("/w/demo/files/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}
