//! The store's integration tests, one binary, a module per area; each runs
//! against every backend: SQLite always, PostgreSQL when
//! `TANDEM_TEST_POSTGRES_URL` names a server. This file holds the world
//! they share.

mod board;
mod creates;
mod drivers;
mod events;
mod filters;
mod import;
mod migrations;
mod orders;
mod pages;
mod paging;
mod phases;
mod planning;
mod references;
mod rollups;
mod search;
mod search_words;
mod sessions;
mod statistics;
mod story;
mod webhooks;

use chrono::NaiveDate;
use tandem_domain::*;
use tandem_store::testing::{fresh_postgres_database, fresh_sqlite_url, postgres_url};
use tandem_store::{ActivityFilter, Scope, Store, StoreError, TaskFilter};

async fn backends() -> Vec<Box<dyn Store>> {
    let mut stores = vec![tandem_store::open(&fresh_sqlite_url()).await.unwrap()];
    match postgres_url() {
        Some(url) => {
            let db = fresh_postgres_database(&url).await.unwrap();
            stores.push(tandem_store::open(&db).await.unwrap());
        }
        None => eprintln!("TANDEM_TEST_POSTGRES_URL is not set: PostgreSQL was skipped"),
    }
    stores
}

struct World {
    owner: Scope,
    member: Scope,
    guest: Scope,
    other: Scope,
}

async fn world(store: &dyn Store) -> World {
    let email = |s: &str| Email::parse(s).unwrap();
    let ana = store
        .create_user(&email("ana@example.org"), "Ana", "hash")
        .await
        .unwrap();
    let ben = store
        .create_user(&email("ben@example.org"), "Ben", "hash")
        .await
        .unwrap();
    let gus = store
        .create_user(&email("gus@example.org"), "Gus", "hash")
        .await
        .unwrap();
    let zoe = store
        .create_user(&email("zoe@example.org"), "Zoe", "hash")
        .await
        .unwrap();
    let ws = store
        .create_workspace(&Slug::parse("acme").unwrap(), "Acme", Some(ana.id))
        .await
        .unwrap();
    let other_ws = store
        .create_workspace(&Slug::parse("other").unwrap(), "Other", Some(zoe.id))
        .await
        .unwrap();
    let owner = Scope {
        workspace_id: ws.id,
        user_id: ana.id,
        role: Role::Owner,
    };
    store
        .add_member(owner.admin().unwrap(), ben.id, Role::Member)
        .await
        .unwrap();
    store
        .add_member(owner.admin().unwrap(), gus.id, Role::Guest)
        .await
        .unwrap();
    World {
        owner,
        member: Scope {
            workspace_id: ws.id,
            user_id: ben.id,
            role: Role::Member,
        },
        guest: Scope {
            workspace_id: ws.id,
            user_id: gus.id,
            role: Role::Guest,
        },
        other: Scope {
            workspace_id: other_ws.id,
            user_id: zoe.id,
            role: Role::Owner,
        },
    }
}

fn project(key: &str) -> NewProject {
    NewProject {
        key: ProjectKey::parse(key).unwrap(),
        fields: ProjectFields {
            name: format!("Project {key}"),
            objective: Some("Ship it".into()),
            scope_in: None,
            scope_out: None,
            owner: Some(Email::parse("ana@example.org").unwrap()),
            status: ProjectStatus::Active,
            stage: Stage::Planning,
            start_date: NaiveDate::from_ymd_opt(2026, 11, 2),
            target_date: NaiveDate::from_ymd_opt(2026, 12, 18),
            budget: Some(12_000.0),
            ongoing: false,
            work_week: WorkWeek::default(),
            status_date: None,
            update_cadence_days: 7,
        },
    }
}

/// Gus, the world's guest, made a stakeholder of the project, so that he
/// may open it.
async fn let_gus_in(store: &dyn Store, w: &World, project_id: Id) {
    store
        .create_stakeholder(
            w.owner.writer().unwrap(),
            project_id,
            &StakeholderFields {
                member: Some(Email::parse("gus@example.org").unwrap()),
                name: None,
                email: None,
                role: StakeholderRole::Informed,
            },
        )
        .await
        .unwrap();
}

fn task(project: Option<&str>, title: &str) -> NewTask {
    NewTask {
        project: project.map(|k| ProjectKey::parse(k).unwrap()),
        fields: TaskFields::titled(title),
    }
}

fn at(day: u32, hour: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}
