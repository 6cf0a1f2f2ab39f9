//! Reports over a period for a project, a portfolio or a person: the
//! weeks' burn-up and burn-down and throughput, and the cycle times, from
//! `tandem_domain::reports`. Only projects the reader may open count:
//! a portfolio's report holds those of its projects, a person's their
//! tasks in those projects.

use chrono::{Days, NaiveDate};
use tandem_domain::reports::{self, CycleTimes, Week};
use tandem_domain::{Email, FieldError, Id, Project};
use tandem_store::{Scope, Store, StoreError};

use crate::{Error, Result};

/// Weeks a report covers at most.
pub const MAX_WEEKS: i64 = 104;
/// Weeks a report covers unless told.
pub const DEFAULT_WEEKS: u64 = 12;

/// What a report is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Project(String),
    Portfolio(Id),
    Person(Email),
}

#[derive(Debug, Clone)]
pub struct Report {
    /// What it is about, in words: "LAUNCH Product launch", "Growth",
    /// "Ana Lopez".
    pub title: String,
    /// The one project it is about, if it is.
    pub project: Option<Project>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weeks: Vec<Week>,
    pub cycle: CycleTimes,
}

impl Report {
    /// Tasks done in the period.
    pub fn done_in_period(&self) -> usize {
        self.weeks.iter().map(|w| w.throughput).sum()
    }
}

/// The period a report covers, in whole weeks, Monday to Sunday: `to`
/// defaults to `today`, `from` to eleven weeks before its week (twelve in
/// all); each is taken to its week's first or last day. More than
/// [`MAX_WEEKS`] weeks, or a day outside the dates Tandem takes, is
/// refused.
pub fn period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate)> {
    let mut v = tandem_domain::Validation::new();
    tandem_domain::validate::check_date(from, "from", &mut v);
    tandem_domain::validate::check_date(to, "to", &mut v);
    v.into_result().map_err(Error::Invalid)?;
    let to = to.unwrap_or(today);
    let last = reports::week_start(to) + Days::new(6);
    let first = match from {
        Some(from) => reports::week_start(from),
        None => reports::week_start(to) - Days::new((DEFAULT_WEEKS - 1) * 7),
    };
    if first > last {
        return Err(Error::Invalid(vec![FieldError::new(
            "from",
            "must not be after to",
        )]));
    }
    if (last - first).num_days() + 1 > MAX_WEEKS * 7 {
        return Err(Error::Invalid(vec![FieldError::new(
            "from",
            format!("a report covers at most {MAX_WEEKS} weeks"),
        )]));
    }
    Ok((first, last))
}

pub async fn build(
    store: &dyn Store,
    scope: Scope,
    subject: &Subject,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Report> {
    let open: Vec<Project> = store
        .open_projects(scope)
        .await?
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let (title, projects, owner, project) = match subject {
        Subject::Project(key) => {
            let (project, _) = store.open_project(scope, key).await?;
            (
                format!("{} {}", project.key, project.name),
                vec![project.id],
                None,
                Some(project),
            )
        }
        Subject::Portfolio(id) => {
            let seen = crate::portfolios::get(store, scope, *id).await?;
            (
                seen.portfolio.name.clone(),
                seen.projects.iter().map(|(p, _)| p.id).collect(),
                None,
                None,
            )
        }
        Subject::Person(email) => {
            let member = store
                .list_members(scope)
                .await?
                .into_iter()
                .find(|m| m.user.email == email.as_str())
                .ok_or(StoreError::NotFound("member"))?;
            (
                member.user.name.clone(),
                open.iter().map(|p| p.id).collect(),
                Some(member.user.id),
                None,
            )
        }
    };
    let tasks = store.report_tasks(scope, &projects, owner).await?;
    Ok(Report {
        title,
        project,
        from,
        to,
        weeks: reports::weeks(&tasks, from, to),
        cycle: reports::cycle_times(&tasks, from, to),
    })
}
