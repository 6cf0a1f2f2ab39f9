//! The work above projects from the terminal: status updates on
//! projects, portfolios and goals, portfolios, goals, milestones across
//! projects, and reports.

use serde_json::Value;

use super::project_parts::{id_of, json, parts_server_on};
use super::*;

/// A demo server on each database: SQLite, and PostgreSQL when
/// `TANDEM_TEST_POSTGRES_URL` names a server. Each is signed in as Ana,
/// with a project PARTS of its own.
pub(super) fn parts_servers(name: &str) -> Vec<(PathBuf, ServerProcess)> {
    parts_servers_on_databases(name)
        .into_iter()
        .map(|(config, server, _)| (config, server))
        .collect()
}

/// [`parts_servers`], with each one's database URL, for a test that
/// watches the database's own event feed.
pub(super) fn parts_servers_on_databases(name: &str) -> Vec<(PathBuf, ServerProcess, String)> {
    let sqlite = format!("sqlite://{}", temp_dir(name).join("parts.db").display());
    let mut servers = vec![{
        let (config, server) = parts_server_on(name, &sqlite);
        (config, server, sqlite)
    }];
    if let Some(admin) = tandem_store::testing::postgres_url() {
        let database = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(tandem_store::testing::fresh_postgres_database(&admin))
            .expect("a fresh PostgreSQL database");
        let (config, server) = parts_server_on(&format!("{name}-pg"), &database);
        servers.push((config, server, database));
    }
    servers
}

#[test]
fn status_updates_are_posted_and_listed_and_health_says_why() {
    for (config, _server) in parts_servers("status") {
        let health = json(&config, &["status", "health", "PARTS"]);
        assert_eq!(health["health"], "on_track", "{health}");
        assert_eq!(health["update_due"], true);

        let first = json(
            &config,
            &[
                "status",
                "post",
                "PARTS",
                "--health",
                "at-risk",
                "--text",
                "Kick-off slipped a week.",
            ],
        );
        assert_eq!(first["health"], "at_risk", "{first}");
        // Without --health: the health Tandem derives.
        let second = json(
            &config,
            &["status", "post", "PARTS", "--text", "Back on plan."],
        );
        assert_eq!(second["health"], health["health"]);

        let list = json(&config, &["status", "list", "PARTS"]);
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 2);
        // Newest first, each with its health, text, author and time.
        assert_eq!(list[0]["id"], second["id"]);
        assert_eq!(list[1]["text"], "Kick-off slipped a week.");
        assert_eq!(list[1]["author"]["email"], "ana@demo.tandem");
        assert!(list[1]["created_at"].as_str().unwrap().starts_with("20"));

        let table = ok(&config, &["status", "list", "PARTS"]);
        assert!(
            table.contains("At risk") && table.contains("Kick-off slipped"),
            "{table}"
        );
        let said = ok(&config, &["status", "health", "PARTS"]);
        assert!(said.starts_with("PARTS: On track"), "{said}");
        assert!(said.contains("Latest update"), "{said}");

        // Bad input: said, non-zero, nothing posted.
        let err = fails(
            &config,
            &["status", "post", "PARTS", "--health", "fine", "--text", "x"],
        );
        assert!(
            err.contains("--health") && err.contains("on-track"),
            "{err}"
        );
        let err = fails(&config, &["status", "post", "PARTS", "--text", " "]);
        assert!(err.contains("text"), "{err}");
        assert_eq!(
            json(&config, &["status", "list", "PARTS"])
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }
}

