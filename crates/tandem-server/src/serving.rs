//! The accept loop and the life of each connection. Every connection is
//! timed by what it owes the server: while it owes a request's headers
//! (the header timeout, from a fresh socket or from the first byte of the
//! next request), while it sits idle between requests (the idle timeout),
//! and while it owes a request's body (the body timeout). A response being
//! written, such as an event stream, owes nothing and is never cut. A cap
//! on open connections keeps idle sockets from using up the process's file
//! descriptors.
//!
//! With TLS, the handshake comes first and has the header timeout too;
//! requests on an encrypted connection carry [`Encrypted`].
//!
//! At shutdown the loop stops accepting, idle connections close, and
//! requests in flight get up to the shutdown timeout to finish.
//!
//! hyper's own `header_read_timeout` is not used: it starts the moment a
//! connection turns idle, so it would also be the idle timeout, and the
//! two could not differ.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;

use deadline::{Deadline, body_too_slow};

/// How long clients get to send requests, and how many may be connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// From a new connection, or from the first byte of a request on a
    /// kept-alive one, to the end of the request's headers.
    pub header_read_timeout: Duration,
    /// From the end of a request's headers to the end of its body. Every
    /// [`BODY_MIN_RATE`] bytes received add a second, so a large upload on
    /// a slow but steady link gets the time it needs.
    pub body_read_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Connections open at once; past it the server stops accepting until
    /// one closes (new clients wait in the listen backlog).
    pub max_connections: usize,
    /// At shutdown, how long requests in flight get to finish before their
    /// connections are dropped.
    pub shutdown_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            // Long enough for a browser going from page to page to reuse
            // its connections, short enough that forgotten ones do not
            // crowd the connection cap; under nginx's 75 s.
            idle_timeout: Duration::from_secs(60),
            // Half the usual soft limit of 1024 file descriptors, leaving
            // the rest to the database, the log and the listener.
            max_connections: 512,
            // Under the 30 s orchestrators such as Kubernetes wait between
            // SIGTERM and SIGKILL, counting the jobs' wait after it.
            shutdown_timeout: Duration::from_secs(25),
        }
    }
}

/// A request body gets one second beyond the body timeout for every this
/// many bytes it has sent: an upload over a slow but steady link (down to
/// 64 KiB/s, about half a megabit) still arrives, even a 64 MB import in
/// about 17 minutes, while a trickle gains nothing.
pub const BODY_MIN_RATE: u64 = 64 * 1024;

/// Request bodies with a deadline, and the answer to one that missed it.
mod deadline;

/// After a failed accept (out of file descriptors, most often): the first
/// pause, doubled up to the last while accepts keep failing.
const ACCEPT_BACKOFF: (Duration, Duration) = (Duration::from_millis(10), Duration::from_secs(1));

/// A request that arrived over TLS, in its extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Encrypted;

pub(crate) async fn run(
    router: Router,
    listener: TcpListener,
    options: ServeOptions,
    tls: Option<crate::tls::Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    // Waiting for every permit is how shutdown waits for every connection.
    let permits_total = u32::try_from(options.max_connections)
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "max_connections must be between 1 and 4294967295",
            )
        })?;
    let permits = Arc::new(Semaphore::new(permits_total as usize));
    let (stopping, stop) = watch::channel(false);
    let mut backoff = ACCEPT_BACKOFF.0;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
        };
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                backoff = ACCEPT_BACKOFF.0;
                tokio::spawn(accepted_connection(
                    stream,
                    peer,
                    router.clone(),
                    options,
                    tls.clone(),
                    stop.clone(),
                    permit,
                ));
            }
            // The client gave up before it was accepted: nothing to wait for.
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                // Out of file descriptors or kernel memory: retrying at once
                // would spin; a pause lets connections close meanwhile.
                tracing::warn!(error = %e, pause_ms = backoff.as_millis() as u64, "accept failed");
                drop(permit);
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF.1);
            }
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    let all_closed = permits.acquire_many(permits_total);
    if tokio::time::timeout(options.shutdown_timeout, all_closed)
        .await
        .is_err()
    {
        // The connections' tasks end with the runtime; returning lets
        // the process exit instead of waiting on a stuck client.
        tracing::warn!(
            open = permits_total as usize - permits.available_permits(),
            timeout_s = options.shutdown_timeout.as_secs_f64(),
            "requests still in flight at the shutdown timeout; dropping them"
        );
    }
    Ok(())
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Serves an accepted socket, after the TLS handshake when there is one.
async fn accepted_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    options: ServeOptions,
    tls: Option<crate::tls::Tls>,
    mut stop: watch::Receiver<bool>,
    permit: OwnedSemaphorePermit,
) {
    let Some(tls) = tls else {
        return connection(stream, peer, router, options, false, stop, permit).await;
    };
    let Some(stream) = tls
        .handshake(stream, peer, options.header_read_timeout, &mut stop)
        .await
    else {
        return;
    };
    connection(stream, peer, router, options, true, stop, permit).await
}

