//! Microsoft Project XML (MSPDI): reading a project into a [`Plan`], and
//! writing a scheduled plan back out ([`write`]) for Microsoft Project,
//! MPXJ and anything else that reads the format.
//!
//! A streaming reader: it keeps the path of open elements and the fields of
//! the task or calendar being read, never the whole document, so a file of a
//! hundred thousand tasks reads in one pass. What it reads: the project's
//! start and calendar (weekdays, working times, exceptions as Project writes
//! them, base calendars), and each task's outline level, duration,
//! milestone flag, constraint, deadline, actual dates and predecessor links
//! with their lag and lag format.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::calendar::{Calendar, Period};
use crate::cpm::{Assignment, Constraint, Lag, LinkKind, LinkSpec, Plan, TaskSpec};

#[derive(Debug, thiserror::Error)]
pub enum MspdiError {
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("{field} of task {uid}: {message}")]
    Field {
        uid: i64,
        field: &'static str,
        message: String,
    },
    #[error("the file has no <StartDate> and no task with a start")]
    NoStart,
    #[error("task {task} has a predecessor {predecessor} that is not in the file")]
    UnknownPredecessor { task: i64, predecessor: i64 },
}

/// A task as the file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MspdiTask {
    pub uid: i64,
    pub id: i64,
    pub name: String,
    pub outline_level: u32,
    pub summary: bool,
    pub milestone: bool,
    pub duration_minutes: i64,
    pub start: Option<NaiveDateTime>,
    pub constraint_type: u8,
    pub constraint_date: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDateTime>,
    pub actual_start: Option<NaiveDateTime>,
    pub actual_finish: Option<NaiveDateTime>,
    pub percent_complete: i64,
    pub notes: Option<String>,
    /// Baseline 0, the one Project compares against by default.
    pub baseline: Option<MspdiBaseline>,
    pub predecessors: Vec<MspdiLink>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MspdiBaseline {
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    pub duration_minutes: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MspdiLink {
    pub predecessor_uid: i64,
    /// 0 FF, 1 FS, 2 SF, 3 SS.
    pub kind: u8,
    /// Tenths of a minute (or of a percent, for percentage lags).
    pub lag: i64,
    pub lag_format: u8,
}

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

/// Work of a resource on a task.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MspdiAssignment {
    pub task_uid: i64,
    pub resource_uid: i64,
    pub work_minutes: i64,
    pub units: f64,
}

