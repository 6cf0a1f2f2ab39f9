//! What a scenario changes of its project's calendar: the working week,
//! and exceptions (holidays, days of other hours) added or taken away.
//! Kept beside the tasks' edits, laid over the project's calendar when
//! the scenario is scheduled; applying writes it to the project.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarException, ExceptionFields, WorkWeek, format_hours, parse_hours};
use crate::model::Id;
use crate::validate::Validation;

/// A working week as text: seven days' hours, Monday first
/// (`08:00-12:00 13:00-17:00`, empty for a day off), and the hours in a
/// day of estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekText {
    pub days: Vec<String>,
    pub hours_per_day: f64,
}

impl WeekText {
    pub fn of(week: &WorkWeek) -> WeekText {
        WeekText {
            days: week.texts(),
            hours_per_day: week.hours_per_day,
        }
    }

    /// The week it writes; none if it no longer reads as one.
    pub fn week(&self) -> Option<WorkWeek> {
        WorkWeek::parse(&self.days, self.hours_per_day, &mut Validation::new())
    }
}

/// An exception the scenario adds: its id is below zero, where the
/// plan's are above.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddedException {
    pub id: Id,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Empty for a day off.
    pub hours: String,
}

impl AddedException {
    pub fn fields(&self) -> ExceptionFields {
        ExceptionFields {
            name: self.name.clone(),
            start: self.start,
            end: self.end,
            hours: parse_hours(&self.hours).unwrap_or_default(),
        }
    }
}

/// One change to a scenario's calendar, as a caller asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum CalendarChange {
    /// The working week in the scenario; none: the plan's again.
    Week(Option<WorkWeek>),
    /// A holiday or days of other hours, in the scenario only.
    Add(ExceptionFields),
    /// Takes an exception away in the scenario: one of the plan's (its
    /// id), or one the scenario added (its id below zero).
    Remove(Id),
    /// Puts back one of the plan's exceptions the scenario took away.
    Restore(Id),
}

/// A scenario's changes to its project's calendar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CalendarEdit {
    /// The working week in the scenario; none: the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<WeekText>,
    /// The plan's working week when the scenario changed it: applying is
    /// refused if the plan's changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_week: Option<WeekText>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<AddedException>,
    /// The plan's exceptions it takes away, by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Id>,
}

impl CalendarEdit {
    pub fn is_empty(&self) -> bool {
        self.week.is_none() && self.added.is_empty() && self.removed.is_empty()
    }

    /// How many changes it makes: the week counts as one.
    pub fn count(&self) -> usize {
        usize::from(self.week.is_some()) + self.added.len() + self.removed.len()
    }

    /// Makes `change` on top of what it changes already. `plan_week` and
    /// `plan_exceptions` (ids) are the project's now. An error is the
    /// message for the field it names.
    pub fn change(
        &mut self,
        change: CalendarChange,
        plan_week: &WorkWeek,
        plan_exceptions: &[Id],
    ) -> Result<(), (&'static str, String)> {
        match change {
            // The plan's own week again is no change; another takes the
            // plan's now as its base, as a task's field changed again does.
            CalendarChange::Week(None) => {
                self.week = None;
                self.base_week = None;
            }
            CalendarChange::Week(Some(week)) if &week == plan_week => {
                self.week = None;
                self.base_week = None;
            }
            CalendarChange::Week(Some(week)) => {
                self.week = Some(WeekText::of(&week));
                self.base_week = Some(WeekText::of(plan_week));
            }
            CalendarChange::Add(fields) => {
                fields.check().map_err(|errors| {
                    let first = errors.into_iter().next();
                    first.map_or(("name", "is not a calendar exception".into()), |e| {
                        (field_name(&e.field), e.message)
                    })
                })?;
                let id = self.added.iter().map(|a| a.id).min().unwrap_or(0).min(0) - 1;
                self.added.push(AddedException {
                    id,
                    name: fields.name.trim().to_string(),
                    start: fields.start,
                    end: fields.end,
                    hours: format_hours(&fields.hours),
                });
            }
            CalendarChange::Remove(id) if id < 0 => {
                let before = self.added.len();
                self.added.retain(|a| a.id != id);
                if self.added.len() == before {
                    return Err(("id", format!("the scenario adds no exception #{id}")));
                }
            }
            CalendarChange::Restore(id) => {
                if !self.removed.contains(&id) {
                    return Err(("id", format!("the scenario does not take #{id} away")));
                }
                self.removed.retain(|r| *r != id);
            }
            CalendarChange::Remove(id) => {
                if !plan_exceptions.contains(&id) {
                    return Err(("id", format!("the plan's calendar has no exception #{id}")));
                }
                if !self.removed.contains(&id) {
                    self.removed.push(id);
                }
            }
        }
        Ok(())
    }

