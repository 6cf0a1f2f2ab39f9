//! `tandem search`: the workspace's ranked search, best first, only what
//! you may open.

use anyhow::Result;
use clap::Args;
use reqwest::Method;
use tandem_api::SearchHitView;
use tandem_domain::search::Span;

use super::values::encode;
use crate::client::Client;
use crate::output::{json as print_json, outln};

#[derive(Debug, Args)]
pub(super) struct SearchArgs {
    /// The words to look for: every one must be a word of a title or a
    /// text, the last may be the beginning of one ("launch pl" finds
    /// "Launch plan"), case and accents aside. A task's key (LAUNCH-12)
    /// finds that task first.
    #[arg(required = true, num_args = 1..)]
    words: Vec<String>,
    /// Kinds to look in, comma-separated: task, project, comment, goal,
    /// risk, attachment (all unless given).
    #[arg(long)]
    kind: Option<String>,
    /// Only what belongs to this project (its key).
    #[arg(long)]
    project: Option<String>,
    /// Only what this member owns (a comment: wrote): an email, or `me`.
    #[arg(long)]
    owner: Option<String>,
    /// Only tasks of this status: backlog, todo, in_progress, blocked,
    /// in_review, done or cancelled.
    #[arg(long)]
    status: Option<String>,
    /// At most this many hits (1 to 100).
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

pub(super) async fn search_command(client: &Client, args: SearchArgs, as_json: bool) -> Result<()> {
    let mut query = vec![
        format!("q={}", encode(&args.words.join(" "))),
        format!("limit={}", args.limit),
    ];
    for (name, value) in [
        ("kind", &args.kind),
        ("project", &args.project),
        ("owner", &args.owner),
        ("status", &args.status),
    ] {
        if let Some(value) = value {
            query.push(format!("{name}={}", encode(value)));
        }
    }
    let path = client.ws_path("/search").await?;
    let hits: Vec<SearchHitView> = client
        .send(Method::GET, &format!("{path}?{}", query.join("&")), None)
        .await?;
    if as_json {
        print_json(&hits);
        return Ok(());
    }
    if hits.is_empty() {
        outln!("Nothing matches.");
        return Ok(());
    }
    for hit in &hits {
        let name = match (&hit.key, &hit.on) {
            (Some(key), _) => key.clone(),
            (None, Some(on)) => format!("on {}", on.key),
            (None, None) => format!("#{}", hit.id),
        };
        outln!(
            "{:<8} {:<12} {}",
            hit.kind,
            name,
            marked(&hit.highlight.title)
        );
        if let Some(snippet) = &hit.highlight.snippet {
            outln!("{:<21} {}", "", marked(snippet));
        }
    }
    Ok(())
}

/// Matched words between asterisks, as Markdown bolds them.
fn marked(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| {
            if s.matched {
                format!("*{}*", s.text)
            } else {
                s.text.clone()
            }
        })
        .collect()
}
