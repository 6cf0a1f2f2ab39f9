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

/// Someone invited who has no account makes it from the link, for the
/// invited email only, and is a member at once; a link spent, wrong or
/// for an email with an account makes nothing.
#[tokio::test]
async fn someone_invited_without_an_account_joins_by_the_link() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let nobody = Api {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            token: None,
        };
        let invite = |email: &'static str| {
            let ana = &ana;
            async move {
                let (status, invite) = ana
                    .post(
                        &format!("{WS}/members"),
                        json!({"email": email, "role": "member"}),
                    )
                    .await;
                assert_eq!(status, StatusCode::ACCEPTED, "{invite}");
                invite["link"].as_str().unwrap().to_string()
            }
        };
        let join = "/api/v1/invitations/join";
        let link = invite("nia@x.org").await;

        // Bad input names its field and makes nothing.
        let (status, body) = nobody
            .post(
                join,
                json!({"token": link, "name": "Nia", "password": "short"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("password"), "{body}");
        let (status, body) = nobody
            .post(
                join,
                json!({"token": "tdi_wrong", "name": "Nia", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

        // The whole link, as it was handed over.
        let response = nobody
            .http
            .post(format!("{}{join}", server.base))
            .json(&json!({"token": format!("{}{link}", server.base), "name": "Nia New", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        // An answer that signs someone in stays out of caches.
        assert_eq!(response.headers()["cache-control"], "no-store");
        let cookie = crate::common::session_cookie_of(&response);
        let me: Value = response.json().await.unwrap();
        assert_eq!(me["user"]["email"], "nia@x.org", "{me}");
        assert_eq!(me["user"]["name"], "Nia New", "{me}");
        assert_eq!(me["workspaces"][0]["slug"], "acme", "{me}");
        assert_eq!(me["workspaces"][0]["role"], "member", "{me}");
        // Signed in by it, and with the password from now on.
        let response = nobody
            .http
            .get(format!("{}/api/v1/me", server.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let nia = Api::login(&server.base, "nia").await;
        let (status, _) = nia.get(&format!("{WS}/projects")).await;
        assert_eq!(status, StatusCode::OK);
        // Spent.
        let (status, _) = nobody
            .post(
                join,
                json!({"token": link, "name": "Nia", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // An email with an account signs in to answer: nothing changes.
        let link = invite("zoe@x.org").await;
        let (status, body) = nobody
            .post(
                join,
                json!({"token": link, "name": "Not Zoe", "password": "another password"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .starts_with("an account with the invited email exists: sign in"),
            "{body}"
        );
        let zoe = Api::login(&server.base, "zoe").await;
        let (_, waiting) = zoe.get("/api/v1/invitations").await;
        assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
        let (_, me) = zoe.get("/api/v1/me").await;
        assert_eq!(me["user"]["name"], "zoe", "{me}");

        // In the web app: the link's page asks nothing of the link, and
        // its form makes the account and opens the workspace.
        let link = invite("ivo@x.org").await;
        let web = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = web
            .get(format!("{}{link}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        assert!(page.contains("Make your account"), "{page}");
        assert!(!page.contains("Acme"), "{page}");
        let token = link.rsplit_once("token=").unwrap().1;
        let response = web
            .post(format!("{}/invitations/join", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("token={token}&name=Ivo&password=short"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("at least 8"));
        let response = web
            .post(format!("{}/invitations/join", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("token={token}&name=Ivo&password={PASSWORD}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/w/acme/my");
        let cookie = crate::common::session_cookie_of(&response);
        let page = web
            .get(format!("{}/w/acme/my", server.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        server.stop().await;
    }
}
