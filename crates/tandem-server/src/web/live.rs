//! Live pages. Every write commits an event to the outbox
//! (`tandem_store::events`); the store's feed hands each to every node,
//! and this module passes it on to the open pages of its workspace over
//! server-sent events. An event names what changed (kind, action, key,
//! project) and never a title; a page refreshes only when the change is
//! about something it shows, and what it then shows is decided where it
//! always is, when the page renders. Events about objects the viewer may
//! not open are not passed on at all.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tandem_store::Event;
use tokio::sync::{broadcast, watch};

use super::Viewer;
use crate::AppState;

/// The open streams of one server and what they are told besides events.
#[derive(Clone)]
pub struct Live {
    access: broadcast::Sender<()>,
    closing: watch::Sender<bool>,
    /// Open streams per user, so one person cannot hold every connection
    /// the server takes.
    open: Arc<std::sync::Mutex<std::collections::HashMap<tandem_domain::Id, usize>>>,
}

/// Streams one person may hold open on one server: a browser opens one a
/// tab and keeps at most six connections to a site.
pub const STREAMS_PER_USER: usize = 8;

/// One open stream of a user's; gives its place back when dropped.
struct StreamSlot {
    open: Arc<std::sync::Mutex<std::collections::HashMap<tandem_domain::Id, usize>>>,
    user: tandem_domain::Id,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.user);
            }
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

impl Live {
    pub fn new() -> Live {
        let (access, _) = broadcast::channel(16);
        let (closing, _) = watch::channel(false);
        Live {
            access,
            closing,
            open: Arc::default(),
        }
    }

    /// A place for one more stream of `user`'s, unless they hold
    /// [`STREAMS_PER_USER`] already.
    fn slot(&self, user: tandem_domain::Id) -> Option<StreamSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(user).or_insert(0);
        if *count >= STREAMS_PER_USER {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            open: self.open.clone(),
            user,
        })
    }

    /// Tells every open stream that someone's access may have ended (a
    /// sign-out, a member removed, a role or token changed): each checks
    /// its own credential again at once.
    pub fn access_changed(&self) {
        let _ = self.access.send(());
    }

    /// Ends every event stream, so a graceful shutdown need not wait for
    /// browsers to hang up.
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }
}

/// How often an open stream checks that its viewer may still see the
/// workspace when nothing else made it check: a session that expires
/// quietly ends its streams within this.
const RECHECK: Duration = Duration::from_secs(15);

