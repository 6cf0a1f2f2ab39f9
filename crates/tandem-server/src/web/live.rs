//! Live pages. Every successful write under a workspace (through the API
//! or a form) is announced to that workspace's open pages over server-sent
//! events; a page that hears one fetches itself again and swaps its main
//! content. The announcement says only *that* something changed, so what
//! a viewer may see is decided where it always is, when the page renders.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};

use super::Viewer;
use crate::AppState;

/// The announcements of one server.
#[derive(Clone)]
pub struct Live {
    changes: broadcast::Sender<Arc<str>>,
    closing: watch::Sender<bool>,
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
        let (closing, _) = watch::channel(false);
        Live { changes, closing }
    }

    /// Tells the workspace's open pages that something changed.
    pub fn announce(&self, workspace_slug: &str) {
        // No receivers is not an error: nobody is looking.
        let _ = self.changes.send(Arc::from(workspace_slug));
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

/// `GET /w/{ws}/events`: an event `change` whenever the workspace changes.
pub async fn events(State(state): State<AppState>, viewer: Viewer) -> Response {
    let slug: Arc<str> = Arc::from(viewer.slug());
    let receiver = state.live.changes.subscribe();
    let closing = state.live.closing.subscribe();
    Sse::new(changes(slug, receiver, closing))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

fn changes(
    slug: Arc<str>,
    receiver: broadcast::Receiver<Arc<str>>,
    closing: watch::Receiver<bool>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    // The data names the workspace: browsers drop events with empty data.
    stream::unfold(
        (slug, receiver, closing),
        |(slug, mut receiver, mut closing)| async move {
            loop {
                if *closing.borrow() {
                    return None;
                }
                tokio::select! {
                    _ = closing.changed() => return None,
                    received = receiver.recv() => match received {
                        Ok(changed) if changed == slug => {
                            return Some((Ok(Event::default().event("change").data(slug.as_ref())), (slug, receiver, closing)));
                        }
                        Ok(_) => continue,
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            return Some((Ok(Event::default().event("change").data(slug.as_ref())), (slug, receiver, closing)));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    }
                }
            }
        },
    )
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
