//! `tandem repeat`: recurrence rules tried before a series is made, and a
//! series ended. A
//! rule alone is expanded here, without a server (as `schedule --mspdi`
//! schedules a file); on a project's working days the server is asked,
//! since it keeps the project's calendar.

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use reqwest::Method;
use tandem_api::{RecurrencePreviewView, RecurrenceView, RepeatInput, TaskView};
use tandem_domain::calendar::WorkWeek;
use tandem_domain::recurrence::{Landing, Rule};

use super::values::{date_value, encode, request_body, today};
use crate::client::Client;
use crate::output::{json as print_json, outln};

#[derive(Debug, Subcommand)]
pub(super) enum RepeatCommand {
    /// The first dates a rule gives, one a line (YYYY-MM-DD); the rule
    /// in words goes to standard error. RULE is an RFC 5545 RRULE value
    /// ("FREQ=MONTHLY;BYDAY=1MO") or plain words: "daily", "every 3
    /// days", "every weekday", "every 2 weeks on tue, thu", "monthly on
    /// the 15th", "monthly on the last fri", "first monday of each
    /// month", "monthly on the last weekday", "yearly on mar 15", with
    /// "until 2027-06-30" or "10 times" at the end.
    Preview {
        rule: String,
        /// The series' first day (YYYY-MM-DD or date words; today when
        /// not given): the first date is on or after it.
        #[arg(long)]
        from: Option<String>,
        /// How many dates, 1 to 100.
        #[arg(long, default_value_t = 5)]
        count: usize,
        /// Land the dates on this project's working days and holidays
        /// (asks the server); Monday to Friday otherwise.
        #[arg(long)]
        project: Option<String>,
        /// A date on a day off: as-is (the default), skip, or next (the
        /// next working day).
        #[arg(long, default_value = "as-is")]
        working_days: String,
    },
    /// Make a task repeat from its due date, the task its first
    /// occurrence. RULE as for preview.
    Start {
        key: String,
        rule: String,
        /// When the next occurrence comes: schedule (on the rule's
        /// dates, whether or not the last one was done) or after-done
        /// (counted from the day the last one was done).
        #[arg(long, default_value = "schedule", value_parser = ["schedule", "after-done"])]
        mode: String,
        /// What an occurrence is: new (a task of its own) or reopen (the
        /// same task opened again with the next date).
        #[arg(long, default_value = "new", value_parser = ["new", "reopen"])]
        reuse: String,
        /// An occurrence on a day off of the project: as-is, skip, or
        /// next (the next working day).
        #[arg(long, default_value = "as-is", value_parser = ["as-is", "skip", "next"])]
        working_days: String,
    },
    /// Change a recurring task's series for the occurrences still to come
    /// (this and following): those made stay; what is not given stays as
    /// it is. KEY is any of its occurrences.
    Edit {
        key: String,
        /// The new rule, as for preview.
        #[arg(long)]
        rule: Option<String>,
        /// schedule or after-done.
        #[arg(long, value_parser = ["schedule", "after-done"])]
        mode: Option<String>,
        /// new or reopen.
        #[arg(long, value_parser = ["new", "reopen"])]
        reuse: Option<String>,
        /// as-is, skip or next.
        #[arg(long, value_parser = ["as-is", "skip", "next"])]
        working_days: Option<String>,
        /// The dates to skip, separated by commas (replaces the list), or
        /// "none".
        #[arg(long)]
        skip: Option<String>,
    },
    /// Skip dates of a recurring task's series (RFC 5545's EXDATE): no
    /// occurrence comes on them; the others stay where they are. KEY is
    /// any of its occurrences.
    Skip {
        key: String,
        /// Dates: YYYY-MM-DD or date words (next mon); one or more.
        #[arg(required = true)]
        dates: Vec<String>,
    },
    /// End a recurring task's series: the occurrences made stay, no other
    /// comes. KEY is any of its occurrences.
    End { key: String },
}

/// The flags' words as the API spells them.
pub(super) fn repeat_input(
    rule: Option<String>,
    mode: Option<String>,
    reuse: Option<String>,
    working_days: Option<String>,
    skip: Option<Vec<NaiveDate>>,
) -> RepeatInput {
    RepeatInput {
        skip,
        rule,
        mode: mode.map(|m| m.replace('-', "_")),
        reuse: reuse.map(|r| if r == "new" { "new_task".into() } else { r }),
        landing: working_days.map(|w| match w.as_str() {
            "next" => "next_working_day".into(),
            other => other.replace('-', "_"),
        }),
    }
}

/// Dates as typed (YYYY-MM-DD or date words), each one a date.
fn skip_dates<'a>(texts: impl Iterator<Item = &'a str>) -> Result<Vec<NaiveDate>> {
    let mut days = Vec::new();
    for text in texts {
        match date_value("skip", text.trim())? {
            Some(day) => days.push(day),
            None => bail!("--skip: a date to skip is needed, not '{text}'"),
        }
    }
    Ok(days)
}

