//! A request body with a deadline that grows with what it has sent (see
//! [`BODY_MIN_RATE`]), and the 408 that answers one that missed it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderValue, Response, header};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use tokio::time::{Instant, Sleep};

use super::{BODY_MIN_RATE, after};

pub(super) fn body_too_slow(timeout: Duration) -> Response<Body> {
    let mut response = crate::error::problem_response(tandem_api::Problem {
        kind: "/problems/request-timeout".into(),
        title: "The request body did not arrive in time".into(),
        status: 408,
        detail: Some(format!(
            "send the body within {} s (plus 1 s for every {} KiB)",
            timeout.as_secs_f64(),
            BODY_MIN_RATE / 1024
        )),
        errors: vec![],
        cycle: None,
    });
    // The rest of the body may still be on its way; only closing the
    // connection tells it apart from the next request.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A request body that fails once it is late.
pub(super) struct Deadline {
    body: Incoming,
    started: Instant,
    timeout: Duration,
    received: u64,
    timer: Option<Pin<Box<Sleep>>>,
    late: Arc<AtomicBool>,
}

impl Deadline {
    pub(super) fn new(body: Incoming, timeout: Duration, late: Arc<AtomicBool>) -> Deadline {
        Deadline {
            body,
            started: Instant::now(),
            timeout,
            received: 0,
            timer: None,
            late,
        }
    }

    fn due(&self) -> Instant {
        let allowance = self.timeout.saturating_add(Duration::from_secs_f64(
            self.received as f64 / BODY_MIN_RATE as f64,
        ));
        self.started
            .checked_add(allowance)
            .unwrap_or_else(|| after(allowance))
    }
}

/// The error a late request body ends with.
#[derive(Debug)]
struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.late.load(Ordering::Relaxed) {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        match Pin::new(&mut this.body).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                }
                return Poll::Ready(Some(Ok(frame)));
            }
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(Box::new(e)))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        // The timer is set only when the body has to be waited for, and
        // moved only then: most bodies never wait.
        let due = this.due();
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
        if timer.deadline() != due {
            timer.as_mut().reset(due);
        }
        if timer.as_mut().poll(cx).is_ready() {
            this.late.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
