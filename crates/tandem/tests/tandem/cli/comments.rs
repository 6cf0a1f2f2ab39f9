//! `tandem comment`: a thread on a task from two terminals, edits kept,
//! reactions, and refusals that say what was wrong, on SQLite and
//! PostgreSQL.

use super::approvals::signed_in;
use super::project_parts::json;
use super::*;

#[test]
fn people_talk_on_a_task_from_their_terminals() {
    for (n, (ana, server)) in super::above_projects::parts_servers("comments")
        .into_iter()
        .enumerate()
    {
        let ben = signed_in(&server.url, &format!("comments-ben-{n}"), "ben@demo.tandem");
        let said = ok(
            &ana,
            &["comment", "add", "LAUNCH-3", "Is the *brief* final?"],
        );
        assert!(said.starts_with("Commented #"), "{said}");
        let list = json(&ana, &["comment", "list", "LAUNCH-3"]);
        let first = list.as_array().unwrap().last().unwrap().clone();
        assert_eq!(first["author"]["email"], "ana@demo.tandem", "{first}");
        assert_eq!(first["body"], "Is the *brief* final?");
        assert!(first["created_at"].is_string());
        let id = first["id"].to_string();

        // Ben answers in the thread, from standard input.
        let out = tandem(
            &ben,
            &["comment", "add", "LAUNCH-3", "-", "--reply-to", &id],
            Some("Yes.\n\nSigned off on Monday."),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let list = json(&ben, &["comment", "list", "LAUNCH-3"]);
        let reply = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["parent"] == first["id"])
            .expect("the reply in the thread");
        assert_eq!(reply["author"]["email"], "ben@demo.tandem");
        assert_eq!(reply["body"], "Yes.\n\nSigned off on Monday.");
        // The terminal shows the reply under what it answers.
        let shown = ok(&ana, &["comment", "list", "LAUNCH-3"]);
        let asked_at = shown.find("Is the *brief* final?").unwrap();
        let answered_at = shown.find("    #").expect("an indented reply");
        assert!(answered_at > asked_at, "{shown}");

        // Edits keep what they replaced; reactions are counted.
        ok(&ana, &["comment", "edit", &id, "Is the brief final now?"]);
        ok(&ben, &["comment", "react", &id, "thumbs-up"]);
        let shown = json(&ana, &["comment", "show", &id]);
        assert_eq!(shown["comment"]["body"], "Is the brief final now?");
        assert_eq!(shown["edits"][0]["body"], "Is the *brief* final?");
        assert_eq!(shown["comment"]["reactions"][0]["count"], 1);
        // Only the author edits; nothing changes.
        let refused = fails(&ben, &["comment", "edit", &id, "Mine now"]);
        assert!(refused.contains("author"), "{refused}");

        // A key without its text says the text is missing.
        let missing = fails(&ana, &["comment", "add", "LAUNCH-3"]);
        assert!(missing.contains("comment add LAUNCH-3 TEXT"), "{missing}");
        // On a project, by key; on a risk, by flag.
        ok(&ana, &["comment", "add", "LAUNCH", "Kick-off went well"]);
        let on_project = json(&ana, &["comment", "list", "LAUNCH"]);
        assert_eq!(on_project[0]["on"]["kind"], "project", "{on_project}");
        // On a status update, by flag with the id `status post` gave.
        let update = json(
            &ana,
            &[
                "status",
                "post",
                "LAUNCH",
                "--health",
                "at-risk",
                "--text",
                "Vendor is late",
            ],
        );
        let update_id = update["id"].to_string();
        ok(
            &ben,
            &["comment", "add", "--update", &update_id, "Which vendor?"],
        );
        let on_update = json(&ana, &["comment", "list", "--update", &update_id]);
        assert_eq!(on_update[0]["on"]["kind"], "status_update", "{on_update}");
        assert_eq!(on_update[0]["body"], "Which vendor?");
        let missing = fails(&ana, &["comment", "list", "--update", "999999"]);
        assert!(missing.contains("not found"), "{missing}");

        // Refusals name what was wrong and exit non-zero.
        let blank = fails(&ana, &["comment", "add", "LAUNCH-3", "  "]);
        assert!(blank.contains("body"), "{blank}");
        let nowhere = fails(&ana, &["comment", "add", "NOPE-1", "Hello"]);
        assert!(nowhere.contains("not found"), "{nowhere}");
        let both = fails(&ana, &["comment", "add", "LAUNCH-3", "x", "--risk", "1"]);
        assert!(both.contains("once"), "{both}");
        let reaction = fails(&ana, &["comment", "react", &id, "party"]);
        assert!(reaction.contains("thumbs_up"), "{reaction}");
        let list = json(&ana, &["comment", "list", "LAUNCH-3"]);
        assert_eq!(list.as_array().unwrap().len(), 2, "{list}");

        // The author deletes; the thread keeps its place.
        ok(&ana, &["comment", "rm", &id]);
        let list = json(&ana, &["comment", "list", "LAUNCH-3"]);
        let gone = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == first["id"])
            .unwrap();
        assert_eq!(gone["deleted"], true);
        assert!(gone["body"].is_null());
        drop(server);
    }
}

