//! `tandem member` and `tandem invitation`: the people of a workspace, their
//! hours and time off, and invitations from both sides (sent by a
//! workspace's owners and admins, answered by the invited).

use anyhow::{Result, anyhow};
use clap::Subcommand;
use reqwest::Method;
use tandem_api::*;
use tandem_domain::Role;

use super::values::{date_value, request_body};
use crate::client::Client;
use crate::output::{json as print_json, or_dash, outln, table};

#[derive(Debug, Subcommand)]
pub(super) enum MemberCommand {
    /// Members, their roles, hours a week and (to owners and admins)
    /// cost rates.
    List,
    /// Set how many hours a week a member works (40 is full time).
    Capacity {
        email: String,
        /// Hours a week, 0 to 168.
        #[arg(value_parser = super::values::finite)]
        hours: f64,
    },
    /// Set what an hour of a member's work costs, in the workspace's
    /// currency (the one budgets are in), or "none" (owners and admins).
    /// Scenarios compare their plans' cost by it.
    Rate {
        email: String,
        /// An amount an hour, 0 to 1000000, e.g. 85 or 62.5; "none" for
        /// not costed.
        per_hour: String,
    },
    /// Record time off: their work waits for them in the schedule, and
    /// levelling keeps it off those days.
    Away {
        email: String,
        /// The first day away: YYYY-MM-DD or a date word (today, tomorrow, fri, next week, +3d).
        #[arg(long)]
        from: String,
        /// The last day away (default: the first).
        #[arg(long)]
        to: Option<String>,
        /// Why, in a few words (shown to the team).
        #[arg(long)]
        note: Option<String>,
    },
    /// A member's time off; with --rm ID, take that time off back.
    TimeOff {
        email: String,
        /// The id of time off to take back (the first column of the list).
        #[arg(long)]
        rm: Option<i64>,
    },
    /// Invite a person by email; prints the invitation's link (shown only
    /// now, and mailed to them when the server sends email): they open it
    /// signed in with that email, or run `tandem invitation accept TOKEN`;
    /// someone without an account makes it with `tandem invitation join
    /// LINK`. Owners and admins.
    Invite {
        email: String,
        /// The role they join with: owner (owners only), admin, member or guest.
        #[arg(long, default_value = "member", value_parser = ["owner", "admin", "member", "guest"])]
        role: String,
    },
    /// The workspace's open invitations (owners and admins).
    Invitations,
    /// Deactivate a member (owners and admins): they no longer open the
    /// workspace or are given work; their history keeps their name. Their
    /// open project tasks go to --reassign-to, or stay theirs, flagged.
    Deactivate {
        email: String,
        /// Another member's email: their open project tasks become this
        /// person's.
        #[arg(long)]
        reassign_to: Option<String>,
    },
    /// Bring a deactivated member back with the role and hours they had
    /// (owners and admins).
    Reactivate { email: String },
    /// Deactivated members and the open project tasks still theirs
    /// (owners and admins).
    Deactivated,
    /// Withdraw an invitation by its id (owners and admins).
    Uninvite { id: i64 },
}

#[derive(Debug, Subcommand)]
pub(super) enum InvitationCommand {
    /// Invitations waiting for you, in any workspace.
    List,
    /// Accept an invitation: join its workspace with its role. Give its
    /// link, the token in it, or its id from `tandem invitation list`.
    Accept { invitation: String },
    /// Decline an invitation.
    Decline { id: i64 },
    /// New to Tandem: make your account for the invited email and accept
    /// (no sign-in needed; you are signed in after).
    Join(super::auth::JoinArgs),
}

fn print_invitations(invitations: &[InvitationView], as_json: bool) {
    if as_json {
        print_json(&invitations);
        return;
    }
    let rows = invitations
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.workspace.clone(),
                i.email.clone(),
                i.role.to_string(),
                or_dash(i.invited_by.as_ref().map(|u| u.name.clone())),
                i.expires_at.format("%Y-%m-%d").to_string(),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &["id", "workspace", "email", "role", "invited by", "until"],
        &rows,
    );
}

pub(super) async fn invitation_command(
    client: &Client,
    command: InvitationCommand,
    as_json: bool,
) -> Result<()> {
    match command {
        InvitationCommand::List => {
            let list: Vec<InvitationView> = client
                .send(Method::GET, "/api/v1/invitations", None)
                .await?;
            print_invitations(&list, as_json);
        }
        InvitationCommand::Accept { invitation } => {
            let joined: WorkspaceView = match invitation.trim().parse::<i64>() {
                Ok(id) => {
                    client
                        .send(
                            Method::POST,
                            &format!("/api/v1/invitations/{id}/accept"),
                            None,
                        )
                        .await?
                }
                Err(_) => {
                    // A whole link, or the token in it.
                    let token = invitation
                        .rsplit_once("token=")
                        .map_or(invitation.trim(), |(_, token)| token.trim());
                    let body = request_body(&AcceptInvitation {
                        token: Some(token.to_string()),
                    })?;
                    client
                        .send(Method::POST, "/api/v1/invitations/accept", Some(&body))
                        .await?
                }
            };
            if as_json {
                print_json(&joined);
            } else {
                outln!(
                    "Joined {} ({}) as {}; use it with --workspace {}",
                    joined.name,
                    joined.slug,
                    joined.role,
                    joined.slug
                );
            }
        }
        InvitationCommand::Join(_) => unreachable!("handled before a client is made"),
        InvitationCommand::Decline { id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &format!("/api/v1/invitations/{id}"),
                    None,
                    &[],
                )
                .await?;
            outln!("Declined invitation {id}");
        }
    }
    Ok(())
}

