//! Signing in (`tandem login`, which saves a personal token) and the
//! personal API tokens (`tandem token`).

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use tandem_api::*;

use super::values::{read_password, request_body};
use crate::client::{Client, Config, load_config, save_config};
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Args)]
pub(super) struct LoginArgs {
    #[arg(long)]
    server: String,
    #[arg(long)]
    email: String,
    /// Read the password from standard input.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub(super) enum TokenCommand {
    /// Create a token and print it (shown once).
    Create { name: String },
    /// List your tokens.
    List,
    /// Revoke a token by id.
    Revoke { id: i64 },
}

pub(super) async fn login(args: LoginArgs, workspace: Option<String>) -> Result<()> {
    if !args.password_stdin {
        bail!("give the password on standard input with --password-stdin");
    }
    let password = read_password()?;
    let client = Client::new(args.server.clone(), None, None)?;
    let (_, me, headers) = client
        .send_raw(
            Method::POST,
            "/api/v1/auth/login",
            Some(&request_body(&LoginRequest {
                email: args.email,
                password,
            })?),
            &[],
        )
        .await?;
    let me: Me = serde_json::from_value(me).context("unexpected sign-in answer")?;
    let cookie = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow!("the server did not start a session"))?
        .to_string();
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "this machine".into());
    let (_, token, _) = client
        .send_raw(
            Method::POST,
            "/api/v1/tokens",
            Some(&request_body(&CreateToken {
                name: format!("tandem CLI on {host}"),
            })?),
            &[("cookie", cookie.clone())],
        )
        .await?;
    let token: TokenView = serde_json::from_value(token)?;
    client
        .send_raw(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            &[("cookie", cookie)],
        )
        .await?;
    let workspace = workspace.or_else(|| me.workspaces.first().map(|w| w.slug.clone()));
    let mut config = load_config().unwrap_or_else(|_| Config::default());
    config.server = Some(args.server);
    config.token = token.token;
    config.workspace = workspace.clone();
    save_config(&config)?;
    outln!(
        "Signed in as {} ({}); workspace {}",
        me.user.name,
        me.user.email,
        or_dash(workspace)
    );
    Ok(())
}

pub(super) async fn token_command(
    client: &Client,
    command: TokenCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        TokenCommand::Create { name } => {
            let token: TokenView = client
                .send(
                    Method::POST,
                    "/api/v1/tokens",
                    Some(&request_body(&CreateToken { name })?),
                )
                .await?;
            if as_json {
                print_json(&token);
            } else {
                outln!("{}", token.token.unwrap_or_default());
            }
        }
        TokenCommand::List => {
            let tokens: Vec<TokenView> = client.send(Method::GET, "/api/v1/tokens", None).await?;
            if as_json {
                return {
                    print_json(&tokens);
                    Ok(())
                };
            }
            let rows = tokens
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.name.clone(),
                        t.created_at.format("%Y-%m-%d").to_string(),
                        if t.revoked_at.is_some() {
                            "revoked".into()
                        } else {
                            "active".into()
                        },
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "name", "created", "state"], &rows);
        }
        TokenCommand::Revoke { id } => {
            client
                .send_raw(Method::DELETE, &format!("/api/v1/tokens/{id}"), None, &[])
                .await?;
            outln!("Revoked token {id}");
        }
    }
    Ok(())
}