    /// The project's working week and exceptions as the scenario has
    /// them.
    pub fn lay_over(&self, week: &mut WorkWeek, exceptions: &mut Vec<CalendarException>) {
        if let Some(changed) = self.week.as_ref().and_then(WeekText::week) {
            *week = changed;
        }
        exceptions.retain(|e| !self.removed.contains(&e.id));
        exceptions.extend(self.added.iter().map(|a| CalendarException {
            id: a.id,
            name: a.name.clone(),
            start: a.start,
            end: a.end,
            hours: parse_hours(&a.hours).unwrap_or_default(),
        }));
    }

    /// Whether the plan's working week changed since the scenario changed
    /// it: what applying refuses.
    pub fn week_changed_since(&self, plan_week: &WorkWeek) -> bool {
        match (&self.week, &self.base_week) {
            (Some(_), Some(base)) => base != &WeekText::of(plan_week),
            _ => false,
        }
    }
}

/// The request's name of an exception's field.
fn field_name(field: &str) -> &'static str {
    match field {
        "start" | "start_date" => "start_date",
        "end" | "end_date" => "end_date",
        "hours" => "hours",
        _ => "name",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn holiday(name: &str, d: u32) -> ExceptionFields {
        ExceptionFields {
            name: name.into(),
            start: day(d),
            end: day(d),
            hours: Vec::new(),
        }
    }

    #[test]
    fn a_scenarios_calendar_is_laid_over_the_plans() {
        let plan_week = WorkWeek::default();
        let mut saturdays = WorkWeek::default();
        saturdays.days[5] = parse_hours("08:00-12:00").unwrap();
        let mut edit = CalendarEdit::default();
        edit.change(
            CalendarChange::Week(Some(saturdays.clone())),
            &plan_week,
            &[],
        )
        .unwrap();
        edit.change(
            CalendarChange::Add(holiday("Offsite", 10)),
            &plan_week,
            &[7],
        )
        .unwrap();
        edit.change(CalendarChange::Add(holiday("Party", 18)), &plan_week, &[7])
            .unwrap();
        edit.change(CalendarChange::Remove(7), &plan_week, &[7])
            .unwrap();
        assert_eq!(
            edit.added.iter().map(|a| a.id).collect::<Vec<_>>(),
            [-1, -2]
        );
        assert_eq!(edit.count(), 4);
        // Survives storage.
        let text = serde_json::to_string(&edit).unwrap();
        assert_eq!(serde_json::from_str::<CalendarEdit>(&text).unwrap(), edit);
        let mut week = plan_week.clone();
        let mut exceptions = vec![CalendarException {
            id: 7,
            name: "Closed".into(),
            start: day(24),
            end: day(24),
            hours: Vec::new(),
        }];
        edit.lay_over(&mut week, &mut exceptions);
        assert_eq!(week, saturdays);
        let names: Vec<&str> = exceptions.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Offsite", "Party"]);
        // The plan's exception put back, and taken away again.
        edit.change(CalendarChange::Restore(7), &plan_week, &[7])
            .unwrap();
        assert!(edit.removed.is_empty());
        edit.change(CalendarChange::Remove(7), &plan_week, &[7])
            .unwrap();
        // Its own addition taken back; a bad change changes nothing.
        edit.change(CalendarChange::Remove(-1), &plan_week, &[7])
            .unwrap();
        let before = edit.clone();
        assert_eq!(
            edit.change(CalendarChange::Remove(-1), &plan_week, &[7])
                .unwrap_err()
                .0,
            "id"
        );
        assert_eq!(
            edit.change(CalendarChange::Remove(8), &plan_week, &[7])
                .unwrap_err()
                .0,
            "id"
        );
        assert_eq!(
            edit.change(CalendarChange::Restore(8), &plan_week, &[7])
                .unwrap_err()
                .0,
            "id"
        );
        let mut backwards = holiday("Backwards", 10);
        backwards.end = day(9);
        assert!(
            edit.change(CalendarChange::Add(backwards), &plan_week, &[7])
                .is_err()
        );
        assert_eq!(edit, before);
        // The plan's week again is no change at all.
        edit.change(
            CalendarChange::Week(Some(plan_week.clone())),
            &plan_week,
            &[7],
        )
        .unwrap();
        assert_eq!(edit.week, None);
        assert_eq!(edit.base_week, None);
    }

    #[test]
    fn a_plan_week_changed_meanwhile_is_told() {
        let plan_week = WorkWeek::default();
        let mut four_days = WorkWeek::default();
        four_days.days[4] = Vec::new();
        let mut edit = CalendarEdit::default();
        edit.change(
            CalendarChange::Week(Some(four_days.clone())),
            &plan_week,
            &[],
        )
        .unwrap();
        assert!(!edit.week_changed_since(&plan_week));
        let mut longer = plan_week.clone();
        longer.hours_per_day = 9.0;
        assert!(edit.week_changed_since(&longer));
    }
}
