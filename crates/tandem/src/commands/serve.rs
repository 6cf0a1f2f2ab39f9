//! `tandem serve`: its flags and the function that runs the server. Not
//! the server itself, which is `tandem_server`.

use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use tandem_server::ServeOptions;

use super::values::today;
use crate::output::outln;

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TANDEM_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// sqlite://PATH (created if missing) or postgres://…
    #[arg(
        long,
        env = "TANDEM_DATABASE_URL",
        default_value = "sqlite://tandem.db"
    )]
    database: String,
    /// Load the demo workspace (once).
    #[arg(long)]
    demo: bool,
    /// Keep attached files' bytes in an S3-compatible bucket,
    /// s3://BUCKET or s3://BUCKET/PREFIX, rather than in the database:
    /// for several nodes. Credentials come from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY. Files kept in the database before stay
    /// there.
    #[arg(long, env = "TANDEM_BLOB_STORE", value_name = "URL")]
    blob_store: Option<String>,
    /// The bucket's server when it is not AWS (MinIO, Ceph…), e.g.
    /// http://127.0.0.1:9000.
    #[arg(
        long,
        env = "TANDEM_BLOB_ENDPOINT",
        value_name = "URL",
        requires = "blob_store"
    )]
    blob_endpoint: Option<String>,
    /// The bucket's region (AWS_REGION otherwise; us-east-1 by default).
    #[arg(
        long,
        env = "TANDEM_BLOB_REGION",
        value_name = "REGION",
        requires = "blob_store"
    )]
    blob_region: Option<String>,
    /// Seconds a client has to send a request's headers, from connecting
    /// or from the request's first byte.
    #[arg(
        long,
        env = "TANDEM_HEADER_TIMEOUT",
        value_name = "SECONDS",
        value_parser = seconds,
        default_value_t = ServeOptions::default().header_read_timeout.as_secs()
    )]
    header_timeout: u64,
    /// Seconds a client has to send a request's body, plus one for every
    /// 64 KiB sent.
    #[arg(
        long,
        env = "TANDEM_BODY_TIMEOUT",
        value_name = "SECONDS",
        value_parser = seconds,
        default_value_t = ServeOptions::default().body_read_timeout.as_secs()
    )]
    body_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(
        long,
        env = "TANDEM_IDLE_TIMEOUT",
        value_name = "SECONDS",
        value_parser = seconds,
        default_value_t = ServeOptions::default().idle_timeout.as_secs()
    )]
    idle_timeout: u64,
    /// Connections open at once; more wait to be accepted. Keep it below
    /// the open-file limit (ulimit -n).
    #[arg(
        long,
        env = "TANDEM_MAX_CONNECTIONS",
        value_name = "N",
        value_parser = connections,
        default_value_t = ServeOptions::default().max_connections
    )]
    max_connections: usize,
    /// Seconds requests in flight get to finish at shutdown (SIGTERM or
    /// Ctrl-C), and then the background jobs.
    #[arg(
        long,
        env = "TANDEM_SHUTDOWN_TIMEOUT",
        value_name = "SECONDS",
        value_parser = seconds,
        default_value_t = ServeOptions::default().shutdown_timeout.as_secs()
    )]
    shutdown_timeout: u64,
    /// Serve Prometheus metrics at http://ADDR/metrics (off by default;
    /// never on --listen).
    #[arg(long, env = "TANDEM_METRICS_LISTEN", value_name = "ADDR")]
    metrics_listen: Option<String>,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(
        long,
        env = "TANDEM_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(
        long,
        env = "TANDEM_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    tls_key: Option<std::path::PathBuf>,
    /// Log lines as text or json (one object per line), on standard error.
    #[arg(
        long,
        env = "TANDEM_LOG_FORMAT",
        value_name = "FORMAT",
        value_parser = ["text", "json"],
        default_value = "text"
    )]
    log_format: String,
    /// Deliver webhooks to private, loopback and link-local addresses
    /// too (a receiver on this host or network). Off by default: a
    /// webhook is a request the server makes for a user, and it should
    /// not reach what the user cannot.
    #[arg(long, env = "TANDEM_ALLOW_PRIVATE_WEBHOOKS")]
    allow_private_webhooks: bool,
    /// Mail notifications through this SMTP relay (off by default): one
    /// digest per person and workspace every --mail-digest-minutes, each
    /// kind with a one-click unsubscribe. smtp://HOST[:PORT] in the clear
    /// (port 25); smtp://USER:PASSWORD@HOST[:PORT]?tls=starttls with
    /// STARTTLS required (port 587); smtps://USER:PASSWORD@HOST[:PORT]
    /// over TLS (port 465). A password is only sent over TLS; give it in
    /// TANDEM_SMTP_URL rather than on the command line.
    #[arg(long, env = "TANDEM_SMTP_URL", value_name = "URL", value_parser = smtp_relay)]
    smtp_url: Option<tandem_server::jobs::mail::Relay>,
    /// A PEM file of certificate authorities to trust for the SMTP relay
    /// beside the system's (a relay with a certificate of your own CA).
    #[arg(
        long,
        env = "TANDEM_SMTP_CA_FILE",
        value_name = "PATH",
        requires = "smtp_url"
    )]
    smtp_ca_file: Option<std::path::PathBuf>,
    /// The sender of the emails.
    #[arg(
        long,
        env = "TANDEM_MAIL_FROM",
        default_value = "Tandem <tandem@localhost>",
        value_parser = mail_from
    )]
    mail_from: String,
    /// Where people reach this server, for the links in emails (default:
    /// the address it listens on).
    #[arg(long, env = "TANDEM_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Minutes between email digests (1 to 1440).
    #[arg(
        long,
        env = "TANDEM_MAIL_DIGEST_MINUTES",
        value_name = "MINUTES",
        default_value_t = 15,
        value_parser = clap::value_parser!(u64).range(1..=1440)
    )]
    mail_digest_minutes: u64,
    /// Seconds between email digests instead (for tests and trials).
    #[arg(long, hide = true, value_name = "SECONDS")]
    mail_digest_seconds: Option<u64>,
}