#[derive(Debug, Clone, Default)]
pub struct MspdiProject {
    pub name: Option<String>,
    pub start: Option<NaiveDateTime>,
    pub minutes_per_day: i64,
    pub calendar: Calendar,
    pub tasks: Vec<MspdiTask>,
    /// Each resource's calendar, by resource UID.
    pub resource_calendars: HashMap<i64, Calendar>,
    pub assignments: Vec<MspdiAssignment>,
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
fn duration_minutes(text: &str) -> Option<i64> {
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

impl MspdiProject {
    /// The plan to schedule, with the project summary task (UID 0) kept as
    /// the root summary, and the file's order of tasks.
    pub fn plan(&self) -> Result<Plan, MspdiError> {
        let start = self.start.ok_or(MspdiError::NoStart)?;
        let index: HashMap<i64, usize> = self
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.uid, i))
            .collect();
        let mut specs = Vec::with_capacity(self.tasks.len());
        // Parents from outline levels: the last task seen at each level.
        let mut open: Vec<(u32, usize)> = Vec::new();
        for (i, t) in self.tasks.iter().enumerate() {
            while open
                .last()
                .is_some_and(|&(level, _)| level >= t.outline_level)
            {
                open.pop();
            }
            let parent = open.last().map(|&(_, p)| p);
            open.push((t.outline_level, i));
            let constraint = match (t.constraint_type, t.constraint_date) {
                (1, _) => Constraint::AsLateAsPossible,
                (2, Some(d)) => Constraint::MustStartOn(d),
                (3, Some(d)) => Constraint::MustFinishOn(d),
                (4, Some(d)) => Constraint::StartNoEarlierThan(d),
                (5, Some(d)) => Constraint::StartNoLaterThan(d),
                (6, Some(d)) => Constraint::FinishNoEarlierThan(d),
                (7, Some(d)) => Constraint::FinishNoLaterThan(d),
                _ => Constraint::AsSoonAsPossible,
            };
            specs.push(TaskSpec {
                percent_complete: t.percent_complete.clamp(0, 100) as u8,
                assignments: Vec::new(),
                uid: t.uid,
                name: t.name.clone(),
                parent,
                duration: t.duration_minutes,
                milestone: t.milestone,
                constraint,
                deadline: t.deadline,
                actual_start: t.actual_start,
                actual_finish: t.actual_finish,
            });
        }
        // Assignments of real resources (Project writes placeholders with
        // resource -1) on calendars of their own.
        let mut calendars: Vec<Calendar> = Vec::new();
        let mut calendar_of: HashMap<i64, usize> = HashMap::new();
        for a in &self.assignments {
            let (Some(&task), Some(calendar)) = (
                index.get(&a.task_uid),
                self.resource_calendars.get(&a.resource_uid),
            ) else {
                continue;
            };
            if a.resource_uid < 0 || a.units <= 0.0 || self.tasks[task].summary {
                continue;
            }
            let slot = *calendar_of.entry(a.resource_uid).or_insert_with(|| {
                calendars.push(calendar.clone());
                calendars.len() - 1
            });
            let minutes = (a.work_minutes as f64 / a.units).round() as i64;
            specs[task].assignments.push(Assignment {
                calendar: slot,
                minutes,
            });
        }
        let mut links = Vec::new();
        for (successor, t) in self.tasks.iter().enumerate() {
            for l in &t.predecessors {
                let predecessor =
                    *index
                        .get(&l.predecessor_uid)
                        .ok_or(MspdiError::UnknownPredecessor {
                            task: t.uid,
                            predecessor: l.predecessor_uid,
                        })?;
                let kind = match l.kind {
                    0 => LinkKind::FinishToFinish,
                    2 => LinkKind::StartToFinish,
                    3 => LinkKind::StartToStart,
                    _ => LinkKind::FinishToStart,
                };
                // Formats above 32 are the "estimated" variants of the same.
                let lag = match l.lag_format % 32 {
                    4 | 6 | 8 | 10 | 12 => Lag::Elapsed(l.lag / 10),
                    19 | 20 => Lag::Percent(l.lag as f64 / 10.0),
                    _ => Lag::Work(l.lag / 10),
                };
                links.push(LinkSpec {
                    predecessor,
                    successor,
                    kind,
                    lag,
                });
            }
        }
        Ok(Plan {
            status_date: None,
            calendar: self.calendar.clone(),
            calendars,
            start,
            tasks: specs,
            links,
        })
    }
}

/// What a written task carries beyond its plan entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportTask {
    pub name: String,
    /// Written as the task's WBS code, so people can tell tasks apart.
    pub code: String,
    pub percent_complete: i64,
    pub notes: Option<String>,
    pub baseline: Option<MspdiBaseline>,
}

