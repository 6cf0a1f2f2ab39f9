//! The demo workspace `tandem serve --demo` loads once: a product launch
//! planned with phases, milestones, dependencies of all four types, risks
//! and stakeholders; an ongoing operations project; personal tasks; and
//! a tree of goals the projects and some tasks serve.
//! It goes through the same store calls as the API, so it obeys every rule.
//!
//! One module per thing it seeds: the people and their workspace, the
//! launch project (its task table apart), the operations project with
//! personal tasks, and the goals. This module only orders them.

mod goals;
mod launch;
mod launch_tasks;
mod others;
mod people;

use chrono::{Datelike, Days, NaiveDate};
use tandem_domain::Email;
use tandem_store::{Store, StoreError};

pub const DEMO_PASSWORD: &str = "tandem-demo";
pub const DEMO_WORKSPACE: &str = "demo";

pub struct DemoInfo {
    pub emails: Vec<String>,
}

fn email(s: &str) -> Email {
    Email::parse(s).expect("demo emails are valid")
}

fn person(short: &str) -> Email {
    email(&format!("{short}@demo.tandem"))
}

fn next_monday(today: NaiveDate) -> NaiveDate {
    let ahead = (7 - today.weekday().num_days_from_monday()) % 7;
    today + Days::new(ahead as u64)
}

/// Loads the demo unless it is already there. `hash` is the password hash
/// every demo user gets. Returns what it loaded, or `None` if it was there.
pub async fn load(
    store: &dyn Store,
    hash: &str,
    today: NaiveDate,
) -> Result<Option<DemoInfo>, StoreError> {
    if store.workspace_by_slug(DEMO_WORKSPACE).await?.is_some() {
        return Ok(None);
    }
    let owner = people::workspace(store, hash).await?;

    // The launch: started three weeks ago, so some work is done and some late.
    let start = next_monday(today) - Days::new(21);
    launch::seed(store, owner, start, today).await?;
    others::seed(store, owner, start, today).await?;
    goals::seed(store, owner, today).await?;
    Ok(Some(DemoInfo {
        emails: people::PEOPLE
            .iter()
            .map(|(e, _, _)| e.to_string())
            .collect(),
    }))
}
