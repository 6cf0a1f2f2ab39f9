//! Reports over a period for a project, a portfolio or a person, and the
//! status report they print as Markdown (the CLI and the web app render
//! the same text from this view).

use std::fmt::Write;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::Health;
use tandem_domain::health::Reason;

use crate::StatusUpdateView;

/// One week, Monday to Sunday, as it stood at its end.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReportWeekView {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Tasks in scope: created by the week's end and not cancelled.
    pub scope_tasks: usize,
    pub done_tasks: usize,
    pub remaining_tasks: usize,
    /// The same in hours of effort.
    pub scope_hours: f64,
    pub done_hours: f64,
    pub remaining_hours: f64,
    /// Tasks done within the week.
    pub throughput: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CycleBucketView {
    pub label: String,
    pub count: usize,
}

/// In progress → done, in calendar days, of the tasks done in the period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CycleTimeView {
    /// Tasks with a cycle time.
    pub tasks: usize,
    /// Tasks done in the period that were never in progress.
    pub never_started: usize,
    pub median_days: Option<i64>,
    pub p85_days: Option<i64>,
    pub buckets: Vec<CycleBucketView>,
}

/// A project's or a portfolio's health, in its report.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReportHealthView {
    pub health: Health,
    pub reasons: Vec<Reason>,
    pub latest_update: Option<StatusUpdateView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReportView {
    /// What it is about: a project's key and name, a portfolio's name, a
    /// person's name.
    pub subject: String,
    /// `project`, `portfolio` or `person`.
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weeks: Vec<ReportWeekView>,
    /// Tasks done in the period.
    pub done_in_period: usize,
    pub cycle_time: CycleTimeView,
    /// A project's or a portfolio's report only.
    pub health: Option<ReportHealthView>,
}

/// Text as Markdown shows it literally: on one line, without HTML, with
/// its table bars and emphasis marks escaped.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '*' | '_' | '`' | '[' | ']' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

impl ReportView {
    /// The status report as Markdown: what it is about, its health and
    /// why (a project's), the period's figures, the weeks and the cycle
    /// times.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Status report: {}\n", literal(&self.subject));
        let _ = writeln!(md, "{} to {}\n", self.from, self.to);
        if let Some(h) = &self.health {
            let _ = writeln!(md, "## Health: {}\n", h.health.label());
            for r in &h.reasons {
                let _ = writeln!(
                    md,
                    "- {} ({})",
                    literal(&r.text),
                    r.health.label().to_lowercase()
                );
            }
            if let Some(u) = &h.latest_update {
                let _ = writeln!(
                    md,
                    "\nLatest update ({}, {}): {}",
                    u.created_at.format("%Y-%m-%d"),
                    u.health.label().to_lowercase(),
                    literal(&u.text)
                );
            }
            md.push('\n');
        }
        let last = self.weeks.last();
        let _ = writeln!(md, "## Figures\n");
        let _ = writeln!(md, "| | tasks | hours |\n|---|---:|---:|");
        if let Some(w) = last {
            let _ = writeln!(md, "| scope | {} | {:.1} |", w.scope_tasks, w.scope_hours);
            let _ = writeln!(md, "| done | {} | {:.1} |", w.done_tasks, w.done_hours);
            let _ = writeln!(
                md,
                "| remaining | {} | {:.1} |",
                w.remaining_tasks, w.remaining_hours
            );
        }
        let _ = writeln!(md, "| done in the period | {} | |", self.done_in_period);
        let tasks = |n: usize| {
            if n == 1 {
                "1 task".to_string()
            } else {
                format!("{n} tasks")
            }
        };
        let c = &self.cycle_time;
        let days = |d: Option<i64>| d.map_or("—".to_string(), |d| format!("{d} days"));
        let _ = writeln!(
            md,
            "\nCycle time (in progress → done) of {}: median {}, 85th percentile {}; {} done without being in progress.\n",
            tasks(c.tasks),
            days(c.median_days),
            days(c.p85_days),
            c.never_started
        );
        let _ = writeln!(md, "## Weeks\n");
        let _ = writeln!(
            md,
            "| week of | scope | done | remaining | remaining hours | done that week |\n|---|---:|---:|---:|---:|---:|"
        );
        for w in &self.weeks {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {:.1} | {} |",
                w.start,
                w.scope_tasks,
                w.done_tasks,
                w.remaining_tasks,
                w.remaining_hours,
                w.throughput
            );
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::literal;

    #[test]
    fn names_are_shown_as_typed_not_as_markup() {
        assert_eq!(
            literal("<img src=x> [a](b) | c\nd"),
            "&lt;img src=x&gt; \\[a\\](b) \\| c d"
        );
    }
}
