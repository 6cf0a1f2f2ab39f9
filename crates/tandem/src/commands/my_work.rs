//! The commands about the caller's own work: `tandem add` (quick add from
//! one line) and `tandem my` (open tasks by when they are due, a page of
//! each bucket at a time).

use anyhow::Result;
use reqwest::Method;
use tandem_api::*;

use super::values::{encode, request_body, today};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

/// Adds a task from one line, as the web's quick add reads it.
pub(super) async fn quick_add(client: &Client, text: String, as_json: bool) -> Result<()> {
    let request = QuickAdd { text: Some(text) };
    let task: TaskView = client
        .send(
            Method::POST,
            &client.ws_path("/quick").await?,
            Some(&request_body(&request)?),
        )
        .await?;
    if as_json {
        print_json(&task)
    } else {
        let mut details = Vec::new();
        if let Some(owner) = &task.owner {
            details.push(format!("owner {}", owner.name));
        }
        if let Some(due) = task.due_date {
            details.push(format!("due {due}"));
        }
        details.push(format!("{} priority", task.priority));
        if let Some(series) = &task.recurrence {
            details.push(format!("repeats {}", series.words.to_lowercase()));
        }
        outln!(
            "Created {}  {}  ({})",
            task.key,
            task.title,
            details.join(", ")
        )
    }
    Ok(())
}

/// What `tandem my` shows: a page of every bucket, one bucket's next
/// page, or all of it.
#[derive(Debug, clap::Args)]
pub(crate) struct MyArgs {
    /// Tasks shown per bucket, 1 to 500; the count of each bucket is always
    /// its whole.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(1..=500))]
    limit: u16,
    /// Only this bucket.
    #[arg(long, value_parser = ["overdue", "today", "this_week", "later"])]
    bucket: Option<String>,
    /// Where the bucket's next page starts: the cursor printed under a
    /// bucket with more (needs --bucket).
    #[arg(long, requires = "bucket", conflicts_with = "all")]
    cursor: Option<String>,
    /// Every task of each bucket shown, a page of --limit at a time.
    #[arg(long)]
    all: bool,
}

pub(super) async fn my(client: &Client, args: MyArgs, as_json: bool) -> Result<()> {
    let path = client.ws_path("/my-work").await?;
    let query = |bucket: Option<&str>, cursor: Option<&str>| {
        let mut pairs = vec![
            format!("today={}", today()),
            format!("limit={}", args.limit),
        ];
        if let Some(bucket) = bucket {
            pairs.push(format!("bucket={}", encode(bucket)));
        }
        if let Some(cursor) = cursor {
            pairs.push(format!("cursor={}", encode(cursor)));
        }
        format!("{path}?{}", pairs.join("&"))
    };
    let mut work: MyWork = client
        .send(
            Method::GET,
            &query(args.bucket.as_deref(), args.cursor.as_deref()),
            None,
        )
        .await?;
    if args.all {
        for bucket in &mut work.buckets {
            while let Some(cursor) = bucket.next_cursor.take() {
                let next: MyWork = client
                    .send(
                        Method::GET,
                        &query(Some(&bucket.bucket), Some(&cursor)),
                        None,
                    )
                    .await?;
                for page in next.buckets {
                    bucket.tasks.extend(page.tasks);
                    bucket.next_cursor = page.next_cursor;
                }
            }
        }
    }
    if as_json {
        print_json(&work);
        return Ok(());
    }
    if !work.approvals.is_empty() {
        outln!("Waiting for your approval ({})", work.approvals.len());
        super::approval::print_approvals(&work.approvals);
        outln!();
    }
    if work.buckets.iter().all(|b| b.count == 0) {
        outln!("Nothing open is assigned to you.");
        return Ok(());
    }
    for bucket in &work.buckets {
        if bucket.count == 0 {
            continue;
        }
        outln!("{} ({})", bucket.label, bucket.count);
        let rows = bucket
            .tasks
            .iter()
            .map(|t| {
                vec![
                    t.key.clone(),
                    t.title.clone(),
                    t.status.to_string(),
                    t.priority.to_string(),
                    or_dash(t.due_date),
                    t.project
                        .as_ref()
                        .map(|p| p.key.clone())
                        .unwrap_or_else(|| "personal".into()),
                ]
            })
            .collect::<Vec<_>>();
        if !rows.is_empty() {
            table(
                &["key", "title", "status", "priority", "due", "project"],
                &rows,
            );
        }
        if let Some(cursor) = &bucket.next_cursor {
            outln!(
                "More: tandem my --bucket {} --cursor {cursor}",
                bucket.bucket
            );
        }
        outln!();
    }
    Ok(())
}
