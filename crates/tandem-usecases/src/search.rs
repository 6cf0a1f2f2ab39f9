//! Finding anything: the checks a search's filters pass before the store
//! ranks its index, a task key typed whole put first, and what each hit
//! shows of where the words matched. The API, the CLI (through the API)
//! and the web's search page and command palette all read this one.

use tandem_domain::search::{Found, search_words};
use tandem_domain::{Email, FieldError, SearchKind, TaskKey, TaskStatus};
use tandem_store::{SEARCH_LIMIT, Scope, SearchHit, SearchQuery, Store, StoreError};

use crate::{Error, Result};

/// Hits a search returns unless asked for another number.
pub const DEFAULT_HITS: usize = 20;

/// A search as someone asks it: text and filters, unchecked.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    pub q: String,
    pub kinds: Vec<SearchKind>,
    pub project: Option<String>,
    /// An owner's email, or `me`.
    pub owner: Option<String>,
    pub status: Option<TaskStatus>,
    pub limit: Option<usize>,
}

pub async fn search(store: &dyn Store, scope: Scope, ask: &Ask) -> Result<Vec<Found>> {
    let words = search_words(&ask.q);
    let mut errors = Vec::new();
    if words.is_empty() {
        errors.push(FieldError::new("q", "must have a word to look for"));
    }
    let limit = ask.limit.unwrap_or(DEFAULT_HITS);
    if !(1..=SEARCH_LIMIT).contains(&limit) {
        errors.push(FieldError::new(
            "limit",
            format!("must be from 1 to {SEARCH_LIMIT}"),
        ));
    }
    let owner = match ask.owner.as_deref() {
        None => None,
        Some("me") => Some(scope.user_id),
        Some(owner) => match Email::parse(owner) {
            Err(message) => {
                errors.push(FieldError::new("owner", message));
                None
            }
            Ok(email) => {
                let member = store
                    .list_members(scope)
                    .await?
                    .into_iter()
                    .find(|m| m.user.email == email.as_str());
                if member.is_none() {
                    errors.push(FieldError::new(
                        "owner",
                        format!("{email} is not a member of this workspace"),
                    ));
                }
                member.map(|m| m.user.id)
            }
        },
    };
    if let Some(project) = &ask.project {
        match store.get_project(scope, project).await {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => {
                errors.push(FieldError::new("project", format!("no project {project}")))
            }
            Err(other) => return Err(other.into()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut query = SearchQuery {
        text: ask.q.clone(),
        kinds: ask.kinds.clone(),
        project: ask.project.clone(),
        owner,
        status: ask.status,
        limit,
        goals_seen: Vec::new(),
    };
    let goals_wanted = ask.kinds.is_empty() || ask.kinds.contains(&SearchKind::Goal);
    if !scope.role.sees_all_projects() && goals_wanted {
        query.goals_seen = crate::goals::visible_goals(store, scope)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
    }
    let mut hits = store.search(scope, &query).await?;
    // A key typed whole (LAUNCH-12) finds its task first, where the words
    // ("launch", "12") may find it nowhere near the top.
    if TaskKey::parse(ask.q.trim()).is_ok()
        && (ask.kinds.is_empty() || ask.kinds.contains(&SearchKind::Task))
        && let Ok(task) = store.get_task(scope, ask.q.trim()).await
    {
        let already = hits
            .iter()
            .position(|h| h.kind == SearchKind::Task && h.id == task.id);
        let hit = match already {
            Some(at) => hits.remove(at),
            None => SearchHit {
                kind: SearchKind::Task,
                id: task.id,
                key: Some(task.key.clone()),
                title: task.title.clone(),
                text: task.description.clone(),
                project: task.project.as_ref().map(|p| p.key.clone()),
                status: Some(task.status.as_str().to_string()),
                owner: task.owner.clone(),
                on: None,
                score: 0.0,
            },
        };
        hits.insert(0, hit);
        hits.truncate(limit);
    }
    Ok(hits
        .into_iter()
        .map(|hit| Found::new(hit, &words))
        .collect())
}
