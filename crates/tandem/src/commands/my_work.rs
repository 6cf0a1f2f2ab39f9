//! The commands about the caller's own work: `tandem add` (quick add from
//! one line) and `tandem my` (open tasks by when they are due).

use anyhow::Result;
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Map, Value, json};
use tandem_api::*;
use tandem_domain::dates::{Bucket, bucket};

use super::task::all_tasks;
use super::values::{request_body, today};
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
        outln!(
            "Created {}  {}  ({})",
            task.key,
            task.title,
            details.join(", ")
        )
    }
    Ok(())
}

pub(super) async fn my(client: &Client, as_json: bool) -> Result<()> {
    let tasks = all_tasks(
        client,
        vec![
            ("owner".into(), "me".into()),
            ("open".into(), "true".into()),
        ],
        5000,
    )
    .await?;
    let today = today();
    let mut groups: Vec<(Bucket, Vec<&TaskView>)> =
        Bucket::ALL.iter().map(|b| (*b, Vec::new())).collect();
    for task in &tasks {
        let b = bucket(task.due_date, today);
        groups
            .iter_mut()
            .find(|(g, _)| *g == b)
            .expect("every bucket listed")
            .1
            .push(task);
    }
    for (_, list) in groups.iter_mut() {
        list.sort_by_key(|t| (t.due_date.unwrap_or(NaiveDate::MAX), t.priority, t.id));
    }
    if as_json {
        let object: Map<String, Value> = groups
            .iter()
            .map(|(b, list)| (b.label().to_lowercase().replace(' ', "_"), json!(list)))
            .collect();
        return {
            print_json(&object);
            Ok(())
        };
    }
    if tasks.is_empty() {
        outln!("Nothing open is assigned to you.");
        return Ok(());
    }
    for (b, list) in &groups {
        if list.is_empty() {
            continue;
        }
        outln!("{} ({})", b.label(), list.len());
        let rows = list
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
        table(
            &["key", "title", "status", "priority", "due", "project"],
            &rows,
        );
        outln!();
    }
    Ok(())
}
