//! `tandem search`: one ranked list over tasks, comments and the rest,
//! best first, only what the caller may open, and refusals that name the
//! filter, on SQLite and PostgreSQL.

use super::approvals::signed_in;
use super::project_parts::json;
use super::*;

#[test]
fn a_search_lists_what_matches_best_first_and_only_what_the_caller_may_open() {
    for (n, (ana, server)) in super::above_projects::parts_servers("search")
        .into_iter()
        .enumerate()
    {
        let gwen = signed_in(&server.url, &format!("search-gwen-{n}"), "gwen@demo.tandem");
        ok(
            &ana,
            &[
                "task",
                "add",
                "Zeppelin hangar lease",
                "--project",
                "LAUNCH",
            ],
        );
        ok(
            &ana,
            &[
                "comment",
                "add",
                "LAUNCH-3",
                "Could a zeppelin carry the banner?",
            ],
        );
        ok(
            &ana,
            &["task", "add", "Zeppelin maintenance", "--project", "OPS"],
        );

        let hits = json(&ana, &["search", "zeppelin"]);
        let hits = hits.as_array().unwrap();
        assert_eq!(hits.len(), 3, "{hits:?}");
        for hit in hits {
            assert!(hit["kind"].is_string() && hit["title"].is_string(), "{hit}");
            assert!(hit["key"].is_string() || hit["id"].is_number(), "{hit}");
        }
        // Titles weigh above a comment's words: the tasks first.
        assert_eq!(hits[0]["kind"], "task", "{hits:?}");
        assert_eq!(hits[2]["kind"], "comment", "{hits:?}");
        assert_eq!(hits[2]["on"]["key"], "LAUNCH-3", "{hits:?}");
        let marked = &hits[0]["highlight"]["title"];
        assert!(
            marked
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["match"] == true && s["text"] == "Zeppelin"),
            "{marked}"
        );

        // Gwen is a guest of LAUNCH only: OPS's task is not hers to find.
        let hers = json(&gwen, &["search", "zeppelin"]);
        let keys: Vec<&str> = hers
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h["key"].as_str())
            .collect();
        assert!(keys.iter().all(|k| k.starts_with("LAUNCH")), "{hers}");
        assert_eq!(hers.as_array().unwrap().len(), 2, "{hers}");

        // Filters; a key typed whole; the terminal's own lines.
        let comments = json(&ana, &["search", "zeppelin", "--kind", "comment"]);
        assert_eq!(comments.as_array().unwrap().len(), 1, "{comments}");
        let in_ops = json(&ana, &["search", "zeppelin", "--project", "OPS"]);
        assert_eq!(in_ops[0]["project"], "OPS", "{in_ops}");
        assert_eq!(in_ops.as_array().unwrap().len(), 1, "{in_ops}");
        let by_key = json(&ana, &["search", "LAUNCH-3"]);
        assert_eq!(by_key[0]["key"], "LAUNCH-3", "{by_key}");
        let shown = ok(&ana, &["search", "zeppelin", "hangar"]);
        assert!(shown.contains("*Zeppelin* *hangar* lease"), "{shown}");
        assert!(ok(&ana, &["search", "qwertyuiop"]).contains("Nothing matches"));

        // Refusals name what was wrong.
        let kind = fails(&ana, &["search", "zeppelin", "--kind", "file"]);
        assert!(kind.contains("kind") && kind.contains("comment"), "{kind}");
        let nothing = fails(&ana, &["search", "?!"]);
        assert!(nothing.contains("q"), "{nothing}");
        let owner = fails(&ana, &["search", "zeppelin", "--owner", "nobody@else.org"]);
        assert!(owner.contains("owner"), "{owner}");
    }
}
