//! The SQLite backend reads one task through sqlx (`get_task`) and the
//! task list through rusqlite (`list_tasks`), with different code that
//! turns columns into values. Both must give the same task, field for
//! field; PostgreSQL's two paths are compared too.

use super::*;
use chrono::NaiveDateTime;

fn on(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap()
}

/// A task with every field set to something other than its default;
/// `status` decides between a blocked reason and a completion time.
fn everything(parent: &str, phase: Id, milestone: Id, status: TaskStatus) -> NewTask {
    let email = |s: &str| Email::parse(s).unwrap();
    NewTask {
        project: Some(ProjectKey::parse("DRV").unwrap()),
        fields: TaskFields {
            title: format!("Füll every field — {status} ✓"),
            description: Some(
                "Ünïcödé, 日本語, emoji 🚀, \"quotes\", 'apostrophes', a tab\tand\nlines".into(),
            ),
            owner: Some(email("ben@example.org")),
            collaborators: vec![email("ana@example.org"), email("gus@example.org")],
            status,
            priority: Priority::High,
            start_date: NaiveDate::from_ymd_opt(2026, 11, 3),
            due_date: NaiveDate::from_ymd_opt(2026, 11, 20),
            // Not exact in binary: both drivers must read the same double.
            estimate_days: Some(2.1),
            effort_hours: Some(16.7),
            three_point: Some(ThreePoint {
                optimistic: 1.5,
                likely: 2.1,
                pessimistic: 4.75,
            }),
            percent_complete: 40,
            schedule: TaskScheduling {
                constraint_type: Some(ConstraintType::Snet),
                constraint_date: Some(on(4, 9, 30)),
                actual_start: Some(on(4, 10, 15)),
                actual_finish: (status == TaskStatus::Done).then(|| on(12, 16, 45)),
                mode: SchedulingMode::Dated,
                levelling_delay: 960,
            },
            parent: Some(parent.to_string()),
            phase_id: Some(phase),
            milestone_id: Some(milestone),
            tags: vec!["ünï".into(), "backend".into(), "zeta".into()],
            blocked_reason: Some("Waiting on the vendor’s answer".into()),
        },
    }
}

/// Compares every field; destructuring (no `..`) makes a field added to
/// `Task` fail to compile here until it is compared too.
fn assert_same(listed: &Task, got: &Task) {
    let Task {
        id,
        key,
        project,
        number,
        title,
        description,
        owner,
        collaborators,
        status,
        priority,
        start_date,
        due_date,
        estimate_days,
        effort_hours,
        three_point,
        percent_complete,
        schedule,
        scheduling,
        parent,
        phase_id,
        milestone_id,
        tags,
        blocked_reason,
        created_by,
        version,
        created_at,
        updated_at,
        completed_at,
    } = listed;
    let TaskScheduling {
        constraint_type,
        constraint_date,
        actual_start,
        actual_finish,
        mode,
        levelling_delay,
    } = schedule;
    let k = key;
    assert_eq!(*id, got.id, "{k}: id");
    assert_eq!(*key, got.key, "{k}: key");
    assert_eq!(*project, got.project, "{k}: project");
    assert_eq!(*number, got.number, "{k}: number");
    assert_eq!(*title, got.title, "{k}: title");
    assert_eq!(*description, got.description, "{k}: description");
    assert_eq!(*owner, got.owner, "{k}: owner");
    assert_eq!(*collaborators, got.collaborators, "{k}: collaborators");
    assert_eq!(*status, got.status, "{k}: status");
    assert_eq!(*priority, got.priority, "{k}: priority");
    assert_eq!(*start_date, got.start_date, "{k}: start_date");
    assert_eq!(*due_date, got.due_date, "{k}: due_date");
    // Bit for bit: one driver rounding through text would show here.
    assert_eq!(
        estimate_days.map(f64::to_bits),
        got.estimate_days.map(f64::to_bits),
        "{k}: estimate_days"
    );
    assert_eq!(
        effort_hours.map(f64::to_bits),
        got.effort_hours.map(f64::to_bits),
        "{k}: effort_hours"
    );
    let bits = |tp: &Option<ThreePoint>| {
        tp.as_ref().map(
            |ThreePoint {
                 optimistic,
                 likely,
                 pessimistic,
             }| {
                [
                    optimistic.to_bits(),
                    likely.to_bits(),
                    pessimistic.to_bits(),
                ]
            },
        )
    };
    assert_eq!(
        bits(three_point),
        bits(&got.three_point),
        "{k}: three_point"
    );
    assert_eq!(
        *percent_complete, got.percent_complete,
        "{k}: percent_complete"
    );
    assert_eq!(
        *constraint_type, got.schedule.constraint_type,
        "{k}: constraint_type"
    );
    assert_eq!(
        *constraint_date, got.schedule.constraint_date,
        "{k}: constraint_date"
    );
    assert_eq!(
        *actual_start, got.schedule.actual_start,
        "{k}: actual_start"
    );
    assert_eq!(
        *actual_finish, got.schedule.actual_finish,
        "{k}: actual_finish"
    );
    assert_eq!(*mode, got.schedule.mode, "{k}: scheduling mode");
    assert_eq!(
        *levelling_delay, got.schedule.levelling_delay,
        "{k}: levelling_delay"
    );
    assert_eq!(*scheduling, got.scheduling, "{k}: scheduling");
    assert_eq!(*parent, got.parent, "{k}: parent");
    assert_eq!(*phase_id, got.phase_id, "{k}: phase_id");
    assert_eq!(*milestone_id, got.milestone_id, "{k}: milestone_id");
    assert_eq!(*tags, got.tags, "{k}: tags");
    assert_eq!(*blocked_reason, got.blocked_reason, "{k}: blocked_reason");
    assert_eq!(*created_by, got.created_by, "{k}: created_by");
    assert_eq!(*version, got.version, "{k}: version");
    assert_eq!(*created_at, got.created_at, "{k}: created_at");
    assert_eq!(*updated_at, got.updated_at, "{k}: updated_at");
    assert_eq!(*completed_at, got.completed_at, "{k}: completed_at");
}

