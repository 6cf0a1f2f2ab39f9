//! What a security and reliability review broke, kept fixed: every route
//! for every role (status codes, and no body naming what the caller may
//! not open), concurrent writers on both databases, cross-site writes,
//! redirects, throttled sign-in, security headers, and event streams that
//! end with the access that opened them.

mod common;

use std::collections::HashMap;
use std::net::IpAddr;

use common::Server;
use common::api::*;
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
/// milestone, a stakeholder, a risk, a calendar exception, a baseline.
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
    reach.ids.insert(
        "baselines",
        id(created(ana, &format!("{p}/baselines"), json!({"name": "Plan"})).await),
    );
    reach
}

/// LAUNCH (via `plan`) shared with Gus as a stakeholder; SECRET not; a
/// personal task each for Mel and Ana, both linked into LAUNCH, as is
/// SECRET-1.
async fn world(ana: &Api, mel: &Api) -> World {
    plan(ana).await;
    let launch = furnish(
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
    let secret = furnish(
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
    World {
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

/// The route's path with real objects of `reach` in place of its
/// parameters.
fn concrete(path: &str, world: &World, reach: &Reach) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let before = if i > 0 { segments[i - 1] } else { "" };
        let value = match *segment {
            "{ws}" => "acme".to_string(),
            "{key}" if before == "tasks" => reach.tasks[0].clone(),
            "{key}" => reach.project.clone(),
            "{predecessor}" => reach.tasks[0].clone(),
            "{successor}" => reach.tasks[1].clone(),
            "{user_id}" => world.mel_id.to_string(),
            "{id}" => match before {
                "time-off" => world.time_off_id.to_string(),
                "invitations" => world.invitation_id.to_string(),
                "tokens" => world.token_id.to_string(),
                kind => reach.ids[kind].to_string(),
            },
            other => other.to_string(),
        };
        out.push(value);
    }
    out.join("/")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Foreign,
    Guest,
    Member,
    Admin,
    Owner,
}

/// What a body for `who` must never contain.
fn forbidden(who: Who) -> Vec<&'static str> {
    match who {
        Who::Anonymous | Who::Foreign => {
            let mut words = SECRET_WORDS.to_vec();
            words.extend(["LAUNCH", "Brief", MEL_PRIVATE, ANA_PRIVATE]);
            words
        }
        Who::Guest => {
            let mut words = SECRET_WORDS.to_vec();
            words.extend([MEL_PRIVATE, ANA_PRIVATE, "TASK-"]);
            words
        }
        Who::Member => vec![ANA_PRIVATE],
        Who::Admin | Who::Owner => vec![MEL_PRIVATE],
    }
}

fn assert_nothing_leaks(who: Who, what: &str, body: &str) {
    for word in forbidden(who) {
        assert!(
            !body.contains(word),
            "{who:?} read '{word}' in {what}: {body}"
        );
    }
}

/// Writes only owners and admins may make: members and roles, and
/// deleting a whole project.
fn owners_and_admins_only(method: &str, path: &str) -> bool {
    path.ends_with("/members")
        || path.ends_with("/members/{user_id}")
        || path.starts_with("/api/v1/workspaces/{ws}/invitations")
        || (method == "delete" && path.ends_with("/projects/{key}"))
}

/// The status a caller gets from one route, checked against the roles.
fn check_status(who: Who, method: &str, path: &str, in_reach: bool, status: StatusCode) {
    let what = format!("{who:?} {method} {path} (in reach: {in_reach}) → {status}");
    assert!(!status.is_server_error(), "{what}");
    let public = matches!(
        path,
        "/healthz" | "/api/v1/openapi.json" | "/api/v1/auth/login"
    );
    if public || path == "/api/v1/auth/logout" {
        return;
    }
    let in_workspace = path.starts_with("/api/v1/workspaces/{ws}");
    let read = method == "get";
    match who {
        Who::Anonymous => assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}"),
        Who::Foreign if in_workspace => assert_eq!(status, StatusCode::NOT_FOUND, "{what}"),
        Who::Foreign => {}
        Who::Guest if !in_workspace => {}
        Who::Guest if !in_reach => assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{what}"
        ),
        Who::Guest if read && !path.contains("/invitations") => {
            assert_eq!(status, StatusCode::OK, "{what}")
        }
        Who::Guest => assert_eq!(status, StatusCode::FORBIDDEN, "{what}"),
        Who::Member if owners_and_admins_only(method, path) && !path.ends_with("/members") => {
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}")
        }
        Who::Member if read => assert_eq!(status, StatusCode::OK, "{what}"),
        Who::Member if owners_and_admins_only(method, path) => {
            assert_eq!(status, StatusCode::FORBIDDEN, "{what}")
        }
        Who::Member | Who::Admin | Who::Owner => {
            assert!(
                !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                "{what}"
            );
            if read {
                assert_eq!(status, StatusCode::OK, "{what}");
            }
        }
    }
}

