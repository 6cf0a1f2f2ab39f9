//! `tandem approval`: a milestone's gate and a stage change asked of the
//! demo's approver, answered from his own terminal, on SQLite and
//! PostgreSQL; refusals say what was wrong and exit non-zero.

use std::path::{Path, PathBuf};

use super::project_parts::json;
use super::*;

/// A second terminal signed in to the same server as `email`.
pub(super) fn signed_in(url: &str, name: &str, email: &str) -> PathBuf {
    let config = temp_dir(name).join("config");
    let out = tandem(
        &config,
        &[
            "login",
            "--server",
            url,
            "--email",
            email,
            "--password-stdin",
        ],
        Some("tandem-demo"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    config
}

fn first_open_milestone(config: &Path) -> String {
    let milestones = json(config, &["milestone", "list", "LAUNCH"]);
    milestones
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["reached"].is_null())
        .expect("an unreached milestone in the demo")["id"]
        .to_string()
}

#[test]
fn a_milestone_waits_for_its_approver_and_a_stage_moves_when_approved() {
    for (n, (ana, server)) in super::above_projects::parts_servers("approvals")
        .into_iter()
        .enumerate()
    {
        let ben = signed_in(
            &server.url,
            &format!("approvals-ben-{n}"),
            "ben@demo.tandem",
        );
        let milestone = first_open_milestone(&ana);

        // Ben is the demo launch's approver stakeholder: the default.
        let asked = json(
            &ana,
            &[
                "approval",
                "request",
                "--milestone",
                &milestone,
                "--note",
                "Ready?",
            ],
        );
        assert_eq!(asked["state"], "pending", "{asked}");
        assert_eq!(
            asked["approvers"][0]["approver"]["email"],
            "ben@demo.tandem"
        );
        let id = asked["id"].to_string();
        let refused = fails(&ana, &["milestone", "reach", "LAUNCH", &milestone]);
        assert!(
            refused.contains("reached") && refused.contains(&format!("#{id}")),
            "{refused}"
        );

        // It waits for Ben: in his list and in My Work.
        let waiting = ok(&ben, &["approval", "list"]);
        assert!(
            waiting.contains(&id) && waiting.contains("pending"),
            "{waiting}"
        );
        let my = ok(&ben, &["my"]);
        assert!(my.contains("Waiting for your approval (1)"), "{my}");
        let refused = fails(
            &ben,
            &["approval", "request-changes", &id, "--comment", " "],
        );
        assert!(refused.contains("comment"), "{refused}");
        let sent_back = ok(
            &ben,
            &[
                "approval",
                "request-changes",
                &id,
                "--comment",
                "Attach the test report",
            ],
        );
        assert!(sent_back.contains("changes requested"), "{sent_back}");
        // Ben is an admin; Chloe, a member who did not ask, may not.
        let chloe = signed_in(
            &server.url,
            &format!("approvals-chloe-{n}"),
            "chloe@demo.tandem",
        );
        let refused = fails(&chloe, &["approval", "resubmit", &id]);
        assert!(
            refused.contains("requester") || refused.contains("asked for"),
            "{refused}"
        );
        ok(&ana, &["approval", "resubmit", &id]);
        let approved = ok(&ben, &["approval", "approve", &id, "--comment", "Good"]);
        assert!(approved.contains("approved, 1 of 1 approved"), "{approved}");
        let shown = ok(&ana, &["approval", "show", &id]);
        assert!(shown.contains("Good") && shown.contains("Ben"), "{shown}");

        let reached = ok(
            &ana,
            &[
                "milestone",
                "reach",
                "LAUNCH",
                &milestone,
                "--on",
                "2026-12-04",
            ],
        );
        assert!(reached.contains("reached on 2026-12-04"), "{reached}");

        // A stage change is made when approved.
        let asked = json(
            &ana,
            &[
                "approval",
                "request",
                "--project",
                "LAUNCH",
                "--stage",
                "closing",
                "--approver",
                "ben@demo.tandem",
            ],
        );
        ok(&ben, &["approval", "approve", &asked["id"].to_string()]);
        let project = json(&ana, &["project", "show", "LAUNCH"]);
        assert_eq!(project["project"]["stage"], "closing", "{project}");

        // Refusals name what was wrong.
        let refused = fails(&ana, &["approval", "request"]);
        assert!(refused.contains("--task"), "{refused}");
        let refused = fails(
            &ana,
            &[
                "approval",
                "request",
                "--task",
                "LAUNCH-1",
                "--approver",
                "gwen@demo.tandem",
            ],
        );
        assert!(refused.contains("guest"), "{refused}");
        let refused = fails(
            &ana,
            &[
                "approval",
                "request",
                "--project",
                "LAUNCH",
                "--stage",
                "later",
            ],
        );
        assert!(refused.contains("stage"), "{refused}");
        let refused = fails(&ana, &["approval", "approve", "999999"]);
        assert!(refused.contains("not found"), "{refused}");
    }
}
