//! The direction of dependencies between the workspace's crates, checked
//! against `cargo metadata`: the pure core (scheduler, domain) does no IO,
//! the API's wire types know no web framework or database, the use cases
//! know no HTTP, and nothing depends on what sits above it. Only normal and
//! build dependencies count; tests may use anything.
//!
//! A new crate needs a row in [`RULES`]; the test fails until it has one.

use std::collections::BTreeMap;

use serde_json::Value;

/// What one crate may depend on.
struct Rule {
    krate: &'static str,
    /// The workspace crates it may use; any other is refused.
    may_use: &'static [&'static str],
    /// Outside crates it must not use.
    must_not_use: &'static [&'static str],
}

/// Crates that do IO, or bring a runtime, a database or HTTP.
const IO: &[&str] = &[
    "tokio",
    "sqlx",
    "rusqlite",
    "libsqlite3-sys",
    "axum",
    "hyper",
    "hyper-util",
    "reqwest",
    "fantoccini",
    "mimalloc",
    "tracing-subscriber",
];
/// The server side of HTTP.
const WEB: &[&str] = &[
    "axum",
    "hyper",
    "hyper-util",
    "tower-service",
    "http-body",
    "maud",
];

/// Lowest first.
const RULES: &[Rule] = &[
    Rule {
        krate: "tandem-schedule",
        may_use: &[],
        must_not_use: IO,
    },
    Rule {
        krate: "tandem-domain",
        may_use: &["tandem-schedule"],
        must_not_use: IO,
    },
    Rule {
        krate: "tandem-api",
        may_use: &["tandem-domain"],
        must_not_use: IO,
    },
    Rule {
        krate: "tandem-store",
        may_use: &["tandem-domain", "tandem-schedule"],
        must_not_use: WEB,
    },
    Rule {
        krate: "tandem-usecases",
        may_use: &["tandem-domain", "tandem-schedule", "tandem-store"],
        must_not_use: WEB,
    },
    Rule {
        krate: "tandem-server",
        may_use: &[
            "tandem-domain",
            "tandem-schedule",
            "tandem-store",
            "tandem-api",
            "tandem-usecases",
        ],
        must_not_use: &[],
    },
    Rule {
        krate: "tandem",
        may_use: &[
            "tandem-domain",
            "tandem-schedule",
            "tandem-store",
            "tandem-api",
            "tandem-usecases",
            "tandem-server",
        ],
        must_not_use: &[],
    },
    Rule {
        krate: "tandem-bench",
        may_use: &[
            "tandem-domain",
            "tandem-schedule",
            "tandem-store",
            "tandem-api",
            "tandem-usecases",
            "tandem-server",
        ],
        must_not_use: &[],
    },
];

/// Each workspace crate and its normal and build dependencies, as
/// (name, features asked for).
fn workspace() -> BTreeMap<String, Vec<(String, Vec<String>)>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .arg("--manifest-path")
        .arg(manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let strings = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|s| s.as_str())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            let dependencies = package["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].as_str() != Some("dev"))
                .map(|d| {
                    (
                        d["name"].as_str().unwrap().to_string(),
                        strings(&d["features"]),
                    )
                })
                .collect();
            (package["name"].as_str().unwrap().to_string(), dependencies)
        })
        .collect()
}

/// Everything wrong with `crates` against `rules`, one line each.
fn violations(
    crates: &BTreeMap<String, Vec<(String, Vec<String>)>>,
    rules: &[Rule],
) -> Vec<String> {
    let mut wrong = Vec::new();
    for (krate, dependencies) in crates {
        let Some(rule) = rules.iter().find(|r| r.krate == krate) else {
            wrong.push(format!(
                "{krate} has no row in RULES (crates/tandem/tests/tandem/dependencies.rs): \
                 add one naming the workspace crates it may use and the outside crates it must not"
            ));
            continue;
        };
        for (dependency, features) in dependencies {
            if crates.contains_key(dependency) && !rule.may_use.contains(&dependency.as_str()) {
                wrong.push(format!(
                    "{krate} depends on {dependency}, which it may not (it may use: {})",
                    if rule.may_use.is_empty() {
                        "no workspace crate".to_string()
                    } else {
                        rule.may_use.join(", ")
                    }
                ));
            }
            if rule.must_not_use.contains(&dependency.as_str()) {
                wrong.push(format!(
                    "{krate} depends on {dependency}, which it must not"
                ));
            }
            // The pure core never reads the clock: "today" is a parameter.
            if rule.must_not_use == IO
                && dependency == "chrono"
                && features.iter().any(|f| f == "clock")
            {
                wrong.push(format!(
                    "{krate} asks for chrono's clock, and the pure core never reads it"
                ));
            }
        }
    }
    wrong
}

#[test]
fn crates_depend_only_downwards() {
    let crates = workspace();
    // The metadata is read, not empty: these exist today.
    for known in [
        "tandem-domain",
        "tandem-schedule",
        "tandem-store",
        "tandem-server",
    ] {
        assert!(crates.contains_key(known), "{known} is not in {crates:?}");
    }
    let wrong = violations(&crates, RULES);
    assert!(
        wrong.is_empty(),
        "dependency directions:\n{}",
        wrong.join("\n")
    );
}

/// The check itself refuses what it should, on a made-up workspace.
#[test]
fn the_check_refuses_upward_io_and_unlisted_dependencies() {
    let dependency = |name: &str, features: &[&str]| {
        (
            name.to_string(),
            features.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
        )
    };
    let crates = BTreeMap::from([
        (
            "tandem-domain".to_string(),
            vec![
                dependency("tandem-store", &[]),
                dependency("chrono", &["std", "clock"]),
            ],
        ),
        ("tandem-store".to_string(), vec![dependency("axum", &[])]),
        (
            "tandem-schedule".to_string(),
            vec![dependency("tokio", &[])],
        ),
        ("tandem-newcomer".to_string(), vec![]),
    ]);
    let wrong = violations(&crates, RULES);
    let expected = [
        "tandem-domain depends on tandem-store, which it may not",
        "tandem-domain asks for chrono's clock",
        "tandem-store depends on axum, which it must not",
        "tandem-schedule depends on tokio, which it must not",
        "tandem-newcomer has no row in RULES",
    ];
    for line in expected {
        assert!(
            wrong.iter().any(|w| w.starts_with(line)),
            "{line} missing from {wrong:#?}"
        );
    }
    assert_eq!(wrong.len(), expected.len(), "{wrong:#?}");
}