/// `GET /w/{ws}/events`: an event `change` for each change in the
/// workspace the viewer may see, for as long as the credential that opened
/// it still opens the workspace. Its data is JSON: `kind`, `action`, `key`
/// and `project` (a project key), or just `{"kind":"resync"}` when changes
/// may have been missed.
pub async fn events(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    let Some(credential) = crate::extract::presented_credential(&headers) else {
        return axum::http::StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(slot) = state.live.slot(viewer.user().id) else {
        return crate::error::ApiError::TooManyStreams.into_response();
    };
    // Subscribed before the projects are read: a project created between
    // the two is looked up again when its first event arrives.
    let events = state.store.event_feed();
    // What committed before the page opened its stream is already on the
    // page (its own write, just before the redirect that loaded it): a
    // feed that delivers it a moment late must not refresh the page again.
    let Ok(opened_after) = state.store.last_event_id().await else {
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let mut stream = OpenStream {
        opened_after,
        _slot: slot,
        slug: Arc::from(viewer.slug()),
        scope: viewer.ctx.scope,
        credential,
        state: state.clone(),
        projects: HashMap::new(),
        events,
        access: state.live.access.subscribe(),
        closing: state.live.closing.subscribe(),
    };
    if stream.load_projects().await.is_err() {
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Sse::new(changes(stream))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

struct OpenStream {
    _slot: StreamSlot,
    /// The newest event when the stream opened.
    opened_after: tandem_domain::Id,
    slug: Arc<str>,
    scope: tandem_store::Scope,
    credential: (String, bool),
    state: AppState,
    /// The projects the viewer may open, by id: their keys name them in
    /// what the page hears.
    projects: HashMap<tandem_domain::Id, String>,
    events: broadcast::Receiver<Event>,
    access: broadcast::Receiver<()>,
    closing: watch::Receiver<bool>,
}

/// What a page hears of one change.
#[derive(serde::Serialize)]
struct Change<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<&'a str>,
    /// The event's place in the workspace's history: a page drawn after
    /// it (its `data-seen` at least this) shows it already.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<tandem_domain::Id>,
}

const RESYNC: Change<'static> = Change {
    kind: Event::RESYNC,
    action: None,
    key: None,
    project: None,
    id: None,
};

impl OpenStream {
    /// Whether the credential still opens the workspace (a database error
    /// counts as no: the page reconnects and is asked to sign in if need be).
    async fn allowed(&self) -> bool {
        let (hash, session) = &self.credential;
        matches!(
            self.state
                .store
                .credential_membership(hash, *session, &self.slug, chrono::Utc::now())
                .await,
            Ok(Some(_))
        )
    }

    async fn load_projects(&mut self) -> tandem_store::Result<()> {
        self.projects = self
            .state
            .store
            .project_keys(self.scope)
            .await?
            .into_iter()
            .collect();
        Ok(())
    }

    /// What the viewer hears of `event`: nothing when it is another
    /// workspace's or about what they may not open.
    async fn visible(&mut self, event: &Event) -> Option<String> {
        if event.workspace_id != self.scope.workspace_id {
            return None;
        }
        // An inbox is its person's alone.
        if event.kind == "inbox" && event.key != self.scope.user_id.to_string() {
            return None;
        }
        // A portfolio may hold projects a guest may not open; that it
        // changed is not theirs to hear (their pages read it again when
        // a project of theirs changes).
        // So may a goal, and so may either's status updates.
        // And so may a goal's comments (or a personal task's, which is
        // nobody else's).
        let above_projects = matches!(event.kind.as_str(), "portfolio" | "goal")
            || (matches!(event.kind.as_str(), "status_update" | "comment")
                && event.project_id.is_none());
        if above_projects && !self.scope.role.sees_all_projects() {
            return None;
        }
        let project = match event.project_id {
            Some(id) => {
                if !self.projects.contains_key(&id) && self.load_projects().await.is_err() {
                    return None;
                }
                // Deleted, or not the viewer's to see.
                Some(self.projects.get(&id)?.as_str())
            }
            None => None,
        };
        // A personal task is its owner's and creator's: others hear that
        // some task changed, not which.
        let key = (project.is_some()
            || event.kind != "task"
            || event.actor_id == Some(self.scope.user_id))
        .then_some(event.key.as_str());
        let change = Change {
            kind: &event.kind,
            action: Some(&event.action),
            key,
            project,
            id: Some(event.id),
        };
        serde_json::to_string(&change).ok()
    }
}

fn changes(stream: OpenStream) -> impl futures_util::Stream<Item = Result<SseEvent, Infallible>> {
    stream::unfold(stream, |mut s| async move {
        let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
        loop {
            if *s.closing.borrow() {
                return None;
            }
            let data = tokio::select! {
                _ = s.closing.changed() => return None,
                _ = recheck.tick() => None,
                access = s.access.recv() => {
                    if matches!(access, Err(broadcast::error::RecvError::Closed)) {
                        return None;
                    }
                    // A role or membership may have changed: so may what
                    // the viewer sees.
                    if s.load_projects().await.is_err() {
                        return None;
                    }
                    None
                }
                received = s.events.recv() => match received {
                    Ok(event) if event.is_resync() => serde_json::to_string(&RESYNC).ok(),
                    Ok(event) if event.id <= s.opened_after => continue,
                    Ok(event) => match s.visible(&event).await {
                        Some(data) => Some(data),
                        None => continue,
                    },
                    // Fell behind: the page refreshes once.
                    Err(broadcast::error::RecvError::Lagged(_)) => serde_json::to_string(&RESYNC).ok(),
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            };
            // Checked before every event, not only on a sign-out: an
            // expired session or a removed member hears nothing more.
            if !s.allowed().await {
                return None;
            }
            if let Some(data) = data {
                let event = SseEvent::default().event("change").data(data);
                return Some((Ok(event), s));
            }
        }
    })
}
