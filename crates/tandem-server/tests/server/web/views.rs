//! Saved views of the list: saved from the page as it is, shown to their
//! maker (or to everyone, shared), opened by their link, deleted only by
//! whom may; and the columns a list shows.

use super::*;

#[tokio::test]
async fn a_saved_view_keeps_the_lists_filters_and_columns_for_whom_it_is_for() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let chloe = Browser::sign_in(&server.base, "chloe@demo.tandem").await;
    // Columns: the ones asked for, in the list's own order.
    let narrow = ana
        .get("/w/demo/p/LAUNCH/list?cols=due,owner")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        narrow.contains(r#"<th scope="col">Owner</th><th scope="col">Due</th></tr>"#),
        "{narrow}"
    );
    assert!(!narrow.contains(r#"<th scope="col">Priority</th>"#));
    let bad = ana.get("/w/demo/p/LAUNCH/list?cols=colour").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Ana saves one view for herself and one for the project.
    let query = "status=open&sort=due&cols=owner,due";
    for (name, shared) in [("Mine", ""), ("Team", "&shared=on")] {
        let (status, body) = ana
            .post(
                "/w/demo/p/LAUNCH/views",
                &format!(
                    "name={name}&query={}{shared}",
                    query
                        .replace('&', "%26")
                        .replace('=', "%3D")
                        .replace(',', "%2C")
                ),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    let views = |who: &'static Browser| async move {
        let list: Value = who
            .get("/api/v1/workspaces/demo/projects/LAUNCH/views")
            .await
            .json()
            .await
            .unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().unwrap().to_string(),
                    v["id"].as_i64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let ana: &'static Browser = Box::leak(Box::new(ana));
    let chloe: &'static Browser = Box::leak(Box::new(chloe));
    let anas = views(ana).await;
    assert_eq!(
        anas.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["Mine", "Team"]
    );
    // Chloé (a member) sees the shared one only, on the page too, linked to its query.
    assert_eq!(
        views(chloe)
            .await
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["Team"]
    );
    let page = chloe
        .get("/w/demo/p/LAUNCH/list")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("/w/demo/p/LAUNCH/list?status=open&amp;sort=due&amp;cols=owner,due"),
        "{page}"
    );
    assert!(page.contains("(shared by Ana"), "{page}");
    assert!(!page.contains(">Mine<"), "Ana's own view is hers");
    // Opened, the view is the list it saved: its sort, its columns, and
    // the view marked as the one shown.
    let opened = chloe
        .get(&format!("/w/demo/p/LAUNCH/list?{query}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        opened.contains(r#"aria-current="page">Team</a>"#),
        "{opened}"
    );
    assert!(!opened.contains(r#"<th scope="col">Status</th>"#));
    // Chloé may delete neither: Ana's own is not found, the shared one is
    // Ana's or an owner's or admin's to delete. Nothing changes.
    let (mine, team) = (anas[0].1, anas[1].1);
    let api = |id: i64| format!("/api/v1/workspaces/demo/views/{id}");
    let gone = chloe
        .http
        .delete(format!("{}{}", server.base, api(mine)))
        .header("cookie", &chloe.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let refused = chloe
        .http
        .delete(format!("{}{}", server.base, api(team)))
        .header("cookie", &chloe.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(views(ana).await.len(), 2);
    // A view without a name is refused, naming the field.
    let (status, problem) = ana
        .post(
            "/w/demo/p/LAUNCH/views",
            "name=&query=sort%3Ddue",
            &[("x-tandem", "fetch")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(problem.contains("\"name\""), "{problem}");
    // Ana deletes her own from the page.
    let (status, _) = ana
        .post(&format!("/w/demo/p/LAUNCH/views/{mine}/delete"), "", &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        views(ana)
            .await
            .iter()
            .map(|(_, id)| *id)
            .collect::<Vec<_>>(),
        [team]
    );
    server.stop().await;
}

#[tokio::test]
async fn the_list_shows_each_tasks_finish_against_the_newest_baseline() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let api = "/api/v1/workspaces/demo";
    let page: Value = ana
        .get(&format!("{api}/tasks?project=LAUNCH&status=todo&limit=1"))
        .await
        .json()
        .await
        .unwrap();
    let task = &page["tasks"][0];
    let key = task["key"].as_str().unwrap().to_string();
    let row = |html: &str| -> String {
        let start = html
            .find(&format!(r#"<tr data-key="{key}""#))
            .unwrap_or_else(|| panic!("{key} is listed"));
        html[start..].split("</tr>").next().unwrap().to_string()
    };
    let list = || async {
        ana.get("/w/demo/p/LAUNCH/list?cols=status,variance")
            .await
            .text()
            .await
            .unwrap()
    };
    // A baseline of the plan as it is: nothing has moved.
    let response = ana
        .http
        .post(format!("{}{api}/projects/LAUNCH/baselines", server.base))
        .header("cookie", &ana.cookie)
        .header("content-type", "application/json")
        .body(r#"{"name": "Before"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let before = list().await;
    assert!(before.contains("Finish vs baseline"), "{before}");
    assert!(row(&before).contains("<td>0 d</td>"), "{}", row(&before));
    // Ten more days of work: it finishes after the baseline.
    let response = ana
        .http
        .patch(format!("{}{api}/tasks/{key}", server.base))
        .header("cookie", &ana.cookie)
        .header("content-type", "application/json")
        .body(r#"{"estimate_days": 30}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let after = row(&list().await);
    assert!(
        after.contains(r#"class="late""#) && after.contains(" d</span>"),
        "{after}"
    );
    server.stop().await;
}
