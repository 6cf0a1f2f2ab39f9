//! The roll-ups each write keeps equal a roll-up made afresh from the
//! tasks, after any sequence of writes: creates under parents, edits of
//! everything progress depends on, re-parenting, deletes of subtrees, and
//! deleted phases and milestones. So do each person's counts of open work
//! by due date (My Work), with personal tasks among the writes and a
//! deleted project at the end.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tandem_domain::rollup::{ProgressInput, rollup};

use super::*;

/// Progress, open and overdue tasks made from the project's tasks.
async fn recomputed(
    store: &dyn Store,
    scope: Scope,
    today: NaiveDate,
    phases: &[Id],
    milestones: &[Id],
) -> (Vec<rollup::Progress>, usize, usize) {
    let mut tasks = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_tasks(
                scope,
                &TaskFilter {
                    project: Some("ROLL".into()),
                    limit: 500,
                    after,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        tasks.extend(page.tasks);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let inputs: Vec<ProgressInput> = tasks
        .iter()
        .map(|t| ProgressInput {
            id: t.id,
            parent_id: t.parent.as_ref().map(|p| p.id),
            status: t.status,
            percent_complete: t.percent_complete,
            effort_hours: t.effort_hours,
            estimate_days: t.estimate_days,
        })
        .collect();
    let of = |keep: &dyn Fn(&Task) -> bool| {
        rollup(
            inputs
                .iter()
                .zip(&tasks)
                .filter(|(_, t)| keep(t))
                .map(|(i, _)| i),
            &inputs,
        )
    };
    let mut progress = vec![of(&|_| true)];
    for id in phases {
        progress.push(of(&|t| t.phase_id == Some(*id)));
    }
    for id in milestones {
        progress.push(of(&|t| t.milestone_id == Some(*id)));
    }
    let open: Vec<&Task> = tasks.iter().filter(|t| !t.status.is_closed()).collect();
    let overdue = open
        .iter()
        .filter(|t| t.due_date.is_some_and(|d| d < today))
        .count();
    (progress, open.len(), overdue)
}

async fn kept(
    store: &dyn Store,
    scope: Scope,
    today: NaiveDate,
) -> (Vec<rollup::Progress>, usize, usize, Vec<Id>, Vec<Id>) {
    let (_, access) = store.open_project(scope, "ROLL").await.unwrap();
    let kept = store.project_progress(access).await.unwrap();
    let overdue = store.overdue_tasks(access, today).await.unwrap();
    let mut progress = vec![kept.project];
    progress.extend(kept.phases.iter().map(|(_, p)| *p));
    progress.extend(kept.milestones.iter().map(|(_, p)| *p));
    let phases = kept.phases.iter().map(|(id, _)| *id).collect();
    let milestones = kept.milestones.iter().map(|(id, _)| *id).collect();
    (progress, kept.open_tasks, overdue, phases, milestones)
}

/// The bands My Work counts on `today` (before, this week, later or
/// undated), as the store keeps them and as counted from the list.
async fn my_work_counts(store: &dyn Store, scope: Scope) -> (Vec<u64>, Vec<u64>) {
    let edges = [
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
    ];
    let mut filter = TaskFilter {
        owner: Some(tandem_store::OwnerFilter::User(scope.user_id)),
        open: true,
        limit: 500,
        ..Default::default()
    };
    let kept = store
        .count_tasks_by_due(scope, &filter, &edges)
        .await
        .unwrap();
    let mut counted = vec![0; edges.len() + 1];
    loop {
        let page = store.list_tasks(scope, &filter).await.unwrap();
        for task in &page.tasks {
            let band = match task.due_date {
                Some(due) => edges.iter().filter(|edge| due >= **edge).count(),
                None => edges.len(),
            };
            counted[band] += 1;
        }
        match page.next {
            Some(next) => filter.after = Some(next),
            None => break,
        }
    }
    (kept, counted)
}

async fn assert_my_work_kept(store: &dyn Store, w: &World, when: &str) {
    for scope in [w.owner, w.member] {
        let (kept, counted) = my_work_counts(store, scope).await;
        assert_eq!(kept, counted, "{} {when}", store.backend());
    }
}

fn random_fields(rng: &mut StdRng, title: String, groups: &Groups) -> TaskFields {
    let mut fields = TaskFields::titled(title);
    fields.owner = [None, Some("ana@example.org"), Some("ben@example.org")][rng.gen_range(0..3)]
        .map(|email| Email::parse(email).unwrap());
    fields.status = [
        TaskStatus::Todo,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::Cancelled,
    ][rng.gen_range(0..4)];
    fields.percent_complete = [0, 10, 33, 50, 99, 100][rng.gen_range(0..6)];
    fields.effort_hours =
        [None, Some(0.0), Some(1.5), Some(12.345), Some(40.0)][rng.gen_range(0..5)];
    fields.estimate_days = [None, Some(0.5), Some(1.25), Some(3.0)][rng.gen_range(0..4)];
    fields.due_date = [
        None,
        NaiveDate::from_ymd_opt(2026, 11, 20),
        NaiveDate::from_ymd_opt(2026, 12, 10),
    ][rng.gen_range(0..3)];
    fields.phase_id = pick(rng, &groups.phases);
    fields.milestone_id = pick(rng, &groups.milestones);
    fields
}

fn pick(rng: &mut StdRng, ids: &[Id]) -> Option<Id> {
    match rng.gen_range(0..=ids.len()) {
        0 => None,
        n => Some(ids[n - 1]),
    }
}

struct Groups {
    phases: Vec<Id>,
    milestones: Vec<Id>,
}

#[tokio::test]
async fn kept_roll_ups_equal_roll_ups_made_afresh_after_random_writes() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let writer = w.owner.writer().unwrap();
        let project = store
            .create_project(writer, &super::project("ROLL"))
            .await
            .unwrap();
        let mut groups = Groups {
            phases: Vec::new(),
            milestones: Vec::new(),
        };
        for n in 0..3 {
            let phase = store
                .create_phase(
                    writer,
                    project.id,
                    &PhaseFields {
                        name: format!("Phase {n}"),
                        position: n,
                        start_date: None,
                        end_date: None,
                    },
                )
                .await
                .unwrap();
            groups.phases.push(phase.id);
            let milestone = store
                .create_milestone(
                    writer,
                    project.id,
                    &MilestoneFields {
                        name: format!("Milestone {n}"),
                        date: NaiveDate::from_ymd_opt(2026, 12, 1 + n as u32),
                        description: None,
                        phase_id: None,
                        reached: None,
                    },
                )
                .await
                .unwrap();
            groups.milestones.push(milestone.id);
        }
        let mut personal: Vec<String> = Vec::new();
        for seed in 0..3u64 {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut keys: Vec<String> = Vec::new();
            for step in 0..60 {
                let roll = rng.gen_range(0..100);
                if !keys.is_empty() && roll < 8 {
                    // A personal task, its own or Ben's, made or changed.
                    let no_groups = Groups {
                        phases: Vec::new(),
                        milestones: Vec::new(),
                    };
                    let fields = random_fields(&mut rng, format!("P{seed}-{step}"), &no_groups);
                    let scope = [w.owner, w.member][rng.gen_range(0..2)];
                    if personal.is_empty() || rng.gen_bool(0.5) {
                        let new = NewTask {
                            project: None,
                            fields,
                        };
                        match store.create_task(scope.writer().unwrap(), &new).await {
                            Ok(task) => personal.push(task.key),
                            // Another's personal task cannot be theirs.
                            Err(StoreError::Invalid(_)) => {}
                            Err(other) => panic!("personal create: {other}"),
                        }
                    } else {
                        let key = personal[rng.gen_range(0..personal.len())].clone();
                        let change = move |_current: TaskFields| Ok(fields.clone());
                        if rng.gen_bool(0.3) {
                            match store.delete_task(scope.writer().unwrap(), &key, None).await {
                                Ok(()) => personal.retain(|k| *k != key),
                                Err(StoreError::NotFound(_) | StoreError::Forbidden(_)) => {}
                                Err(other) => panic!("personal delete {key}: {other}"),
                            }
                        } else {
                            match store
                                .update_task(scope.writer().unwrap(), &key, None, &change)
                                .await
                            {
                                Ok(_)
                                | Err(
                                    StoreError::Invalid(_)
                                    | StoreError::NotFound(_)
                                    | StoreError::Forbidden(_),
                                ) => {}
                                Err(other) => panic!("personal update {key}: {other}"),
                            }
                        }
                    }
                } else if keys.is_empty() || roll < 40 {
                    let mut fields = random_fields(&mut rng, format!("T{seed}-{step}"), &groups);
                    if !keys.is_empty() && rng.gen_bool(0.5) {
                        fields.parent = Some(keys[rng.gen_range(0..keys.len())].clone());
                    }
                    let task = store
                        .create_task(
                            writer,
                            &NewTask {
                                project: Some(ProjectKey::parse("ROLL").unwrap()),
                                fields,
                            },
                        )
                        .await
                        .unwrap();
                    keys.push(task.key);
                } else if roll < 48 {
                    // An import: its tasks' roll-ups are written once, as
                    // one difference per row.
                    let batch: Vec<TaskFields> = (0..rng.gen_range(1..6))
                        .map(|n| {
                            let mut fields =
                                random_fields(&mut rng, format!("I{seed}-{step}-{n}"), &groups);
                            if !keys.is_empty() && rng.gen_bool(0.5) {
                                fields.parent = Some(keys[rng.gen_range(0..keys.len())].clone());
                            }
                            fields
                        })
                        .collect();
                    keys.extend(store.import_tasks(writer, "ROLL", &batch).await.unwrap());
                } else if roll < 80 {
                    let key = keys[rng.gen_range(0..keys.len())].clone();
                    let mut fields = random_fields(&mut rng, format!("E{seed}-{step}"), &groups);
                    let parent = keys[rng.gen_range(0..keys.len())].clone();
                    fields.parent = rng.gen_bool(0.4).then_some(parent);
                    let change = move |_current: TaskFields| Ok(fields.clone());
                    match store.update_task(writer, &key, None, &change).await {
                        // A parent that would make the task its own
                        // ancestor is refused: nothing changed.
                        Ok(_) | Err(StoreError::Invalid(_)) => {}
                        Err(other) => panic!("update {key}: {other}"),
                    }
                } else if roll < 95 {
                    let key = keys.swap_remove(rng.gen_range(0..keys.len()));
                    match store.delete_task(writer, &key, None).await {
                        Ok(()) | Err(StoreError::NotFound(_)) => {}
                        Err(other) => panic!("delete {key}: {other}"),
                    }
                    // Its subtasks went with it.
                    let mut alive = Vec::new();
                    for key in keys.drain(..) {
                        if store.get_task(w.owner, &key).await.is_ok() {
                            alive.push(key);
                        }
                    }
                    keys = alive;
                } else if roll < 98 && !groups.phases.is_empty() {
                    let id = groups.phases.remove(0);
                    store.delete_phase(writer, id, None).await.unwrap();
                } else if !groups.milestones.is_empty() {
                    let id = groups.milestones.remove(0);
                    store.delete_milestone(writer, id, None).await.unwrap();
                }
                if step % 10 == 9 {
                    let (kept, open, overdue, phases, milestones) =
                        kept(store, w.owner, today).await;
                    let made = recomputed(store, w.owner, today, &phases, &milestones).await;
                    assert_eq!(
                        (kept, open, overdue),
                        made,
                        "{} seed {seed} step {step}",
                        store.backend()
                    );
                    assert_my_work_kept(store, &w, &format!("seed {seed} step {step}")).await;
                }
            }
        }
        store
            .delete_project(w.owner.admin().unwrap(), "ROLL", None)
            .await
            .unwrap();
        assert_my_work_kept(store, &w, "after the project was deleted").await;
        let (left, _) = my_work_counts(store, w.owner).await;
        assert!(
            left.iter().sum::<u64>() > 0,
            "personal work is left to count"
        );
    }
}
