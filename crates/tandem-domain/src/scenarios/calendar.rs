//! What a scenario changes of its project's calendar: the working week,
//! and exceptions (holidays, days of other hours) added or taken away.
//! Kept beside the tasks' edits, laid over the project's calendar when
//! the scenario is scheduled; applying writes it to the project.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{
    CalendarException, ExceptionFields, WorkWeek, format_hours, overlap_message, overlapping,
    parse_hours,
};
use crate::model::Id;

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
    /// The working week's days (seven, Monday first, as
    /// `08:00-12:00 13:00-17:00`, empty for a day off) and the hours in a
    /// day of estimate, each where given, in the scenario; each given
    /// takes the plan's value now as its base, as a task's field changed
    /// again does. The caller checks that they make a week.
    Week {
        days: Option<Vec<String>>,
        hours_per_day: Option<f64>,
    },
    /// The plan's week again.
    PlanWeek,
    /// A holiday or days of other hours, in the scenario only.
    Add(ExceptionFields),
    /// Takes an exception away in the scenario: one of the plan's (its
    /// id), or one the scenario added (its id below zero).
    Remove(Id),
    /// Puts back one of the plan's exceptions the scenario took away.
    Restore(Id),
}

/// One of the plan's exceptions a scenario takes away, as it was: an id
/// the database hands out again names another exception, which the
/// scenario does not take away.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedException {
    pub id: Id,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl RemovedException {
    fn is(&self, e: &CalendarException) -> bool {
        self.id == e.id && self.name == e.name && self.start == e.start && self.end == e.end
    }
}

/// A scenario's changes to its project's calendar. The week's days and
/// its hours per day are two changes, each with the plan's value when the
/// scenario changed it, as a task's fields are: a scenario that changes
/// the hours of a day of estimate leaves the days to the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CalendarEdit {
    /// The seven days' hours in the scenario, Monday first
    /// (`08:00-12:00 13:00-17:00`, empty for a day off); none: the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<String>>,
    /// The plan's days when the scenario changed them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_days: Option<Vec<String>>,
    /// Hours in a day of estimate in the scenario; none: the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_day: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_hours_per_day: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<AddedException>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedException>,
}

impl CalendarEdit {
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// How many changes it makes: the days count as one, the hours per
    /// day as another.
    pub fn count(&self) -> usize {
        usize::from(self.days.is_some())
            + usize::from(self.hours_per_day.is_some())
            + self.added.len()
            + self.removed.len()
    }

    /// The working week the scenario has, of the plan's `week`.
    pub fn week(&self, week: &WorkWeek) -> WorkWeek {
        let mut out = week.clone();
        if let Some(days) = &self.days {
            for (day, text) in out.days.iter_mut().zip(days) {
                *day = parse_hours(text).unwrap_or_default();
            }
        }
        if let Some(hours) = self.hours_per_day {
            out.hours_per_day = hours;
        }
        out
    }

    /// Makes `change` on top of what it changes already. `plan_week` and
    /// `plan_exceptions` are the project's now. An error is the message
    /// for the field it names.
    pub fn change(
        &mut self,
        change: CalendarChange,
        plan_week: &WorkWeek,
        plan_exceptions: &[CalendarException],
    ) -> Result<(), (&'static str, String)> {
        match change {
            CalendarChange::PlanWeek => {
                self.days = None;
                self.base_days = None;
                self.hours_per_day = None;
                self.base_hours_per_day = None;
            }
            // The plan's own value again is no change.
            CalendarChange::Week {
                days,
                hours_per_day,
            } => {
                if let Some(days) = days {
                    let plan_days = plan_week.texts();
                    let same = days == plan_days;
                    self.days = (!same).then_some(days);
                    self.base_days = (!same).then_some(plan_days);
                }
                if let Some(hours) = hours_per_day {
                    let same = hours == plan_week.hours_per_day;
                    self.hours_per_day = (!same).then_some(hours);
                    self.base_hours_per_day = (!same).then_some(plan_week.hours_per_day);
                }
            }
            CalendarChange::Add(fields) => {
                fields.check().map_err(|errors| {
                    let first = errors.into_iter().next();
                    first.map_or(("name", "is not a calendar exception".into()), |e| {
                        (field_name(&e.field), e.message)
                    })
                })?;
                let mut week = plan_week.clone();
                let mut now = plan_exceptions.to_vec();
                self.lay_over(&mut week, &mut now);
                if let Some(other) = overlapping(&now, fields.start, fields.end) {
                    return Err(("start_date", overlap_message(other)));
                }
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
                let Some(back) = self.removed.iter().find(|r| r.id == id) else {
                    return Err(("id", format!("the scenario does not take #{id} away")));
                };
                // What the scenario added on its days would share them.
                let added: Vec<CalendarException> = self.added_exceptions().collect();
                if let Some(other) = overlapping(&added, back.start, back.end) {
                    return Err(("id", overlap_message(other)));
                }
                self.removed.retain(|r| r.id != id);
            }
            CalendarChange::Remove(id) => {
                let Some(e) = plan_exceptions.iter().find(|e| e.id == id) else {
                    return Err(("id", format!("the plan's calendar has no exception #{id}")));
                };
                if !self.removed.iter().any(|r| r.is(e)) {
                    self.removed.retain(|r| r.id != id);
                    self.removed.push(RemovedException {
                        id,
                        name: e.name.clone(),
                        start: e.start,
                        end: e.end,
                    });
                }
            }
        }
        Ok(())
    }

