//! A person joins a workspace by accepting an invitation.

use super::*;

/// Someone with an account in a workspace of their own, made offline,
/// signed in from a terminal of their own.
fn sign_up(dir: &Path, ana: &Path, database: &str, server: &str, email: &str) -> PathBuf {
    let slug = email.split('@').next().unwrap().replace('.', "-");
    ok(
        ana,
        &[
            "admin",
            "workspace",
            "add",
            &slug,
            "--name",
            "Solo",
            "--database",
            database,
        ],
    );
    let out = tandem(
        ana,
        &[
            "admin",
            "user",
            "add",
            email,
            "--name",
            "Newcomer",
            "--workspace",
            &slug,
            "--role",
            "owner",
            "--password-stdin",
            "--database",
            database,
        ],
        Some("a long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = dir.join(&slug);
    let out = tandem(
        &config,
        &[
            "login",
            "--server",
            server,
            "--email",
            email,
            "--password-stdin",
        ],
        Some("a long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    config
}

#[test]
fn a_person_joins_a_workspace_by_accepting_an_invitation() {
    let dir = temp_dir("invite");
    let database = format!("sqlite://{}", dir.join("invite.db").display());
    let ana = dir.join("ana");
    let server = serve_demo(&database, &ana);
    let newcomer = sign_up(&dir, &ana, &database, &server.url, "newcomer@x.org");
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

    let waiting: serde_json::Value =
        serde_json::from_str(&ok(&newcomer, &["--json", "invitation", "list"])).unwrap();
    assert_eq!(waiting[0]["workspace"], "demo");
    // Their inbox, in the workspace they are in, tells them of it.
    let inbox: serde_json::Value =
        serde_json::from_str(&ok(&newcomer, &["--json", "inbox"])).unwrap();
    assert_eq!(inbox[0]["kind"], "invitation", "{inbox}");
    assert_eq!(inbox[0]["object"]["key"], "demo");
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

    // Deactivated, they are out until brought back with their role.
    let gone = ok(&ana, &["member", "deactivate", "newcomer@x.org"]);
    assert!(gone.contains("Deactivated newcomer@x.org"), "{gone}");
    assert!(!ok(&ana, &["member", "list"]).contains("newcomer@x.org"));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&ana, &["--json", "member", "deactivated"])).unwrap();
    assert_eq!(listed[0]["user"]["email"], "newcomer@x.org", "{listed}");
    assert_eq!(listed[0]["role"], "guest");
    let refused = fails(&newcomer, &["-w", "demo", "project", "list"]);
    assert!(refused.contains("not found"), "{refused}");
    let wrong = fails(
        &ana,
        &[
            "member",
            "deactivate",
            "ben@demo.tandem",
            "--reassign-to",
            "nobody@x.org",
        ],
    );
    assert!(wrong.contains("reassign_to"), "{wrong}");
    assert!(ok(&ana, &["member", "list"]).contains("ben@demo.tandem"));
    let back = ok(&ana, &["member", "reactivate", "newcomer@x.org"]);
    assert!(back.contains("is back, as guest"), "{back}");
    assert!(ok(&ana, &["member", "list"]).contains("newcomer@x.org"));
    drop(server);
}

#[test]
fn an_invitation_link_is_accepted_by_the_one_invited_only() {
    let dir = temp_dir("invite-link");
    let database = format!("sqlite://{}", dir.join("invite.db").display());
    let ana = dir.join("ana");
    let server = serve_demo(&database, &ana);
    let newcomer = sign_up(&dir, &ana, &database, &server.url, "new.comer@x.org");
    let stranger = sign_up(&dir, &ana, &database, &server.url, "stranger@x.org");

    // The link is printed once, on this server.
    let invited = ok(
        &ana,
        &["member", "invite", "new.comer@x.org", "--role", "member"],
    );
    let link = invited
        .lines()
        .find(|l| l.starts_with(&server.url) && l.contains("/invitations/accept?token="))
        .unwrap_or_else(|| panic!("no link in {invited}"))
        .to_string();
    let token = link.rsplit_once("token=").unwrap().1.to_string();
    assert!(invited.contains(&format!("tandem invitation accept {token}")));
    // Nobody else's link to use: not even told it exists.
    let refused = fails(&stranger, &["invitation", "accept", &token]);
    assert!(refused.contains("not found"), "{refused}");
    assert!(fails(&newcomer, &["invitation", "accept", "tdi_0000"]).contains("not found"));

    // The invited person, with the token (or the whole link), joins.
    let joined = ok(&newcomer, &["invitation", "accept", &token]);
    assert!(
        joined.contains("Joined") && joined.contains("as member"),
        "{joined}"
    );
    assert!(ok(&ana, &["member", "list"]).contains("new.comer@x.org"));
    assert!(!ok(&ana, &["member", "list"]).contains("stranger@x.org"));
    // Accepted, the link is spent.
    assert!(fails(&newcomer, &["invitation", "accept", &link]).contains("not found"));
    drop(server);
}

/// Someone new to Tandem joins from the link alone: their account is made
/// for the invited email, and the terminal is signed in.
#[test]
fn someone_new_joins_by_the_invitation_link() {
    let dir = temp_dir("invite-join");
    let database = format!("sqlite://{}", dir.join("join.db").display());
    let ana = dir.join("ana");
    let server = serve_demo(&database, &ana);
    let invited = ok(&ana, &["member", "invite", "nia@x.org", "--role", "member"]);
    assert!(invited.contains("tandem invitation join http"), "{invited}");
    let link = invited
        .split_whitespace()
        .find(|word| word.contains("/invitations/accept?token="))
        .expect("the link is printed")
        .to_string();
    let nia = dir.join("nia");
    let join = |password: &str| {
        tandem(
            &nia,
            &[
                "invitation",
                "join",
                &link,
                "--name",
                "Nia New",
                "--password-stdin",
            ],
            Some(password),
        )
    };
    let short = join("short");
    assert!(!short.status.success());
    let said = String::from_utf8_lossy(&short.stderr);
    assert!(
        said.contains("password") && said.contains("at least 8"),
        "{said}"
    );
    let out = join("a long password");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Signed in as Nia New (nia@x.org)"), "{said}");
    assert!(said.contains("workspace demo"), "{said}");
    // A member of the demo now, with the token the join kept.
    let me: serde_json::Value =
        serde_json::from_str(&ok(&nia, &["--json", "member", "list"])).unwrap();
    assert!(me.to_string().contains("nia@x.org"), "{me}");
    assert!(ok(&ana, &["member", "list"]).contains("nia@x.org"));
    // The link is spent.
    let again = join("a long password");
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("not found"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // A bare token needs the server named.
    let bare = tandem(
        &dir.join("bare"),
        &[
            "invitation",
            "join",
            "tdi_x",
            "--name",
            "X",
            "--password-stdin",
        ],
        Some("a long password"),
    );
    assert!(!bare.status.success());
    assert!(String::from_utf8_lossy(&bare.stderr).contains("--server"));
    drop(server);
}
