//! `tandem calendar`: a project's working week and its exceptions
//! (holidays, days of other hours), the plan's or a scenario's.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use serde_json::json;
use tandem_api::*;

use super::values::{date_value, finite, request_body};
use crate::client::Client;
use crate::output::{json as print_json, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum CalendarCommand {
    /// Add a holiday (no work) or, with --hours, days of other hours. A day
    /// has one exception: one overlapping another is refused, naming it.
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
        /// Add it in the project's scenario NAME only.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
    },
    /// The project's working week and its exceptions (with --scenario, as
    /// the scenario has them).
    List {
        /// The project's key.
        key: String,
        /// Also what the project's scenario NAME changes of it.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
    },
    /// Remove an exception; with --scenario, take it away in the scenario
    /// only (a plan's exception by its id, or one the scenario added, below
    /// zero).
    Rm {
        /// The project's key.
        key: String,
        /// The exception's id, as `calendar list` shows it (below zero:
        /// one a scenario added).
        #[arg(allow_negative_numbers = true)]
        id: i64,
        /// Take it away in the project's scenario NAME only.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
    },
    /// Put back, in the scenario, one of the plan's exceptions it took
    /// away.
    Restore {
        /// The project's key.
        key: String,
        /// The plan's exception's id, as `calendar list` shows it.
        id: i64,
        /// The project's scenario that took it away.
        #[arg(long, value_name = "NAME")]
        scenario: String,
    },
    /// Change the working week: the project's, or with --scenario the
    /// scenario's only.
    Week {
        key: String,
        /// Working hours of the seven days, Monday first, separated by
        /// '|': "09:00-17:00|09:00-17:00|09:00-17:00|09:00-17:00|||" is a
        /// four-day week; an empty day is a day off.
        #[arg(long)]
        work_week: Option<String>,
        /// Hours in a day of estimate (0.5 to 24).
        #[arg(long, value_parser = finite)]
        hours_per_day: Option<f64>,
        /// Change the week in the project's scenario NAME only.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        /// With --scenario: put the plan's week back in the scenario.
        #[arg(long, requires = "scenario", conflicts_with_all = ["work_week", "hours_per_day"])]
        plan_week: bool,
    },
}

