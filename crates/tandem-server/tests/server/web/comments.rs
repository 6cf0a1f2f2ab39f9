//! Comments through the pages' forms, without a script: a thread on a
//! task with Markdown drawn safe, `#KEY-12` naming a task with its title
//! only for who may open it, replies, edits, reactions, deletion, the
//! inbox's forms, and a refused form that changes nothing.

use super::*;

async fn page(who: &Browser, path: &str) -> String {
    let response = who.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

async fn comments(who: &Browser, task: &str) -> Value {
    who.get(&format!("/api/v1/workspaces/demo/comments?task={task}"))
        .await
        .json()
        .await
        .unwrap()
}

fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

#[tokio::test]
async fn a_thread_is_held_on_a_tasks_page() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    let task = "/w/demo/t/LAUNCH-3";
    let referer = format!("{}{task}", server.base);

    // Said on the page, back to the page.
    let body = "**Sized**: see #LAUNCH-2 and #OPS-1 <script>alert(1)</script>";
    let (status, _) = ana
        .post(
            "/w/demo/comments",
            &form(&[("task", "LAUNCH-3"), ("body", body)]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let shown = page(&ana, task).await;
    assert!(shown.contains("<strong>Sized</strong>"), "{shown}");
    assert!(shown.contains("&lt;script&gt;"), "raw HTML is text");
    assert!(!shown.contains("<script>alert"), "{shown}");
    let title_of = |key: &'static str| {
        let ana = &ana;
        async move {
            let task: Value = ana
                .get(&format!("/api/v1/workspaces/demo/tasks/{key}"))
                .await
                .json()
                .await
                .unwrap();
            task["title"].as_str().unwrap().to_string()
        }
    };
    let (launch_title, ops_title) = (title_of("LAUNCH-2").await, title_of("OPS-1").await);
    assert!(
        shown.contains(r#"href="/w/demo/t/LAUNCH-2""#) && shown.contains(&launch_title),
        "{shown}"
    );
    assert!(shown.contains(&ops_title), "Ana may open OPS-1");
    // Gwen, a guest of the launch only, reads the thread: OPS-1 is only
    // the text Ana wrote.
    let seen = page(&gwen, task).await;
    assert!(seen.contains(&launch_title));
    assert!(seen.contains("#OPS-1"), "{seen}");
    assert!(!seen.contains(&ops_title), "a guest reads no title of OPS");
    assert!(!seen.contains("Add a comment"), "a guest writes nothing");

    // A reply, an edit at the version shown, a reaction.
    let id = comments(&ana, "LAUNCH-3").await[0]["id"].as_i64().unwrap();
    let (status, _) = ana
        .post(
            "/w/demo/comments",
            &form(&[
                ("task", "LAUNCH-3"),
                ("parent", &id.to_string()),
                ("body", "Thanks"),
            ]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = ana
        .post(
            &format!("/w/demo/comments/{id}/edit"),
            &form(&[("version", "1"), ("body", "**Sized**, all of it")]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The same page's form again: refused, nothing lost.
    let (status, _) = ana
        .post(
            &format!("/w/demo/comments/{id}/edit"),
            &form(&[("version", "1"), ("body", "Overwritten")]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, _) = ana
        .post(
            &format!("/w/demo/comments/{id}/react"),
            &form(&[("reaction", "heart")]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let thread = comments(&ana, "LAUNCH-3").await;
    assert_eq!(thread[0]["body"], "**Sized**, all of it", "{thread}");
    assert_eq!(thread[0]["reactions"][0]["reaction"], "heart");
    assert_eq!(thread[1]["parent"], id);
    // Gwen may not react.
    let (status, _) = gwen
        .post(
            &format!("/w/demo/comments/{id}/react"),
            &form(&[("reaction", "heart")]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Deleted from the page: the reply stays in its place.
    let version = thread[0]["version"].to_string();
    let (status, _) = ana
        .post(
            &format!("/w/demo/comments/{id}/delete"),
            &form(&[("version", &version)]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let shown = page(&ana, task).await;
    assert!(shown.contains("This comment was deleted."));
    assert!(shown.contains("Thanks"));
    server.stop().await;
}

#[tokio::test]
async fn a_status_update_has_its_thread_on_the_discuss_page() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    let (status, _) = ana
        .post(
            "/w/demo/p/LAUNCH/status-updates",
            &form(&[("health", "at_risk"), ("text", "The vendor is late")]),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let updates: Value = ana
        .get("/api/v1/workspaces/demo/projects/LAUNCH/status-updates?limit=1")
        .await
        .json()
        .await
        .unwrap();
    let id = updates[0]["id"].to_string();
    // The overview links each update to its thread.
    let overview = page(&ana, "/w/demo/p/LAUNCH").await;
    let link = format!("/w/demo/discuss?update={id}");
    assert!(overview.contains(&link), "{overview}");
    // Said on the discuss page, under the update it is about.
    let referer = format!("{}{link}", server.base);
    let (status, _) = ana
        .post(
            "/w/demo/comments",
            &form(&[("status_update", &id), ("body", "Which vendor?")]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let shown = page(&ana, &link).await;
    assert!(shown.contains("The vendor is late"), "{shown}");
    assert!(shown.contains("Which vendor?"), "{shown}");
    // A guest of the project reads it too.
    assert!(page(&gwen, &link).await.contains("Which vendor?"));
}
