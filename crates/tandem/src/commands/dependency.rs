//! `tandem dep`: links between tasks, and how the CLI reads and writes a
//! lag.

use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;
use tandem_domain::dates::parse_work_days;
use tandem_domain::{DependencyKind, LagFormat};

use super::values::{choice, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum DepCommand {
    /// Make SUCC depend on PRED.
    Add {
        pred: String,
        succ: String,
        #[arg(long = "type", default_value = "FS")]
        kind: String,
        /// Lag: working time (2d, -1d, 4h, 1w), elapsed time (3ed, 12eh,
        /// 1ew) or a percentage of the predecessor's duration (50%).
        #[arg(long, default_value = "0d", allow_hyphen_values = true)]
        lag: String,
        /// Add it in this what-if scenario of the project only (see
        /// `tandem scenario`); its lag in working time.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
    },
    /// Remove the link PRED → SUCC.
    Rm {
        pred: String,
        succ: String,
        /// Take it away in this what-if scenario of the project only.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
    },
    /// A task's links, both ways.
    List { key: String },
}

/// A lag as the CLI takes it: working time (`2d`, `4h`, `1w`), elapsed
/// time (`3ed`, `12eh`, `1ew`) or a percentage (`50%`).
fn parse_lag(text: &str) -> Result<(f64, LagFormat), String> {
    let t = text.trim().to_lowercase();
    if let Some(percent) = t.strip_suffix('%') {
        let value: f64 = percent
            .trim()
            .parse()
            .map_err(|_| format!("'{text}' is not a percentage"))?;
        return Ok((value, LagFormat::Percent));
    }
    for (unit, days) in [("ed", 1.0), ("eh", 1.0 / 24.0), ("ew", 7.0)] {
        if let Some(number) = t.strip_suffix(unit) {
            let value: f64 = number
                .trim()
                .parse()
                .map_err(|_| format!("'{text}' is not an elapsed duration"))?;
            return Ok((value * days, LagFormat::ElapsedDays));
        }
    }
    Ok((parse_work_days(&t)?, LagFormat::WorkingDays))
}

pub(super) fn lag_text(lag: f64, format: LagFormat) -> String {
    match format {
        LagFormat::WorkingDays => format!("{lag:+}d"),
        LagFormat::ElapsedDays => format!("{lag:+}ed"),
        LagFormat::Percent => format!("{lag:+}%"),
    }
}

pub(super) async fn dep_command(client: &Client, command: DepCommand, as_json: bool) -> Result<()> {
    match command {
        DepCommand::Add {
            pred,
            succ,
            kind,
            lag,
            scenario: Some(name),
        } => {
            let (lag, format) = parse_lag(&lag).map_err(|e| anyhow!("--lag: {e}"))?;
            if format != LagFormat::WorkingDays {
                bail!("--lag: a scenario's lag is working time (2d, -1d, 4h, 1w)");
            }
            let body = serde_json::json!({
                "predecessor": pred, "successor": succ,
                "type": choice::<DependencyKind>("type", &kind)?, "lag_days": lag,
            });
            scenario_link(client, &succ, &name, body, as_json).await?;
        }
        DepCommand::Rm {
            pred,
            succ,
            scenario: Some(name),
        } => {
            let body = serde_json::json!({"predecessor": pred, "successor": succ, "removed": true});
            scenario_link(client, &succ, &name, body, as_json).await?;
        }
        DepCommand::Add {
            pred,
            succ,
            kind,
            lag,
            scenario: None,
        } => {
            let (lag, format) = parse_lag(&lag).map_err(|e| anyhow!("--lag: {e}"))?;
            let request = CreateDependency {
                predecessor: Some(pred),
                successor: Some(succ),
                kind: Some(choice("type", &kind)?),
                lag_days: Some(lag),
                lag_format: Some(format),
            };
            let dep: DependencyView = client
                .send(
                    Method::POST,
                    &client.ws_path("/dependencies").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&dep)
            } else {
                outln!(
                    "{} → {} ({}, lag {})",
                    dep.predecessor.key,
                    dep.successor.key,
                    dep.kind.as_str().to_uppercase(),
                    lag_text(dep.lag_days, dep.lag_format)
                )
            }
        }
        DepCommand::Rm {
            pred,
            succ,
            scenario: None,
        } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/dependencies/{pred}/{succ}"))
                        .await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Removed {pred} → {succ}");
            }
        }
        DepCommand::List { key } => {
            let deps: Vec<DependencyView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/tasks/{key}/dependencies"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                return {
                    print_json(&deps);
                    Ok(())
                };
            }
            let rows = deps
                .iter()
                .map(|d| {
                    vec![
                        d.predecessor.key.clone(),
                        d.successor.key.clone(),
                        d.kind.as_str().to_uppercase(),
                        lag_text(d.lag_days, d.lag_format),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["predecessor", "successor", "type", "lag (days)"], &rows);
        }
    }
    Ok(())
}

/// A link added or taken away in a scenario of the successor's project.
async fn scenario_link(
    client: &Client,
    succ: &str,
    name: &str,
    body: serde_json::Value,
    as_json: bool,
) -> Result<()> {
    let project = super::scenario::project_of(succ)?;
    let pred = body["predecessor"].as_str().unwrap_or_default();
    if super::scenario::project_of(pred)? != project {
        bail!(
            "{pred} and {succ} are of different projects: a scenario links tasks of its own project"
        );
    }
    let path = super::scenario::path(client, &project, Some(name)).await?;
    let changed: ScenarioView = client
        .send(Method::POST, &format!("{path}/links"), Some(&body))
        .await?;
    if as_json {
        print_json(&changed);
    } else {
        let link = changed
            .links
            .iter()
            .find(|l| l.successor.eq_ignore_ascii_case(succ));
        match link {
            Some(l) if l.removed => outln!(
                "Took {} → {} away in scenario {} (the plan is untouched)",
                l.predecessor,
                l.successor,
                changed.name
            ),
            Some(l) => outln!(
                "Linked {} → {} in scenario {} (the plan is untouched)",
                l.predecessor,
                l.successor,
                changed.name
            ),
            None => outln!("Changed scenario {}", changed.name),
        }
    }
    Ok(())
}
