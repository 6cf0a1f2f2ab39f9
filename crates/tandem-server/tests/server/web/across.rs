//! Levelling across projects from the workspace's Workload page.

use super::*;

#[tokio::test]
async fn the_workload_page_levels_every_project_around_the_others() {
    let server = Server::with_demo().await;
    let ana = Browser::sign_in(&server.base, "ana@demo.tandem").await;
    let page = ana.get("/w/demo/workload").await.text().await.unwrap();
    assert!(
        page.contains("Levelling across projects")
            && page.contains("Preview levelling across projects"),
        "{page}"
    );
    let page = ana
        .get("/w/demo/workload?level=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Would be levelled"), "{page}");
    assert!(
        page.contains(r#"href="/w/demo/p/LAUNCH/plan?level=1#h-levelling""#),
        "{page}"
    );
    let gwen = Browser::sign_in(&server.base, "gwen@demo.tandem").await;
    let (status, _) = gwen.post("/w/demo/workload/level", "", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let went = ana.posted_to("/w/demo/workload/level", "").await;
    assert_eq!(went, "/w/demo/workload?level=1#h-level-all");
    // Levelled: a second preview has nothing left to move.
    let page = ana
        .get("/w/demo/workload?level=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Apply levelling across projects"), "{page}");
}