#[test]
fn portfolios_and_goals_take_status_updates_and_a_project_its_cadence() {
    for (config, _server) in parts_servers("status-above") {
        json(
            &config,
            &["portfolio", "add", "Updates", "--project", "PARTS"],
        );
        let goal = json(&config, &["goal", "add", "Ship parts", "--period", "2099"]);
        ok(
            &config,
            &["goal", "link", &id_of(&goal), "--project", "PARTS"],
        );

        let now = json(&config, &["status", "health", "--portfolio", "Updates"]);
        assert_eq!(now["health"], "on_track", "{now}");
        let posted = json(
            &config,
            &[
                "status",
                "post",
                "--portfolio",
                "updates",
                "--health",
                "at-risk",
                "--text",
                "Parts wait on a *vendor*.",
            ],
        );
        assert_eq!(posted["health"], "at_risk", "{posted}");
        assert!(posted["portfolio"].as_i64().is_some(), "{posted}");
        let said = ok(
            &config,
            &["status", "post", "--goal", "Ship parts", "--text", "Begun."],
        );
        assert!(
            said.contains("Posted a status update on goal Ship parts"),
            "{said}"
        );
        let list = json(&config, &["status", "list", "--goal", &id_of(&goal)]);
        assert_eq!(list[0]["text"], "Begun.", "{list}");
        assert_eq!(list[0]["goal"], goal["id"]);
        let list = json(&config, &["status", "list", "--portfolio", "Updates"]);
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        let health = ok(&config, &["status", "health", "--goal", "Ship parts"]);
        assert!(health.starts_with("goal Ship parts: "), "{health}");
        assert!(health.contains("Latest update"), "{health}");

        // One subject only, and one that is there.
        let err = fails(
            &config,
            &["status", "list", "PARTS", "--portfolio", "Updates"],
        );
        assert!(err.contains("cannot be used with"), "{err}");
        let err = fails(&config, &["status", "list", "--goal", "No such goal"]);
        assert!(err.contains("no goal No such goal"), "{err}");

        // How often PARTS owes an update: none expected, none due.
        let before = json(&config, &["status", "health", "PARTS"]);
        assert_eq!(before["update_due"], true);
        ok(
            &config,
            &["project", "edit", "PARTS", "--update-cadence", "none"],
        );
        let after = json(&config, &["status", "health", "PARTS"]);
        assert_eq!(after["update_due"], false, "{after}");
        assert_eq!(after["update_cadence_days"], 0);
        let err = fails(
            &config,
            &["project", "edit", "PARTS", "--update-cadence", "hourly"],
        );
        assert!(err.contains("weekly, biweekly, monthly, none"), "{err}");
        ok(
            &config,
            &["project", "edit", "PARTS", "--update-cadence", "biweekly"],
        );
        let shown = ok(&config, &["project", "show", "PARTS"]);
        assert!(shown.contains("every 14 days"), "{shown}");
    }
}

#[test]
fn a_portfolio_is_made_shown_and_changed_from_the_terminal() {
    for (config, _server) in parts_servers("portfolio") {
        ok(
            &config,
            &["project", "edit", "PARTS", "--target", "2099-06-30"],
        );
        let made = json(
            &config,
            &[
                "portfolio",
                "add",
                "Launches",
                "--project",
                "LAUNCH",
                "--project",
                "PARTS",
            ],
        );
        assert_eq!(made["projects"], serde_json::json!(["LAUNCH", "PARTS"]));
        let shown = json(&config, &["portfolio", "show", "Launches"]);
        let projects = shown["projects"].as_array().unwrap();
        assert_eq!(projects.len(), 2, "{shown}");
        for p in projects {
            // The contract's fields: percent, a health word, dates as days.
            let progress = p["progress"].as_f64().unwrap();
            assert!((0.0..=100.0).contains(&progress), "{p}");
            assert!(
                ["on_track", "at_risk", "off_track"].contains(&p["health"].as_str().unwrap()),
                "{p}"
            );
            if let Some(finish) = p["scheduled_finish"].as_str() {
                assert_eq!(finish.len(), 10, "{p}");
            }
        }
        let parts = projects.iter().find(|p| p["key"] == "PARTS").unwrap();
        assert_eq!(parts["target_date"], "2099-06-30");

        // A portfolio within another; a cycle refused, saying why.
        ok(
            &config,
            &["portfolio", "add", "Company", "--portfolio", "Launches"],
        );
        let err = fails(
            &config,
            &[
                "portfolio",
                "edit",
                "Launches",
                "--add-portfolio",
                "Company",
            ],
        );
        assert!(
            err.contains("portfolios") && err.contains("cannot hold itself"),
            "{err}"
        );
        let out = ok(
            &config,
            &[
                "portfolio",
                "edit",
                "Launches",
                "--remove-project",
                "LAUNCH",
                "--name",
                "Parts only",
            ],
        );
        assert!(
            out.contains("Updated portfolio Parts only") && out.contains("PARTS"),
            "{out}"
        );
        let table = ok(&config, &["portfolio", "show", "Parts only"]);
        assert!(
            table.contains("PARTS") && table.contains(": 1 project,"),
            "{table}"
        );
        // A name that is another portfolio's id: the name wins, the id still
        // reaches the other.
        let company = json(&config, &["portfolio", "show", "Company"]);
        let company_id = company["id"].to_string();
        let decoy = json(
            &config,
            &["portfolio", "add", &company_id, "--project", "LAUNCH"],
        );
        let shown = json(&config, &["portfolio", "show", &company_id]);
        assert_eq!(shown["id"], decoy["id"], "{shown}");
        ok(&config, &["portfolio", "delete", &company_id]);
        let left = json(&config, &["portfolio", "list"]);
        assert!(
            left.as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "Company"),
            "{left}"
        );
        let list = ok(&config, &["portfolio", "list"]);
        assert!(
            list.contains("Company") && list.contains("Parts only"),
            "{list}"
        );
        ok(&config, &["portfolio", "delete", "Company"]);
        let err = fails(&config, &["portfolio", "show", "Company"]);
        assert!(err.contains("no portfolio named Company"), "{err}");
    }
}

