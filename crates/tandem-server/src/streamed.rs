//! JSON answers serialized while they are sent: for answers that grow with
//! a project (a whole schedule is a row per task), so that the server
//! holds a few chunks of the text at a time, never the whole of it.
//!
//! The value is serialized on a blocking thread into chunks of
//! [`CHUNK_BYTES`], handed to the response body through a channel of
//! [`CHUNKS_AHEAD`]: a slow client holds the serializer back instead of
//! letting the text pile up. Gzip, when the client accepts it, is done
//! here too, as the chunks are made: the compression layers of the router
//! only compress bodies of known size.
//!
//! Not here: what an answer holds (the handlers), or answers of a size
//! known up front, which `axum::Json` serves.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde::Serialize;
use tokio::sync::mpsc;

/// The text one chunk of the body carries.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks made but not yet sent, at most.
const CHUNKS_AHEAD: usize = 4;

/// `value` as a JSON answer whose text is made while it is sent, gzipped
/// if the request's headers accept it.
pub(crate) fn json<T: Serialize + Send + 'static>(value: T, request: &HeaderMap) -> Response {
    let gzip = accepts_gzip(request);
    let (sender, receiver) = mpsc::channel::<io::Result<Bytes>>(CHUNKS_AHEAD);
    tokio::task::spawn_blocking(move || {
        let chunks = Chunks {
            sender,
            text: Vec::with_capacity(CHUNK_BYTES),
        };
        // The only failure is a client that left: no one to tell.
        let _ = write(&value, chunks, gzip);
    });
    let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let chunk = receiver.recv().await?;
        Some((chunk, receiver))
    });
    let mut response = Response::new(Body::from_stream(chunks));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

fn write<T: Serialize>(value: &T, chunks: Chunks, gzip: bool) -> io::Result<()> {
    if gzip {
        // Level 1: a whole schedule is megabytes, where the fastest level
        // costs a third of level 6's time for a fifth more bytes.
        let mut encoder = flate2::write::GzEncoder::new(chunks, flate2::Compression::fast());
        serde_json::to_writer(&mut encoder, value)?;
        let mut chunks = encoder.finish()?;
        chunks.send()
    } else {
        let mut chunks = chunks;
        serde_json::to_writer(&mut chunks, value)?;
        chunks.send()
    }
}

/// Whether `Accept-Encoding` names gzip with a weight above zero.
fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// A writer that sends its text on in chunks.
struct Chunks {
    sender: mpsc::Sender<io::Result<Bytes>>,
    text: Vec<u8>,
}

impl Chunks {
    /// Sends what is written so far; waits while the channel is full.
    fn send(&mut self) -> io::Result<()> {
        if self.text.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.text, Vec::with_capacity(CHUNK_BYTES));
        self.sender
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client left"))
    }
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(bytes);
        if self.text.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    async fn body_of(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    /// Many chunks' worth of rows come out as the one text `serde_json`
    /// makes of them, plain or gzipped as the request asks.
    #[tokio::test]
    async fn a_streamed_answer_is_the_json_of_its_value() {
        let value: Vec<(u32, String)> = (0..40_000).map(|i| (i, format!("row {i}"))).collect();
        let expected = serde_json::to_vec(&value).unwrap();
        assert!(expected.len() > 4 * CHUNK_BYTES);

        let plain = json(value.clone(), &HeaderMap::new());
        assert_eq!(plain.headers()[header::CONTENT_TYPE], "application/json");
        assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
        assert_eq!(body_of(plain).await, expected);

        let mut asks = HeaderMap::new();
        asks.insert(
            header::ACCEPT_ENCODING,
            "br;q=1, gzip;q=0.8".parse().unwrap(),
        );
        let zipped = json(value, &asks);
        assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
        let bytes = body_of(zipped).await;
        assert!(bytes.len() < expected.len() / 2);
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .unwrap();
        assert_eq!(text, expected);
    }

    #[test]
    fn gzip_is_used_only_where_accepted() {
        let asks = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, value.parse().unwrap());
            accepts_gzip(&headers)
        };
        assert!(asks("gzip"));
        assert!(asks("deflate, GZIP;q=0.5"));
        assert!(!asks("gzip;q=0"));
        assert!(!asks("br, deflate"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