/// Serves one connection until it closes, times out, or the server stops;
/// the permit is given back when it ends.
async fn connection<S>(
    stream: S,
    peer: SocketAddr,
    router: Router,
    options: ServeOptions,
    encrypted: bool,
    mut stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let clock = Arc::new(Clock::new(&options));
    let io = TokioIo::new(Watched {
        stream,
        clock: clock.clone(),
    });
    let service = Handler {
        router,
        peer,
        encrypted,
        clock: clock.clone(),
        body_timeout: options.body_read_timeout,
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        let deadline = clock.deadline();
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended");
                }
                return;
            }
            () = sleep_until(deadline), if deadline.is_some() => {
                if clock.overdue() {
                    tracing::debug!(%peer, "closing a connection that sent no request in time");
                    return;
                }
            }
            () = clock.changed.notified() => {}
            _ = stop.wait_for(|stopping| *stopping), if !draining => {
                // Idle connections close now; one with a request in flight
                // closes once its response is written.
                conn.as_mut().graceful_shutdown();
                draining = true;
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline).await;
    }
}

/// `now + duration`, or far enough ahead to never come if that overflows.
fn after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration)
        .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30))
}

/// What a connection owes the server, and by when.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// The headers of a request, by the deadline.
    Head(Instant),
    /// Nothing, having been served: a new request's first byte by the
    /// deadline, or the connection closes.
    Idle(Instant),
    /// Requests are being served; their bodies have deadlines of their
    /// own. Counted, so the end of one response never ends the wait of
    /// another, whatever order hyper drops them in.
    Busy(usize),
}

/// The timing of one connection, shared by its socket (which sees bytes
/// arrive), its requests (which start and finish) and its task (which
/// closes it when a deadline passes).
struct Clock {
    phase: Mutex<Phase>,
    changed: Notify,
    header_timeout: Duration,
    idle_timeout: Duration,
}