/// Whether this command needs a server: only to read a project's
/// calendar.
pub(super) fn needs_server(command: &RepeatCommand) -> bool {
    match command {
        RepeatCommand::Preview { project, .. } => project.is_some(),
        RepeatCommand::Start { .. }
        | RepeatCommand::Edit { .. }
        | RepeatCommand::Skip { .. }
        | RepeatCommand::End { .. } => true,
    }
}

pub(super) async fn repeat_command(
    client: Option<&Client>,
    command: RepeatCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        RepeatCommand::Preview {
            rule,
            from,
            count,
            project,
            working_days,
        } => {
            if !(1..=100).contains(&count) {
                bail!("--count: must be 1 to 100");
            }
            let landing = Landing::parse(&working_days)
                .map_err(|e| anyhow!("--working-days: {e} (as-is, skip, next)"))?;
            let from = match &from {
                Some(text) => date_value("from", text)?.unwrap_or_else(today),
                None => today(),
            };
            let view = match (client, project) {
                (Some(client), Some(project)) => {
                    let path = format!(
                        "/recurrences/preview?rule={}&from={from}&count={count}&project={}&landing={}",
                        encode(&rule),
                        encode(&project),
                        landing.as_str()
                    );
                    client
                        .send::<RecurrencePreviewView>(
                            Method::GET,
                            &client.ws_path(&path).await?,
                            None,
                        )
                        .await?
                }
                _ => {
                    let parsed = Rule::parse(&rule).map_err(|e| anyhow!("rule {e}"))?;
                    let week = WorkWeek::default().calendar(&[]);
                    let dates =
                        parsed.dates(from, &[], landing, |d| !week.periods(d).is_empty(), count);
                    RecurrencePreviewView::new(&parsed, dates)
                }
            };
            if as_json {
                print_json(&view);
                return Ok(());
            }
            eprintln!("{} ({})", view.words, view.rule);
            for date in &view.dates {
                outln!("{date}");
            }
            if view.dates.is_empty() {
                eprintln!("This rule gives no date from {from}.");
            }
            Ok(())
        }
        RepeatCommand::Start {
            key,
            rule,
            mode,
            reuse,
            working_days,
        } => {
            let client =
                client.ok_or_else(|| anyhow!("no server: sign in first (tandem login)"))?;
            let input = repeat_input(
                Some(rule),
                Some(mode),
                Some(reuse),
                Some(working_days),
                None,
            );
            let started: RecurrenceView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/tasks/{key}/repeat")).await?,
                    Some(&request_body(&input)?),
                )
                .await?;
            if as_json {
                print_json(&started);
            } else {
                outln!(
                    "{key} repeats: {} ({}), from {}",
                    started.words,
                    started.rule,
                    started.starts_on
                );
            }
            Ok(())
        }
        RepeatCommand::Edit {
            key,
            rule,
            mode,
            reuse,
            working_days,
            skip,
        } => {
            let client =
                client.ok_or_else(|| anyhow!("no server: sign in first (tandem login)"))?;
            let skip = match skip.as_deref() {
                None => None,
                Some("none") => Some(Vec::new()),
                Some(list) => Some(skip_dates(list.split(','))?),
            };
            let changed: RecurrenceView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/tasks/{key}/repeat")).await?,
                    Some(&request_body(&repeat_input(
                        rule,
                        mode,
                        reuse,
                        working_days,
                        skip,
                    ))?),
                )
                .await?;
            if as_json {
                print_json(&changed);
            } else {
                outln!(
                    "{key}'s series from {} on: {} ({})",
                    changed.starts_on,
                    changed.words,
                    changed.rule
                );
            }
            Ok(())
        }
        RepeatCommand::Skip { key, dates } => {
            let client =
                client.ok_or_else(|| anyhow!("no server: sign in first (tandem login)"))?;
            let task: TaskView = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/tasks/{key}")).await?,
                    None,
                )
                .await?;
            let Some(series) = task.recurrence else {
                bail!("{key} does not repeat");
            };
            let mut skip = series.skip.clone();
            skip.extend(skip_dates(dates.iter().map(String::as_str))?);
            let changed: RecurrenceView = client
                .send(
                    Method::PATCH,
                    &client.ws_path(&format!("/tasks/{key}/repeat")).await?,
                    Some(&request_body(&repeat_input(
                        None,
                        None,
                        None,
                        None,
                        Some(skip),
                    ))?),
                )
                .await?;
            if as_json {
                print_json(&changed);
            } else {
                let days: Vec<String> = changed.skip.iter().map(|d| d.to_string()).collect();
                outln!(
                    "{key}'s series skips {}; its next dates come around them.",
                    days.join(", ")
                );
            }
            Ok(())
        }
        RepeatCommand::End { key } => {
            let client =
                client.ok_or_else(|| anyhow!("no server: sign in first (tandem login)"))?;
            let ended: RecurrenceView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/tasks/{key}/repeat/end")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&ended);
            } else {
                outln!(
                    "{key} repeats no more ({}); the occurrences made stay.",
                    ended.words
                );
            }
            Ok(())
        }
    }
}
