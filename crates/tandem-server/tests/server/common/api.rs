//! The JSON API's test client and the world the API tests share: five
//! people in two workspaces, on SQLite and (when
//! `TANDEM_TEST_POSTGRES_URL` is set) PostgreSQL.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tandem_domain::{Email, Role, Slug};
use tandem_store::Scope;
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};

pub const PASSWORD: &str = "correct horse battery";

pub async fn databases() -> Vec<String> {
    let mut urls = vec![fresh_sqlite_url()];
    match postgres_url() {
        Some(admin) => urls.push(fresh_postgres_database(&admin).await.unwrap()),
        None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
    }
    urls
}

/// Users: ana (owner), ada (admin), mel (member), gus (guest) in "acme";
/// zoe owns "other".
pub async fn seed(url: &str) {
    let store = tandem_store::open(url).await.unwrap();
    let hash = tandem_server::auth::hash_password(PASSWORD).unwrap();
    let mut ids = Vec::new();
    for name in ["ana", "ada", "mel", "gus", "zoe"] {
        let user = store
            .create_user(
                &Email::parse(&format!("{name}@x.org")).unwrap(),
                name,
                &hash,
            )
            .await
            .unwrap();
        ids.push(user.id);
    }
    let acme = store
        .create_workspace(&Slug::parse("acme").unwrap(), "Acme", Some(ids[0]))
        .await
        .unwrap();
    store
        .create_workspace(&Slug::parse("other").unwrap(), "Other", Some(ids[4]))
        .await
        .unwrap();
    let owner = Scope {
        workspace_id: acme.id,
        user_id: ids[0],
        role: Role::Owner,
    };
    store
        .add_member(owner.admin().unwrap(), ids[1], Role::Admin)
        .await
        .unwrap();
    store
        .add_member(owner.admin().unwrap(), ids[2], Role::Member)
        .await
        .unwrap();
    store
        .add_member(owner.admin().unwrap(), ids[3], Role::Guest)
        .await
        .unwrap();
}

pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
}

impl Api {
    pub async fn login(base: &str, who: &str) -> Api {
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": format!("{who}@x.org"), "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = super::session_cookie_of(&response);
        let token: Value = http
            .post(format!("{base}/api/v1/tokens"))
            .header("cookie", cookie)
            .json(&json!({"name": "tests"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Api {
            http,
            base: base.to_string(),
            token: Some(token["token"].as_str().unwrap().to_string()),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_with(method, path, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let is_problem = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap().starts_with("application/problem+json"));
        let text = response.text().await.unwrap();
        if status.is_client_error() || status.is_server_error() {
            assert!(is_problem, "{status} without a problem body: {text}");
        }
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }
}

pub const WS: &str = "/api/v1/workspaces/acme";

/// Creates LAUNCH with three tasks and a chain 1 → 2 → 3.
pub async fn plan(ana: &Api) {
    let (status, body) = ana
        .post(
            &format!("{WS}/projects"),
            json!({"key": "LAUNCH", "name": "Launch", "owner": "ana@x.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for title in ["Brief", "Design", "Build"] {
        let (status, body) = ana
            .post(
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": title, "owner": "mel@x.org", "tags": ["web"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    for (p, s) in [("LAUNCH-1", "LAUNCH-2"), ("LAUNCH-2", "LAUNCH-3")] {
        let (status, body) = ana
            .post(
                &format!("{WS}/dependencies"),
                json!({"predecessor": p, "successor": s, "type": "fs"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

/// Beside LAUNCH (shared with Gus, the guest, as informed): HIDDEN, not
/// shared, with one task made from `task` (its project set).
pub async fn hidden_beside(ana: &Api, mut task: Value) {
    let (status, body) = ana
        .post(
            &format!("{WS}/projects"),
            json!({"key": "HIDDEN", "name": "Hidden plan"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    task["project"] = json!("HIDDEN");
    let (status, body) = ana.post(&format!("{WS}/tasks"), task).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = ana
        .post(
            &format!("{WS}/projects/LAUNCH/stakeholders"),
            json!({"member": "gus@x.org", "role": "informed"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// What the database holds, as seen by the owner: every write leaves a
/// trace in the history, so an unchanged history means nothing was written.
pub async fn fingerprint(ana: &Api) -> Value {
    let (_, history) = ana.get(&format!("{WS}/projects/LAUNCH/activity")).await;
    let (_, tasks) = ana.get(&format!("{WS}/tasks?limit=500")).await;
    // Tandem's own judgements of the project's health come in the
    // background, whenever its figures moved: not anyone's write.
    let written = history
        .as_array()
        .map(|a| a.iter().filter(|h| h["action"] != "health changed").count());
    json!({"history": written, "tasks": tasks["tasks"]})
}
