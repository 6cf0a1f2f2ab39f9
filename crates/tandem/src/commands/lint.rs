//! `tandem lint`: a project's plan lint, worst first; rules switched on
//! or off for the project; the fixes Tandem can make.

use anyhow::Result;
use clap::Args;
use reqwest::Method;
use serde_json::json;
use tandem_api::{LintFixView, LintRuleView, LintView};
use tandem_domain::lint::{Finding, LintRule};

use super::values::encode;
use crate::client::Client;
use crate::output::{json as print_json, outln};

#[derive(Debug, Args)]
pub(super) struct LintArgs {
    /// The project's key.
    key: String,
    /// Switch a rule off for this project (repeatable): flat-list,
    /// overhead-on-simple-work, no-outcome-owner, unowned-tasks,
    /// risk-without-mitigation, milestone-before-its-work,
    /// unestimated-work, dangling-constraints, over-allocation,
    /// stale-status, orphan-task, starts-before-project.
    #[arg(long, value_parser = rule)]
    off: Vec<LintRule>,
    /// Switch a rule back on (repeatable); the names are --off's.
    #[arg(long, value_parser = rule)]
    on: Vec<LintRule>,
    /// Make the fix of a rule's finding first: dangling-constraints
    /// (clears the start-no-earlier-than dates that hold work back) or
    /// milestone-before-its-work (moves each milestone to the day its
    /// work finishes).
    #[arg(long, value_parser = rule)]
    fix: Option<LintRule>,
}

fn rule(name: &str) -> Result<LintRule, String> {
    name.parse()
}

pub(super) async fn lint_command(client: &Client, args: LintArgs, as_json: bool) -> Result<()> {
    if let Some(both) = args.off.iter().find(|rule| args.on.contains(rule)) {
        anyhow::bail!("--off {both} and --on {both}: a rule is switched one way at a time");
    }
    let project = client
        .ws_path(&format!("/projects/{}", encode(&args.key)))
        .await?;
    for (rules, on) in [(&args.off, false), (&args.on, true)] {
        for rule in rules {
            let _: LintRuleView = client
                .send(
                    Method::PUT,
                    &format!("{project}/lint/rules/{rule}"),
                    Some(&json!({ "on": on })),
                )
                .await?;
            if !as_json {
                outln!(
                    "{rule} switched {} for {}",
                    if on { "on" } else { "off" },
                    args.key
                );
            }
        }
    }
    if let Some(rule) = args.fix {
        let fixed: LintFixView = client
            .send(Method::POST, &format!("{project}/lint/{rule}/fix"), None)
            .await?;
        if !as_json {
            outln!("Fixed {rule}: {}.", fixed.done);
        }
    }
    let view: LintView = client
        .send(Method::GET, &format!("{project}/lint"), None)
        .await?;
    if as_json {
        print_json(&view);
        return Ok(());
    }
    if view.findings.is_empty() {
        outln!("{}: nothing to say about this plan.", view.project);
    }
    for f in &view.findings {
        print_finding(&view.project, f);
    }
    let off: Vec<String> = view
        .rules
        .iter()
        .filter(|r| !r.on)
        .map(|r| r.rule.to_string())
        .collect();
    if !off.is_empty() {
        outln!("Switched off here: {}.", off.join(", "));
    }
    Ok(())
}

fn print_finding(project: &str, f: &Finding) {
    outln!(
        "{:<8} {:<26} {}",
        f.severity.as_str(),
        f.rule.as_str(),
        f.message
    );
    let names: Vec<String> = f
        .objects
        .iter()
        .filter(|o| o.kind != "project")
        .map(|o| {
            o.key
                .clone()
                .or_else(|| o.name.clone())
                .unwrap_or_else(|| format!("{} {}", o.kind, o.id))
        })
        .collect();
    if !names.is_empty() {
        let more = f.count.saturating_sub(f.objects.len());
        let rest = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        outln!("         {}{rest}", names.join(", "));
    }
    outln!("         why: {}", f.why);
    if let Some(fix) = &f.fix {
        outln!("         fix: {fix}");
    }
    if f.action.is_some() {
        outln!("              tandem lint {project} --fix {}", f.rule);
    }
}