pub(super) async fn member_command(
    client: &Client,
    command: MemberCommand,
    as_json: bool,
) -> Result<()> {
    // Invitations need no member list.
    match &command {
        MemberCommand::Invite { email, role } => {
            let request = AddMember {
                email: email.clone(),
                role: role.parse::<Role>().map_err(|e| anyhow!(e))?,
            };
            let invitation: InvitationView = client
                .send(
                    Method::POST,
                    &client.ws_path("/members").await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            // The link on this server, as the invited person opens it.
            let link = invitation
                .link
                .as_ref()
                .map(|path| format!("{}{path}", client.server.trim_end_matches('/')));
            if as_json {
                let mut shown = serde_json::to_value(&invitation)?;
                shown["link"] = serde_json::json!(link);
                print_json(&shown);
            } else {
                let how = match invitation.mailed {
                    true => "It was mailed to them; here is the link, shown only now:",
                    false => "No email was sent; give them this link, shown only now:",
                };
                outln!(
                    "Invited {} to {} as {} (invitation {}, open until {}). {how}",
                    invitation.email,
                    invitation.workspace,
                    invitation.role,
                    invitation.id,
                    invitation.expires_at.format("%Y-%m-%d"),
                );
                if let Some(link) = &link {
                    outln!("{link}");
                    let token = link.rsplit_once("token=").map_or("", |(_, t)| t);
                    outln!(
                        "They open it signed in as {}, or run: tandem invitation accept {token}",
                        invitation.email
                    );
                    outln!(
                        "New to Tandem? The link's page makes their account, or: tandem invitation join {link} --name NAME --password-stdin"
                    );
                }
            }
            return Ok(());
        }
        MemberCommand::Invitations => {
            let list: Vec<InvitationView> = client
                .send(Method::GET, &client.ws_path("/invitations").await?, None)
                .await?;
            print_invitations(&list, as_json);
            return Ok(());
        }
        MemberCommand::Deactivated | MemberCommand::Reactivate { .. } => {
            let list: Vec<DeactivatedMemberView> = client
                .send(
                    Method::GET,
                    &client.ws_path("/members/deactivated").await?,
                    None,
                )
                .await?;
            if let MemberCommand::Reactivate { email } = &command {
                let id = list
                    .iter()
                    .find(|m| m.user.email.eq_ignore_ascii_case(email))
                    .map(|m| m.user.id)
                    .ok_or_else(|| {
                        anyhow!("{email} is not a deactivated member of this workspace")
                    })?;
                let member: MemberView = client
                    .send(
                        Method::POST,
                        &client.ws_path(&format!("/members/{id}/reactivate")).await?,
                        None,
                    )
                    .await?;
                if as_json {
                    print_json(&member);
                } else {
                    outln!("{} is back, as {}", member.user.email, member.role);
                }
                return Ok(());
            }
            if as_json {
                print_json(&list);
                return Ok(());
            }
            let rows = list
                .iter()
                .map(|m| {
                    vec![
                        m.user.email.clone(),
                        m.user.name.clone(),
                        m.role.to_string(),
                        m.deactivated_at.format("%Y-%m-%d").to_string(),
                        m.open_tasks.to_string(),
                    ]
                })
                .collect::<Vec<_>>();
            table(
                &["email", "name", "role", "deactivated", "open tasks"],
                &rows,
            );
            return Ok(());
        }
        MemberCommand::Uninvite { id } => {
            client
                .send_raw(
                    Method::DELETE,
                    &client.ws_path(&format!("/invitations/{id}")).await?,
                    None,
                    &[],
                )
                .await?;
            outln!("Withdrew invitation {id}");
            return Ok(());
        }
        _ => {}
    }
    let members: Vec<MemberView> = client
        .send(Method::GET, &client.ws_path("/members").await?, None)
        .await?;
    let id_of = |email: &str| -> Result<i64> {
        members
            .iter()
            .find(|m| m.user.email.eq_ignore_ascii_case(email))
            .map(|m| m.user.id)
            .ok_or_else(|| anyhow!("{email} is not a member of this workspace"))
    };
    match command {
        MemberCommand::List => {
            if as_json {
                print_json(&members);
                return Ok(());
            }
            let rows = members
                .iter()
                .map(|m| {
                    vec![
                        m.user.email.clone(),
                        m.user.name.clone(),
                        m.role.to_string(),
                        format!("{}h", m.capacity_hours),
                        m.cost_rate.map(|r| format!("{r}/h")).unwrap_or_default(),
                    ]
                })
                .collect::<Vec<_>>();
            // Rates are shown to owners and admins: to others, no column
            // that reads as "not costed".
            if members.iter().any(|m| m.cost_rate.is_some()) {
                table(&["email", "name", "role", "week", "rate"], &rows);
            } else {
                let rows: Vec<Vec<String>> = rows
                    .into_iter()
                    .map(|mut r| {
                        r.pop();
                        r
                    })
                    .collect();
                table(&["email", "name", "role", "week"], &rows);
            }
        }
        MemberCommand::Rate { email, per_hour } => {
            let rate = match per_hour.trim() {
                none if none.eq_ignore_ascii_case("none") => None,
                amount => Some(super::values::finite(amount).map_err(|_| {
                    anyhow!("{per_hour}: give an amount an hour, e.g. 85 or 62.5, or none")
                })?),
            };
            let id = id_of(&email)?;
            let member: MemberView = client
                .send(
                    Method::PUT,
                    &client.ws_path(&format!("/members/{id}/cost-rate")).await?,
                    Some(&serde_json::json!({ "cost_rate": rate })),
                )
                .await?;
            if as_json {
                print_json(&member);
            } else {
                match member.cost_rate {
                    Some(rate) => outln!("An hour of {}'s work costs {rate}", member.user.email),
                    None => outln!("{}'s work is not costed", member.user.email),
                }
            }
        }
        MemberCommand::Capacity { email, hours } => {
            let id = id_of(&email)?;
            let member: MemberView = client
                .send(
                    Method::PATCH,
                    &client
                        .ws_path(&format!("/members/{id}/availability"))
                        .await?,
                    Some(&request_body(&UpdateAvailability {
                        capacity_hours: Some(hours),
                    })?),
                )
                .await?;
            if as_json {
                print_json(&member);
            } else {
                outln!(
                    "{} works {} hours a week",
                    member.user.email,
                    member.capacity_hours
                );
            }
        }
        MemberCommand::Away {
            email,
            from,
            to,
            note,
        } => {
            let id = id_of(&email)?;
            let request = CreateTimeOff {
                start_date: date_value("from", &from)?,
                end_date: to
                    .as_deref()
                    .map(|d| date_value("to", d))
                    .transpose()?
                    .flatten(),
                note,
            };
            let away: TimeOffView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/members/{id}/time-off")).await?,
                    Some(&request_body(&request)?),
                )
                .await?;
            if as_json {
                print_json(&away);
            } else {
                outln!("{email} is away {} → {}", away.start_date, away.end_date);
            }
        }
        MemberCommand::TimeOff {
            email,
            rm: Some(off),
        } => {
            let id = id_of(&email)?;
            client
                .send_raw(
                    Method::DELETE,
                    &client
                        .ws_path(&format!("/members/{id}/time-off/{off}"))
                        .await?,
                    None,
                    &[],
                )
                .await?;
            if !as_json {
                outln!("Took back time off #{off} of {email}");
            }
        }
        MemberCommand::TimeOff { email, rm: None } => {
            let id = id_of(&email)?;
            let list: Vec<TimeOffView> = client
                .send(
                    Method::GET,
                    &client.ws_path(&format!("/members/{id}/time-off")).await?,
                    None,
                )
                .await?;
            if as_json {
                print_json(&list);
                return Ok(());
            }
            let rows = list
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.start_date.to_string(),
                        t.end_date.to_string(),
                        or_dash(t.note.clone()),
                    ]
                })
                .collect::<Vec<_>>();
            table(&["id", "from", "to", "note"], &rows);
        }
        MemberCommand::Deactivate { email, reassign_to } => {
            let id = id_of(&email)?;
            let done: DeactivationView = client
                .send(
                    Method::POST,
                    &client.ws_path(&format!("/members/{id}/deactivate")).await?,
                    Some(&request_body(&DeactivateMember {
                        reassign_to: reassign_to.clone(),
                    })?),
                )
                .await?;
            if as_json {
                print_json(&done);
            } else {
                outln!("Deactivated {email}");
                match (&reassign_to, done.reassigned.len(), done.kept.len()) {
                    (_, 0, 0) => outln!("They had no open project tasks."),
                    (Some(heir), n, _) => outln!("{n} open tasks are now {heir}'s."),
                    (None, _, n) => outln!(
                        "{n} open tasks stay theirs, flagged: {} (hand them on with tandem task edit KEY --owner EMAIL)",
                        done.kept.join(", ")
                    ),
                }
            }
        }
        MemberCommand::Invite { .. }
        | MemberCommand::Invitations
        | MemberCommand::Deactivated
        | MemberCommand::Reactivate { .. }
        | MemberCommand::Uninvite { .. } => {
            unreachable!("answered above")
        }
    }
    Ok(())
}
