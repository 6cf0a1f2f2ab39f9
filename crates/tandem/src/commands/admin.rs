//! `tandem admin`: bootstrapping a database directly, without a server
//! (the first workspace and its users). Everything else goes through the API.

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use serde_json::json;
use tandem_domain::{Email, Role, Slug, check_password};

use super::values::read_password;
use crate::output::{json as print_json, outln};

#[derive(Debug, Subcommand)]
pub(super) enum AdminCommand {
    /// Workspaces.
    #[command(subcommand)]
    Workspace(AdminWorkspace),
    /// Users.
    #[command(subcommand)]
    User(AdminUser),
}

#[derive(Debug, Subcommand)]
pub(super) enum AdminWorkspace {
    /// Create a workspace.
    Add {
        slug: String,
        /// The workspace's name.
        #[arg(long)]
        name: String,
        #[arg(
            long,
            env = "TANDEM_DATABASE_URL",
            default_value = "sqlite://tandem.db"
        )]
        database: String,
    },
}

#[derive(Debug, Subcommand)]
pub(super) enum AdminUser {
    /// Create a user (or reuse one with this email) and add them to a workspace.
    Add {
        email: String,
        /// The person's name as everyone sees it.
        #[arg(long)]
        name: String,
        #[arg(long)]
        workspace: String,
        #[arg(long, default_value = "member")]
        role: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[arg(
            long,
            env = "TANDEM_DATABASE_URL",
            default_value = "sqlite://tandem.db"
        )]
        database: String,
    },
}

pub(super) async fn admin(command: AdminCommand, as_json: bool) -> Result<()> {
    match command {
        AdminCommand::Workspace(AdminWorkspace::Add {
            slug,
            name,
            database,
        }) => {
            let slug = Slug::parse(&slug).map_err(|e| anyhow!("slug: {e}"))?;
            let mut v = tandem_domain::Validation::new();
            let name = tandem_domain::validate::required_text(Some(&name), "name", 200, &mut v);
            if let Err(errors) = v.into_result() {
                bail!("--name {}", errors[0].message);
            }
            let store = tandem_store::open(&database)
                .await
                .with_context(|| format!("opening {database}"))?;
            let workspace = store.create_workspace(&slug, name.trim(), None).await?;
            if as_json {
                print_json(&json!({"slug": workspace.slug, "name": workspace.name}));
            } else {
                outln!("Created workspace {} ({})", workspace.slug, workspace.name);
            }
        }
        AdminCommand::User(AdminUser::Add {
            email,
            name,
            workspace,
            role,
            password_stdin,
            database,
        }) => {
            let email = Email::parse(&email).map_err(|e| anyhow!("email: {e}"))?;
            let role: Role = role.parse().map_err(|e| anyhow!("--role: {e}"))?;
            let mut v = tandem_domain::Validation::new();
            let name = tandem_domain::validate::required_text(Some(&name), "name", 200, &mut v);
            if let Err(errors) = v.into_result() {
                bail!("--name {}", errors[0].message);
            }
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let password = read_password()?;
            check_password(&password).map_err(|e| anyhow!("password: {e}"))?;
            let store = tandem_store::open(&database)
                .await
                .with_context(|| format!("opening {database}"))?;
            let ws = store
                .workspace_by_slug(&workspace)
                .await?
                .ok_or_else(|| anyhow!("no workspace {workspace}"))?;
            let user = match store.user_by_email(&email).await? {
                Some(user) => user,
                None => {
                    let hash =
                        tandem_server::auth::hash_password(&password).map_err(|e| anyhow!(e))?;
                    store.create_user(&email, name.trim(), &hash).await?
                }
            };
            // Bootstrapping acts as the workspace itself: an owner scope.
            let scope = tandem_store::Scope {
                workspace_id: ws.id,
                user_id: user.id,
                role: Role::Owner,
            };
            store
                .add_member(
                    scope.admin().expect("an owner manages people"),
                    user.id,
                    role,
                )
                .await?;
            if as_json {
                print_json(&json!({"email": user.email, "workspace": ws.slug, "role": role}));
            } else {
                outln!("Added {} to {} as {}", user.email, ws.slug, role);
            }
        }
    }
    Ok(())
}