#[test]
fn goals_are_set_measured_and_linked_from_the_terminal() {
    for (config, _server) in parts_servers("goals") {
        let demo = json(&config, &["goal", "list"]).as_array().unwrap().len();
        let company = json(
            &config,
            &[
                "goal",
                "add",
                "Win the mid-market",
                "--period",
                "2027",
                "--owner",
                "ana@demo.tandem",
            ],
        );
        let company_id = id_of(&company);
        assert_eq!(company["period"]["label"], "2027");
        let team = json(
            &config,
            &[
                "goal",
                "add",
                "Happier customers",
                "--parent",
                &company_id,
                "--period",
                "2027-01-01..2027-06-30",
            ],
        );
        assert_eq!(team["parent"]["id"], company["id"]);
        assert_eq!(team["period"]["label"], "2027-H1");

        // A key result, then its current value: progress follows.
        ok(
            &config,
            &[
                "goal",
                "kr",
                "add",
                "Happier customers",
                "NPS",
                "--start",
                "30",
                "--target",
                "50",
                "--unit",
                "points",
            ],
        );
        ok(
            &config,
            &["goal", "kr", "set", "Happier customers", "NPS", "45"],
        );
        let shown = json(&config, &["goal", "show", &id_of(&team)]);
        assert_eq!(shown["progress"], 75.0, "{shown}");
        assert_eq!(shown["status"], "on_track");
        assert_eq!(shown["key_results"][0]["current"], 45.0);
        // A metric meant to fall, and a negative value typed as such.
        ok(
            &config,
            &[
                "goal",
                "kr",
                "add",
                "Happier customers",
                "Churn",
                "--start",
                "5",
                "--target",
                "-1",
            ],
        );
        ok(
            &config,
            &["goal", "kr", "set", "Happier customers", "churn", "2"],
        );
        let shown = json(&config, &["goal", "show", "Happier customers"]);
        assert_eq!(shown["key_results"][1]["progress"], 50.0, "{shown}");
        assert_eq!(shown["progress"], 62.5, "{shown}");

        // Projects, tasks and goals serve a goal.
        let ship = json(&config, &["goal", "add", "Ship Parts"]);
        ok(
            &config,
            &["goal", "link", "Ship Parts", "--project", "PARTS"],
        );
        ok(
            &config,
            &["goal", "link", "Ship Parts", "--task", "LAUNCH-1"],
        );
        let linked = json(
            &config,
            &["goal", "link", &company_id, "--goal", &id_of(&ship)],
        );
        assert_eq!(linked["goals"].as_array().unwrap().len(), 2, "{linked}");
        let shown = json(&config, &["goal", "show", "Ship Parts"]);
        assert_eq!(shown["projects"][0]["key"], "PARTS");
        assert_eq!(shown["tasks"][0]["key"], "LAUNCH-1");
        let progress = shown["progress"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&progress), "{shown}");
        // The company goal weighs its sub-goals equally.
        let top = json(&config, &["goal", "show", "Win the mid-market"]);
        let expected = (75.0 + 50.0) / 2.0 / 2.0 + progress / 2.0;
        assert!(
            (top["progress"].as_f64().unwrap() - expected).abs() < 0.1,
            "{top}"
        );

        // The tree, sub-goals under their parent.
        let list = ok(&config, &["goal", "list"]);
        let at = |title: &str| list.find(title).unwrap_or_else(|| panic!("{list}"));
        assert!(
            at("Win the mid-market") < at("  Happier customers"),
            "{list}"
        );
        // A cycle and bad values are refused, saying what was wrong.
        let err = fails(
            &config,
            &[
                "goal",
                "edit",
                "Win the mid-market",
                "--parent",
                "Ship Parts",
            ],
        );
        assert!(err.contains("parent") && err.contains("ancestor"), "{err}");
        let err = fails(&config, &["goal", "add", "X", "--period", "2027-H3"]);
        assert!(err.contains("period"), "{err}");
        let err = fails(
            &config,
            &["goal", "edit", "Ship Parts", "--status", "great"],
        );
        assert!(err.contains("on_track") && err.contains("derived"), "{err}");
        let err = fails(&config, &["goal", "kr", "set", "Ship Parts", "NPS", "3"]);
        assert!(err.contains("no key result NPS"), "{err}");
        let err = fails(
            &config,
            &["goal", "kr", "set", "Happier customers", "NPS", "NaN"],
        );
        assert!(err.contains("finite"), "{err}");
        ok(&config, &["goal", "add", "Twin"]);
        ok(&config, &["goal", "add", "Twin"]);
        let err = fails(&config, &["goal", "show", "Twin"]);
        assert!(err.contains("2 goals are titled Twin"), "{err}");

        // Set by hand, then derived again; unlinked; deleted.
        let edited = json(
            &config,
            &["goal", "edit", "Ship Parts", "--status", "at-risk"],
        );
        assert_eq!(edited["status"], "at_risk");
        let edited = json(
            &config,
            &["goal", "edit", "Ship Parts", "--status", "derived"],
        );
        assert_eq!(edited["status_set"], false);
        let unlinked = json(
            &config,
            &["goal", "unlink", "Ship Parts", "--project", "PARTS"],
        );
        assert_eq!(unlinked["projects"], serde_json::json!([]));
        ok(&config, &["goal", "delete", "Win the mid-market"]);
        let all = json(&config, &["goal", "list"]);
        let ours: Vec<&Value> = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| ["Happier customers", "Ship Parts"].contains(&g["title"].as_str().unwrap()))
            .collect();
        assert_eq!(all.as_array().unwrap().len(), demo + 4, "{all}");
        assert_eq!(ours.len(), 2, "{all}");
        assert!(ours.iter().all(|g| g["parent"].is_null()), "{all}");
    }
}

