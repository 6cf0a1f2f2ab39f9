//! `tandem calendar`: a project's working week and its exceptions
//! (holidays, days of other hours).

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use serde_json::json;
use tandem_api::*;

use super::values::{date_value, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum CalendarCommand {
    /// Add a holiday (no work) or, with --hours, days of other hours.
    Add {
        key: String,
        name: String,
        /// The first day (a date or a date word).
        #[arg(long)]
        from: String,
        /// The last day (default: the first).
        #[arg(long)]
        to: Option<String>,
        /// The hours worked on those days, e.g. "09:00-13:00".
        #[arg(long)]
        hours: Option<String>,
    },
    /// The project's working week and its exceptions.
    List { key: String },
    /// Remove an exception.
    Rm { key: String, id: i64 },
}

pub(super) async fn calendar_command(
    client: &Client,
    command: CalendarCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        CalendarCommand::Add {
            key,
            name,
            from,
            to,
            hours,
        } => {
            let request = CreateCalendarException {
                name: Some(name),
                start_date: date_value("from", &from)?,
                end_date: to
                    .as_deref()
                    .map(|d| date_value("to", d))
                    .transpose()?
                    .flatten(),
                hours,
            };
            let created: CalendarExceptionView = client
                .send(
                    Method::POST,
                    &client
                        .ws_path(&format!("/projects/{key}/calendar/exceptions"))
                        .await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&created);
            } else {
                outln!(
                    "Added #{} {} ({} → {}) to {key}'s calendar",
                    created.id,
                    created.name,
                    created.start_date,
                    created.end_date
                );
            }
        }
        CalendarCommand::List { key } => {
            let project: ProjectView = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/projects/{key}")).await?,
                    None,
                )
                .await?;
            let exceptions: Vec<CalendarExceptionView> = client
                .send(
                    Method::GET,
                    &client
                        .ws_path(&format!("/projects/{key}/calendar/exceptions"))
                        .await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(
                    &json!({"work_week": project.work_week, "hours_per_day": project.hours_per_day, "exceptions": exceptions}),
                );
                return Ok(());
            }
            for (day, hours) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                .iter()
                .zip(&project.work_week)
            {
                outln!("{day}  {}", if hours.is_empty() { "off" } else { hours });
            }
            outln!("A day of estimate is {} hours.\n", project.hours_per_day);
            let rows = exceptions
                .iter()
                .map(|e| {
                    vec![
                        e.id.to_string(),
                        e.name.clone(),
                        e.start_date.to_string(),
                        e.end_date.to_string(),
                        if e.hours.is_empty() {
                            "off".into()
                        } else {
                            e.hours.clone()
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "exception", "from", "to", "hours"], &rows);
        }
        CalendarCommand::Rm { key, id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/projects/{key}/calendar/exceptions/{id}"))
                        .await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Removed #{id} from {key}'s calendar");
            }
        }
    }
    Ok(())
}