impl Clock {
    fn new(options: &ServeOptions) -> Clock {
        Clock {
            phase: Mutex::new(Phase::Head(after(options.header_read_timeout))),
            changed: Notify::new(),
            header_timeout: options.header_read_timeout,
            idle_timeout: options.idle_timeout,
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        // The phase is a plain value, whole after any panic.
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn deadline(&self) -> Option<Instant> {
        match *self.phase() {
            Phase::Head(at) | Phase::Idle(at) => Some(at),
            Phase::Busy(_) => None,
        }
    }

    fn overdue(&self) -> bool {
        self.deadline().is_some_and(|at| at <= Instant::now())
    }

    /// Bytes arrived: on an idle connection they begin the next request,
    /// which now has the header timeout to finish its headers.
    fn received(&self) {
        let mut phase = self.phase();
        if let Phase::Idle(_) = *phase {
            *phase = Phase::Head(after(self.header_timeout));
            drop(phase);
            self.changed.notify_one();
        }
    }

    fn busy(self: &Arc<Self>) -> Busy {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Busy(n) => Phase::Busy(n + 1),
            Phase::Head(_) | Phase::Idle(_) => Phase::Busy(1),
        };
        drop(phase);
        self.changed.notify_one();
        Busy(self.clone())
    }
}

/// Held from a request's headers to the end of its response.
struct Busy(Arc<Clock>);

impl Drop for Busy {
    fn drop(&mut self) {
        let clock = &self.0;
        let mut phase = clock.phase();
        *phase = match *phase {
            Phase::Busy(n) if n > 1 => Phase::Busy(n - 1),
            _ => Phase::Idle(after(clock.idle_timeout)),
        };
        drop(phase);
        clock.changed.notify_one();
    }
}

/// The socket (or the TLS stream over it), telling the clock when bytes
/// arrive.
struct Watched<S> {
    stream: S,
    clock: Arc<Clock>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.received();
        }
        read
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Hands each request of a connection to the router, with the peer's
/// address and a deadline on the body.
#[derive(Clone)]
struct Handler {
    router: Router,
    peer: SocketAddr,
    encrypted: bool,
    clock: Arc<Clock>,
    body_timeout: Duration,
}

impl hyper::service::Service<Request<Incoming>> for Handler {
    type Response = Response<Tracked>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        let busy = self.clock.busy();
        request.extensions_mut().insert(ConnectInfo(self.peer));
        if self.encrypted {
            request.extensions_mut().insert(Encrypted);
        }
        let late = Arc::new(AtomicBool::new(false));
        let request = request.map(|body| {
            if body.is_end_stream() {
                Body::new(body)
            } else {
                Body::new(Deadline::new(body, self.body_timeout, late.clone()))
            }
        });
        let mut router = self.router.clone();
        let body_timeout = self.body_timeout;
        Box::pin(async move {
            use tower_service::Service;
            std::future::poll_fn(|cx| Service::<Request<Body>>::poll_ready(&mut router, cx))
                .await?;
            let response = router.call(request).await?;
            // The handler saw the body fail, whatever it made of that.
            let response = if late.load(Ordering::Relaxed) {
                let mut refusal = body_too_slow(body_timeout);
                if let Some(id) = response.headers().get(crate::observe::REQUEST_ID) {
                    refusal
                        .headers_mut()
                        .insert(crate::observe::REQUEST_ID, id.clone());
                }
                refusal
            } else {
                response
            };
            Ok(response.map(|body| Tracked {
                body,
                busy: Some(busy),
            }))
        })
    }
}

/// A response body that keeps its connection busy until it ends.
struct Tracked {
    body: Body,
    busy: Option<Busy>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let frame = Pin::new(&mut self.body).poll_frame(cx);
        if let Poll::Ready(None) = frame {
            self.busy = None;
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::Router;
    use axum::extract::ConnectInfo;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::{ServeOptions, run};

    #[tokio::test]
    async fn handlers_see_the_peer_address() {
        let router = Router::new().route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(run(
            router,
            listener,
            ServeOptions::default(),
            None,
            async {
                stopped.await.ok();
            },
        ));
        let mut client = tokio::net::TcpStream::connect(address).await.unwrap();
        client
            .write_all(b"GET /peer HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut response = String::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            client.read_to_string(&mut response),
        )
        .await
        .expect("no answer in time")
        .unwrap();
        let me = client.local_addr().unwrap().to_string();
        assert!(response.starts_with("HTTP/1.1 200 "), "{response}");
        assert!(response.ends_with(&format!("\r\n\r\n{me}")), "{response}");
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn no_connections_at_all_is_refused() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let options = ServeOptions {
            max_connections: 0,
            ..ServeOptions::default()
        };
        let refused = run(
            Router::new(),
            listener,
            options,
            None,
            std::future::pending(),
        )
        .await;
        assert_eq!(
            refused.unwrap_err().kind(),
            std::io::ErrorKind::InvalidInput
        );
    }
}