#[tokio::test]
async fn the_task_list_and_a_single_task_read_every_field_alike() {
    for store in backends().await {
        let store = store.as_ref();
        let w = world(store).await;
        let project = store
            .create_project(w.owner.writer().unwrap(), &super::project("DRV"))
            .await
            .unwrap();
        let phase = store
            .create_phase(
                w.owner.writer().unwrap(),
                project.id,
                &PhaseFields {
                    name: "Build".into(),
                    position: 1,
                    start_date: NaiveDate::from_ymd_opt(2026, 11, 2),
                    end_date: NaiveDate::from_ymd_opt(2026, 11, 30),
                },
            )
            .await
            .unwrap();
        let milestone = store
            .create_milestone(
                w.owner.writer().unwrap(),
                project.id,
                &MilestoneFields {
                    name: "Beta".into(),
                    date: NaiveDate::from_ymd_opt(2026, 11, 20),
                    description: Some("First outside users".into()),
                    phase_id: Some(phase.id),
                    reached: None,
                },
            )
            .await
            .unwrap();
        let parent = store
            .create_task(w.owner.writer().unwrap(), &task(Some("DRV"), "Parent"))
            .await
            .unwrap();
        let blocked = store
            .create_task(
                w.owner.writer().unwrap(),
                &everything(&parent.key, phase.id, milestone.id, TaskStatus::Blocked),
            )
            .await
            .unwrap();
        let done = store
            .create_task(
                w.owner.writer().unwrap(),
                &everything(&parent.key, phase.id, milestone.id, TaskStatus::Done),
            )
            .await
            .unwrap();
        // Every optional field is set on one of them, or this test would
        // compare two absences.
        assert!(blocked.blocked_reason.is_some() && done.completed_at.is_some());
        assert!(done.schedule.actual_finish.is_some() && blocked.parent.is_some());
        assert_eq!(blocked.collaborators.len(), 2);
        assert_eq!(blocked.tags.len(), 3);

        let listed = store
            .list_tasks(
                w.owner,
                &TaskFilter {
                    project: Some("DRV".into()),
                    limit: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .tasks;
        assert_eq!(listed.len(), 3);
        for task in &listed {
            let got = store.get_task(w.owner, &task.key).await.unwrap();
            assert_same(task, &got);
        }
        for created in [&blocked, &done] {
            let task = listed.iter().find(|t| t.key == created.key).unwrap();
            assert_same(task, created);
        }
    }
}
