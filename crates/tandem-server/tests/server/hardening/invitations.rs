//! Adding a person invites them without saying whether they have an
//! account; the invitation is accepted in the web app.

use super::*;

#[tokio::test]
async fn adding_a_person_invites_them_and_says_nothing_of_their_account() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let zoe = Api::login(&server.base, "zoe").await;
        let members = format!("{WS}/members");

        // An account (Zoe's) and no account answer alike.
        let (status, zoe_invite) = ana
            .post(&members, json!({"email": "zoe@x.org", "role": "member"}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{zoe_invite}");
        let (status, ghost_invite) = ana
            .post(&members, json!({"email": "ghost@x.org", "role": "member"}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{ghost_invite}");
        let shape = |v: &Value| {
            let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            (
                keys,
                v["role"].clone(),
                v["workspace"].clone(),
                v["invited_by"].clone(),
            )
        };
        assert_eq!(shape(&zoe_invite), shape(&ghost_invite));
        // No account is created or changed by inviting, and no password
        // can be given.
        let (status, body) = ana
            .post(
                &members,
                json!({"email": "new@x.org", "role": "member", "name": "New", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

        // Until she accepts, Zoe is no member.
        let (status, _) = zoe.get(&format!("{WS}/projects")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, waiting) = zoe.get("/api/v1/invitations").await;
        assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
        assert_eq!(waiting[0]["workspace"], "acme");
        // Her inbox, in the workspace she is in, tells her of it.
        let invitations_in = |list: &Value| -> Vec<Value> {
            list.as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "invitation")
                .cloned()
                .collect()
        };
        let (status, inbox) = zoe.get("/api/v1/workspaces/other/inbox").await;
        assert_eq!(status, StatusCode::OK, "{inbox}");
        let told = invitations_in(&inbox);
        assert_eq!(told.len(), 1, "{inbox}");
        assert_eq!(told[0]["object"]["kind"], "workspace");
        assert_eq!(told[0]["object"]["key"], "acme");
        assert_eq!(told[0]["read"], false);
        assert_eq!(told[0]["note"], "as member");
        // Nobody else can accept or decline it.
        let mel = Api::login(&server.base, "mel").await;
        let id = zoe_invite["id"].as_i64().unwrap();
        let (status, _) = mel
            .call(
                Method::POST,
                &format!("/api/v1/invitations/{id}/accept"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = mel
            .call(Method::DELETE, &format!("/api/v1/invitations/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, joined) = zoe
            .call(
                Method::POST,
                &format!("/api/v1/invitations/{id}/accept"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{joined}");
        assert_eq!(joined["role"], "member");
        let (status, _) = zoe.get(&format!("{WS}/projects")).await;
        assert_eq!(status, StatusCode::OK);
        let (_, waiting) = zoe.get("/api/v1/invitations").await;
        assert_eq!(waiting.as_array().unwrap().len(), 0);
        // Answered, its notice is put away.
        let (_, inbox) = zoe.get("/api/v1/workspaces/other/inbox").await;
        assert!(invitations_in(&inbox).is_empty(), "{inbox}");
        let (_, archived) = zoe
            .get("/api/v1/workspaces/other/inbox?archived=true")
            .await;
        assert_eq!(invitations_in(&archived).len(), 1, "{archived}");
        // A member is not invited again.
        let (status, _) = ana
            .post(&members, json!({"email": "zoe@x.org", "role": "admin"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Declining closes it; an admin withdraws one; only owners and
        // admins invite, and only owners invite owners.
        let ada = Api::login(&server.base, "ada").await;
        let (_, open) = ada.get(&format!("{WS}/invitations")).await;
        assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
        let ghost_id = ghost_invite["id"].as_i64().unwrap();
        let (status, _) = ada
            .call(
                Method::DELETE,
                &format!("{WS}/invitations/{ghost_id}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, open) = ada.get(&format!("{WS}/invitations")).await;
        assert_eq!(open.as_array().unwrap().len(), 0);
        let (status, _) = ada
            .post(&members, json!({"email": "boss@x.org", "role": "owner"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for who in ["mel", "gus"] {
            let api = Api::login(&server.base, who).await;
            let (status, _) = api
                .post(&members, json!({"email": "friend@x.org", "role": "member"}))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
            let (status, _) = api.get(&format!("{WS}/invitations")).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        }
        let other = "/api/v1/workspaces/other/members";
        let (status, invite) = zoe
            .post(other, json!({"email": "mel@x.org", "role": "guest"}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let id = invite["id"].as_i64().unwrap();
        let (_, inbox) = mel.get(&format!("{WS}/inbox")).await;
        assert_eq!(invitations_in(&inbox).len(), 1, "{inbox}");
        let (status, _) = mel
            .call(Method::DELETE, &format!("/api/v1/invitations/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, inbox) = mel.get(&format!("{WS}/inbox")).await;
        assert!(invitations_in(&inbox).is_empty(), "declined: {inbox}");
        let (status, _) = mel.get("/api/v1/workspaces/other/projects").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "declined: no member");
        let (_, waiting) = mel.get("/api/v1/invitations").await;
        assert_eq!(waiting.as_array().unwrap().len(), 0);
        server.stop().await;
    }
}

#[tokio::test]
async fn an_invitation_is_accepted_in_the_web_app() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    let (status, invite) = ana
        .post(
            &format!("{WS}/members"),
            json!({"email": "zoe@x.org", "role": "member"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let zoe = Browser::sign_in(&server.base, "zoe").await;
    let (status, page) = zoe.get("/w/other/my").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Acme</strong> invites you as member"),
        "{page}"
    );
    // Its link opens it for Zoe, and for nobody else.
    let link = invite["link"].as_str().expect("a link, given once");
    assert!(link.starts_with("/invitations/accept?token=tdi_"), "{link}");
    let (status, page) = zoe.get(link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("invites you as member"), "{page}");
    let mel = Browser::sign_in(&server.base, "mel").await;
    let (status, page) = mel.get(link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Acme"), "{page}");
    // The workspace's list never shows a link again.
    let (_, open) = ana.get(&format!("{WS}/invitations")).await;
    assert!(open[0].get("link").is_none(), "{open}");
    let id = invite["id"].as_i64().unwrap();
    let response = zoe
        .request(Method::POST, &format!("/invitations/{id}/accept"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/w/acme/my");
    let (status, page) = zoe.get("/w/acme/my").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("invites you"));
    server.stop().await;
}
