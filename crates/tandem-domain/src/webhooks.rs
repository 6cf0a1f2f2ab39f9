//! Webhooks' rules: the event names a subscription may ask for and which
//! of them a recorded change is, which addresses a delivery may go to,
//! and when a failed delivery is tried again.
//!
//! What this is not: sending anything, signing, or reading the clock
//! (the server's webhook job does those).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// Every event a webhook may subscribe to, with what it means. The names
/// are the stable part of the delivery's schema (`event` in its body).
pub const EVENTS: &[(&str, &str)] = &[
    (
        "task.created",
        "a task was created (also an occurrence of a recurring task)",
    ),
    ("task.updated", "any field of a task changed"),
    (
        "task.status_changed",
        "a task's status changed (sent with task.updated)",
    ),
    ("task.deleted", "a task was deleted"),
    ("project.created", "a project was created or imported"),
    (
        "project.updated",
        "a project's fields changed, or it was archived or restored",
    ),
    ("project.deleted", "a project was deleted"),
    (
        "project.health_changed",
        "the health Tandem judges a project to be in changed (on track, at risk, off track), as its schedule, overdue work, milestones or risks moved",
    ),
    ("milestone.created", "a milestone was added"),
    ("milestone.updated", "a milestone changed"),
    (
        "milestone.reached",
        "a milestone was marked reached (sent with milestone.updated)",
    ),
    ("milestone.deleted", "a milestone was deleted"),
    ("phase.created", "a phase was added"),
    ("phase.updated", "a phase changed"),
    ("phase.deleted", "a phase was deleted"),
    ("dependency.created", "a dependency between tasks was added"),
    ("dependency.deleted", "a dependency was removed"),
    ("risk.created", "a risk was logged"),
    ("risk.updated", "a risk changed"),
    ("risk.deleted", "a risk was deleted"),
    ("stakeholder.created", "a stakeholder was added"),
    ("stakeholder.updated", "a stakeholder changed"),
    ("stakeholder.deleted", "a stakeholder was removed"),
    (
        "status_update.posted",
        "a status update was posted on a project, portfolio or goal",
    ),
    (
        "approval.requested",
        "an approval was asked for, or asked for again after changes",
    ),
    (
        "approval.answered",
        "an approver answered and others still have to",
    ),
    (
        "approval.decided",
        "an approval was approved, rejected or sent back for changes",
    ),
    ("approval.cancelled", "an approval was withdrawn"),
    (
        "comment.created",
        "a comment was added to a task, a project, a milestone or a risk (a reply too)",
    ),
    ("comment.updated", "a comment's text was edited"),
    (
        "comment.deleted",
        "a comment was deleted (its place in its thread stays)",
    ),
    ("member.joined", "someone joined the workspace"),
    ("member.updated", "a member's role or hours changed"),
    (
        "member.left",
        "someone left or was removed from the workspace",
    ),
];

/// Subscribes to every event, now and to come.
pub const ALL: &str = "*";

/// The words of `EVENTS` for a refusal or a help text.
pub fn event_names() -> String {
    EVENTS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A subscription's events from a comma-separated list: known names, each
/// once, in the order of [`EVENTS`]; or `*` alone for all.
pub fn parse_events(text: &str) -> Result<Vec<String>, String> {
    let asked: Vec<String> = text
        .split(',')
        .map(|word| word.trim().to_ascii_lowercase())
        .filter(|word| !word.is_empty())
        .collect();
    if asked.is_empty() {
        return Err(format!(
            "name at least one event ({ALL} for all): {}",
            event_names()
        ));
    }
    if asked.iter().any(|word| word == ALL) {
        return if asked.len() == 1 {
            Ok(vec![ALL.to_string()])
        } else {
            Err(format!("{ALL} means every event; name it alone"))
        };
    }
    if let Some(unknown) = asked
        .iter()
        .find(|word| !EVENTS.iter().any(|(name, _)| name == word))
    {
        return Err(format!(
            "'{unknown}' is not an event; the events are {}, or {ALL} for all",
            event_names()
        ));
    }
    Ok(EVENTS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| asked.iter().any(|word| word == name))
        .map(str::to_string)
        .collect())
}

/// Whether a subscription to `events` wants `event`.
pub fn wants(events: &[String], event: &str) -> bool {
    events.iter().any(|name| name == ALL || name == event)
}

/// The webhook events a recorded change is: the outbox's kind and action
/// and the fields it touched. A change may be two (an update that
/// changed a task's status is also `task.status_changed`); one that
/// webhooks do not tell of (a computed schedule, a baseline) is none.
pub fn events_of(kind: &str, action: &str, fields: &[String]) -> Vec<&'static str> {
    let touched = |field: &str| fields.iter().any(|f| f == field);
    let name = |wanted: &str| -> Option<&'static str> {
        EVENTS
            .iter()
            .find(|(name, _)| *name == wanted)
            .map(|(name, _)| *name)
    };
    let original = action;
    let action = match (kind, action) {
        ("project", "imported") => "created",
        ("project", "archived" | "unarchived") => "updated",
        ("member", "joined" | "created") => "joined",
        ("member", "deleted") => "left",
        ("member", "time off added" | "time off removed") => "updated",
        (_, "moved" | "reordered") => "updated",
        // Work changing level: the task stays (its work went or came
        // back); a project made is `created` by its own record, and one
        // demoted is gone.
        ("task", "promoted" | "demoted") => "updated",
        ("project", "promoted") => "updated",
        ("project", "demoted") => "deleted",
        ("milestone", "reached") => "updated",
        ("approval", "resubmitted") => "requested",
        ("project", "health changed") => "health_changed",
        _ => action,
    };
    let mut out: Vec<&'static str> = name(&format!("{kind}.{action}")).into_iter().collect();
    if (kind, action) == ("task", "updated") && touched("status") {
        out.extend(name("task.status_changed"));
    }
    if (kind, original) == ("milestone", "reached") {
        out.extend(name("milestone.reached"));
    }
    out
}

