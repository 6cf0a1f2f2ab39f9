//! Recurrence rules as a user tries them before saving: the dates a rule
//! gives from a day, on a project's working days when asked.

use chrono::NaiveDate;
use tandem_domain::Validation;
use tandem_domain::calendar::WorkWeek;
use tandem_domain::recurrence::{Landing, Rule};
use tandem_store::{Scope, Store};

use crate::Result;

/// What a preview asks: a rule as typed, from a day, how many dates, and
/// whose working days they land on (none: Monday to Friday).
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub rule: String,
    pub from: NaiveDate,
    pub count: usize,
    pub project: Option<String>,
    pub landing: Landing,
}

/// A rule understood: its `RRULE` value, in words, and its next dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub rule: Rule,
    pub dates: Vec<NaiveDate>,
}

/// The most dates a preview shows.
pub const MAX_PREVIEW: usize = 100;

/// The first `count` dates of the rule from `from`. A rule not understood
/// is refused naming `rule`, with what was not understood.
pub async fn preview(store: &dyn Store, scope: Scope, ask: &Ask) -> Result<Preview> {
    let mut v = Validation::new();
    let rule = v.take("rule", Rule::parse(&ask.rule));
    if !(1..=MAX_PREVIEW).contains(&ask.count) {
        v.push("count", format!("must be 1 to {MAX_PREVIEW}"));
    }
    let rule = v.finish(|| rule.expect("a rule when none was refused"))?;
    let calendar = match &ask.project {
        Some(key) => {
            let (project, access) = store.open_project(scope, key).await?;
            let exceptions = store.list_calendar_exceptions(access).await?;
            project.work_week.calendar(&exceptions)
        }
        None => WorkWeek::default().calendar(&[]),
    };
    let dates = rule.dates(
        ask.from,
        &[],
        ask.landing,
        |day| !calendar.periods(day).is_empty(),
        ask.count,
    );
    Ok(Preview { rule, dates })
}
