//! The use-case layer stays below the adapters: it names none of the HTTP
//! crates, nor the wire shapes, nor the server that calls it.

#[test]
fn the_use_cases_depend_on_no_adapter() {
    let manifest = include_str!("../Cargo.toml");
    let mut section = "";
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section != "[dependencies]" {
            continue;
        }
        let name = line.split(['=', '.', ' ']).next().unwrap_or("");
        for forbidden in [
            "axum",
            "hyper",
            "tandem-api",
            "tandem-server",
            "reqwest",
            "maud",
        ] {
            assert_ne!(
                name, forbidden,
                "tandem-usecases must not depend on {forbidden}"
            );
        }
    }
}
