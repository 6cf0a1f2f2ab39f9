//! The demo's other work: an ongoing operations project with recurring
//! chores, and personal tasks of Ana's outside any project.

use chrono::{Days, NaiveDate};
use tandem_domain::*;
use tandem_store::{Store, StoreError, WriteScope};

use super::person;

/// Seeds the operations project (begun 90 days before `start`) and the
/// personal tasks.
pub(super) async fn seed(
    store: &dyn Store,
    owner: WriteScope,
    start: NaiveDate,
    today: NaiveDate,
) -> Result<(), StoreError> {
    // Ongoing operations: no end date, recurring chores.
    store
        .create_project(
            owner,
            &NewProject {
                key: ProjectKey::parse("OPS").expect("valid"),
                fields: ProjectFields {
                    name: "Operations".into(),
                    objective: Some("Keep the service healthy and customers answered.".into()),
                    scope_in: None,
                    scope_out: None,
                    owner: Some(person("ben")),
                    status: ProjectStatus::Active,
                    stage: Stage::Execution,
                    start_date: Some(start - Days::new(90)),
                    target_date: None,
                    budget: None,
                    ongoing: true,
                    work_week: WorkWeek::default(),
                    status_date: None,
                    // Steady work: its people write every two weeks.
                    update_cadence_days: 14,
                },
            },
        )
        .await?;
    let ops = [
        ("Weekly backup restore drill", "ben", 0i64, Priority::High),
        ("Rotate on-call schedule", "ben", 2, Priority::Medium),
        ("Triage support inbox", "chloe", 0, Priority::High),
        ("Renew TLS certificates", "dev", -2, Priority::Urgent),
        ("Review error budget", "dev", 4, Priority::Medium),
        ("Patch database servers", "dev", 9, Priority::Medium),
    ];
    for (title, who, due_in, priority) in ops {
        let mut fields = TaskFields::titled(title);
        fields.owner = Some(person(who));
        fields.priority = priority;
        fields.due_date = Some(if due_in >= 0 {
            today + Days::new(due_in as u64)
        } else {
            today - Days::new(due_in.unsigned_abs())
        });
        fields.tags = vec!["ops".into()];
        store
            .create_task(
                owner,
                &NewTask {
                    project: Some(ProjectKey::parse("OPS").expect("valid")),
                    fields,
                },
            )
            .await?;
    }

    // Personal tasks of Ana's.
    for (title, due_in) in [
        ("Book flights for the offsite", 1u64),
        ("Expense report", 0),
        ("Read the pricing research", 6),
    ] {
        let mut fields = TaskFields::titled(title);
        fields.owner = Some(person("ana"));
        fields.due_date = Some(today + Days::new(due_in));
        store
            .create_task(
                owner,
                &NewTask {
                    project: None,
                    fields,
                },
            )
            .await?;
    }
    Ok(())
}