/// `--smtp-url`: the relay, its security and credentials.
fn smtp_relay(text: &str) -> std::result::Result<tandem_server::jobs::mail::Relay, String> {
    tandem_server::jobs::mail::Relay::parse(text)
}

/// `--mail-from`: an address a message may come from, checked at start
/// rather than at the first digest.
fn mail_from(text: &str) -> std::result::Result<String, String> {
    tandem_server::jobs::mail::MailOptions::sender(text).map(|()| text.to_string())
}

/// A timeout flag: whole seconds, at least one, at most a day.
fn seconds(text: &str) -> std::result::Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1 second (0 would close every connection at once)".into()),
        Ok(n) if n <= 86_400 => Ok(n),
        Ok(_) => Err("must be at most 86400 seconds (a day)".into()),
        Err(_) => Err(format!("'{text}' is not a whole number of seconds")),
    }
}

/// The connection cap: at least one.
fn connections(text: &str) -> std::result::Result<usize, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("must be at least 1 (0 would accept no connection)".into()),
        Ok(n) => Ok(n as usize),
        Err(_) => Err(format!(
            "'{text}' is not a whole number from 1 to 4294967295"
        )),
    }
}

pub(super) async fn serve(args: ServeArgs) -> Result<()> {
    tandem_server::observe::init_logs(args.log_format.parse().map_err(|e: String| anyhow!(e))?);
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tandem_server::tls::Tls::from_pem_files(cert, key)?),
        _ => None,
    };
    let blobs: Option<Arc<dyn tandem_store::blobs::BlobStore>> = match &args.blob_store {
        None => None,
        Some(url) => {
            let bucket = tandem_store::blobs::Bucket::new(&tandem_store::blobs::BucketOptions {
                url: url.clone(),
                endpoint: args.blob_endpoint.clone(),
                region: args.blob_region.clone(),
                ..Default::default()
            })?;
            // Refused now rather than at the first upload.
            use tandem_store::blobs::BlobStore as _;
            bucket
                .check()
                .await
                .with_context(|| format!("reaching the blob store {url}"))?;
            Some(Arc::new(bucket))
        }
    };
    let store: Arc<dyn tandem_store::Store> = Arc::from(
        tandem_store::open_with(&args.database, blobs)
            .await
            .with_context(|| format!("opening the database {}", args.database))?,
    );
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let metrics_listener = match &args.metrics_listen {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("listening for metrics on {at}"))?,
        ),
        None => None,
    };
    if args.demo {
        let hash = tandem_server::auth::hash_password(tandem_server::demo::DEMO_PASSWORD)
            .map_err(|e| anyhow!(e))?;
        match tandem_server::demo::load(store.as_ref(), &hash, today())
            .await
            .context("loading the demo")?
        {
            Some(info) => {
                outln!(
                    "Loaded the demo workspace '{}'.",
                    tandem_server::demo::DEMO_WORKSPACE
                );
                outln!(
                    "Sign in as any of {} with the password '{}', e.g.:",
                    info.emails.join(", "),
                    tandem_server::demo::DEMO_PASSWORD
                );
            }
            None => outln!("The demo workspace is already loaded. Sign in, e.g.:"),
        }
        outln!(
            "  echo {} | tandem login --server {scheme}://{address} --email ana@demo.tandem --password-stdin",
            tandem_server::demo::DEMO_PASSWORD
        );
    }
    // The handlers are in place before the listening line: an operator (or
    // a supervisor) may signal the moment it appears, and a signal that
    // found no handler would kill the process without draining.
    let shutdown = shutdown_signal()?;
    outln!(
        "Tandem is listening on {scheme}://{address} ({} database)",
        store.backend()
    );
    if let Some(metrics) = &metrics_listener {
        outln!("Metrics are at http://{}/metrics", metrics.local_addr()?);
    }
    tracing::info!(%address, backend = store.backend(), "listening");
    let options = ServeOptions {
        header_read_timeout: std::time::Duration::from_secs(args.header_timeout),
        body_read_timeout: std::time::Duration::from_secs(args.body_timeout),
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
        max_connections: args.max_connections,
        shutdown_timeout: std::time::Duration::from_secs(args.shutdown_timeout),
    };
    let relay = match (args.smtp_url.clone(), &args.smtp_ca_file) {
        (Some(relay), Some(path)) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("reading --smtp-ca-file {}", path.display()))?;
            Some(
                relay
                    .trusting(pem)
                    .map_err(|e| anyhow::anyhow!("--smtp-ca-file {}: {e}", path.display()))?,
            )
        }
        (relay, _) => relay,
    };
    tandem_server::Server {
        options,
        tls,
        metrics_listener,
        webhooks: tandem_server::webhooks::WebhookOptions {
            allow_private: args.allow_private_webhooks,
            ..Default::default()
        },
        mail: relay.map(|relay| tandem_server::jobs::mail::MailOptions {
            relay,
            from: args.mail_from.clone(),
            public_url: args
                .public_url
                .clone()
                .unwrap_or_else(|| format!("{scheme}://{address}"))
                .trim_end_matches('/')
                .to_string(),
            every: std::time::Duration::from_secs(
                args.mail_digest_seconds
                    .unwrap_or(args.mail_digest_minutes * 60)
                    .max(1),
            ),
        }),
        ..tandem_server::Server::new(store, listener)
    }
    .run(shutdown)
    .await
    .context("serving")?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere). The handlers are
/// registered when this is called, not when the future is first polled.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("handling SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("handling SIGTERM")?;
    Ok(async move {
        tokio::select! { _ = interrupt.recv() => {}, _ = terminate.recv() => {} }
        tracing::info!("shutting down");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
