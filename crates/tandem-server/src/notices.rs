//! Who is told of what: the notifications an event makes (mentions in a
//! comment, comments on what people follow, work given to someone, a
//! status that moved, approvals asked and decided, a project's health),
//! and the ones the clock makes (work due tomorrow, work that fell
//! overdue). Each is kept once per person and reason
//! (`NotificationStore::notify`), and only for someone who may open what
//! it is about.
//!
//! Not here: claiming events or running on a clock (`jobs/notifications.rs`),
//! or how an inbox is read (the store, which checks again then).

use std::collections::HashMap;

use chrono::NaiveDate;
use tandem_domain::{
    ApprovalState, CommentOn, Id, Mentionable, NotificationKind, Role, SubjectRef, UpdateSubject,
    mentions,
};
use tandem_store::events::Event;
use tandem_store::{Following, NewNotification, Scope, Store, StoreError};

/// The members of each workspace met in one run, by id, with their role.
#[derive(Default)]
pub struct People {
    by_workspace: HashMap<Id, Vec<tandem_domain::Member>>,
}

impl People {
    async fn of(
        &mut self,
        store: &dyn Store,
        workspace_id: Id,
    ) -> tandem_store::Result<&[tandem_domain::Member]> {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            self.by_workspace.entry(workspace_id)
        {
            slot.insert(store.list_members(whole(workspace_id)).await?);
        }
        Ok(&self.by_workspace[&workspace_id])
    }

    /// A member's own scope, as they would read: `None` once they left.
    async fn scope(
        &mut self,
        store: &dyn Store,
        workspace_id: Id,
        user_id: Id,
    ) -> tandem_store::Result<Option<Scope>> {
        Ok(self
            .of(store, workspace_id)
            .await?
            .iter()
            .find(|m| m.user.id == user_id)
            .map(|m| Scope {
                workspace_id,
                user_id,
                role: m.role,
            }))
    }
}

/// The whole workspace's view.
fn whole(workspace_id: Id) -> Scope {
    Scope {
        workspace_id,
        user_id: 0,
        role: Role::Owner,
    }
}

/// Someone's notifications of one event, each person once, never the
/// person who did it, only for who may open what it is about.
struct Telling<'a> {
    event: &'a Event,
    items: Vec<NewNotification>,
}

impl Telling<'_> {
    #[allow(clippy::too_many_arguments)]
    async fn tell(
        &mut self,
        store: &dyn Store,
        people: &mut People,
        user_id: Id,
        kind: NotificationKind,
        on: &CommentOn,
        comment_id: Option<Id>,
        approval_id: Option<Id>,
        note: Option<String>,
    ) -> tandem_store::Result<()> {
        if Some(user_id) == self.event.actor_id || self.items.iter().any(|i| i.user_id == user_id) {
            return Ok(());
        }
        let Some(scope) = people
            .scope(store, self.event.workspace_id, user_id)
            .await?
        else {
            return Ok(());
        };
        if !store.may_open(scope, on).await? {
            return Ok(());
        }
        self.items.push(NewNotification {
            workspace_id: self.event.workspace_id,
            user_id,
            kind,
            once_key: format!("event:{}:{}", self.event.id, kind.as_str()),
            on: on.clone(),
            comment_id,
            approval_id,
            actor_id: self.event.actor_id,
            note,
        });
        Ok(())
    }

    /// [`Self::tell`] each of `users` of the same thing.
    #[allow(clippy::too_many_arguments)]
    async fn tell_each(
        &mut self,
        store: &dyn Store,
        people: &mut People,
        users: Vec<Id>,
        kind: NotificationKind,
        on: &CommentOn,
        comment_id: Option<Id>,
        note: Option<String>,
    ) -> tandem_store::Result<()> {
        for user in users {
            self.tell(
                store,
                people,
                user,
                kind,
                on,
                comment_id,
                None,
                note.clone(),
            )
            .await?;
        }
        Ok(())
    }
}

/// What an approval is about, as a thread would name it.
fn approval_on(approval: &tandem_domain::Approval) -> CommentOn {
    match &approval.subject {
        SubjectRef::Task(t) => CommentOn::Task(t.key.clone()),
        SubjectRef::Milestone { id, .. } => CommentOn::Milestone(*id),
        SubjectRef::Stage(_) => CommentOn::Project(approval.project_key.clone()),
    }
}

