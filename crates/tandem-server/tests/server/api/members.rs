//! Deactivating a member over the API: they no longer open the workspace
//! or are given work; their history keeps their name; their open project
//! tasks go to someone else or stay theirs, flagged and still editable;
//! reactivating brings them back as they were. Refusals change nothing.

use super::*;

async fn id_of(api: &Api) -> i64 {
    api.get("/api/v1/me").await.1["user"]["id"]
        .as_i64()
        .unwrap()
}

async fn emails(api: &Api) -> Vec<String> {
    let (status, list) = api.get(&format!("{WS}/members")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"]["email"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_deactivated_member_hands_on_their_work_and_comes_back_as_they_were() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let ada = Api::login(&server.base, "ada").await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        let (ada_id, mel_id) = (id_of(&ada).await, id_of(&mel).await);
        // Mel owns LAUNCH-1..3; one is done.
        plan(&ana).await;
        let (_, done) = ana.get(&format!("{WS}/tasks/LAUNCH-3")).await;
        let (status, body) = ana
            .call_with(
                Method::PATCH,
                &format!("{WS}/tasks/LAUNCH-3"),
                Some(json!({"status": "done"})),
                &[("if-match", &format!("\"{}\"", done["version"]))],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, said) = mel
            .post(
                &format!("{WS}/comments"),
                json!({"task": "LAUNCH-1", "body": "Handing over soon"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{said}");
        let deactivate = |id: i64| format!("{WS}/members/{id}/deactivate");

        // Refused, nothing changes: a hand-on to no member, a guest or a
        // member asking, an admin and the owner, the last owner.
        let (status, problem) = ana
            .post(&deactivate(mel_id), json!({"reassign_to": "nobody@x.org"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "reassign_to");
        let (status, problem) = ana
            .post(&deactivate(mel_id), json!({"reassign_to": "mel@x.org"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        for who in [&gus, &mel] {
            let (status, _) = who.post(&deactivate(ada_id), json!({})).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            let (status, _) = who.get(&format!("{WS}/members/deactivated")).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let ana_id = id_of(&ana).await;
        let (status, _) = ada.post(&deactivate(ana_id), json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = ana.post(&deactivate(ana_id), json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "the last owner stays");
        assert!(emails(&ana).await.contains(&"mel@x.org".to_string()));

        // Mel goes; her open work goes to Ada, the done task stays hers.
        let (status, done) = ana
            .post(&deactivate(mel_id), json!({"reassign_to": "ada@x.org"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["reassigned"], json!(["LAUNCH-1", "LAUNCH-2"]));
        assert_eq!(done["kept"], json!([]));
        assert_eq!(done["member"]["role"], "member");
        assert_eq!(done["member"]["deactivated_by"]["email"], "ana@x.org");
        for key in ["LAUNCH-1", "LAUNCH-2"] {
            let (_, task) = ana.get(&format!("{WS}/tasks/{key}")).await;
            assert_eq!(task["owner"]["email"], "ada@x.org", "{task}");
        }
        let (_, task) = ana.get(&format!("{WS}/tasks/LAUNCH-3")).await;
        assert_eq!(task["owner"]["email"], "mel@x.org");
        // She no longer opens the workspace, is not listed, and is given
        // no work; her history keeps her name.
        let (status, _) = mel.get(&format!("{WS}/projects")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!emails(&ana).await.contains(&"mel@x.org".to_string()));
        let (status, problem) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": "More", "owner": "mel@x.org"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "owner");
        let (_, thread) = ana.get(&format!("{WS}/comments?task=LAUNCH-1")).await;
        assert_eq!(thread[0]["author"]["email"], "mel@x.org", "{thread}");
        let (status, list) = ada.get(&format!("{WS}/members/deactivated")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list[0]["user"]["email"], "mel@x.org");
        assert_eq!(list[0]["open_tasks"], 0);

        // Ada goes without handing on: her work stays hers, flagged, and
        // is still edited as it is.
        let (status, done) = ana.post(&deactivate(ada_id), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{done}");
        assert_eq!(done["kept"], json!(["LAUNCH-1", "LAUNCH-2"]));
        let (_, list) = ana.get(&format!("{WS}/members/deactivated")).await;
        let ada_row = list
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user"]["email"] == "ada@x.org")
            .unwrap();
        assert_eq!(ada_row["open_tasks"], 2, "{list}");
        let (status, edited) = ana
            .patch(
                &format!("{WS}/tasks/LAUNCH-1"),
                json!({"title": "Brief, final"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!(edited["owner"]["email"], "ada@x.org");

        // Back as they were: Mel a member again, with her hours.
        let (status, back) = ana
            .call(
                Method::POST,
                &format!("{WS}/members/{mel_id}/reactivate"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{back}");
        assert_eq!(back["role"], "member");
        let (status, _) = mel.get(&format!("{WS}/projects")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = ana
            .call(
                Method::POST,
                &format!("{WS}/members/{mel_id}/reactivate"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not deactivated any more");
        let (_, list) = ana.get(&format!("{WS}/members/deactivated")).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        server.stop().await;
    }
}

/// A picture of one's own, or one's initials: served to the members of a
/// workspace one is in, as a file is (nosniff, its own tag), and nothing
/// but a small raster picture is taken.
#[tokio::test]
async fn a_person_sets_a_picture_and_their_initials_stand_in_without_one() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    let mel = Api::login(&server.base, "mel").await;
    let zoe = Api::login(&server.base, "zoe").await;
    let (ana_id, zoe_id) = (id_of(&ana).await, id_of(&zoe).await);
    let http = reqwest::Client::new();
    let fetch = |who: &Api, user: i64, tag: Option<&str>| {
        let mut request = http
            .get(format!("{}{WS}/members/{user}/avatar", server.base))
            .bearer_auth(who.token.clone().unwrap());
        if let Some(tag) = tag {
            request = request.header("if-none-match", tag);
        }
        request.send()
    };
    // The initials, drawn.
    let drawn = fetch(&mel, ana_id, None).await.unwrap();
    assert_eq!(drawn.status(), StatusCode::OK);
    assert_eq!(drawn.headers()["content-type"], "image/svg+xml");
    assert_eq!(drawn.headers()["x-content-type-options"], "nosniff");
    let tag = drawn.headers()["etag"].to_str().unwrap().to_string();
    assert!(drawn.text().await.unwrap().contains(">A</text>"));
    let again = fetch(&mel, ana_id, Some(&tag)).await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // A picture, as sent; the tag moves.
    let put = |body: Vec<u8>| {
        http.put(format!("{}/api/v1/me/avatar", server.base))
            .bearer_auth(ana.token.clone().unwrap())
            .body(body)
            .send()
    };
    let png = [&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], &[7u8; 300]].concat();
    assert_eq!(
        put(png.clone()).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let shown = fetch(&mel, ana_id, Some(&tag)).await.unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    assert_eq!(shown.headers()["content-type"], "image/png");
    assert_ne!(shown.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(shown.bytes().await.unwrap().to_vec(), png);

    // Refused, the picture stays: a drawing that could run, too big,
    // far too big.
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    let refused = put(svg).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "avatar", "{problem}");
    let big = [&png[..], &vec![0u8; 540 * 1024]].concat();
    let refused = put(big).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.unwrap();
    assert!(problem.to_string().contains("KiB"), "{problem}");
    let huge = put(vec![0u8; 2 * 1024 * 1024]).await.unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let kept = fetch(&mel, ana_id, None).await.unwrap();
    assert_eq!(kept.bytes().await.unwrap().to_vec(), png);

    // Only to those who share the workspace: Zoe is in another.
    let (status, _) = zoe.get(&format!("{WS}/members/{ana_id}/avatar")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = ana.get(&format!("{WS}/members/{zoe_id}/avatar")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Taken away: the initials again.
    let (status, _) = ana.call(Method::DELETE, "/api/v1/me/avatar", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let drawn = fetch(&mel, ana_id, None).await.unwrap();
    assert_eq!(drawn.headers()["content-type"], "image/svg+xml");
    server.stop().await;
}
