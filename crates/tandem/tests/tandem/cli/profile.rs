//! Your own name and password, and your workspace's name, from the
//! terminal.

use super::*;

#[test]
fn a_person_renames_themselves_changes_their_password_and_renames_the_workspace() {
    let dir = temp_dir("profile");
    let database = format!("sqlite://{}", dir.join("profile.db").display());
    let config = dir.join("config");
    let server = serve_demo(&database, &config);

    assert_eq!(
        ok(&config, &["profile", "edit", "--name", "Ana López"]).trim(),
        "Your name is now Ana López"
    );
    let shown = ok(&config, &["profile", "show"]);
    assert!(shown.contains("Ana López <ana@demo.tandem>"), "{shown}");
    assert!(shown.contains("owner"), "{shown}");

    // A picture: a small raster image, or the initials again.
    let png = dir.join("me.png");
    std::fs::write(
        &png,
        [&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], &[1u8; 64]].concat(),
    )
    .unwrap();
    let svg = dir.join("me.svg");
    std::fs::write(&svg, "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
    assert!(ok(&config, &["profile", "avatar", png.to_str().unwrap()]).contains("picture is set"));
    let refused = fails(&config, &["profile", "avatar", svg.to_str().unwrap()]);
    assert!(
        refused.contains("avatar") && refused.contains("PNG"),
        "{refused}"
    );
    assert!(ok(&config, &["profile", "avatar", "--remove"]).contains("initials"));
    assert!(fails(&config, &["profile", "avatar"]).contains("FILE"));

    // Passwords: two lines on standard input, or it says what it wants.
    let err = fails(&config, &["profile", "password"]);
    assert!(err.contains("--passwords-stdin"), "{err}");
    let out = tandem(
        &config,
        &["profile", "password", "--passwords-stdin"],
        Some("not-the-password\nnew-secret-1\n"),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("current password"), "{err}");
    let out = tandem(
        &config,
        &["profile", "password", "--passwords-stdin"],
        Some("tandem-demo\nnew-secret-1\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The old password signs in no more; the new one does.
    let login = |password: &str| {
        tandem(
            &dir.join("other"),
            &[
                "login",
                "--server",
                &server.url,
                "--email",
                "ana@demo.tandem",
                "--password-stdin",
            ],
            Some(password),
        )
        .status
        .success()
    };
    assert!(!login("tandem-demo"));
    assert!(login("new-secret-1"));

    assert_eq!(
        ok(&config, &["workspace", "rename", "Demo Company"]).trim(),
        "Workspace demo is now called Demo Company"
    );
    let listed = ok(&config, &["workspace", "list"]);
    assert!(listed.contains("Demo Company"), "{listed}");
}