/// Waits on the database's own event feed until user `id`'s inbox grew.
async fn told(feed: &mut tokio::sync::broadcast::Receiver<tandem_store::events::Event>, id: i64) {
    tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            match feed.recv().await {
                Ok(e) if e.kind == "inbox" && e.key == id.to_string() => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("the feed ended: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("user {id} was told nothing within 30 s"));
}

#[test]
fn a_mention_reaches_the_inbox_of_the_one_mentioned() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for (n, (ana, server, database)) in super::above_projects::parts_servers_on_databases("inbox")
        .into_iter()
        .enumerate()
    {
        let ben = signed_in(&server.url, &format!("inbox-ben-{n}"), "ben@demo.tandem");
        let chloe = signed_in(
            &server.url,
            &format!("inbox-chloe-{n}"),
            "chloe@demo.tandem",
        );
        let ben_id = json(&ben, &["profile", "show"])["user"]["id"]
            .as_i64()
            .unwrap();
        let chloe_id = json(&chloe, &["profile", "show"])["user"]["id"]
            .as_i64()
            .unwrap();
        // A store of the test's own on the server's database: its feed
        // hears what the server's jobs commit.
        let (watcher, mut feed) = runtime.block_on(async {
            let store = tandem_store::open(&database).await.unwrap();
            let feed = store.event_feed();
            (store, feed)
        });
        // Ben by the part of his email before the @, Chloe by her name.
        ok(
            &ana,
            &[
                "comment",
                "add",
                "LAUNCH-3",
                "@ben and @Chloé Martin: is it sized?",
            ],
        );
        runtime.block_on(told(&mut feed, ben_id));
        runtime.block_on(told(&mut feed, chloe_id));
        for (who, config) in [("ben", &ben), ("chloe", &chloe)] {
            let inbox = json(config, &["inbox"]);
            let mention = inbox
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["kind"] == "mention")
                .unwrap_or_else(|| panic!("{who} was not told: {inbox}"));
            assert_eq!(mention["object"]["key"], "LAUNCH-3", "{mention}");
            assert_eq!(mention["object"]["kind"], "task");
            assert_eq!(mention["read"], false);
        }
        // The table says which comment a mention is in.
        let mention = json(&ben, &["inbox"])
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "mention")
            .cloned()
            .unwrap();
        let table = ok(&ben, &["inbox"]);
        assert!(
            table.contains(&format!("comment {}", mention["comment"])),
            "{table}"
        );
        // Read, they are no longer unread; the terminal says how many are.
        let first = json(&ben, &["inbox", "--unread"])[0]["id"].clone();
        let id = first.to_string();
        let said = ok(&ben, &["inbox", "read", &id]);
        assert!(said.ends_with("unread\n"), "{said}");
        let unread = json(&ben, &["inbox", "--unread"]);
        assert!(
            unread.as_array().unwrap().iter().all(|n| n["id"] != first),
            "{unread}"
        );
        // Preferences name their kinds; a wrong one is refused.
        let settings = ok(&ben, &["inbox", "settings", "--off", "due-soon"]);
        assert!(settings.contains("due-soon"), "{settings}");
        let refused = fails(&ben, &["inbox", "settings", "--off", "gossip"]);
        assert!(refused.contains("mention"), "{refused}");
        ok(&ben, &["unfollow", "LAUNCH-3"]);
        let followed = json(&ben, &["follow", "LAUNCH-3"]);
        assert_eq!(followed["following"], true);
        drop(watcher);
        drop(server);
    }
}
