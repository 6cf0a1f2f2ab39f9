//! What a security and reliability review broke, kept fixed: every route
//! for every role (status codes, and no body naming what the caller may
//! not open), concurrent writers on both databases, cross-site writes,
//! redirects, throttled sign-in, security headers, and event streams that
//! end with the access that opened them.

mod invitations;
mod roles;
mod sessions;
mod writes;

use std::collections::HashMap;
use std::net::IpAddr;

use crate::common::Server;
use crate::common::api::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The objects of one reach: LAUNCH (shared with the guest) or SECRET
/// (not), each with one of everything a path can name.
#[derive(Debug, Clone, Default)]
struct Reach {
    project: String,
    tasks: [String; 2],
    ids: HashMap<&'static str, i64>,
}

struct World {
    launch: Reach,
    secret: Reach,
    mel_id: i64,
    time_off_id: i64,
    token_id: i64,
    /// An open invitation of the workspace, for someone without an account.
    invitation_id: i64,
    /// A webhook of every event, made before everything else, so its
    /// deliveries tell of all of it; and one of its deliveries.
    webhook_id: i64,
    delivery_id: i64,
}

/// The servers `world` is made on deliver webhooks to loopback, where the
/// world's webhook refuses connections at once.
fn on_loopback() -> tandem_server::webhooks::WebhookOptions {
    tandem_server::webhooks::WebhookOptions {
        allow_private: true,
        ..Default::default()
    }
}

/// Titles and keys each caller must never read, whatever they ask.
const SECRET_WORDS: [&str; 4] = ["SECRET", "Secret plan", "Secret risk", "Sam Secret"];
const MEL_PRIVATE: &str = "Mel private";
const ANA_PRIVATE: &str = "Ana private";