#[test]
fn milestones_across_projects_are_listed_with_their_scheduled_dates() {
    for (config, _server) in parts_servers("milestones-across") {
        // The schedule is stored once read.
        ok(&config, &["schedule", "LAUNCH"]);
        ok(
            &config,
            &[
                "milestone",
                "add",
                "PARTS",
                "Parts ready",
                "--date",
                "2031-03-03",
            ],
        );
        let all = json(&config, &["milestones"]);
        let all = all.as_array().unwrap();
        assert!(all.len() >= 2, "{all:?}");
        for m in all {
            for field in ["project", "name", "date", "scheduled"] {
                assert!(m.get(field).is_some(), "{field} missing: {m}");
            }
        }
        assert!(
            all.iter().any(|m| m["project"] == "LAUNCH"
                && m["scheduled"].as_str().is_some_and(|d| d.len() == 10)),
            "{all:?}"
        );
        let parts = all.iter().find(|m| m["name"] == "Parts ready").unwrap();
        assert_eq!(parts["project"], "PARTS");
        assert_eq!(parts["date"], "2031-03-03");
        // A portfolio's alone.
        ok(
            &config,
            &["portfolio", "add", "Parts only", "--project", "PARTS"],
        );
        let only = json(&config, &["milestones", "--portfolio", "Parts only"]);
        assert_eq!(only.as_array().unwrap().len(), 1, "{only}");
        let table = ok(&config, &["milestones"]);
        assert!(
            table.contains("PLANNED") && table.contains("Parts ready"),
            "{table}"
        );
        let err = fails(&config, &["milestones", "--portfolio", "Nope"]);
        assert!(err.contains("no portfolio named Nope"), "{err}");
    }
}

#[test]
fn a_report_is_printed_as_a_table_as_json_and_as_markdown() {
    for (config, _server) in parts_servers("report") {
        ok(
            &config,
            &[
                "task",
                "add",
                "Cut",
                "--project",
                "PARTS",
                "--status",
                "done",
            ],
        );
        ok(&config, &["task", "add", "Drill", "--project", "PARTS"]);
        let r = json(&config, &["report", "--project", "PARTS"]);
        assert_eq!(r["weeks"].as_array().unwrap().len(), 12, "{r}");
        let now = r["weeks"].as_array().unwrap().last().unwrap();
        assert_eq!(
            (now["scope_tasks"].as_u64(), now["done_tasks"].as_u64()),
            (Some(2), Some(1))
        );
        let md = ok(&config, &["report", "--project", "PARTS", "--markdown"]);
        assert!(
            md.starts_with("# Status report: PARTS Parts") && md.contains("| scope | 2 |"),
            "{md}"
        );
        let table = ok(
            &config,
            &[
                "report",
                "--person",
                "ana@demo.tandem",
                "--from",
                "2026-01-05",
                "--to",
                "2026-01-18",
            ],
        );
        assert!(
            table.contains("2026-01-12") && table.contains("Cycle time"),
            "{table}"
        );
        let err = fails(
            &config,
            &[
                "report",
                "--project",
                "PARTS",
                "--from",
                "2027-02-01",
                "--to",
                "2027-01-01",
            ],
        );
        assert!(err.contains("from") && err.contains("after"), "{err}");
        let err = fails(
            &config,
            &["report", "--project", "PARTS", "--person", "x@y.z"],
        );
        assert!(err.contains("cannot be used with"), "{err}");
    }
}
