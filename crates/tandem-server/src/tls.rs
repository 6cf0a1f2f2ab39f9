//! HTTPS served directly (`serve --tls-cert FILE --tls-key FILE`), for
//! installations without a proxy in front: the PEM files read into a
//! rustls configuration on the ring provider, HTTP/1.1 only like the
//! plain listener. The handshake itself happens per connection in
//! `serving.rs`, under the header timeout.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why the certificate or key cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificate file {path}: {reason}")]
    Certificate { path: String, reason: String },
    #[error("cannot read the private key file {path}: {reason}")]
    Key { path: String, reason: String },
    #[error("the certificate and key cannot be used together: {0}")]
    Config(String),
}

/// What the accept loop needs to speak TLS.
#[derive(Clone)]
pub struct Tls {
    acceptor: tokio_rustls::TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls")
    }
}

impl Tls {
    /// Reads a certificate chain (leaf first) and its private key (PKCS#8,
    /// PKCS#1 or SEC1), both PEM.
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Tls, TlsError> {
        let certificate_error = |reason: String| TlsError::Certificate {
            path: cert.display().to_string(),
            reason,
        };
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .map_err(|e| certificate_error(pem_reason(e)))?
            .collect::<Result<_, _>>()
            .map_err(|e| certificate_error(pem_reason(e)))?;
        if chain.is_empty() {
            return Err(certificate_error("it holds no PEM certificate".into()));
        }
        let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
            path: key.display().to_string(),
            reason: pem_reason(e),
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| TlsError::Config(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        })
    }
}

impl Tls {
    /// The server's side of the handshake, within `timeout` (a client
    /// that does not finish it holds a connection like one that sends no
    /// headers) and unless the server stops meanwhile.
    pub(crate) async fn handshake(
        &self,
        stream: tokio::net::TcpStream,
        peer: std::net::SocketAddr,
        timeout: std::time::Duration,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
        let handshake = tokio::time::timeout(timeout, self.acceptor.accept(stream));
        tokio::select! {
            result = handshake => match result {
                Ok(Ok(stream)) => Some(stream),
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    None
                }
                Err(_) => {
                    tracing::debug!(%peer, "closing a connection that did not finish its TLS handshake in time");
                    None
                }
            },
            _ = stop.wait_for(|stopping| *stopping) => None,
        }
    }
}

fn pem_reason(e: tokio_rustls::rustls::pki_types::pem::Error) -> String {
    use tokio_rustls::rustls::pki_types::pem::Error;
    match e {
        Error::Io(io) => io.to_string(),
        Error::NoItemsFound => "it holds no PEM item of that kind".into(),
        other => format!("it is not valid PEM: {other}"),
    }
}
