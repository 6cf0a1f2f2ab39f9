//! A person joins a workspace by accepting an invitation.

use super::*;

#[test]
fn a_person_joins_a_workspace_by_accepting_an_invitation() {
    let dir = temp_dir("invite");
    let database = format!("sqlite://{}", dir.join("invite.db").display());
    let ana = dir.join("ana");
    let server = serve_demo(&database, &ana);
    // Someone with an account in a workspace of their own, made offline.
    ok(
        &ana,
        &[
            "admin",
            "workspace",
            "add",
            "solo",
            "--name",
            "Solo",
            "--database",
            &database,
        ],
    );
    let out = tandem(
        &ana,
        &[
            "admin",
            "user",
            "add",
            "newcomer@x.org",
            "--name",
            "Newcomer",
            "--workspace",
            "solo",
            "--role",
            "owner",
            "--password-stdin",
            "--database",
            &database,
        ],
        Some("a long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let invited = ok(
        &ana,
        &["member", "invite", "newcomer@x.org", "--role", "guest"],
    );
    assert!(
        invited.contains("Invited newcomer@x.org to demo as guest"),
        "{invited}"
    );
    assert!(ok(&ana, &["member", "invitations"]).contains("newcomer@x.org"));
    assert!(fails(&ana, &["member", "invite", "x@x.org", "--role", "boss"]).contains("boss"));

    let newcomer = dir.join("newcomer");
    let out = tandem(
        &newcomer,
        &[
            "login",
            "--server",
            &server.url,
            "--email",
            "newcomer@x.org",
            "--password-stdin",
        ],
        Some("a long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let waiting: serde_json::Value =
        serde_json::from_str(&ok(&newcomer, &["--json", "invitation", "list"])).unwrap();
    assert_eq!(waiting[0]["workspace"], "demo");
    let id = waiting[0]["id"].to_string();
    let joined = ok(&newcomer, &["invitation", "accept", &id]);
    assert!(
        joined.contains("Joined") && joined.contains("as guest"),
        "{joined}"
    );
    // A guest of the demo sees no project until made a stakeholder.
    let projects: serde_json::Value =
        serde_json::from_str(&ok(&newcomer, &["--json", "-w", "demo", "project", "list"])).unwrap();
    assert_eq!(projects.as_array().unwrap().len(), 0);
    assert!(ok(&ana, &["member", "list"]).contains("newcomer@x.org"));
    assert!(!ok(&ana, &["member", "invitations"]).contains("newcomer@x.org"));
    drop(server);
}