/// The seven days of a --work-week flag.
fn week_days(text: &str) -> Vec<String> {
    text.split('|').map(|day| day.trim().to_string()).collect()
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// What a scenario changes of the calendar, as `calendar list` prints it.
fn print_scenario_calendar(name: &str, c: &ScenarioCalendarView) {
    if let Some(week) = &c.work_week {
        outln!("In scenario {name}, the working week is:");
        for (day, hours) in DAYS.iter().zip(week) {
            outln!("  {day}  {}", if hours.is_empty() { "off" } else { hours });
        }
        if let Some(h) = c.hours_per_day {
            outln!("  A day of estimate is {h} hours.");
        }
    }
    for e in &c.added {
        outln!(
            "Scenario {name} adds #{} {} ({} → {}, {})",
            e.id,
            e.name,
            e.start_date,
            e.end_date,
            if e.hours.is_empty() { "off" } else { &e.hours }
        );
    }
    for id in &c.removed {
        outln!("Scenario {name} takes away #{id}");
    }
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
            scenario,
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
            if let Some(name) = scenario {
                let path = super::scenario::path(client, &key, Some(&name)).await?;
                let changed: ScenarioView = client
                    .send(
                        Method::POST,
                        &format!("{path}/calendar/exceptions"),
                        Some(&request_body(&request)?),
                    )
                    .await?;
                if as_json {
                    print_json(&changed);
                } else {
                    print_scenario_calendar(&name, &changed.calendar);
                }
                return Ok(());
            }
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
        CalendarCommand::List { key, scenario } => {
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
            let changed = match &scenario {
                Some(name) => {
                    // The list, not the comparison: no schedule is needed.
                    let path = super::scenario::path(client, &key, None).await?;
                    let all: Vec<ScenarioView> = client.send(Method::GET, &path, None).await?;
                    let found = all.into_iter().find(|s| s.name == name.trim());
                    Some(
                        found
                            .ok_or_else(|| anyhow::anyhow!("scenario {name} of {key} not found"))?
                            .calendar,
                    )
                }
                None => None,
            };
            if as_json {
                print_json(
                    &json!({"work_week": project.work_week, "hours_per_day": project.hours_per_day, "exceptions": exceptions, "scenario": changed}),
                );
                return Ok(());
            }
            // With a scenario, the calendar as the scenario has it.
            let week = changed
                .as_ref()
                .and_then(|c| c.work_week.clone())
                .unwrap_or(project.work_week.clone());
            let per_day = changed
                .as_ref()
                .and_then(|c| c.hours_per_day)
                .unwrap_or(project.hours_per_day);
            if let Some(name) = &scenario {
                outln!("The calendar of {key} in scenario {name}:");
            }
            for (day, hours) in DAYS.iter().zip(&week) {
                outln!("{day}  {}", if hours.is_empty() { "off" } else { hours });
            }
            outln!("A day of estimate is {per_day} hours.\n");
            let mut shown: Vec<&CalendarExceptionView> = exceptions
                .iter()
                .filter(|e| !changed.as_ref().is_some_and(|c| c.removed.contains(&e.id)))
                .collect();
            if let Some(c) = &changed {
                shown.extend(&c.added);
            }
            let rows = shown
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
            if let (Some(name), Some(c)) = (&scenario, &changed) {
                outln!();
                outln!("What scenario {name} changes of the plan's:");
                print_scenario_calendar(name, c);
            }
        }
        CalendarCommand::Rm {
            key,
            id,
            scenario: Some(name),
        } => {
            let path = super::scenario::path(client, &key, Some(&name)).await?;
            let changed: ScenarioView = client
                .send(
                    Method::DELETE,
                    &format!("{path}/calendar/exceptions/{id}"),
                    None,
                )
                .await?;
            if as_json {
                print_json(&changed);
            } else {
                outln!("Took #{id} away in scenario {name} of {key}");
                print_scenario_calendar(&name, &changed.calendar);
            }
        }
        CalendarCommand::Restore { key, id, scenario } => {
            let path = super::scenario::path(client, &key, Some(&scenario)).await?;
            let changed: ScenarioView = client
                .send(
                    Method::POST,
                    &format!("{path}/calendar/exceptions/{id}/restore"),
                    Some(&json!({})),
                )
                .await?;
            if as_json {
                print_json(&changed);
            } else {
                outln!("Put #{id} back in scenario {scenario} of {key}");
                print_scenario_calendar(&scenario, &changed.calendar);
            }
        }
        CalendarCommand::Week {
            key,
            work_week,
            hours_per_day,
            scenario,
            plan_week,
        } => {
            if work_week.is_none() && hours_per_day.is_none() && !plan_week {
                anyhow::bail!(
                    "give --work-week, --hours-per-day, or (with --scenario) --plan-week"
                );
            }
            let days = work_week.as_deref().map(week_days);
            match scenario {
                Some(name) => {
                    let body = if plan_week {
                        json!({"work_week": null})
                    } else {
                        request_body(&ScenarioWeekInput {
                            work_week: days.map(Some),
                            hours_per_day,
                        })?
                    };
                    let path = super::scenario::path(client, &key, Some(&name)).await?;
                    let changed: ScenarioView = client
                        .send(Method::PATCH, &format!("{path}/calendar"), Some(&body))
                        .await?;
                    if as_json {
                        print_json(&changed);
                    } else if changed.calendar.work_week.is_none() {
                        outln!("Scenario {name} of {key} works the plan's week.");
                    } else {
                        print_scenario_calendar(&name, &changed.calendar);
                    }
                }
                None => {
                    let update = UpdateProject {
                        work_week: days,
                        hours_per_day,
                        ..Default::default()
                    };
                    let project: ProjectView = client
                        .send(
                            Method::PATCH,
                            &client.ws_path(&format!("/projects/{key}")).await?,
                            Some(&request_body(&update)?),
                        )
                        .await?;
                    if as_json {
                        print_json(&project);
                    } else {
                        for (day, hours) in DAYS.iter().zip(&project.work_week) {
                            outln!("{day}  {}", if hours.is_empty() { "off" } else { hours });
                        }
                        outln!("A day of estimate is {} hours.", project.hours_per_day);
                    }
                }
            }
        }
        CalendarCommand::Rm {
            key,
            id,
            scenario: None,
        } => {
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
