//! `tandem my`: every bucket counted whole, a page of each, and the
//! printed "More" command that pages one bucket on.

use super::*;

/// The task keys of a `tandem my` table: first column of each row.
fn keys(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|word| word.contains('-') && word.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The cursor of the "More:" line under `bucket`.
fn more(out: &str, bucket: &str) -> Option<String> {
    let prefix = format!("More: tandem my --bucket {bucket} --cursor ");
    out.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(str::to_string)
}

#[test]
fn my_work_pages_each_bucket_from_the_terminal() {
    let dir = temp_dir("my-work");
    let database = format!("sqlite://{}", dir.join("my.db").display());
    let config = dir.join("config");
    let _server = serve_demo(&database, &config);
    for n in 0..5 {
        ok(
            &config,
            &[
                "add",
                &format!("Someday {n} @ana due 2031-01-0{}", 1 + n % 3),
            ],
        );
    }
    let whole: serde_json::Value =
        serde_json::from_str(&ok(&config, &["--json", "my", "--all", "--limit", "2"])).unwrap();
    let later = whole["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucket"] == "later")
        .unwrap();
    let count = later["count"].as_u64().unwrap() as usize;
    assert!(count >= 5, "{later}");
    // --all followed every page.
    assert_eq!(later["tasks"].as_array().unwrap().len(), count);
    assert!(later["next_cursor"].is_null());

    let first = ok(&config, &["my", "--limit", "2"]);
    assert!(first.contains(&format!("Later ({count})")), "{first}");
    // Paging on by the printed command visits the bucket once, in order.
    let mut seen = Vec::new();
    let mut out = ok(&config, &["my", "--bucket", "later", "--limit", "2"]);
    loop {
        let page = keys(&out);
        assert!(page.len() <= 2, "{out}");
        seen.extend(page);
        match more(&out, "later") {
            Some(cursor) => {
                out = ok(
                    &config,
                    &[
                        "my", "--bucket", "later", "--limit", "2", "--cursor", &cursor,
                    ],
                )
            }
            None => break,
        }
    }
    let expected: Vec<String> = later["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen, expected);

    // Flags are checked before anything is sent, named by flag.
    assert!(fails(&config, &["my", "--cursor", "x"]).contains("--bucket"));
    assert!(fails(&config, &["my", "--limit", "0"]).contains("--limit"));
    assert!(fails(&config, &["my", "--bucket", "soon"]).contains("--bucket"));
    let help = ok(&config, &["my", "--help"]);
    assert!(
        help.contains("Tasks shown per bucket") && help.contains("[default: 50]"),
        "{help}"
    );
}
