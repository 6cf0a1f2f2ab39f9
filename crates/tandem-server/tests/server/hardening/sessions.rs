//! Sign-in redirects and throttling, security headers, and event streams
//! that end with the access that opened them.

use super::*;

#[tokio::test]
async fn sign_in_sends_people_only_to_local_paths() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cases = [
        ("%2Fw%2Facme%2Fmy", "/w/acme/my"),
        ("%2F%09%2Fevil.test", "/"),
        ("%2F%0A%2Fevil.test", "/"),
        ("%2F%2Fevil.test", "/"),
        ("%2F%5Cevil.test", "/"),
        ("%2F%5C%5Cevil.test", "/"),
        ("https%3A%2F%2Fevil.test", "/"),
        ("%2Fw%0D%0ASet-Cookie%3A+a%3Db", "/"),
        ("%2Fw%00x", "/"),
        ("%2Fw%7Fx", "/"),
        ("%2F%E2%80%AE%2Fevil.test", "/"),
    ];
    for (next, location) in cases {
        let response = http
            .post(format!("{}/signin", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email=ana%40x.org&password={}&next={next}",
                PASSWORD.replace(' ', "+")
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(response.headers()["location"], location, "next={next}");
    }
    // The sign-in page carries the same rule into its form.
    let page = http
        .get(format!("{}/signin?next=%2F%09%2Fevil.test", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("evil.test"));
    server.stop().await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/signin",
        "/api/v1/me",
        "/api/v1/openapi.json",
        "/w/acme/my",
        "/nowhere",
    ] {
        let response = http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
    // Pages carry no inline script or style for the policy to break.
    let browser = Browser::sign_in(&server.base, "ana").await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    for path in [
        "/w/acme/my",
        "/w/acme/p/LAUNCH",
        "/w/acme/p/LAUNCH/timeline",
    ] {
        let (_, page) = browser.get(path).await;
        assert!(!page.contains(" style="), "{path}");
        assert!(!page.contains("<script>"), "{path}");
    }
    // Behind a proxy that says HTTPS, the session cookie is Secure.
    for (proto, secure) in [("https", true), ("http", false)] {
        let response = http
            .post(format!("{}/signin", server.base))
            .header("x-forwarded-proto", proto)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email=ana%40x.org&password={}",
                PASSWORD.replace(' ', "+")
            ))
            .send()
            .await
            .unwrap();
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        assert_eq!(cookie.contains("; Secure"), secure, "{proto}: {cookie}");
    }
    // The bearer scheme is case-insensitive.
    let token = ana.token.clone().unwrap();
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = http
            .get(format!("{}/api/v1/me", server.base))
            .header("authorization", format!("{scheme} {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
    server.stop().await;
}

/// A client whose connections come from `address` (any of 127.0.0.0/8).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(address))
        .build()
        .unwrap()
}

async fn sign_in_from(
    http: &reqwest::Client,
    base: &str,
    who: &str,
    password: &str,
) -> reqwest::Response {
    http.post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": format!("{who}@x.org"), "password": password}))
        .send()
        .await
        .unwrap()
}

/// Guessing invitation links is throttled like guessing passwords, and
/// the answer says what was tried too often.
#[tokio::test]
async fn guessed_invitation_links_are_throttled_and_say_so() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let guesser = client_from([127, 0, 0, 7]);
    let mut throttled = None;
    for i in 0..50 {
        let response = guesser
            .post(format!("{}/api/v1/invitations/join", server.base))
            .json(&json!({"token": format!("tdi_guess{i}"), "name": "Eve", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(response.json::<Value>().await.unwrap());
            break;
        }
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let problem = throttled.expect("fifty guesses from one address were never throttled");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.starts_with("too many tries at joining"), "{problem}");
}

#[tokio::test]
async fn wrong_passwords_are_throttled_without_locking_the_owner_out() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let attacker = client_from([127, 0, 0, 1]);
    let mut statuses = Vec::new();
    for _ in 0..30 {
        let response = sign_in_from(&attacker, &server.base, "ana", "guess").await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=15 * 60).contains(&wait), "{wait}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
        }
        statuses.push(response.status());
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(refused, tandem_server::throttle::PER_ACCOUNT_AND_ADDRESS);
    assert!(
        statuses[refused..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS)
    );
    // Even the right password waits, from the guessing address…
    let response = sign_in_from(&attacker, &server.base, "ana", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // …but Ana signs in from anywhere else.
    let ana = client_from([127, 0, 0, 2]);
    let response = sign_in_from(&ana, &server.base, "ana", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    // One address guessing many accounts is stopped too.
    let sprayer = client_from([127, 0, 0, 3]);
    let mut last = StatusCode::OK;
    for i in 0..=tandem_server::throttle::PER_ADDRESS {
        let response = sign_in_from(&sprayer, &server.base, &format!("nobody{i}"), "guess").await;
        last = response.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Attempts sent all at once cannot pass the check together: at most
    // the limit's worth are judged, even with the right password last.
    let burst = client_from([127, 0, 0, 5]);
    let attempts = (0..40).map(|i| {
        let burst = burst.clone();
        let base = server.base.clone();
        let password = if i == 39 { PASSWORD } else { "guess" };
        async move { sign_in_from(&burst, &base, "mel", password).await.status() }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let judged = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        judged <= tandem_server::throttle::PER_ACCOUNT_AND_ADDRESS,
        "{judged} of 40 were judged: {statuses:?}"
    );
    // Concurrent attempts all get an answer (hashes take turns).
    let crowd = client_from([127, 0, 0, 4]);
    let attempts = (0..32).map(|i| {
        let crowd = crowd.clone();
        let base = server.base.clone();
        async move {
            sign_in_from(&crowd, &base, &format!("crowd{i}"), "guess")
                .await
                .status()
        }
    });
    for status in futures_util::future::join_all(attempts).await {
        assert!(matches!(
            status,
            StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
        ));
    }
    server.stop().await;
}

#[tokio::test]
async fn event_streams_end_with_the_session_and_the_membership() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;

    // Signed out: the stream ends, and carries no change made after.
    let mel = Browser::sign_in(&server.base, "mel").await;
    let events = mel
        .request(Method::GET, "/w/acme/events")
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    let (status, _) = mel.post_form("/signout", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    ana.patch(
        &format!("{WS}/tasks/LAUNCH-1"),
        json!({"title": "After sign-out"}),
    )
    .await;
    let heard = until_it_ends(events).await;
    assert!(!heard.contains("event: change"), "{heard}");

    // Removed from the workspace: the same.
    let gus = Browser::sign_in(&server.base, "gus").await;
    let events = gus
        .request(Method::GET, "/w/acme/events")
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    let gus_id = member_id(&ana, "gus@x.org").await;
    let (status, _) = ana
        .call(Method::DELETE, &format!("{WS}/members/{gus_id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    ana.patch(
        &format!("{WS}/tasks/LAUNCH-1"),
        json!({"title": "After removal"}),
    )
    .await;
    let heard = until_it_ends(events).await;
    assert!(!heard.contains("event: change"), "{heard}");

    // A member still signed in hears the change.
    let ada = Browser::sign_in(&server.base, "ada").await;
    let mut events = ada
        .request(Method::GET, "/w/acme/events")
        .send()
        .await
        .unwrap();
    ana.patch(&format!("{WS}/tasks/LAUNCH-1"), json!({"title": "Heard"}))
        .await;
    let chunk = events.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&chunk).contains("event: change"));
    drop(events);
    server.stop().await;
}

#[tokio::test]
async fn one_person_cannot_hold_every_connection_with_event_streams() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let gus = Browser::sign_in(&server.base, "gus").await;
    let mut open = Vec::new();
    for _ in 0..tandem_server::web::live::STREAMS_PER_USER {
        let events = gus
            .request(Method::GET, "/w/acme/events")
            .send()
            .await
            .unwrap();
        assert_eq!(events.status(), StatusCode::OK);
        open.push(events);
    }
    let refused = gus
        .request(Method::GET, "/w/acme/events")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    // Someone else is not affected.
    let ana = Browser::sign_in(&server.base, "ana").await;
    let events = ana
        .request(Method::GET, "/w/acme/events")
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    drop(events);
    // Closing one gives its place back (the server notices the closed
    // connection when it next writes to it; a change makes it write).
    drop(open.pop());
    let api = Api::login(&server.base, "ana").await;
    plan(&api).await;
    let mut again = None;
    for _ in 0..50 {
        let events = gus
            .request(Method::GET, "/w/acme/events")
            .send()
            .await
            .unwrap();
        if events.status() == StatusCode::OK {
            again = Some(events);
            break;
        }
        api.patch(&format!("{WS}/tasks/LAUNCH-1"), json!({"title": "Nudge"}))
            .await;
    }
    assert!(again.is_some(), "a closed stream's place was given back");
    drop(open);
    server.stop().await;
}

/// Reads a stream until `wanted` appears; what it heard on the way.
async fn hear_until(events: &mut reqwest::Response, wanted: &str) -> String {
    let mut heard = String::new();
    while !heard.contains(wanted) {
        let chunk = events.chunk().await.unwrap().expect("the stream ended");
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    heard
}

#[tokio::test]
async fn event_streams_say_nothing_of_what_the_viewer_may_not_open() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    let (status, _) = ana
        .post(
            &format!("{WS}/projects"),
            json!({"key": "SEEN", "name": "Seen"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = ana
        .post(
            &format!("{WS}/projects/SEEN/stakeholders"),
            json!({"member": "gus@x.org", "role": "informed"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Gus, a guest, is a stakeholder of SEEN only; Ada is an admin.
    let gus = Browser::sign_in(&server.base, "gus").await;
    let mut gus_events = gus
        .request(Method::GET, "/w/acme/events")
        .send()
        .await
        .unwrap();
    let ada = Browser::sign_in(&server.base, "ada").await;
    let mut ada_events = ada
        .request(Method::GET, "/w/acme/events")
        .send()
        .await
        .unwrap();
    let mel = Api::login(&server.base, "mel").await;

    ana.patch(&format!("{WS}/tasks/LAUNCH-1"), json!({"title": "Secret"}))
        .await;
    let (status, personal) = mel
        .post(&format!("{WS}/tasks"), json!({"title": "Mel's own"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let personal = personal["key"].as_str().unwrap().to_string();
    let (status, _) = ana
        .post(
            &format!("{WS}/tasks"),
            json!({"project": "SEEN", "title": "Open"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Everything Gus hears before SEEN's task is about what he may open.
    let heard = hear_until(&mut gus_events, r#""key":"SEEN-1""#).await;
    assert!(!heard.contains("LAUNCH"), "{heard}");
    assert!(!heard.contains(&personal), "{heard}");
    // Ada sees every project, but not Mel's personal task: she hears that
    // a task changed, not which.
    let heard = hear_until(&mut ada_events, r#""key":"SEEN-1""#).await;
    assert!(heard.contains(r#""key":"LAUNCH-1""#), "{heard}");
    assert!(!heard.contains(&personal), "{heard}");
    assert!(
        !heard.contains("Secret") && !heard.contains("Mel's own"),
        "{heard}"
    );
    drop((gus_events, ada_events));
    server.stop().await;
}