async fn created(api: &Api, path: &str, body: Value) -> Value {
    let (status, answer) = api.post(path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
    answer
}

/// One of everything under a project: a second task and a link, a phase, a
/// milestone, a stakeholder, a risk, a saved view, a calendar exception, a
/// baseline.
async fn furnish(ana: &Api, key: &str, stakeholder: Value, risk: &str) -> Reach {
    let mut reach = Reach {
        project: key.to_string(),
        tasks: [format!("{key}-1"), format!("{key}-2")],
        ..Default::default()
    };
    let p = format!("{WS}/projects/{key}");
    let id = |v: Value| v["id"].as_i64().unwrap();
    reach.ids.insert(
        "phases",
        id(created(ana, &format!("{p}/phases"), json!({"name": "Phase"})).await),
    );
    reach.ids.insert(
        "milestones",
        id(created(ana, &format!("{p}/milestones"), json!({"name": "Gate"})).await),
    );
    reach.ids.insert(
        "stakeholders",
        id(created(ana, &format!("{p}/stakeholders"), stakeholder).await),
    );
    reach.ids.insert(
        "risks",
        id(created(
            ana,
            &format!("{p}/risks"),
            json!({"title": risk, "probability": 3, "impact": 4, "tasks": [format!("{key}-1")]}),
        )
        .await),
    );
    reach.ids.insert(
        "exceptions",
        id(created(
            ana,
            &format!("{p}/calendar/exceptions"),
            json!({"name": "Holiday", "start_date": "2031-12-24", "end_date": "2031-12-26"}),
        )
        .await),
    );
    // Ana's own view: someone else's delete finds nothing.
    reach.ids.insert(
        "views",
        id(created(
            ana,
            &format!("{p}/views"),
            json!({"name": "Ana's view", "query": "status=open&sort=due"}),
        )
        .await),
    );
    reach.ids.insert(
        "portfolios",
        id(created(
            ana,
            &format!("{WS}/portfolios"),
            json!({"name": format!("{key} portfolio"), "projects": [key]}),
        )
        .await),
    );
    let goal = created(
        ana,
        &format!("{WS}/goals"),
        json!({"title": format!("{key} goal"), "projects": [key], "tasks": [format!("{key}-1")]}),
    )
    .await;
    reach.ids.insert("goals", id(goal.clone()));
    // Updates written of the whole: a guest reads none of them.
    for on in [
        format!("{WS}/portfolios/{}", reach.ids["portfolios"]),
        format!("{WS}/goals/{}", goal["id"]),
    ] {
        created(
            ana,
            &format!("{on}/status-updates"),
            json!({"text": format!("{key} is on its way")}),
        )
        .await;
    }
    // A project's update, and talk on it: a guest reads neither of
    // SECRET's.
    let (said, asked) = match key {
        "SECRET" => ("The Secret plan is late", "Why is the Secret plan late?"),
        _ => ("Launch is on time", "Will it stay on time?"),
    };
    let update = id(created(ana, &format!("{p}/status-updates"), json!({"text": said})).await);
    reach.ids.insert("status-updates", update);
    created(
        ana,
        &format!("{WS}/comments"),
        json!({"status_update": update, "body": asked}),
    )
    .await;
    let with_kr = created(
        ana,
        &format!("{WS}/goals/{}/key-results", goal["id"]),
        json!({"name": format!("{key} result"), "start": 0, "target": 10}),
    )
    .await;
    reach
        .ids
        .insert("key-results", id(with_kr["key_results"][0].clone()));
    reach.ids.insert(
        "baselines",
        id(created(ana, &format!("{p}/baselines"), json!({"name": "Plan"})).await),
    );
    // A what-if scenario that changes a task: what it names is the
    // project's, a guest out of reach reads none of it.
    created(ana, &format!("{p}/scenarios"), json!({"name": "What if"})).await;
    let (status, body) = ana
        .patch(
            &format!("{p}/scenarios/What%20if/tasks/{key}-1"),
            json!({"estimate_days": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    reach
}

/// LAUNCH (via `plan`) shared with Gus as a stakeholder; SECRET not; a
/// personal task each for Mel and Ana, both linked into LAUNCH, as is
/// SECRET-1.
async fn world(ana: &Api, mel: &Api) -> World {
    let webhook = created(
        ana,
        &format!("{WS}/webhooks"),
        json!({"url": "http://127.0.0.1:9/hook", "secret": "world", "events": ["*"]}),
    )
    .await;
    let webhook_id = webhook["id"].as_i64().unwrap();
    plan(ana).await;
    let mut launch = furnish(
        ana,
        "LAUNCH",
        json!({"member": "gus@x.org", "role": "informed"}),
        "Launch risk",
    )
    .await;
    created(
        ana,
        &format!("{WS}/projects"),
        json!({"key": "SECRET", "name": "Secret plan"}),
    )
    .await;
    for title in ["Secret plan", "Secret step"] {
        created(
            ana,
            &format!("{WS}/tasks"),
            json!({"project": "SECRET", "title": title}),
        )
        .await;
    }
    created(
        ana,
        &format!("{WS}/dependencies"),
        json!({"predecessor": "SECRET-1", "successor": "SECRET-2"}),
    )
    .await;
    let mut secret = furnish(
        ana,
        "SECRET",
        json!({"name": "Sam Secret", "role": "sponsor"}),
        "Secret risk",
    )
    .await;
    created(
        ana,
        &format!("{WS}/dependencies"),
        json!({"predecessor": "SECRET-1", "successor": "LAUNCH-1"}),
    )
    .await;
    // Asked by Mel, so a member may resubmit or withdraw it; of each
    // project's first task, whose title a guest must not read in SECRET.
    for reach in [&mut launch, &mut secret] {
        let approval = created(
            mel,
            &format!("{WS}/approvals"),
            json!({"task": reach.tasks[0], "approvers": ["ana@x.org"], "note": "Sign off"}),
        )
        .await;
        reach
            .ids
            .insert("approvals", approval["id"].as_i64().unwrap());
        // A rule that never fires; SECRET's name a guest must not read.
        let name = if reach.project == "SECRET" {
            "Secret plan rule"
        } else {
            "Launch rule"
        };
        let rule = created(
            ana,
            &format!("{WS}/rules"),
            json!({"name": name, "project": reach.project, "when": "milestone 999999 reached",
                   "then": ["create task: Never"]}),
        )
        .await;
        reach.ids.insert("rules", rule["id"].as_i64().unwrap());
        // Mel's, so a member's delete reaches the version check; in
        // SECRET, words a guest must not read.
        // Both mention the guest, who may be told only of LAUNCH's.
        let text = if reach.project == "SECRET" {
            "The Secret plan slips, @gus"
        } else {
            "Brief is ready for review, @gus"
        };
        let comment = created(
            mel,
            &format!("{WS}/comments"),
            json!({"task": reach.tasks[0], "body": text}),
        )
        .await;
        reach
            .ids
            .insert("comments", comment["id"].as_i64().unwrap());
        // Mel's file on the first task, so a member may remove it; its
        // name in SECRET a guest must not read.
        let name = if reach.project == "SECRET" {
            "Secret plan notes.txt"
        } else {
            "Brief notes.txt"
        };
        let response = mel
            .http
            .post(format!(
                "{}{WS}/attachments?task={}&name={}",
                mel.base,
                reach.tasks[0],
                name.replace(' ', "%20")
            ))
            .bearer_auth(mel.token.as_deref().unwrap())
            .header("content-type", "text/plain")
            .body(format!("{name}: the words of the file"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let file: Value = response.json().await.unwrap();
        reach
            .ids
            .insert("attachments", file["id"].as_i64().unwrap());
    }
    let mine = created(mel, &format!("{WS}/tasks"), json!({"title": MEL_PRIVATE})).await;
    created(
        mel,
        &format!("{WS}/dependencies"),
        json!({"predecessor": mine["key"], "successor": "LAUNCH-2"}),
    )
    .await;
    let ana_own = created(ana, &format!("{WS}/tasks"), json!({"title": ANA_PRIVATE})).await;
    created(
        ana,
        &format!("{WS}/dependencies"),
        json!({"predecessor": ana_own["key"], "successor": "LAUNCH-3"}),
    )
    .await;
    let mel_id = member_id(ana, "mel@x.org").await;
    let time_off = created(
        mel,
        &format!("{WS}/members/{mel_id}/time-off"),
        json!({"start_date": "2031-08-01", "end_date": "2031-08-05", "note": "Away"}),
    )
    .await;
    let (_, tokens) = ana.get("/api/v1/tokens").await;
    let invitation = ana
        .post(
            &format!("{WS}/members"),
            json!({"email": "ghost@x.org", "role": "guest"}),
        )
        .await
        .1;
    // A template of SECRET: its titles are SECRET's, so a guest never
    // sees it, in a list or a page.
    created(
        ana,
        &format!("{WS}/templates"),
        json!({"project": "SECRET", "name": "Hidden playbook"}),
    )
    .await;
    created(
        ana,
        &format!("{WS}/task-templates"),
        json!({"task": "SECRET-1", "name": "Hidden steps"}),
    )
    .await;
    let (status, ping) = ana
        .post(&format!("{WS}/webhooks/{webhook_id}/ping"), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{ping}");
    World {
        webhook_id,
        delivery_id: ping["id"].as_i64().unwrap(),
        invitation_id: invitation["id"].as_i64().unwrap(),
        launch,
        secret,
        mel_id,
        time_off_id: time_off["id"].as_i64().unwrap(),
        token_id: tokens[0]["id"].as_i64().unwrap(),
    }
}

/// On PostgreSQL, a second node on the same database (with its own
/// rescheduler); SQLite is one process's file, so none.
async fn second_node(url: &str) -> Option<Server> {
    if url.starts_with("postgres") {
        Some(Server::start(url).await)
    } else {
        None
    }
}

/// The user id of a member of acme.
async fn member_id(api: &Api, email: &str) -> i64 {
    let (_, members) = api.get(&format!("{WS}/members")).await;
    members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["email"] == email)
        .map(|m| m["user"]["id"].as_i64().unwrap())
        .unwrap()
}

/// Everything an event stream says until the server ends it.
async fn until_it_ends(mut events: reqwest::Response) -> String {
    let mut heard = String::new();
    while let Some(chunk) = events.chunk().await.unwrap() {
        heard.push_str(&String::from_utf8_lossy(&chunk));
    }
    heard
}

async fn anonymous(base: &str) -> Api {
    Api {
        http: reqwest::Client::new(),
        base: base.to_string(),
        token: None,
    }
}

/// A browser-like client: the session cookie, no redirects followed.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Browser {
    async fn sign_in(base: &str, who: &str) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = http
            .post(format!("{base}/signin"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email={who}%40x.org&password={}",
                PASSWORD.replace(' ', "+")
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = crate::common::session_cookie_of(&response);
        Browser {
            http,
            base: base.to_string(),
            cookie: Some(cookie),
        }
    }

    fn anonymous(base: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: base.to_string(),
            cookie: None,
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self.request(Method::GET, path).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    async fn post_form(&self, path: &str, form: &str) -> (StatusCode, String) {
        let response = self
            .request(Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}
