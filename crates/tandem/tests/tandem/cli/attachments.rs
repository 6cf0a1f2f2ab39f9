//! `tandem attach` and `tandem attachment`: a file goes onto a task and
//! comes back byte for byte, through standard output as through
//! `--output`; a second upload of its name is its next version; a guest
//! cannot read another project's; on SQLite and PostgreSQL.

use super::approvals::signed_in;
use super::project_parts::json;
use super::*;

#[test]
fn a_file_attached_from_the_terminal_comes_back_byte_for_byte() {
    for (n, (ana, server)) in super::above_projects::parts_servers("attachments")
        .into_iter()
        .enumerate()
    {
        let gwen = signed_in(
            &server.url,
            &format!("attachments-gwen-{n}"),
            "gwen@demo.tandem",
        );
        let dir = temp_dir(&format!("attachments-files-{n}"));
        let file = dir.join("budget sheet.bin");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&file, &bytes).unwrap();

        let attached = json(&ana, &["attach", "LAUNCH-3", file.to_str().unwrap()]);
        let id = attached["id"].as_i64().expect("an id").to_string();
        assert_eq!(attached["name"], "budget sheet.bin", "{attached}");
        assert_eq!(attached["size"], 200_000);

        // To standard output, as `> OUT` takes it.
        let out = tandem(&ana, &["attachment", "get", &id], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, bytes);
        let copy = dir.join("copy.bin");
        ok(
            &ana,
            &["attachment", "get", &id, "--output", copy.to_str().unwrap()],
        );
        assert_eq!(std::fs::read(&copy).unwrap(), bytes);

        // Again under its name: version 2, both listed, newest first.
        std::fs::write(&file, b"second").unwrap();
        let again = json(&ana, &["attach", "LAUNCH-3", file.to_str().unwrap()]);
        assert_eq!(again["version"], 2, "{again}");
        let list = json(&ana, &["attachment", "list", "LAUNCH-3"]);
        let versions: Vec<i64> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["version"].as_i64().unwrap())
            .collect();
        assert_eq!(versions, [2, 1], "{list}");
        let shown = ok(&ana, &["attachment", "list", "LAUNCH-3"]);
        assert!(shown.contains("budget sheet.bin"), "{shown}");

        // On a project, with its type said.
        let notes = dir.join("notes.md");
        std::fs::write(&notes, "# Notes\n").unwrap();
        let on_project = json(&ana, &["attach", "OPS", notes.to_str().unwrap()]);
        assert_eq!(on_project["content_type"], "text/markdown", "{on_project}");
        // Gwen is a guest of LAUNCH, not of OPS.
        let hers = tandem(&gwen, &["attachment", "get", &id], None);
        assert!(hers.status.success());
        let other = on_project["id"].to_string();
        let refused = fails(&gwen, &["attachment", "get", &other]);
        assert!(refused.contains("not found"), "{refused}");

        // Refusals say what was wrong and exit non-zero.
        let missing = fails(&ana, &["attach", "LAUNCH-3", "/nonexistent/file"]);
        assert!(missing.contains("/nonexistent/file"), "{missing}");
        let empty = dir.join("empty.txt");
        std::fs::write(&empty, b"").unwrap();
        let refused = fails(&ana, &["attach", "LAUNCH-3", empty.to_str().unwrap()]);
        assert!(refused.contains("file"), "{refused}");
        let nowhere = fails(&ana, &["attach", "NOPE-1", file.to_str().unwrap()]);
        assert!(nowhere.contains("not found"), "{nowhere}");
    }
}
