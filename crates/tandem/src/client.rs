//! The API client the CLI commands use: where the server is, which token to
//! send, which workspace to act in, and problem details turned into
//! readable errors. HTTPS goes through rustls with the system's roots, or
//! the certificates of `SSL_CERT_FILE` when it is set.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tandem_api::{Me, Problem};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Config {
    pub server: Option<String>,
    pub token: Option<String>,
    pub workspace: Option<String>,
}

pub fn config_path() -> Result<PathBuf> {
    let dir = match std::env::var_os("TANDEM_CONFIG_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let base = std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
                .ok_or_else(|| anyhow!("cannot find a config directory: set TANDEM_CONFIG_DIR"))?;
            base.join("tandem")
        }
    };
    Ok(dir.join("config.json"))
}

pub fn load_config() -> Result<Config> {
    let path = config_path()?;
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

pub fn save_config(config: &Config) -> Result<()> {
    let path = config_path()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(config)?;
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("restricting {}", path.display()))?;
    }
    Ok(())
}

pub struct Client {
    http: reqwest::Client,
    pub server: String,
    token: Option<String>,
    workspace: Option<String>,
}

impl Client {
    /// The environment wins over the config file.
    pub fn from_env(workspace_flag: Option<String>) -> Result<Self> {
        let config = load_config()?;
        let server = std::env::var("TANDEM_SERVER")
            .ok()
            .filter(|s| !s.is_empty())
            .or(config.server)
            .ok_or_else(|| {
                anyhow!("no server: run `tandem login --server URL …` or set TANDEM_SERVER")
            })?;
        let token = std::env::var("TANDEM_TOKEN")
            .ok()
            .filter(|s| !s.is_empty())
            .or(config.token);
        let workspace = workspace_flag
            .or_else(|| {
                std::env::var("TANDEM_WORKSPACE")
                    .ok()
                    .filter(|s| !s.is_empty())
            })
            .or(config.workspace);
        Self::new(server, token, workspace)
    }

    pub fn new(server: String, token: Option<String>, workspace: Option<String>) -> Result<Self> {
        // rustls-native-certs reads SSL_CERT_FILE instead of the system's
        // roots, and a file it cannot read leaves no roots at all: say so
        // here rather than as an untrusted certificate later.
        if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty()) {
            std::fs::metadata(&file).with_context(|| {
                format!("SSL_CERT_FILE={}: cannot read it", file.to_string_lossy())
            })?;
        }
        let http = reqwest::Client::builder()
            .build()
            .context("setting up HTTPS (the system's certificates, or SSL_CERT_FILE)")?;
        Ok(Client {
            http,
            server: server.trim_end_matches('/').to_string(),
            token,
            workspace,
        })
    }

    /// Why the server could not be reached, in words: an untrusted
    /// certificate says what to do about it.
    fn unreachable(&self, error: reqwest::Error) -> anyhow::Error {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            let text = e.to_string();
            if text.contains("invalid peer certificate") {
                return anyhow!(
                    "cannot reach {}: its TLS certificate is not trusted ({text}); \
                     if it is yours, point SSL_CERT_FILE at its certificate (PEM) \
                     or add it to the system's trusted certificates",
                    self.server
                );
            }
            source = e.source();
        }
        anyhow::Error::new(error).context(format!("cannot reach {}", self.server))
    }

    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T> {
        let value = self.send_raw(method, path, body, &[]).await?.1;
        serde_json::from_value(value).context("the server's answer has an unexpected shape")
    }

    /// Sends a change to an object only if it is still at `version`, the
    /// version the caller read (`If-Match`): a change made meanwhile makes
    /// the server refuse it (412) instead of being overwritten. The answer
    /// is read as `T`; `()` takes an empty one (a delete's 204).
    pub async fn send_if_match<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        version: i64,
    ) -> Result<T> {
        let if_match = [("if-match", format!("\"{version}\""))];
        let value = self.send_raw(method, path, body, &if_match).await?.1;
        serde_json::from_value(value).context("the server's answer has an unexpected shape")
    }

    /// Sends a request and returns the status and JSON body (null when
    /// empty); a problem becomes an error naming every offending field.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, String)],
    ) -> Result<(StatusCode, Value, reqwest::header::HeaderMap)> {
        let mut request = self.request(method, path);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| self.unreachable(e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.context("reading the answer")?;
        if !status.is_success() {
            return Err(failure(status, &bytes));
        }
        let value: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Ok((status, value, headers))
    }

    /// A request to the server with the caller's token.
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}{}", self.server, path));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends a body that is not JSON (a file), and reads a JSON answer
    /// (null when there is none).
    pub async fn send_file<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<T> {
        let response = self
            .request(method, path)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status();
        let bytes = response.bytes().await.context("reading the answer")?;
        if !status.is_success() {
            return Err(failure(status, &bytes));
        }
        let bytes: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        serde_json::from_slice(bytes).context("the server's answer has an unexpected shape")
    }

    /// Reads an answer that is not JSON (an exported file) as text.
    pub async fn get_text(&self, path: &str) -> Result<String> {
        let bytes = self.get_bytes(path).await?;
        String::from_utf8(bytes).context("the server's answer is not UTF-8 text")
    }

    /// Reads an answer that is not JSON (a file) as it is.
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        let response = self
            .request(Method::GET, path)
            .send()
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status();
        let bytes = response.bytes().await.context("reading the answer")?;
        if !status.is_success() {
            return Err(failure(status, &bytes));
        }
        Ok(bytes.to_vec())
    }

    /// The workspace to act in: the flag, `TANDEM_WORKSPACE`, the config, or
    /// else the caller's only (or first) workspace.
    pub async fn workspace(&self) -> Result<String> {
        if let Some(ws) = &self.workspace {
            return Ok(ws.clone());
        }
        let me: Me = self.send(Method::GET, "/api/v1/me", None).await?;
        me.workspaces
            .first()
            .map(|w| w.slug.clone())
            .ok_or_else(|| anyhow!("you are not a member of any workspace"))
    }

    pub async fn ws_path(&self, rest: &str) -> Result<String> {
        Ok(format!(
            "/api/v1/workspaces/{}{}",
            self.workspace().await?,
            rest
        ))
    }
}

/// A refused request as an error: the problem's fields, or the status.
fn failure(status: StatusCode, body: &[u8]) -> anyhow::Error {
    match serde_json::from_slice::<Problem>(body) {
        Ok(problem) => describe(problem),
        Err(_) => anyhow!("the server answered {status}"),
    }
}

fn describe(problem: Problem) -> anyhow::Error {
    let mut text = problem.title.clone();
    if problem.errors.is_empty() {
        if let Some(detail) = &problem.detail {
            text.push_str(": ");
            text.push_str(detail);
        }
    } else {
        for e in &problem.errors {
            text.push_str(&format!("\n  {}: {}", e.field, e.message));
        }
    }
    anyhow!(text)
}