/// Gone meanwhile reads as nothing to tell of.
fn found<T>(read: tandem_store::Result<T>) -> tandem_store::Result<Option<T>> {
    match read {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The notifications `event` makes.
pub async fn of_event(
    store: &dyn Store,
    people: &mut People,
    event: &Event,
) -> tandem_store::Result<Vec<NewNotification>> {
    let mut telling = Telling {
        event,
        items: Vec::new(),
    };
    let ws = whole(event.workspace_id);
    let id = event.key.parse::<Id>().ok();
    let touched = |field: &str| event.fields.iter().any(|f| f == field);
    match (event.kind.as_str(), event.action.as_str()) {
        ("comment", "created") => {
            let Some(comment) = found(store.get_comment(ws, id.unwrap_or_default()).await)? else {
                return Ok(Vec::new());
            };
            let (Some(on), Some(body)) = (comment.on.on(), comment.body.as_deref()) else {
                return Ok(Vec::new());
            };
            let members: Vec<Mentionable> = people
                .of(store, event.workspace_id)
                .await?
                .iter()
                .map(|m| Mentionable {
                    id: m.user.id,
                    email: m.user.email.clone(),
                    name: m.user.name.clone(),
                })
                .collect();
            for user in mentions(body, &members) {
                let before = telling.items.len();
                telling
                    .tell(
                        store,
                        people,
                        user,
                        NotificationKind::Mention,
                        &on,
                        Some(comment.id),
                        None,
                        None,
                    )
                    .await?;
                // Mentioned, they follow the talk from now on, unless
                // they chose otherwise before.
                if telling.items.len() > before
                    && let Some(scope) = people.scope(store, event.workspace_id, user).await?
                    && store.following(scope, &on).await? == Following::Inferred(false)
                {
                    store.follow(scope, &on, true).await?;
                }
            }
            let followers = store.followers(ws, &on).await?;
            telling
                .tell_each(
                    store,
                    people,
                    followers,
                    NotificationKind::Comment,
                    &on,
                    Some(comment.id),
                    None,
                )
                .await?;
        }
        ("task", "created" | "updated") => {
            // A personal task is read as the one who wrote it.
            let reader = Scope {
                user_id: event.actor_id.unwrap_or(0),
                ..ws
            };
            let Some(task) = found(store.get_task(reader, &event.key).await)? else {
                return Ok(Vec::new());
            };
            let on = CommentOn::Task(task.key.clone());
            let given = event.action == "created" || touched("owner");
            if let (true, Some(owner)) = (given, &task.owner) {
                telling
                    .tell(
                        store,
                        people,
                        owner.id,
                        NotificationKind::Assigned,
                        &on,
                        None,
                        None,
                        None,
                    )
                    .await?;
            }
            if event.action == "updated" && touched("status") {
                let note = Some(format!(
                    "status: {}",
                    task.status.as_str().replace('_', " ")
                ));
                let followers = match task.project {
                    Some(_) => store.followers(ws, &on).await?,
                    None => task.owner.iter().map(|o| o.id).collect(),
                };
                telling
                    .tell_each(
                        store,
                        people,
                        followers,
                        NotificationKind::Status,
                        &on,
                        None,
                        note,
                    )
                    .await?;
            }
        }
        ("approval", action) => {
            let Some(approval) = found(store.get_approval(ws, id.unwrap_or_default()).await)?
            else {
                return Ok(Vec::new());
            };
            let on = approval_on(&approval);
            if action == "decided" {
                let note = match approval.state {
                    ApprovalState::Approved => "approved",
                    ApprovalState::Rejected => "rejected",
                    ApprovalState::ChangesRequested => "changes requested",
                    _ => "decided",
                };
                if let Some(by) = &approval.requested_by {
                    telling
                        .tell(
                            store,
                            people,
                            by.id,
                            NotificationKind::Approval,
                            &on,
                            None,
                            Some(approval.id),
                            Some(format!("your approval request was {note}")),
                        )
                        .await?;
                }
            } else {
                for answer in approval.answers.iter().filter(|a| a.decision.is_none()) {
                    telling
                        .tell(
                            store,
                            people,
                            answer.approver.id,
                            NotificationKind::Approval,
                            &on,
                            None,
                            Some(approval.id),
                            Some("waits for your approval".into()),
                        )
                        .await?;
                }
            }
        }
        ("status_update", "posted") => {
            // Whoever follows the project or the goal hears of its update;
            // a portfolio has no followers.
            let Some(update) = found(store.get_status_update(ws, id.unwrap_or_default()).await)?
            else {
                return Ok(Vec::new());
            };
            let followed = match update.subject {
                UpdateSubject::Project(project_id) => store
                    .project_keys(ws)
                    .await?
                    .into_iter()
                    .find(|(id, _)| *id == project_id)
                    .map(|(_, key)| CommentOn::Project(key)),
                UpdateSubject::Goal(goal_id) => Some(CommentOn::Goal(goal_id)),
                UpdateSubject::Portfolio(_) => None,
            };
            let Some(followed) = followed else {
                return Ok(Vec::new());
            };
            let on = CommentOn::StatusUpdate(update.id);
            let note = Some(format!("posted an update: {}", update.health.label()));
            let followers = store.followers(ws, &followed).await?;
            telling
                .tell_each(
                    store,
                    people,
                    followers,
                    NotificationKind::Status,
                    &on,
                    None,
                    note,
                )
                .await?;
        }
        ("project", action) => {
            let Some(project) = found(store.get_project(ws, &event.key).await)? else {
                return Ok(Vec::new());
            };
            let note = match action {
                "health changed" => format!(
                    "health: {}",
                    project.health.map_or("not judged", |h| h.label())
                ),
                _ => format!("status: {}", project.status.as_str().replace('_', " ")),
            };
            let on = CommentOn::Project(project.key.clone());
            let followers = store.followers(ws, &on).await?;
            telling
                .tell_each(
                    store,
                    people,
                    followers,
                    NotificationKind::Status,
                    &on,
                    None,
                    Some(note),
                )
                .await?;
        }
        _ => {}
    }
    Ok(telling.items)
}

/// The notifications the clock makes on `today`: to each owner, their
/// open work due tomorrow, and what fell overdue (was due yesterday).
pub async fn of_the_day(
    store: &dyn Store,
    people: &mut People,
    today: NaiveDate,
) -> tandem_store::Result<Vec<NewNotification>> {
    let mut items = Vec::new();
    let days = [
        (today.succ_opt(), NotificationKind::DueSoon, "due"),
        (today.pred_opt(), NotificationKind::Overdue, "overdue"),
    ];
    for (day, kind, word) in days {
        let Some(day) = day else { continue };
        for work in store.due_on(day).await? {
            let Some(scope) = people
                .scope(store, work.workspace_id, work.owner_id)
                .await?
            else {
                continue;
            };
            let on = CommentOn::Task(work.task_key.clone());
            if !store.may_open(scope, &on).await? {
                continue;
            }
            let note = match kind {
                NotificationKind::DueSoon => format!("due tomorrow, {}", work.due),
                _ => format!("was due {}", work.due),
            };
            items.push(NewNotification {
                workspace_id: work.workspace_id,
                user_id: work.owner_id,
                kind,
                once_key: format!("{word}:{}:{}", work.task_key, work.due),
                on,
                comment_id: None,
                approval_id: None,
                actor_id: None,
                note: Some(note),
            });
        }
    }
    Ok(items)
}

/// A rule's notification: what it is about, who, and what it says.
pub struct RuleNotice<'a> {
    pub rule: Id,
    /// The run's fire key: each person is told once per run.
    pub fire_key: &'a str,
    pub on: &'a CommentOn,
    /// Emails, `owner` or `followers`.
    pub people: &'a [String],
    pub message: &'a str,
}

/// Tells the people a rule names (`actor` is the rule's last writer, who
/// it speaks as): how many were told. Someone who may not open what it is
/// about, or is not a member, is passed over.
pub async fn of_rule(
    store: &dyn Store,
    actor: &tandem_usecases::Actor,
    notice: RuleNotice<'_>,
) -> tandem_store::Result<usize> {
    let workspace_id = actor.scope.workspace_id;
    let ws = whole(workspace_id);
    let mut people = People::default();
    let mut users: Vec<Id> = Vec::new();
    for who in notice.people {
        match who.as_str() {
            "owner" => {
                let owner = match notice.on {
                    CommentOn::Task(key) => store.get_task(ws, key).await?.owner,
                    CommentOn::Project(key) => store.get_project(ws, key).await?.owner,
                    _ => None,
                };
                users.extend(owner.map(|o| o.id));
            }
            "followers" => users.extend(store.followers(ws, notice.on).await?),
            email => users.extend(
                people
                    .of(store, workspace_id)
                    .await?
                    .iter()
                    .filter(|m| m.user.email.eq_ignore_ascii_case(email))
                    .map(|m| m.user.id),
            ),
        }
    }
    users.sort_unstable();
    users.dedup();
    let mut items = Vec::new();
    for user in users {
        let Some(scope) = people.scope(store, workspace_id, user).await? else {
            continue;
        };
        if !store.may_open(scope, notice.on).await? {
            continue;
        }
        items.push(NewNotification {
            workspace_id,
            user_id: user,
            kind: NotificationKind::Rule,
            once_key: format!("rule:{}:{}", notice.rule, notice.fire_key),
            on: notice.on.clone(),
            comment_id: None,
            approval_id: None,
            actor_id: Some(actor.user.id),
            note: Some(notice.message.to_string()),
        });
    }
    store.notify(&items).await
}
