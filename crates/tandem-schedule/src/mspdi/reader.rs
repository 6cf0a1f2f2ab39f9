//! The MSPDI reader: one streaming pass over the XML into an
//! [`MspdiProject`], with the file's calendars resolved against their base
//! calendars. Turning the project into a [`Plan`](crate::cpm::Plan) is
//! [`MspdiProject::plan`]'s job, not this module's.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::{MspdiAssignment, MspdiBaseline, MspdiError, MspdiLink, MspdiProject, MspdiTask};
use crate::calendar::{Calendar, Period};

/// A `<WeekDay>` or `<Exception>` being read.
#[derive(Debug, Clone, Default)]
struct DayEntry {
    /// 1 (Sunday) to 7; 0 for Project's older dated exceptions.
    day_type: i64,
    working: bool,
    periods: Vec<Period>,
    dates: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Debug, Clone, Default)]
struct RawCalendar {
    uid: i64,
    base: Option<i64>,
    /// Weekday (Monday = 0) → working or not, and its periods if given.
    week: HashMap<usize, (bool, Vec<Period>)>,
    exceptions: Vec<(NaiveDate, NaiveDate, Vec<Period>)>,
}

pub fn read(xml: &str) -> Result<MspdiProject, MspdiError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut project = MspdiProject {
        minutes_per_day: 480,
        ..Default::default()
    };
    let mut project_calendar: Option<i64> = None;
    let mut calendars: Vec<RawCalendar> = Vec::new();
    let mut calendar: Option<RawCalendar> = None;
    let mut week_day: Option<DayEntry> = None;
    let mut exception: Option<DayEntry> = None;
    let mut period: (Option<u16>, Option<u16>) = (None, None);
    let mut range: (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    let mut task: Option<MspdiTask> = None;
    let mut resource: Option<(i64, Option<i64>)> = None;
    let mut resources: Vec<(i64, Option<i64>)> = Vec::new();
    let mut assignment: Option<MspdiAssignment> = None;
    let mut link: Option<MspdiLink> = None;
    // Number, start, finish, duration of the baseline being read.
    type RawBaseline = (
        i64,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<i64>,
    );
    let mut baseline: Option<RawBaseline> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| MspdiError::Xml(e.to_string()))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                match (path.last().map(String::as_str), name.as_str()) {
                    (Some("Calendars"), "Calendar") => calendar = Some(RawCalendar::default()),
                    (Some("WeekDays"), "WeekDay") => week_day = Some(DayEntry::default()),
                    (Some("Exceptions"), "Exception") => exception = Some(DayEntry::default()),
                    (Some("WorkingTimes"), "WorkingTime") => period = (None, None),
                    (_, "TimePeriod") => range = (None, None),
                    (Some("Tasks"), "Task") => task = Some(MspdiTask::default()),
                    (Some("Resources"), "Resource") => resource = Some((-1, None)),
                    (Some("Assignments"), "Assignment") => {
                        assignment = Some(MspdiAssignment {
                            task_uid: -1,
                            resource_uid: -1,
                            work_minutes: 0,
                            units: 1.0,
                        })
                    }
                    (Some("Task"), "Baseline") if task.is_some() => {
                        baseline = Some((0, None, None, None))
                    }
                    (Some("Task"), "PredecessorLink") => {
                        link = Some(MspdiLink {
                            predecessor_uid: -1,
                            kind: 1,
                            lag: 0,
                            lag_format: 7,
                        })
                    }
                    _ => {}
                }
                path.push(name);
            }
            Event::Text(text) => {
                let text = text
                    .unescape()
                    .map_err(|e| MspdiError::Xml(e.to_string()))?
                    .into_owned();
                let depth = path.len();
                let field = path.last().map(String::as_str).unwrap_or("");
                let parent = if depth >= 2 {
                    path[depth - 2].as_str()
                } else {
                    ""
                };
                match parent {
                    "Project" => match field {
                        "Name" => project.name = Some(text),
                        "StartDate" => project.start = datetime(&text),
                        "CalendarUID" => project_calendar = text.parse().ok(),
                        "MinutesPerDay" => project.minutes_per_day = text.parse().unwrap_or(480),
                        _ => {}
                    },
                    "Calendar" => {
                        if let Some(c) = calendar.as_mut() {
                            match field {
                                "UID" => c.uid = text.parse().unwrap_or(-1),
                                "BaseCalendarUID" => {
                                    c.base = text.parse().ok().filter(|&b: &i64| b >= 0)
                                }
                                _ => {}
                            }
                        }
                    }
                    "WeekDay" => {
                        if let Some(w) = week_day.as_mut() {
                            match field {
                                "DayType" => w.day_type = text.parse().unwrap_or(-1),
                                "DayWorking" => w.working = text == "1",
                                _ => {}
                            }
                        }
                    }
                    "Exception" => {
                        if let (Some(x), "DayWorking") = (exception.as_mut(), field) {
                            x.working = text == "1";
                        }
                    }
                    "WorkingTime" => match field {
                        "FromTime" => period.0 = minutes_of_day(&text),
                        "ToTime" => period.1 = minutes_of_day(&text),
                        _ => {}
                    },
                    "TimePeriod" => match field {
                        "FromDate" => range.0 = datetime(&text).map(|d| d.date()),
                        "ToDate" => range.1 = datetime(&text).map(|d| d.date()),
                        _ => {}
                    },
                    "Task" => {
                        if let Some(t) = task.as_mut() {
                            read_task_field(t, field, &text)?;
                        }
                    }
                    "Resource" => {
                        if let Some(r) = resource.as_mut() {
                            match field {
                                "UID" => r.0 = text.parse().unwrap_or(-1),
                                "CalendarUID" => r.1 = text.parse().ok(),
                                _ => {}
                            }
                        }
                    }
                    "Assignment" => {
                        if let Some(a) = assignment.as_mut() {
                            match field {
                                "TaskUID" => a.task_uid = text.parse().unwrap_or(-1),
                                "ResourceUID" => a.resource_uid = text.parse().unwrap_or(-1),
                                "Work" => a.work_minutes = duration_minutes(&text).unwrap_or(0),
                                "Units" => a.units = text.parse().unwrap_or(1.0),
                                _ => {}
                            }
                        }
                    }
                    "Baseline" => {
                        if let Some(b) = baseline.as_mut() {
                            match field {
                                "Number" => b.0 = text.parse().unwrap_or(-1),
                                "Start" => b.1 = datetime(&text),
                                "Finish" => b.2 = datetime(&text),
                                "Duration" => b.3 = duration_minutes(&text),
                                _ => {}
                            }
                        }
                    }
                    "PredecessorLink" => {
                        if let Some(l) = link.as_mut() {
                            match field {
                                "PredecessorUID" => l.predecessor_uid = text.parse().unwrap_or(-1),
                                "Type" => l.kind = text.parse().unwrap_or(1),
                                "LinkLag" => {
                                    l.lag =
                                        text.parse::<f64>().map(|v| v.round() as i64).unwrap_or(0)
                                }
                                "LagFormat" => l.lag_format = text.parse().unwrap_or(7),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str).unwrap_or("");
                match (parent, name.as_str()) {
                    ("Calendars", "Calendar") => calendars.extend(calendar.take()),
                    ("WorkingTimes", "WorkingTime") => {
                        if let (Some(from), Some(to)) = period {
                            let end = if to == 0 { 24 * 60 } else { to };
                            if from < end {
                                let p = Period::new(from, end);
                                if let Some(w) = week_day.as_mut() {
                                    w.periods.push(p);
                                } else if let Some(x) = exception.as_mut() {
                                    x.periods.push(p);
                                }
                            }
                        }
                    }
                    (_, "TimePeriod") => {
                        if let (Some(from), Some(to)) = range {
                            if let Some(w) = week_day.as_mut() {
                                w.dates = Some((from, to));
                            } else if let Some(x) = exception.as_mut() {
                                x.dates = Some((from, to));
                            }
                        }
                    }
                    ("WeekDays", "WeekDay") => {
                        if let (
                            Some(DayEntry {
                                day_type,
                                working,
                                periods,
                                dates,
                            }),
                            Some(c),
                        ) = (week_day.take(), calendar.as_mut())
                        {
                            if day_type == 0 {
                                // Project's older form of an exception.
                                if let Some((from, to)) = dates {
                                    c.exceptions.push((
                                        from,
                                        to,
                                        if working { periods } else { Vec::new() },
                                    ));
                                }
                            } else if (1..=7).contains(&day_type) {
                                // DayType 1 is Sunday.
                                let weekday = ((day_type + 5) % 7) as usize;
                                c.week.insert(weekday, (working, periods));
                            }
                        }
                    }
                    ("Exceptions", "Exception") => {
                        if let (
                            Some(DayEntry {
                                working,
                                periods,
                                dates,
                                ..
                            }),
                            Some(c),
                        ) = (exception.take(), calendar.as_mut())
                            && let Some((from, to)) = dates
                        {
                            c.exceptions.push((
                                from,
                                to,
                                if working { periods } else { Vec::new() },
                            ));
                        }
                    }
                    ("Task", "PredecessorLink") => {
                        if let (Some(l), Some(t)) = (link.take(), task.as_mut()) {
                            t.predecessors.push(l);
                        }
                    }
                    ("Task", "Baseline") => {
                        if let (Some((0, Some(start), Some(finish), duration)), Some(t)) =
                            (baseline.take(), task.as_mut())
                        {
                            t.baseline = Some(MspdiBaseline {
                                start,
                                finish,
                                duration_minutes: duration.unwrap_or(0),
                            });
                        }
                    }
                    ("Resources", "Resource") => resources.extend(resource.take()),
                    ("Assignments", "Assignment") => project.assignments.extend(assignment.take()),
                    ("Tasks", "Task") => {
                        if let Some(t) = task.take() {
                            project.tasks.push(t);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => {
                if let Some(open) = path.last() {
                    return Err(MspdiError::Xml(format!("the file ends inside <{open}>")));
                }
                break;
            }
            _ => {}
        }
    }
    project.calendar = build_calendar(&calendars, project_calendar, project.minutes_per_day);
    for (uid, calendar_uid) in resources {
        if let Some(calendar_uid) = calendar_uid.filter(|&c| c >= 0) {
            project.resource_calendars.insert(
                uid,
                build_calendar(&calendars, Some(calendar_uid), project.minutes_per_day),
            );
        }
    }
    if project.start.is_none() {
        project.start = project.tasks.iter().filter_map(|t| t.start).min();
    }
    Ok(project)
}

fn read_task_field(t: &mut MspdiTask, field: &str, text: &str) -> Result<(), MspdiError> {
    match field {
        "UID" => t.uid = text.parse().unwrap_or(-1),
        "ID" => t.id = text.parse().unwrap_or(-1),
        "Name" => t.name = text.to_string(),
        "OutlineLevel" => t.outline_level = text.parse().unwrap_or(1),
        "Summary" => t.summary = text == "1",
        "Milestone" => t.milestone = text == "1",
        "Start" => t.start = datetime(text),
        "Duration" => {
            t.duration_minutes = duration_minutes(text).ok_or_else(|| MspdiError::Field {
                uid: t.uid,
                field: "Duration",
                message: format!("'{text}' is not an ISO 8601 duration"),
            })?
        }
        "ConstraintType" => t.constraint_type = text.parse().unwrap_or(0),
        "ConstraintDate" => t.constraint_date = datetime(text),
        "Deadline" => t.deadline = datetime(text),
        "ActualStart" => t.actual_start = datetime(text),
        "ActualFinish" => t.actual_finish = datetime(text),
        "PercentComplete" => t.percent_complete = text.parse().unwrap_or(0),
        "Notes" => t.notes = Some(text.to_string()),
        _ => {}
    }
    Ok(())
}

fn build_calendar(raw: &[RawCalendar], uid: Option<i64>, minutes_per_day: i64) -> Calendar {
    let default_day = Calendar::default().week[0].clone();
    let by_uid: HashMap<i64, &RawCalendar> = raw.iter().map(|c| (c.uid, c)).collect();
    // The chain from the project's calendar down to its base.
    let mut chain = Vec::new();
    let mut at = uid
        .and_then(|u| by_uid.get(&u).copied())
        .or_else(|| raw.first());
    while let Some(c) = at {
        if chain.iter().any(|x: &&RawCalendar| x.uid == c.uid) {
            break;
        }
        chain.push(c);
        at = c.base.and_then(|b| by_uid.get(&b).copied());
    }
    let mut calendar = Calendar {
        minutes_per_day,
        ..Calendar::default()
    };
    for c in chain.iter().rev() {
        for (weekday, (working, periods)) in &c.week {
            calendar.week[*weekday] = match (working, periods.is_empty()) {
                (false, _) => Vec::new(),
                (true, true) => default_day.clone(),
                (true, false) => sorted(periods.clone()),
            };
        }
        for (from, to, periods) in &c.exceptions {
            let mut date = *from;
            while date <= *to {
                calendar.exceptions.insert(date, sorted(periods.clone()));
                match date.succ_opt() {
                    Some(next) => date = next,
                    None => break,
                }
            }
        }
    }
    calendar
}

fn sorted(mut periods: Vec<Period>) -> Vec<Period> {
    periods.sort();
    periods
}

fn datetime(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M"))
        .ok()
}

fn minutes_of_day(text: &str) -> Option<u16> {
    let mut parts = text.trim().split(':');
    let hours: u16 = parts.next()?.parse().ok()?;
    let minutes: u16 = parts.next()?.parse().ok()?;
    Some(hours * 60 + minutes)
}

/// `PT8H0M0S` → 480. Days and larger designators are not used by Project.
pub(super) fn duration_minutes(text: &str) -> Option<i64> {
    let text = text.trim();
    let negative = text.starts_with('-');
    let rest = text.trim_start_matches('-').strip_prefix('P')?;
    let mut total = 0f64;
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' => number.push(c),
            'H' if in_time => total += number.parse::<f64>().ok()? * 60.0,
            'M' if in_time => total += number.parse::<f64>().ok()?,
            'S' if in_time => total += number.parse::<f64>().ok()? / 60.0,
            'D' if !in_time => total += number.parse::<f64>().ok()? * 24.0 * 60.0,
            _ => return None,
        }
        if c.is_ascii_alphabetic() {
            number.clear();
        }
    }
    let minutes = total.round() as i64;
    Some(if negative { -minutes } else { minutes })
}