/// Whether a delivery may go to `ip` when private targets are refused:
/// the public internet only, never this machine, a private or shared
/// network, a link-local address (where clouds keep their metadata
/// service), or a range reserved for documentation, tests or multicast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds.
            if s[0..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            // 6to4 (2002::/16) reaches the IPv4 address in its next 32 bits.
            if s[0] == 0x2002 {
                let [a, b] = s[1].to_be_bytes();
                let [c, d] = s[2].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x2001 && s[1] == 0) // Teredo: tunnels to any address
                || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1) // local NAT64
                || s[0..4] == [0x100, 0, 0, 0] // discard
                || v6 == Ipv6Addr::from_bits(1)
                || s[0..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (b & 0xc0) == 64) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // benchmarking
        || a >= 240) // reserved
}

/// How many times a delivery is tried before it is marked failed.
pub const ATTEMPTS: u32 = 8;

/// A webhook is turned off after this many deliveries in a row failed
/// every attempt (about an hour of retries each), with no success between.
pub const DISABLE_AFTER: u32 = 3;

/// How long after its `attempt`-th failed try (from 1) a delivery is tried
/// again, or `None` when that was the last: `base`, then twice as long
/// each time (with the default 30 s: 30 s, 1, 2, 4, 8, 16 and 32 minutes,
/// about an hour in all), never more than six hours.
pub fn retry_after(attempt: u32, base: Duration) -> Option<Duration> {
    if attempt == 0 || attempt >= ATTEMPTS {
        return None;
    }
    let wait = base.saturating_mul(1 << (attempt - 1).min(20));
    Some(wait.min(Duration::from_secs(6 * 3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_as_known_names_in_a_fixed_order_or_all() {
        assert_eq!(
            parse_events(" Task.Updated, task.created ,task.created").unwrap(),
            ["task.created", "task.updated"]
        );
        assert_eq!(parse_events("*").unwrap(), ["*"]);
        assert!(
            parse_events("*,task.created")
                .unwrap_err()
                .contains("alone")
        );
        let unknown = parse_events("task.created,task.exploded").unwrap_err();
        assert!(unknown.contains("'task.exploded'"), "{unknown}");
        assert!(parse_events(" , ").unwrap_err().contains("at least one"));
        assert!(wants(&["*".into()], "risk.deleted"));
        assert!(!wants(&["task.created".into()], "task.updated"));
    }

    #[test]
    fn a_change_is_the_events_it_means() {
        let fields = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(events_of("task", "created", &[]), ["task.created"]);
        assert_eq!(
            events_of("task", "updated", &fields(&["title", "status"])),
            ["task.updated", "task.status_changed"]
        );
        assert_eq!(
            events_of("task", "updated", &fields(&["title"])),
            ["task.updated"]
        );
        assert_eq!(events_of("project", "imported", &[]), ["project.created"]);
        assert_eq!(events_of("project", "archived", &[]), ["project.updated"]);
        assert_eq!(events_of("task", "promoted", &[]), ["task.updated"]);
        assert_eq!(events_of("task", "moved", &[]), ["task.updated"]);
        assert_eq!(events_of("project", "demoted", &[]), ["project.deleted"]);
        assert_eq!(
            events_of("member", "time off added", &[]),
            ["member.updated"]
        );
        assert_eq!(
            events_of("status_update", "posted", &[]),
            ["status_update.posted"]
        );
        // An invitation is not yet a member; schedules are computed, not
        // changed by anyone.
        assert!(events_of("member", "invited", &[]).is_empty());
        assert!(events_of("schedule", "computed", &[]).is_empty());
        assert_eq!(
            events_of("milestone", "reached", &fields(&["reached"])),
            ["milestone.updated", "milestone.reached"]
        );
        assert_eq!(
            events_of("approval", "resubmitted", &[]),
            ["approval.requested"]
        );
        assert_eq!(events_of("approval", "decided", &[]), ["approval.decided"]);
        assert_eq!(events_of("comment", "created", &[]), ["comment.created"]);
        // A reaction redraws pages; it is nobody's news.
        assert!(events_of("comment", "reacted", &[]).is_empty());
        assert!(events_of("baseline", "created", &[]).is_empty());
        // A judgement of health is not an edit of the project.
        assert_eq!(
            events_of("project", "health changed", &fields(&["health"])),
            ["project.health_changed"]
        );
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
            "2002:7f00:1::",
            "2001:0:7f00:1::",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "64:ff9b:1::7f00:1",
            "100::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_then_stop() {
        let base = Duration::from_secs(30);
        assert_eq!(retry_after(1, base), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(2, base), Some(Duration::from_secs(60)));
        assert_eq!(retry_after(7, base), Some(Duration::from_secs(30 * 64)));
        assert_eq!(retry_after(ATTEMPTS, base), None);
        assert_eq!(
            retry_after(7, Duration::from_secs(3600)),
            Some(Duration::from_secs(6 * 3600))
        );
    }
}
