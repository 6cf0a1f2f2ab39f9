//! The server the HTTP and browser tests talk to: a real one, on an
//! ephemeral port of 127.0.0.1, over a real database.

/// The JSON API's test client and shared world.
pub mod api;
/// Test services written in Python (SMTP, S3).
pub mod python;
/// A webhook receiver on loopback.
pub mod receiver;

use std::sync::Arc;

use tandem_server::ServeOptions;
use tandem_server::webhooks::WebhookOptions;
use tandem_store::Store;
use tandem_store::testing::fresh_sqlite_url;
use tokio::sync::oneshot;

pub struct Server {
    pub base: String,
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Server {
    /// A server over the database at `url`.
    pub async fn start(url: &str) -> Server {
        let store: Arc<dyn Store> = Arc::from(tandem_store::open(url).await.unwrap());
        Server::serving(store, url).await
    }

    /// A server over a fresh SQLite file with the demo workspace loaded.
    pub async fn with_demo() -> Server {
        Server::with_demo_and(ServeOptions::default()).await
    }

    /// A server over a fresh, empty SQLite file, with these timeouts and
    /// connection cap.
    pub async fn with_options(options: ServeOptions) -> Server {
        let url = fresh_sqlite_url();
        let store: Arc<dyn Store> = Arc::from(tandem_store::open(&url).await.unwrap());
        Server::serving_with(store, &url, options).await
    }

    /// A server over a fresh SQLite file with the demo workspace loaded
    /// that delivers webhooks as `webhooks` says.
    pub async fn with_demo_webhooks(webhooks: WebhookOptions) -> Server {
        let server = Server::with_demo().await;
        let url = server.stop().await;
        Server::with_webhooks(&url, webhooks).await
    }

    /// A server over a fresh SQLite file with the demo workspace loaded,
    /// with these timeouts and connection cap.
    pub async fn with_demo_and(options: ServeOptions) -> Server {
        let url = fresh_sqlite_url();
        let store: Arc<dyn Store> = Arc::from(tandem_store::open(&url).await.unwrap());
        let hash = tandem_server::auth::hash_password(tandem_server::demo::DEMO_PASSWORD).unwrap();
        let today = chrono::Local::now().date_naive();
        tandem_server::demo::load(store.as_ref(), &hash, today)
            .await
            .unwrap();
        Server::serving_with(store, &url, options).await
    }

    /// A server over the database at `url` that delivers webhooks as
    /// `webhooks` says.
    pub async fn with_webhooks(url: &str, webhooks: WebhookOptions) -> Server {
        let store: Arc<dyn Store> = Arc::from(tandem_store::open(url).await.unwrap());
        Server::serving_as(store, url, ServeOptions::default(), webhooks).await
    }

    /// A server over the database at `url` that mails notifications as
    /// `mail` says, given the server's own address (for the links).
    pub async fn with_mail(
        url: &str,
        mail: impl FnOnce(&str) -> tandem_server::jobs::mail::MailOptions,
    ) -> Server {
        let store: Arc<dyn Store> = Arc::from(tandem_store::open(url).await.unwrap());
        Server::serving_mailing(
            store,
            url,
            ServeOptions::default(),
            WebhookOptions::default(),
            |base| Some(mail(base)),
        )
        .await
    }

    /// A server over `store`, opened by the test (on the database at
    /// `url`) as it needs it.
    pub async fn with_store(store: Arc<dyn Store>, url: &str) -> Server {
        Server::serving(store, url).await
    }

    async fn serving(store: Arc<dyn Store>, url: &str) -> Server {
        Server::serving_with(store, url, ServeOptions::default()).await
    }

    async fn serving_with(store: Arc<dyn Store>, url: &str, options: ServeOptions) -> Server {
        Server::serving_as(store, url, options, WebhookOptions::default()).await
    }

    async fn serving_as(
        store: Arc<dyn Store>,
        url: &str,
        options: ServeOptions,
        webhooks: WebhookOptions,
    ) -> Server {
        Server::serving_mailing(store, url, options, webhooks, |_| None).await
    }

    async fn serving_mailing(
        store: Arc<dyn Store>,
        url: &str,
        options: ServeOptions,
        webhooks: WebhookOptions,
        mail: impl FnOnce(&str) -> Option<tandem_server::jobs::mail::MailOptions>,
    ) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mail = mail(&base);
        let (stop, stopped) = oneshot::channel::<()>();
        let done = tokio::spawn(async move {
            tandem_server::Server {
                options,
                webhooks,
                mail,
                ..tandem_server::Server::new(store, listener)
            }
            .run(async {
                stopped.await.ok();
            })
            .await
            .unwrap();
        });
        Server {
            base,
            url: url.to_string(),
            stop: Some(stop),
            done,
        }
    }

    /// Stops the server, letting requests in flight finish; gives back the
    /// database URL, to start another on the same data.
    pub async fn stop(mut self) -> String {
        self.stop.take().unwrap().send(()).unwrap();
        self.done.await.unwrap();
        self.url
    }
}

/// The `name=value` of the session cookie a sign-in answer sets.
pub fn session_cookie_of(response: &reqwest::Response) -> String {
    response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}
