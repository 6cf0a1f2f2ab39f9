//! `tandem rule`: a rule made in words, listed, tried with a dry run,
//! turned off and deleted; a rule in words that are no rule is refused
//! with what was wrong.

use super::project_parts::json;
use super::*;

#[test]
fn a_rule_is_made_in_words_tried_turned_off_and_deleted() {
    let (config, _server) = super::project_parts::parts_server("rules");
    let made = json(
        &config,
        &[
            "rule",
            "add",
            "Urgent to Ben",
            "--project",
            "LAUNCH",
            "--when",
            "priority=urgent",
            "--if",
            "status!=done",
            "--then",
            "owner=ben@demo.tandem",
            "--then",
            "tag=hot",
        ],
    );
    assert_eq!(made["trigger"]["on"], "field_changed", "{made}");
    assert_eq!(made["actions"][1]["do"], "set");
    let id = made["id"].to_string();
    let listed = ok(&config, &["rule", "list"]);
    assert!(
        listed.contains("Urgent to Ben") && listed.contains("becomes urgent"),
        "{listed}"
    );

    let dry = ok(
        &config,
        &[
            "rule",
            "dry-run",
            "--project",
            "LAUNCH",
            "--when",
            "status=done",
            "--then",
            "tag=closed",
        ],
    );
    assert!(
        dry.contains("LAUNCH-") && dry.contains("add the tag closed"),
        "{dry}"
    );
    let saved = json(&config, &["rule", "dry-run", &id]);
    assert!(saved["tasks"].is_array(), "{saved}");

    let off = json(&config, &["rule", "edit", &id, "--state", "off"]);
    assert_eq!(off["enabled"], false);
    let shown = ok(&config, &["rule", "show", &id]);
    assert!(shown.contains("off"), "{shown}");

    let refused = fails(
        &config,
        &[
            "rule",
            "add",
            "Bad",
            "--project",
            "LAUNCH",
            "--when",
            "someday",
            "--then",
            "tag=x",
        ],
    );
    assert!(
        refused.contains("when") && refused.contains("no trigger"),
        "{refused}"
    );
    let refused = fails(
        &config,
        &[
            "rule",
            "add",
            "Bad",
            "--project",
            "LAUNCH",
            "--when",
            "created",
            "--then",
            "colour=red",
        ],
    );
    assert!(refused.contains("not a field"), "{refused}");

    ok(&config, &["rule", "rm", &id]);
    let listed = ok(&config, &["rule", "list"]);
    assert!(listed.contains("No rules"), "{listed}");
}