async fn anonymous(base: &str) -> Api {
    Api {
        http: reqwest::Client::new(),
        base: base.to_string(),
        token: None,
    }
}

#[tokio::test]
async fn every_route_answers_each_role_and_shows_only_what_it_may_open() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let world = world(&ana, &mel).await;
        let callers = [
            (Who::Anonymous, anonymous(&server.base).await),
            (Who::Foreign, Api::login(&server.base, "zoe").await),
            (Who::Guest, Api::login(&server.base, "gus").await),
            (Who::Member, mel),
            (Who::Admin, Api::login(&server.base, "ada").await),
            (Who::Owner, ana),
        ];
        // Reads and writes first, deletes last: each caller's deletes
        // would take objects the others' requests name.
        let mut routes = tandem_server::routes::table();
        // Removing a member and revoking a token come last of all: after
        // them, the callers they affect can no longer be checked.
        routes.sort_by_key(|r| match (r.method, r.path) {
            ("delete", p) if p.ends_with("/members/{user_id}") => 2,
            ("delete", p) if p.starts_with("/api/v1/tokens/") => 3,
            ("delete", _) => 1,
            _ => 0,
        });
        let mut checked = 0;
        for route in &routes {
            // Personal and workspace-wide routes have one reach; project
            // objects are tried in the guest's reach and out of it.
            let project_object = ["{key}", "{id}", "{predecessor}"]
                .iter()
                .any(|p| route.path.contains(p))
                && !route.path.contains("time-off")
                && !route.path.contains("tokens")
                && !route.path.contains("invitations");
            let reaches: Vec<(&Reach, bool)> = if project_object {
                vec![(&world.launch, true), (&world.secret, false)]
            } else {
                vec![(&world.launch, true)]
            };
            for (reach, in_reach) in reaches {
                let path = concrete(route.path, &world, reach);
                for (who, api) in &callers {
                    let method: Method = route.method.to_uppercase().parse().unwrap();
                    let body = matches!(route.method, "post" | "patch").then(|| json!({}));
                    // A stale version: where a delete checks it, the
                    // object survives for the next caller.
                    let headers: &[(&str, &str)] = if route.method == "delete" {
                        &[("if-match", "\"999999\"")]
                    } else {
                        &[]
                    };
                    let (status, answer) = api.call_with(method, &path, body, headers).await;
                    check_status(*who, route.method, route.path, in_reach, status);
                    assert_nothing_leaks(
                        *who,
                        &format!("{} {path}", route.method),
                        &answer.to_string(),
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 6 * 60, "only {checked} requests were checked");
        server.stop().await;
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
        let cookie = common::session_cookie_of(&response);
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

/// Every page and form of the web app, for a project and a task key.
fn web_routes(project: &str, task: &str, invitation: i64) -> Vec<(&'static str, String, bool)> {
    let get = |p: String| ("get", p, true);
    let post = |p: String| ("post", p, false);
    vec![
        get("/w/acme".into()),
        get("/w/acme/my".into()),
        get("/w/acme/projects".into()),
        get("/w/acme/workload".into()),
        get(format!("/w/acme/p/{project}")),
        get(format!("/w/acme/p/{project}/list")),
        get(format!("/w/acme/p/{project}/board")),
        get(format!("/w/acme/p/{project}/timeline")),
        get(format!("/w/acme/p/{project}/workload")),
        get(format!("/w/acme/p/{project}/risks")),
        get(format!("/w/acme/t/{task}")),
        post("/w/acme/quick".into()),
        post("/w/acme/tasks".into()),
        post("/w/acme/tasks/bulk".into()),
        post("/w/acme/projects".into()),
        post(format!("/w/acme/p/{project}/risks")),
        post(format!("/w/acme/t/{task}")),
        post(format!("/w/acme/t/{task}/done")),
        post(format!("/w/acme/t/{task}/move")),
        post(format!("/w/acme/t/{task}/links")),
        post(format!("/w/acme/t/{task}/links/remove")),
        post(format!("/invitations/{invitation}/accept")),
        post(format!("/invitations/{invitation}/decline")),
    ]
}

#[tokio::test]
async fn every_page_answers_each_role_and_shows_only_what_it_may_open() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    let mel = Api::login(&server.base, "mel").await;
    let world = world(&ana, &mel).await;
    let browsers = [
        (Who::Anonymous, Browser::anonymous(&server.base)),
        (Who::Foreign, Browser::sign_in(&server.base, "zoe").await),
        (Who::Guest, Browser::sign_in(&server.base, "gus").await),
        (Who::Member, Browser::sign_in(&server.base, "mel").await),
        (Who::Owner, Browser::sign_in(&server.base, "ana").await),
    ];
    for (reach, in_reach) in [(&world.launch, true), (&world.secret, false)] {
        for (method, path, read) in web_routes(&reach.project, &reach.tasks[0], world.invitation_id)
        {
            for (who, browser) in &browsers {
                let (status, body) = if read {
                    browser.get(&path).await
                } else {
                    // An empty form: refused for its fields where the
                    // caller may write at all.
                    browser.post_form(&path, "").await
                };
                let what = format!("{who:?} {method} {path} → {status}");
                assert!(!status.is_server_error(), "{what}");
                match who {
                    Who::Anonymous => assert_eq!(status, StatusCode::SEE_OTHER, "{what}"),
                    // The workspace's address leads to My Work.
                    _ if path == "/w/acme" && status == StatusCode::SEE_OTHER => {}
                    Who::Foreign => assert_eq!(status, StatusCode::NOT_FOUND, "{what}"),
                    // Someone else's invitation is nobody's business.
                    _ if path.starts_with("/invitations/") => {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{what}")
                    }
                    Who::Guest if read && in_reach => {
                        assert_eq!(status, StatusCode::OK, "{what}")
                    }
                    Who::Guest
                        if read
                            && (path.starts_with("/w/acme/p/")
                                || path.starts_with("/w/acme/t/")) =>
                    {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{what}")
                    }
                    Who::Guest if read => assert_eq!(status, StatusCode::OK, "{what}"),
                    Who::Guest => assert!(
                        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                        "{what}"
                    ),
                    _ if read => assert_eq!(status, StatusCode::OK, "{what}"),
                    _ => assert!(
                        !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN),
                        "{what}"
                    ),
                }
                assert_nothing_leaks(*who, &what, &body);
            }
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn links_name_only_tasks_the_caller_may_open() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        world(&ana, &mel).await;
        let gus = Api::login(&server.base, "gus").await;

        // The guest sees LAUNCH's own chain, and neither the SECRET task
        // nor anyone's personal task linked into it.
        let (status, links) = gus.get(&format!("{WS}/tasks/LAUNCH-1/dependencies")).await;
        assert_eq!(status, StatusCode::OK);
        let keys: Vec<String> = links
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{} → {}", l["predecessor"]["key"], l["successor"]["key"]))
            .collect();
        assert_eq!(keys, ["\"LAUNCH-1\" → \"LAUNCH-2\""]);
        let (_, links) = gus.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;
        assert_eq!(links.as_array().unwrap().len(), 2, "{links}");
        // The history of the links names the hidden ends without a key.
        let (_, history) = gus.get(&format!("{WS}/projects/LAUNCH/activity")).await;
        let history = history.to_string();
        assert!(
            history.contains("a task you cannot see → LAUNCH-1"),
            "{history}"
        );
        assert!(!history.contains("SECRET") && !history.contains("TASK-"));

        // Mel sees her own link and SECRET's, not Ana's personal task.
        let (_, links) = mel.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;
        let text = links.to_string();
        assert!(
            text.contains(MEL_PRIVATE) && text.contains("Secret plan"),
            "{text}"
        );
        assert!(!text.contains(ANA_PRIVATE), "{text}");

        // A cycle through a task the caller cannot open does not name it.
        let (_, ana_tasks) = ana.get(&format!("{WS}/tasks?personal=true")).await;
        let ana_key = ana_tasks["tasks"][0]["key"].as_str().unwrap().to_string();
        ana.post(
            &format!("{WS}/dependencies"),
            json!({"predecessor": "LAUNCH-3", "successor": "LAUNCH-1"}),
        )
        .await;
        let (status, body) = mel
            .post(
                &format!("{WS}/dependencies"),
                json!({"predecessor": "LAUNCH-3", "successor": ana_key}),
            )
            .await;
        // Mel cannot open Ana's task at all: no task by that key.
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(!body.to_string().contains(ANA_PRIVATE));
        server.stop().await;
    }
}

#[tokio::test]
async fn patch_without_if_match_applies_every_write_under_contention() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        let (_, before) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        let start_version = before["version"].as_i64().unwrap();
        // On PostgreSQL every other client writes through a second node.
        let second = second_node(&url).await;
        let clients = 20;
        let each = 10;
        let mut writers = Vec::new();
        for client in 0..clients {
            let base = match &second {
                Some(node) if client % 2 == 1 => node.base.clone(),
                _ => ana.base.clone(),
            };
            let api = Api {
                http: reqwest::Client::new(),
                base,
                token: ana.token.clone(),
            };
            writers.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for n in 0..each {
                    let (status, body) = api
                        .patch(
                            &format!("{WS}/tasks/LAUNCH-1"),
                            json!({"description": format!("client {client} write {n}")}),
                        )
                        .await;
                    statuses.push((status, body.to_string()));
                }
                statuses
            }));
        }
        for writer in writers {
            for (status, body) in writer.await.unwrap() {
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
        let (_, after) = ana.get(&format!("{WS}/tasks/LAUNCH-1")).await;
        assert_eq!(
            after["version"].as_i64().unwrap(),
            start_version + clients * each,
            "every write applied, one version each"
        );
        if let Some(second) = second {
            second.stop().await;
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn deleting_while_linking_never_fails_and_always_deletes() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;
        // On PostgreSQL the links come through a second node.
        let second = second_node(&url).await;
        let linker = Api {
            http: reqwest::Client::new(),
            base: second.as_ref().map_or(ana.base.clone(), |s| s.base.clone()),
            token: ana.token.clone(),
        };
        for round in 0..200 {
            let task = created(
                &ana,
                &format!("{WS}/tasks"),
                json!({"project": "LAUNCH", "title": format!("Short-lived {round}")}),
            )
            .await;
            let key = task["key"].as_str().unwrap().to_string();
            let (links, task) = (format!("{WS}/dependencies"), format!("{WS}/tasks/{key}"));
            let (link, delete) = tokio::join!(
                linker.post(&links, json!({"predecessor": "LAUNCH-1", "successor": key})),
                ana.call(Method::DELETE, &task, None),
            );
            assert!(
                matches!(
                    link.0,
                    StatusCode::CREATED
                        | StatusCode::CONFLICT
                        | StatusCode::UNPROCESSABLE_ENTITY
                        | StatusCode::NOT_FOUND
                ),
                "round {round}: link answered {} {}",
                link.0,
                link.1
            );
            assert_eq!(
                delete.0,
                StatusCode::NO_CONTENT,
                "round {round}: {}",
                delete.1
            );
            let (status, _) = ana.get(&format!("{WS}/tasks/{key}")).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "round {round}: the task stayed"
            );
        }
        // The rescheduler's view agrees: no link to a deleted task.
        let (status, links) = ana.get(&format!("{WS}/projects/LAUNCH/dependencies")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(links.as_array().unwrap().len(), 2, "{links}");
        if let Some(second) = second {
            second.stop().await;
        }
        server.stop().await;
    }
}

async fn count_tasks(ana: &Api) -> usize {
    let (_, page) = ana.get(&format!("{WS}/tasks?limit=500")).await;
    page["tasks"].as_array().unwrap().len()
}

#[tokio::test]
async fn cross_site_writes_with_the_session_cookie_are_refused() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    let browser = Browser::sign_in(&server.base, "ana").await;
    let before = count_tasks(&ana).await;
    let body = r#"{"project": "LAUNCH", "title": "Planted"}"#;
    let tasks = format!("{WS}/tasks");
    let attempts: Vec<(&str, Vec<(&str, &str)>)> = vec![
        // A content type a form may send without a preflight.
        (
            "text/plain with +json in a parameter",
            vec![
                ("origin", "http://evil.test"),
                ("content-type", "text/plain;charset=+json"),
            ],
        ),
        (
            "the same without Origin",
            vec![("content-type", "text/plain;charset=+json")],
        ),
        (
            "multipart",
            vec![
                ("origin", "http://evil.test"),
                ("content-type", "multipart/form-data; boundary=+json"),
            ],
        ),
        (
            "JSON from another site",
            vec![
                ("origin", "http://evil.test"),
                ("content-type", "application/json"),
            ],
        ),
        (
            "JSON the browser marks cross-site",
            vec![
                ("sec-fetch-site", "cross-site"),
                ("content-type", "application/json"),
            ],
        ),
    ];
    for (what, headers) in &attempts {
        let mut request = browser.request(Method::POST, &tasks).body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        assert!(
            matches!(
                status,
                StatusCode::FORBIDDEN | StatusCode::UNSUPPORTED_MEDIA_TYPE
            ),
            "{what}: {status}"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
    }
    // The plan import takes any body: only the origin can stop it.
    let response = browser
        .request(Method::POST, &format!("{WS}/imports/mspdi?key=EVIL"))
        .header("origin", "http://evil.test")
        .header("content-type", "text/plain")
        .body("<Project><Name>Evil</Name></Project>")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(count_tasks(&ana).await, before, "nothing was written");
    let (status, _) = ana.get(&format!("{WS}/projects/EVIL")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The app's own pages write with the cookie, and bearer tokens pass
    // whatever the origin says.
    let host = server.base.trim_start_matches("http://");
    let response = browser
        .request(Method::POST, &tasks)
        .header("origin", format!("http://{host}"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let (status, _) = ana
        .call_with(
            Method::POST,
            &tasks,
            Some(json!({"project": "LAUNCH", "title": "By token"})),
            &[("origin", "http://evil.test")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    server.stop().await;
}

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

#[tokio::test]
async fn nonsense_input_is_refused_naming_the_field_and_changes_nothing() {
    for url in databases().await {
        nonsense_is_refused(&url).await;
    }
}

async fn nonsense_is_refused(url: &str) {
    seed(url).await;
    let server = Server::start(url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    let before = fingerprint(&ana).await;
    let tasks = format!("{WS}/tasks");
    let cases: Vec<(&str, String, Value, &str)> = vec![
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "a\u{0}b"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "line\nbreak"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "\u{200B}\u{200D}"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "\u{202E}\u{2066}"}),
            "title",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "Ok", "description": "x\u{1b}[2J"}),
            "description",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "Ok", "due_date": "-0001-01-01"}),
            "due_date",
        ),
        (
            "post",
            tasks.clone(),
            json!({"project": "LAUNCH", "title": "Ok", "start_date": "9999-12-31"}),
            "start_date",
        ),
        (
            "patch",
            format!("{WS}/tasks/LAUNCH-1"),
            json!({"due_date": "2200-01-01"}),
            "due_date",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/phases"),
            json!({"name": "P", "position": i64::MIN}),
            "position",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/phases"),
            json!({"name": "\u{0}"}),
            "name",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/milestones"),
            json!({"name": "M", "date": "0000-01-01"}),
            "date",
        ),
        (
            "post",
            format!("{WS}/dependencies"),
            json!({"predecessor": "LAUNCH-1", "successor": "LAUNCH-3", "lag_days": 5000, "lag_format": "percent"}),
            "lag_days",
        ),
        (
            "post",
            format!("{WS}/members"),
            json!({"email": "new\u{0}@x.org", "name": "New", "password": PASSWORD, "role": "member"}),
            "email",
        ),
        (
            "post",
            format!("{WS}/members"),
            json!({"email": "new@x.org", "name": "Ne\u{7f}w", "password": PASSWORD, "role": "member"}),
            "name",
        ),
        (
            "post",
            "/api/v1/tokens".into(),
            json!({"name": "ci\u{0}"}),
            "name",
        ),
        (
            "post",
            "/api/v1/workspaces".into(),
            json!({"slug": "evil", "name": "\u{FEFF}"}),
            "name",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/baselines"),
            json!({"name": "b\u{0}"}),
            "name",
        ),
        (
            "post",
            format!("{WS}/projects/LAUNCH/calendar/exceptions"),
            json!({"name": "Far", "start_date": "9999-01-01", "end_date": "9999-01-02"}),
            "start_date",
        ),
    ];
    for (method, path, body, field) in cases {
        let method: Method = method.to_uppercase().parse().unwrap();
        let (status, answer) = ana.call(method.clone(), &path, Some(body.clone())).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path} {body}: {answer}"
        );
        let fields: Vec<&str> = answer["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{body}: {answer}");
    }
    // A NUL anywhere in a body, a path or a query (PostgreSQL refuses the
    // byte in text: it must never get that far).
    let mel_id = member_id(&ana, "mel@x.org").await;
    let (status, answer) = ana
        .post(
            &format!("{WS}/members/{mel_id}/time-off"),
            json!({"start_date": "2027-01-04", "end_date": "2027-01-04", "note": "a\u{0}b"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["errors"][0]["field"], "note");
    for (path, expected) in [
        (format!("{WS}/tasks?search=%00"), StatusCode::BAD_REQUEST),
        (format!("{WS}/tasks?project=%00"), StatusCode::BAD_REQUEST),
        (
            "/api/v1/workspaces/ac%00me/members".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("{WS}/projects/LA%00/schedule"),
            StatusCode::NOT_FOUND,
        ),
        ("/w/acme/p/LA%00UNCH".into(), StatusCode::NOT_FOUND),
    ] {
        let (status, _) = ana.get(&path).await;
        assert_eq!(status, expected, "{path}");
    }
    // A plan file's lags are held to the same rules as a link's.
    for (lag, format) in [("50000", "19"), ("9223372036854775807", "7")] {
        let file = format!(
            "<Project><StartDate>2026-11-23T08:00:00</StartDate><Tasks>\
             <Task><UID>1</UID><ID>1</ID><Name>A</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration></Task>\
             <Task><UID>2</UID><ID>2</ID><Name>B</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\
             <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>{lag}</LinkLag><LagFormat>{format}</LagFormat></PredecessorLink></Task></Tasks></Project>"
        );
        let response = ana
            .http
            .post(format!("{}{WS}/imports/mspdi?key=LAGS", ana.base))
            .bearer_auth(ana.token.as_ref().unwrap())
            .header("content-type", "application/xml")
            .body(file)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "lag {lag}"
        );
        let problem: Value = response.json().await.unwrap();
        assert!(problem.to_string().contains("lag"), "{problem}");
    }
    assert_eq!(fingerprint(&ana).await, before, "nothing was written");
    let (_, tokens) = ana.get("/api/v1/tokens").await;
    assert_eq!(tokens.as_array().unwrap().len(), 1);
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

#[tokio::test]
async fn dates_beyond_the_schedule_are_warned_about() {
    let url = tandem_store::testing::fresh_sqlite_url();
    seed(&url).await;
    let server = Server::start(&url).await;
    let ana = Api::login(&server.base, "ana").await;
    plan(&ana).await;
    // Within what is accepted, but past the sixty years a schedule covers.
    let (status, body) = ana
        .patch(
            &format!("{WS}/tasks/LAUNCH-3"),
            json!({"start_date": "2150-06-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, schedule) = ana.get(&format!("{WS}/projects/LAUNCH/schedule")).await;
    assert_eq!(status, StatusCode::OK);
    let warnings = schedule["warnings"].to_string();
    assert!(warnings.contains("LAUNCH-3's dates run past"), "{schedule}");
    server.stop().await;
}

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
        let (status, _) = mel
            .call(Method::DELETE, &format!("/api/v1/invitations/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
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