    /// The project's working week and exceptions as the scenario has
    /// them.
    pub fn lay_over(&self, week: &mut WorkWeek, exceptions: &mut Vec<CalendarException>) {
        *week = self.week(week);
        exceptions.retain(|e| !self.takes_away(e));
        exceptions.extend(self.added_exceptions());
    }

    /// The exceptions the scenario adds, as a calendar holds them.
    fn added_exceptions(&self) -> impl Iterator<Item = CalendarException> + '_ {
        self.added.iter().map(|a| CalendarException {
            id: a.id,
            name: a.name.clone(),
            start: a.start,
            end: a.end,
            hours: parse_hours(&a.hours).unwrap_or_default(),
        })
    }

    /// The first exception the scenario adds on a day where the plan's
    /// calendar (`plan_exceptions`, as it is now) keeps one, and that one:
    /// the plan took the day since, and a day has one exception, so
    /// applying is refused until the scenario settles it.
    pub fn clash<'a>(
        &'a self,
        plan_exceptions: &'a [CalendarException],
    ) -> Option<(&'a AddedException, &'a CalendarException)> {
        self.added.iter().find_map(|added| {
            let staying = plan_exceptions.iter().filter(|e| !self.takes_away(e));
            Some((added, overlapping(staying, added.start, added.end)?))
        })
    }

    /// What applying is told of a [`clash`](Self::clash).
    pub fn clash_message(added: &AddedException, other: &CalendarException) -> String {
        format!(
            "the scenario's exception \"{}\" {}",
            added.name,
            overlap_message(other)
        )
    }

    /// Whether the scenario takes the plan's exception `e` away.
    pub fn takes_away(&self, e: &CalendarException) -> bool {
        self.removed.iter().any(|r| r.is(e))
    }

    /// What of the week the plan changed since the scenario changed it
    /// (`work_week`, `hours_per_day`): what applying refuses.
    pub fn week_changed_since(&self, plan_week: &WorkWeek) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.days.is_some() && self.base_days.as_ref() != Some(&plan_week.texts()) {
            changed.push("work_week");
        }
        if self.hours_per_day.is_some() && self.base_hours_per_day != Some(plan_week.hours_per_day)
        {
            changed.push("hours_per_day");
        }
        changed
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

    fn closed(id: Id, name: &str, d: u32) -> CalendarException {
        CalendarException {
            id,
            name: name.into(),
            start: day(d),
            end: day(d),
            hours: Vec::new(),
        }
    }

    #[test]
    fn a_scenarios_calendar_is_laid_over_the_plans() {
        let plan_week = WorkWeek::default();
        let plan = [closed(7, "Closed", 24)];
        let mut saturdays = WorkWeek::default();
        saturdays.days[5] = parse_hours("08:00-12:00").unwrap();
        let mut edit = CalendarEdit::default();
        edit.change(
            CalendarChange::Week {
                days: Some(saturdays.texts()),
                hours_per_day: None,
            },
            &plan_week,
            &plan,
        )
        .unwrap();
        assert_eq!(edit.hours_per_day, None, "only the days changed");
        edit.change(
            CalendarChange::Add(holiday("Offsite", 10)),
            &plan_week,
            &plan,
        )
        .unwrap();
        edit.change(CalendarChange::Add(holiday("Party", 18)), &plan_week, &plan)
            .unwrap();
        edit.change(CalendarChange::Remove(7), &plan_week, &plan)
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
        let mut exceptions = plan.to_vec();
        edit.lay_over(&mut week, &mut exceptions);
        assert_eq!(week, saturdays);
        let names: Vec<&str> = exceptions.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Offsite", "Party"]);
        // An id handed out again names another exception: not taken away.
        let mut again = vec![closed(7, "New year", 31)];
        edit.lay_over(&mut plan_week.clone(), &mut again);
        assert_eq!(again[0].name, "New year");
        // The plan's exception put back, and taken away again.
        edit.change(CalendarChange::Restore(7), &plan_week, &plan)
            .unwrap();
        assert!(edit.removed.is_empty());
        edit.change(CalendarChange::Remove(7), &plan_week, &plan)
            .unwrap();
        // Its own addition taken back; a bad change changes nothing.
        edit.change(CalendarChange::Remove(-1), &plan_week, &plan)
            .unwrap();
        let before = edit.clone();
        for bad in [
            CalendarChange::Remove(-1),
            CalendarChange::Remove(8),
            CalendarChange::Restore(8),
        ] {
            assert_eq!(edit.change(bad, &plan_week, &plan).unwrap_err().0, "id");
        }
        let mut backwards = holiday("Backwards", 10);
        backwards.end = day(9);
        assert!(
            edit.change(CalendarChange::Add(backwards), &plan_week, &plan)
                .is_err()
        );
        // A day has one exception: its own Party's, or the plan's unless
        // the scenario takes that one away.
        let (field, message) = edit
            .change(CalendarChange::Add(holiday("Again", 18)), &plan_week, &plan)
            .unwrap_err();
        assert_eq!(field, "start_date");
        assert!(message.contains("\"Party\""), "{message}");
        let mut plan_closed = CalendarEdit::default();
        let (field, _) = plan_closed
            .change(CalendarChange::Add(holiday("Open", 24)), &plan_week, &plan)
            .unwrap_err();
        assert_eq!(field, "start_date");
        let mut open = edit.clone();
        open.change(CalendarChange::Add(holiday("Open", 24)), &plan_week, &plan)
            .unwrap();
        // Nor does the plan's come back over the day the scenario gave.
        let (field, message) = open
            .change(CalendarChange::Restore(7), &plan_week, &plan)
            .unwrap_err();
        assert_eq!(field, "id");
        assert!(message.contains("\"Open\""), "{message}");
        assert_eq!(edit, before);
        // The plan's week again is no change at all.
        edit.change(
            CalendarChange::Week {
                days: Some(plan_week.texts()),
                hours_per_day: Some(8.0),
            },
            &plan_week,
            &plan,
        )
        .unwrap();
        assert_eq!((edit.days.clone(), edit.base_days.clone()), (None, None));
    }

    #[test]
    fn the_days_and_the_hours_of_a_day_are_changed_and_compared_apart() {
        let plan_week = WorkWeek::default();
        let mut longer = plan_week.clone();
        longer.hours_per_day = 6.0;
        let _ = &longer;
        let mut edit = CalendarEdit::default();
        edit.change(
            CalendarChange::Week {
                days: None,
                hours_per_day: Some(longer.hours_per_day),
            },
            &plan_week,
            &[],
        )
        .unwrap();
        assert_eq!(edit.days, None);
        assert_eq!(edit.hours_per_day, Some(6.0));
        assert!(edit.week_changed_since(&plan_week).is_empty());
        // The plan works Saturdays now: the scenario, which changes only
        // the hours of a day, works them too, and nothing conflicts.
        let mut saturdays = plan_week.clone();
        saturdays.days[5] = parse_hours("09:00-13:00").unwrap();
        assert!(edit.week_changed_since(&saturdays).is_empty());
        assert_eq!(edit.week(&saturdays).days[5], saturdays.days[5]);
        assert_eq!(edit.week(&saturdays).hours_per_day, 6.0);
        // The plan's hours of a day change: that is named.
        let mut seven = plan_week.clone();
        seven.hours_per_day = 7.0;
        assert_eq!(edit.week_changed_since(&seven), ["hours_per_day"]);
        // Four days in the scenario; the plan's days change meanwhile.
        let mut four = plan_week.clone();
        four.days[4] = Vec::new();
        four.hours_per_day = 6.0;
        edit.change(
            CalendarChange::Week {
                days: Some(four.texts()),
                hours_per_day: None,
            },
            &plan_week,
            &[],
        )
        .unwrap();
        assert_eq!(edit.week_changed_since(&saturdays), ["work_week"]);
        // Given again, the days take the plan's now as their base.
        edit.change(
            CalendarChange::Week {
                days: Some(four.texts()),
                hours_per_day: None,
            },
            &saturdays,
            &[],
        )
        .unwrap();
        assert!(edit.week_changed_since(&saturdays).is_empty());
        edit.change(CalendarChange::PlanWeek, &plan_week, &[])
            .unwrap();
        assert!(edit.is_empty());
    }
}
