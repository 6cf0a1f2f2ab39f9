//! The MSPDI writer: a scheduled plan as a document Microsoft Project and
//! MPXJ read. It writes what it is given and schedules nothing itself.

use chrono::{NaiveDate, NaiveDateTime};

use super::MspdiBaseline;
use crate::calendar::Period;
use crate::cpm::{Constraint, Lag, LinkKind, LinkSpec, Plan};

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
