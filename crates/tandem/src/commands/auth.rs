//! Signing in (`tandem login`, which saves a personal token), the
//! personal API tokens (`tandem token`), your own profile (`tandem
//! profile`) and your workspaces (`tandem workspace`).

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use reqwest::Method;
use tandem_api::*;

use super::values::{read_password, request_body};
use crate::client::{Client, Config, load_config, save_config};
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Args)]
pub(super) struct LoginArgs {
    /// The server's address, as `tandem serve` prints it
    /// (http://127.0.0.1:8080).
    #[arg(long)]
    server: String,
    /// The email you sign in with.
    #[arg(long)]
    email: String,
    /// Read the password from standard input.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Args)]
pub(super) struct JoinArgs {
    /// The invitation's link, or the token in it.
    invitation: String,
    /// The server's address; taken from the link when the whole link is
    /// given.
    #[arg(long)]
    server: Option<String>,
    /// Your name, as others in the workspace will see it.
    #[arg(long)]
    name: String,
    /// Read the password (at least 8 characters) from standard input.
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
    keep_session(&client, args.server, me, &headers, workspace).await
}

/// Someone invited who has no account: makes it for the invited email,
/// joins, and keeps a token as `login` does.
pub(super) async fn join(args: JoinArgs, workspace: Option<String>) -> Result<()> {
    if !args.password_stdin {
        bail!("give the password on standard input with --password-stdin");
    }
    let server = match (&args.server, args.invitation.split_once("/invitations/")) {
        (Some(server), _) => server.clone(),
        (None, Some((origin, _))) if origin.starts_with("http") => origin.to_string(),
        (None, _) => bail!("name the server with --server, or give the invitation's whole link"),
    };
    let password = read_password()?;
    let client = Client::new(server.clone(), None, None)?;
    let (_, me, headers) = client
        .send_raw(
            Method::POST,
            "/api/v1/invitations/join",
            Some(&request_body(&JoinInvitation {
                token: Some(args.invitation),
                name: Some(args.name),
                password: Some(password),
            })?),
            &[],
        )
        .await?;
    keep_session(&client, server, me, &headers, workspace).await
}

/// After signing in (`me` and its session's cookie in `headers`): an API
/// token made with the session, the session ended, and the token, server
/// and workspace kept for the commands that follow.
async fn keep_session(
    client: &Client,
    server: String,
    me: serde_json::Value,
    headers: &reqwest::header::HeaderMap,
    workspace: Option<String>,
) -> Result<()> {
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
    config.server = Some(server);
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

#[derive(Debug, Subcommand)]
pub(super) enum ProfileCommand {
    /// Who you are signed in as, and your workspaces with your role in each.
    Show,
    /// Change your name, as everyone sees it (your email stays).
    Edit {
        /// Your name as everyone sees it.
        #[arg(long)]
        name: String,
    },
    /// Change your password. Standard input gives the current password on
    /// its first line and the new one (at least 8 characters) on its
    /// second. Your other sign-in sessions end; API tokens stay.
    Password {
        /// Read both passwords from standard input.
        #[arg(long)]
        passwords_stdin: bool,
    },
    /// Set your picture (a PNG, JPEG, GIF or WebP file of at most 512
    /// KiB), or with --remove go back to your initials.
    Avatar {
        /// The picture.
        #[arg(required_unless_present = "remove")]
        file: Option<std::path::PathBuf>,
        /// Take your picture away.
        #[arg(long, conflicts_with = "file")]
        remove: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum WorkspaceCommand {
    /// Your workspaces and your role in each.
    List,
    /// Rename the workspace (-w, or your default; owners and admins). Its
    /// address, the slug, stays.
    Rename { name: String },
}

fn print_me(me: &Me) {
    outln!("{} <{}>", me.user.name, me.user.email);
    let rows = me
        .workspaces
        .iter()
        .map(|w| vec![w.slug.clone(), w.name.clone(), w.role.to_string()])
        .collect::<Vec<_>>();
    table(&["workspace", "name", "role"], &rows);
}

pub(super) async fn profile_command(
    client: &Client,
    command: ProfileCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        ProfileCommand::Show => {
            let me: Me = client.send(Method::GET, "/api/v1/me", None).await?;
            if as_json {
                print_json(&me);
            } else {
                print_me(&me);
            }
        }
        ProfileCommand::Edit { name } => {
            let me: Me = client
                .send(
                    Method::PATCH,
                    "/api/v1/me",
                    Some(&request_body(&UpdateMe { name: Some(name) })?),
                )
                .await?;
            if as_json {
                print_json(&me);
            } else {
                outln!("Your name is now {}", me.user.name);
            }
        }
        ProfileCommand::Avatar { file, remove } => match file {
            Some(file) if !remove => {
                let bytes =
                    std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                client
                    .send_file::<serde_json::Value>(
                        Method::PUT,
                        "/api/v1/me/avatar",
                        "application/octet-stream",
                        bytes,
                    )
                    .await?;
                if !as_json {
                    outln!("Your picture is set");
                }
            }
            _ => {
                client
                    .send_raw(Method::DELETE, "/api/v1/me/avatar", None, &[])
                    .await?;
                if !as_json {
                    outln!("Your initials stand in for a picture again");
                }
            }
        },
        ProfileCommand::Password { passwords_stdin } => {
            if !passwords_stdin {
                bail!(
                    "give the current and the new password on standard input, a line each, with --passwords-stdin"
                );
            }
            let text = read_password()?;
            let mut lines = text.lines();
            let (Some(current), Some(new)) = (lines.next(), lines.next()) else {
                bail!("standard input needs two lines: the current password, then the new one");
            };
            client
                .send_raw(
                    Method::POST,
                    "/api/v1/me/password",
                    Some(&request_body(&ChangePassword {
                        current_password: Some(current.to_string()),
                        new_password: Some(new.trim_end_matches('\r').to_string()),
                    })?),
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Password changed; your other sessions are signed out");
            }
        }
    }
    Ok(())
}

pub(super) async fn workspace_command(
    client: &Client,
    command: WorkspaceCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        WorkspaceCommand::List => {
            let me: Me = client.send(Method::GET, "/api/v1/me", None).await?;
            if as_json {
                print_json(&me.workspaces);
            } else {
                print_me(&me);
            }
        }
        WorkspaceCommand::Rename { name } => {
            let path = client.ws_path("").await?;
            let workspace: WorkspaceView = client
                .send(
                    Method::PATCH,
                    &path,
                    Some(&request_body(&UpdateWorkspace { name: Some(name) })?),
                )
                .await?;
            if as_json {
                print_json(&workspace);
            } else {
                outln!(
                    "Workspace {} is now called {}",
                    workspace.slug,
                    workspace.name
                );
            }
        }
    }
    Ok(())
}
