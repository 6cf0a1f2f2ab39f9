//! A webhook receiver on loopback for the tests: it keeps what each
//! request carried and answers with the statuses it is told, 200 after.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use tokio::sync::mpsc;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub event: String,
    pub delivery: String,
    pub signature: String,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Clone)]
struct Shared {
    answers: Arc<Mutex<VecDeque<StatusCode>>>,
    got: mpsc::UnboundedSender<Received>,
}

pub struct Receiver {
    pub url: String,
    answers: Arc<Mutex<VecDeque<StatusCode>>>,
    got: mpsc::UnboundedReceiver<Received>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Receiver::on(listener).await
    }

    /// A receiver on a listener already bound (a port known before it
    /// listens).
    pub async fn on(listener: tokio::net::TcpListener) -> Receiver {
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::unbounded_channel();
        let answers = Arc::new(Mutex::new(VecDeque::new()));
        let shared = Shared {
            answers: answers.clone(),
            got: tx,
        };
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(shared);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver {
            url,
            answers,
            got: rx,
        }
    }

    /// The next requests get these statuses, in order.
    pub fn answer(&self, statuses: &[u16]) {
        let mut answers = self.answers.lock().unwrap();
        answers.extend(statuses.iter().map(|s| StatusCode::from_u16(*s).unwrap()));
    }

    /// The next request; a test fails if none comes within 30 seconds.
    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(30), self.got.recv())
            .await
            .expect("a delivery within 30 s")
            .expect("the receiver runs")
    }
}

async fn receive(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let _ = shared.got.send(Received {
        event: header("x-tandem-event"),
        delivery: header("x-tandem-delivery"),
        signature: header("x-tandem-signature-256"),
        body,
    });
    let answer = shared.answers.lock().unwrap().pop_front();
    answer.unwrap_or(StatusCode::OK)
}
