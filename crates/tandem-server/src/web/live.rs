//! Live pages. Every successful write under a workspace (through the API
//! or a form) is announced to that workspace's open pages over server-sent
//! events; a page that hears one fetches itself again and swaps its main
//! content. The announcement says only *that* something changed, so what
//! a viewer may see is decided where it always is, when the page renders.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::{broadcast, watch};

use super::Viewer;
use crate::AppState;

/// The announcements of one server.
#[derive(Clone)]
pub struct Live {
    changes: broadcast::Sender<Arc<str>>,
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
        // A page that falls this far behind just refreshes once: it
        // learns of the lag from the channel.
        let (changes, _) = broadcast::channel(256);
        let (access, _) = broadcast::channel(16);
        let (closing, _) = watch::channel(false);
        Live {
            changes,
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

    /// Tells the workspace's open pages that something changed.
    pub fn announce(&self, workspace_slug: &str) {
        // No receivers is not an error: nobody is looking.
        let _ = self.changes.send(Arc::from(workspace_slug));
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

/// The workspace slug of a path that writes into one:
/// `/api/v1/workspaces/{ws}/…` or `/w/{ws}/…`.
fn workspace_of(path: &str) -> Option<&str> {
    let rest = path
        .strip_prefix("/api/v1/workspaces/")
        .or_else(|| path.strip_prefix("/w/"))?;
    let (slug, _) = rest.split_once('/')?;
    Some(slug).filter(|s| !s.is_empty())
}

/// Announces successful writes (any method but GET and HEAD that answered
/// 2xx, or 303 from a form) to the workspace they were made in.
pub async fn announce_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let slug = workspace_of(request.uri().path()).map(str::to_string);
    let response = next.run(request).await;
    let wrote = !matches!(method, axum::http::Method::GET | axum::http::Method::HEAD)
        && (response.status().is_success()
            || response.status() == axum::http::StatusCode::SEE_OTHER);
    if wrote && let Some(slug) = slug {
        state.live.announce(&slug);
    }
    response
}

/// How often an open stream checks that its viewer may still see the
/// workspace when nothing else made it check: a session that expires
/// quietly ends its streams within this.
const RECHECK: Duration = Duration::from_secs(15);

/// `GET /w/{ws}/events`: an event `change` whenever the workspace changes,
/// for as long as the credential that opened it still opens the workspace.
pub async fn events(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> Response {
    let Some(credential) = crate::extract::presented_credential(&headers) else {
        return axum::http::StatusCode::UNAUTHORIZED.into_response();
    };
    let Some(slot) = state.live.slot(viewer.user().id) else {
        return crate::error::ApiError::TooManyStreams.into_response();
    };
    let stream = OpenStream {
        _slot: slot,
        slug: Arc::from(viewer.slug()),
        credential,
        state: state.clone(),
        changes: state.live.changes.subscribe(),
        access: state.live.access.subscribe(),
        closing: state.live.closing.subscribe(),
    };
    Sse::new(changes(stream))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

struct OpenStream {
    _slot: StreamSlot,
    slug: Arc<str>,
    credential: (String, bool),
    state: AppState,
    changes: broadcast::Receiver<Arc<str>>,
    access: broadcast::Receiver<()>,
    closing: watch::Receiver<bool>,
}

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
}

fn changes(stream: OpenStream) -> impl futures_util::Stream<Item = Result<Event, Infallible>> {
    // The data names the workspace: browsers drop events with empty data.
    stream::unfold(stream, |mut s| async move {
        let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
        loop {
            if *s.closing.borrow() {
                return None;
            }
            let send = tokio::select! {
                _ = s.closing.changed() => return None,
                _ = recheck.tick() => false,
                access = s.access.recv() => {
                    if matches!(access, Err(broadcast::error::RecvError::Closed)) {
                        return None;
                    }
                    false
                }
                received = s.changes.recv() => match received {
                    Ok(changed) if changed == s.slug => true,
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            };
            // Checked before every event, not only on a sign-out: an
            // expired session or a removed member hears nothing more.
            if !s.allowed().await {
                return None;
            }
            if send {
                let event = Event::default().event("change").data(s.slug.as_ref());
                return Some((Ok(event), s));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::workspace_of;

    #[test]
    fn writes_are_told_to_their_workspace() {
        assert_eq!(workspace_of("/api/v1/workspaces/acme/tasks"), Some("acme"));
        assert_eq!(workspace_of("/w/acme/t/LAUNCH-1/move"), Some("acme"));
        assert_eq!(workspace_of("/api/v1/workspaces"), None);
        assert_eq!(workspace_of("/signin"), None);
    }
}