fn xml_time(instant: NaiveDateTime) -> String {
    instant.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn xml_duration(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let minutes = minutes.abs();
    format!("{sign}PT{}H{}M0S", minutes / 60, minutes % 60)
}

fn clock(minute: u16) -> String {
    format!("{:02}:{:02}:00", minute / 60, minute % 60)
}

fn working_times(out: &mut String, periods: &[Period]) {
    out.push_str("<WorkingTimes>");
    for p in periods {
        out.push_str(&format!(
            "<WorkingTime><FromTime>{}</FromTime><ToTime>{}</ToTime></WorkingTime>",
            clock(p.start),
            clock(p.end % (24 * 60))
        ));
    }
    out.push_str("</WorkingTimes>");
}

/// Writes a scheduled plan as an MSPDI document: the project calendar with
/// its exceptions, and each task with its outline, scheduled dates,
/// duration, constraint, deadline, actuals, progress, baseline and
/// predecessor links (lags in their own format). Tasks are numbered 1.. in
/// plan order, which keeps parents before their children.
pub fn write(
    name: &str,
    plan: &Plan,
    schedule: &crate::cpm::Schedule,
    tasks: &[ExportTask],
) -> String {
    use quick_xml::escape::escape;
    let c = &plan.calendar;
    let mut out = String::with_capacity(1024 + plan.tasks.len() * 900);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str("<Project xmlns=\"http://schemas.microsoft.com/project\">\n");
    let week_minutes: i64 = c
        .week
        .iter()
        .flatten()
        .map(|p| i64::from(p.end - p.start))
        .sum();
    out.push_str(&format!(
        "<Name>{}</Name><Title>{}</Title><ScheduleFromStart>1</ScheduleFromStart>\
         <StartDate>{}</StartDate><CalendarUID>1</CalendarUID><MinutesPerDay>{}</MinutesPerDay>\
         <MinutesPerWeek>{}</MinutesPerWeek><DaysPerMonth>20</DaysPerMonth>\n",
        escape(name),
        escape(name),
        xml_time(plan.start),
        c.minutes_per_day,
        week_minutes
    ));
    out.push_str("<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar><WeekDays>");
    // MSPDI counts days from Sunday = 1; the plan's week starts on Monday.
    for day_type in 1..=7usize {
        let periods = &c.week[(day_type + 5) % 7];
        out.push_str(&format!(
            "<WeekDay><DayType>{day_type}</DayType><DayWorking>{}</DayWorking>",
            u8::from(!periods.is_empty())
        ));
        if !periods.is_empty() {
            working_times(&mut out, periods);
        }
        out.push_str("</WeekDay>");
    }
    out.push_str("</WeekDays><Exceptions>");
    // Consecutive dates with the same hours make one exception.
    let mut runs: Vec<(NaiveDate, NaiveDate, &Vec<Period>)> = Vec::new();
    for (date, periods) in &c.exceptions {
        match runs.last_mut() {
            Some(run) if run.1.succ_opt() == Some(*date) && run.2 == periods => run.1 = *date,
            _ => runs.push((*date, *date, periods)),
        }
    }
    for (from, to, periods) in runs {
        out.push_str(&format!(
            "<Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod><FromDate>{}T00:00:00</FromDate>\
             <ToDate>{}T23:59:00</ToDate></TimePeriod><Occurrences>1</Occurrences><Name>{}</Name><Type>1</Type>\
             <DayWorking>{}</DayWorking>",
            from,
            to,
            if periods.is_empty() { "Non-working" } else { "Working" },
            u8::from(!periods.is_empty())
        ));
        if !periods.is_empty() {
            working_times(&mut out, periods);
        }
        out.push_str("</Exception>");
    }
    out.push_str("</Exceptions></Calendar></Calendars>\n<Tasks>\n");
    // Outline levels and numbers from the parents.
    let n = plan.tasks.len();
    let mut level = vec![1u32; n];
    let mut number = vec![String::new(); n];
    let mut children = vec![0u32; n + 1];
    for (i, t) in plan.tasks.iter().enumerate() {
        let slot = t.parent.unwrap_or(n);
        children[slot] += 1;
        match t.parent {
            Some(p) => {
                level[i] = level[p] + 1;
                number[i] = format!("{}.{}", number[p], children[slot]);
            }
            None => number[i] = children[slot].to_string(),
        }
    }
    let mut predecessors: Vec<Vec<&LinkSpec>> = vec![Vec::new(); n];
    for l in &plan.links {
        predecessors[l.successor].push(l);
    }
    for (i, t) in plan.tasks.iter().enumerate() {
        let d = &schedule.tasks[i];
        let extra = tasks.get(i).cloned().unwrap_or_default();
        let [start, finish, _, _] = schedule.instants(i);
        let duration = if d.summary {
            d.early_finish - d.early_start
        } else {
            t.duration.max(0)
        };
        let done = duration * extra.percent_complete.clamp(0, 100) / 100;
        out.push_str(&format!(
            "<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{}</Name><WBS>{}</WBS><OutlineNumber>{}</OutlineNumber>\
             <OutlineLevel>{}</OutlineLevel><Start>{}</Start><Finish>{}</Finish><Duration>{}</Duration>\
             <DurationFormat>7</DurationFormat><ActualDuration>{}</ActualDuration><RemainingDuration>{}</RemainingDuration>\
             <PercentComplete>{}</PercentComplete><Milestone>{}</Milestone><Summary>{}</Summary><Critical>{}</Critical>",
            escape(&extra.name),
            escape(&extra.code),
            number[i],
            level[i],
            xml_time(start),
            xml_time(finish),
            xml_duration(duration),
            xml_duration(done),
            xml_duration(duration - done),
            extra.percent_complete.clamp(0, 100),
            u8::from(d.milestone),
            u8::from(d.summary),
            u8::from(d.critical),
            uid = i + 1,
        ));
        let (kind, date) = match t.constraint {
            Constraint::AsSoonAsPossible => (0, None),
            Constraint::AsLateAsPossible => (1, None),
            Constraint::MustStartOn(at) => (2, Some(at)),
            Constraint::MustFinishOn(at) => (3, Some(at)),
            Constraint::StartNoEarlierThan(at) => (4, Some(at)),
            Constraint::StartNoLaterThan(at) => (5, Some(at)),
            Constraint::FinishNoEarlierThan(at) => (6, Some(at)),
            Constraint::FinishNoLaterThan(at) => (7, Some(at)),
        };
        out.push_str(&format!("<ConstraintType>{kind}</ConstraintType>"));
        if let Some(at) = date {
            out.push_str(&format!(
                "<ConstraintDate>{}</ConstraintDate>",
                xml_time(at)
            ));
        }
        for (tag, value) in [
            ("Deadline", t.deadline),
            ("ActualStart", t.actual_start),
            ("ActualFinish", t.actual_finish),
        ] {
            if let Some(at) = value {
                out.push_str(&format!("<{tag}>{}</{tag}>", xml_time(at)));
            }
        }
        if let Some(notes) = &extra.notes {
            out.push_str(&format!("<Notes>{}</Notes>", escape(notes)));
        }
        for l in &predecessors[i] {
            let kind = match l.kind {
                LinkKind::FinishToFinish => 0,
                LinkKind::FinishToStart => 1,
                LinkKind::StartToFinish => 2,
                LinkKind::StartToStart => 3,
            };
            // Lags are in tenths of a minute (of a percent for percentages).
            let (lag, format) = match l.lag {
                // Saturating: a plan read from elsewhere may carry any lag.
                Lag::Work(m) => (m.saturating_mul(10), 7),
                Lag::Elapsed(m) => (m.saturating_mul(10), 8),
                Lag::Percent(p) => ((p * 10.0).round() as i64, 19),
            };
            out.push_str(&format!(
                "<PredecessorLink><PredecessorUID>{}</PredecessorUID><Type>{kind}</Type><CrossProject>0</CrossProject>\
                 <LinkLag>{lag}</LinkLag><LagFormat>{format}</LagFormat></PredecessorLink>",
                l.predecessor + 1
            ));
        }
        if let Some(b) = extra.baseline {
            out.push_str(&format!(
                "<Baseline><Number>0</Number><Start>{}</Start><Finish>{}</Finish><Duration>{}</Duration>\
                 <DurationFormat>7</DurationFormat></Baseline>",
                xml_time(b.start),
                xml_time(b.finish),
                xml_duration(b.duration_minutes)
            ));
        }
        out.push_str("</Task>\n");
    }
    out.push_str("</Tasks>\n</Project>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_file_is_an_error_naming_where_it_ends() {
        let err = read("<Project><Tasks><Task><UID>1</UID>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not well-formed XML: the file ends inside <Task>"
        );
    }

    #[test]
    fn a_written_plan_reads_back_and_schedules_the_same() {
        use crate::cpm::{LinkSpec, TaskSpec, day, schedule};
        let at = |d: u32, h: u32| day(NaiveDate::from_ymd_opt(2026, 11, d).unwrap(), h);
        let mut calendar = Calendar::default();
        calendar
            .exceptions
            .insert(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), Vec::new());
        calendar
            .exceptions
            .insert(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(), Vec::new());
        calendar.exceptions.insert(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            vec![Period::new(9 * 60, 13 * 60)],
        );
        let mut tasks = vec![
            TaskSpec::new(1, "Phase & <one>", 0),
            TaskSpec::new(2, "Design", 960),
            TaskSpec::new(3, "Build", 1440),
            TaskSpec::new(4, "Review", 240),
            TaskSpec::new(5, "Done", 0),
        ];
        for t in &mut tasks[1..4] {
            t.parent = Some(0);
        }
        tasks[2].constraint = Constraint::StartNoEarlierThan(at(25, 8));
        tasks[3].deadline = Some(at(30, 17));
        tasks[1].actual_start = Some(at(23, 8));
        let link = |predecessor, successor, kind, lag| LinkSpec {
            predecessor,
            successor,
            kind,
            lag,
        };
        let plan = Plan {
            status_date: None,
            calendar,
            calendars: Vec::new(),
            start: at(23, 8),
            tasks,
            links: vec![
                link(1, 2, LinkKind::FinishToStart, Lag::Work(60)),
                link(2, 3, LinkKind::StartToStart, Lag::Percent(50.0)),
                link(3, 4, LinkKind::FinishToFinish, Lag::Elapsed(-120)),
            ],
        };
        let first = schedule(&plan).unwrap();
        let extras: Vec<ExportTask> = plan
            .tasks
            .iter()
            .map(|t| ExportTask {
                name: t.name.clone(),
                code: format!("P-{}", t.uid),
                percent_complete: 50,
                notes: Some("a \"quoted\" note".into()),
                baseline: Some(MspdiBaseline {
                    start: at(23, 8),
                    finish: at(24, 17),
                    duration_minutes: 960,
                }),
            })
            .collect();
        let xml = write("Plan <A>", &plan, &first, &extras);
        let read = read(&xml).unwrap();
        assert_eq!(read.name.as_deref(), Some("Plan <A>"));
        assert_eq!(read.tasks[0].name, "Phase & <one>");
        assert_eq!(read.tasks[1].notes.as_deref(), Some("a \"quoted\" note"));
        assert_eq!(read.tasks[1].percent_complete, 50);
        assert_eq!(read.tasks[1].baseline.unwrap().duration_minutes, 960);
        let again = read.plan().unwrap();
        assert_eq!(again.calendar, plan.calendar);
        assert_eq!(again.links, plan.links);
        assert_eq!(
            again.tasks.iter().map(|t| t.parent).collect::<Vec<_>>(),
            plan.tasks.iter().map(|t| t.parent).collect::<Vec<_>>()
        );
        assert_eq!(
            again.tasks.iter().map(|t| t.constraint).collect::<Vec<_>>(),
            plan.tasks.iter().map(|t| t.constraint).collect::<Vec<_>>()
        );
        let second = schedule(&again).unwrap();
        for i in 0..plan.tasks.len() {
            assert_eq!(first.instants(i), second.instants(i), "task {i}");
            assert_eq!(
                first.tasks[i].total_slack, second.tasks[i].total_slack,
                "task {i}"
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration_minutes("PT8H0M0S"), Some(480));
        assert_eq!(duration_minutes("PT0H30M0S"), Some(30));
        assert_eq!(duration_minutes("PT1.5H0M0S"), Some(90));
        assert_eq!(duration_minutes("-PT8H0M0S"), Some(-480));
        assert_eq!(duration_minutes("8 hours"), None);
    }
}
