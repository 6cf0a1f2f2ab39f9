//! The three starter templates every workspace has: a product launch, a
//! client onboarding and a quarter's planning. Each is a plan that
//! schedules: estimates and finish-to-start links give its dates, phases
//! and milestones frame it, risks say what tends to go wrong, and owners
//! are roles a project from it is given people for.

use super::{
    LinkPart, MilestonePart, PhasePart, ProjectTemplate, RiskPart, StakeholderPart, TaskPart,
};
use crate::model::{DependencyKind, LagFormat, Priority, StakeholderRole};

/// The starter templates' names, in the order they are listed.
pub const STARTERS: &[&str] = &["Product launch", "Client onboarding", "Quarterly planning"];

/// A starter template by name (any case).
pub fn starter(name: &str) -> Option<ProjectTemplate> {
    match name.trim().to_ascii_lowercase().as_str() {
        "product launch" => Some(product_launch()),
        "client onboarding" => Some(client_onboarding()),
        "quarterly planning" => Some(quarterly_planning()),
        _ => None,
    }
}

/// A task of a starter: its title, role, estimate in days, phase,
/// milestone it completes, and the tasks before it.
struct Step {
    title: &'static str,
    role: usize,
    days: f64,
    phase: usize,
    milestone: Option<usize>,
    after: &'static [usize],
    priority: Priority,
}

const fn step(
    title: &'static str,
    role: usize,
    days: f64,
    phase: usize,
    after: &'static [usize],
) -> Step {
    Step {
        title,
        role,
        days,
        phase,
        milestone: None,
        after,
        priority: Priority::Medium,
    }
}

impl Step {
    const fn closes(mut self, milestone: usize) -> Step {
        self.milestone = Some(milestone);
        self.priority = Priority::High;
        self
    }
}

/// Puts a starter together from its parts.
#[allow(clippy::too_many_arguments)]
fn assemble(
    description: &str,
    objective: &str,
    target: i64,
    roles: &[&str],
    phases: &[(&str, i64, i64)],
    milestones: &[(&str, i64, usize)],
    steps: &[Step],
    risks: &[(&str, i64, i64, usize, &str)],
    stakeholders: &[(usize, StakeholderRole)],
) -> ProjectTemplate {
    let tasks = steps
        .iter()
        .map(|s| TaskPart {
            title: s.title.to_string(),
            description: None,
            priority: s.priority,
            estimate_days: Some(s.days),
            effort_hours: None,
            start: None,
            due: None,
            constraint: None,
            parent: None,
            phase: Some(s.phase),
            milestone: s.milestone,
            role: Some(s.role),
            tags: Vec::new(),
        })
        .collect();
    let dependencies = steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.after.iter().map(move |&before| LinkPart {
                predecessor: before,
                successor: i,
                kind: DependencyKind::Fs,
                lag_days: 0.0,
                lag_format: LagFormat::WorkingDays,
            })
        })
        .collect();
    ProjectTemplate {
        description: Some(description.to_string()),
        objective: Some(objective.to_string()),
        target: Some(target),
        hours_per_day: 8.0,
        roles: roles.iter().map(|r| r.to_string()).collect(),
        phases: phases
            .iter()
            .map(|(name, start, end)| PhasePart {
                name: name.to_string(),
                start: Some(*start),
                end: Some(*end),
            })
            .collect(),
        milestones: milestones
            .iter()
            .map(|(name, date, phase)| MilestonePart {
                name: name.to_string(),
                date: Some(*date),
                description: None,
                phase: Some(*phase),
            })
            .collect(),
        tasks,
        dependencies,
        risks: risks
            .iter()
            .map(|(title, probability, impact, role, mitigation)| RiskPart {
                title: title.to_string(),
                description: None,
                probability: *probability,
                impact: *impact,
                mitigation: Some(mitigation.to_string()),
                role: Some(*role),
            })
            .collect(),
        stakeholders: stakeholders
            .iter()
            .map(|(role, as_)| StakeholderPart {
                role: *role,
                as_: *as_,
            })
            .collect(),
        ..Default::default()
    }
}

fn product_launch() -> ProjectTemplate {
    const PM: usize = 0;
    const ENG: usize = 1;
    const DESIGN: usize = 2;
    const MARKETING: usize = 3;
    const SUPPORT: usize = 4;
    assemble(
        "Nine weeks from customer interviews to a launched feature and its first measure of adoption.",
        "Ship the feature customers asked for, with marketing and support ready on launch day.",
        46,
        &[
            "Product manager",
            "Engineer",
            "Designer",
            "Marketing",
            "Support lead",
        ],
        &[("Discovery", 0, 12), ("Build", 13, 32), ("Launch", 33, 46)],
        &[
            ("Scope signed off", 12, 0),
            ("Feature complete", 32, 1),
            ("Launch day", 39, 2),
        ],
        &[
            step("Interview customers", PM, 4.0, 0, &[]),
            step("Write the product brief", PM, 3.0, 0, &[0]),
            step("Design the user flows", DESIGN, 5.0, 0, &[1]),
            step("Sign off the scope", PM, 1.0, 0, &[2]).closes(0),
            step("Build the feature", ENG, 12.0, 1, &[3]),
            step("Write the help articles", SUPPORT, 4.0, 1, &[3]),
            step("Test with beta customers", PM, 5.0, 1, &[4]),
            step("Fix what the beta found", ENG, 3.0, 1, &[6]).closes(1),
            step("Plan the launch campaign", MARKETING, 5.0, 1, &[3]),
            step("Prepare the launch materials", MARKETING, 5.0, 2, &[8, 7]),
            step("Train the support team", SUPPORT, 2.0, 2, &[5, 7]),
            step("Go / no-go review", PM, 1.0, 2, &[9, 10]),
            step("Launch", MARKETING, 1.0, 2, &[11]).closes(2),
            step("Measure adoption", PM, 5.0, 2, &[12]),
        ],
        &[
            (
                "The beta finds more than we can fix in time",
                3,
                4,
                ENG,
                "Keep the scope signed off small; agree at sign-off what can ship later.",
            ),
            (
                "The launch date collides with another release",
                2,
                3,
                MARKETING,
                "Check the release calendar at the go / no-go review.",
            ),
            (
                "Support is not ready for the first questions",
                2,
                3,
                SUPPORT,
                "Help articles before the beta; training before the go / no-go.",
            ),
        ],
        &[
            (PM, StakeholderRole::Approver),
            (MARKETING, StakeholderRole::Contributor),
        ],
    )
}

fn client_onboarding() -> ProjectTemplate {
    const AM: usize = 0;
    const LEAD: usize = 1;
    const TRAINER: usize = 2;
    const SUPPORT: usize = 3;
    assemble(
        "Four and a half weeks from a signed contract to a client live on the product and handed to support.",
        "Get the new client live and using the product within a month of signing.",
        22,
        &[
            "Account manager",
            "Implementation lead",
            "Trainer",
            "Support lead",
        ],
        &[("Kickoff", 0, 2), ("Setup", 3, 14), ("Go-live", 15, 22)],
        &[
            ("Kickoff held", 2, 0),
            ("Setup signed off", 14, 1),
            ("Client live", 19, 2),
        ],
        &[
            step("Send the welcome pack", AM, 1.0, 0, &[]),
            step("Schedule the kickoff", AM, 1.0, 0, &[0]),
            step("Hold the kickoff meeting", AM, 1.0, 0, &[1]).closes(0),
            step("Collect the requirements", LEAD, 3.0, 1, &[2]),
            step("Configure the account", LEAD, 4.0, 1, &[3]),
            step("Import the client's data", LEAD, 3.0, 1, &[4]),
            step("Set up the integrations", LEAD, 3.0, 1, &[4]),
            step("Client acceptance test", AM, 2.0, 1, &[5, 6]).closes(1),
            step("Train the client's admins", TRAINER, 2.0, 2, &[7]),
            step("Train the end users", TRAINER, 2.0, 2, &[8]),
            step("Go live", LEAD, 1.0, 2, &[9]).closes(2),
            step("Hand over to support", SUPPORT, 1.0, 2, &[10]),
            step("First check-in with the client", AM, 1.0, 2, &[11]),
        ],
        &[
            (
                "The client's data arrives late or needs cleaning",
                4,
                3,
                LEAD,
                "Ask for a sample at kickoff and agree on a format and a date.",
            ),
            (
                "The client's key contact is unavailable",
                3,
                3,
                AM,
                "Name a second contact at kickoff.",
            ),
        ],
        &[
            (AM, StakeholderRole::Approver),
            (SUPPORT, StakeholderRole::Informed),
        ],
    )
}

fn quarterly_planning() -> ProjectTemplate {
    const HEAD: usize = 0;
    const LEADS: usize = 1;
    const FINANCE: usize = 2;
    assemble(
        "Three weeks to review the quarter past and commit to the next one's goals and plans.",
        "Start the quarter with goals, team plans and a budget everyone agreed to.",
        16,
        &["Head of product", "Team leads", "Finance partner"],
        &[("Review", 0, 4), ("Plan", 5, 12), ("Commit", 13, 16)],
        &[
            ("Review done", 4, 0),
            ("Plans drafted", 12, 1),
            ("Quarter committed", 14, 2),
        ],
        &[
            step("Review last quarter's results", HEAD, 2.0, 0, &[]),
            step("Collect the teams' retrospectives", LEADS, 3.0, 0, &[]),
            step("Gather requests and ideas", HEAD, 2.0, 0, &[0, 1]).closes(0),
            step("Estimate the candidate work", LEADS, 3.0, 1, &[2]),
            step("Draft goals and key results", HEAD, 2.0, 1, &[3]),
            step("Check budget and headcount", FINANCE, 2.0, 1, &[4]),
            step("Draft the team plans", LEADS, 3.0, 1, &[4]).closes(1),
            step("Review the plans together", HEAD, 1.0, 2, &[5, 6]),
            step("Publish the quarter's plan", HEAD, 1.0, 2, &[7]).closes(2),
            step("Kick off the quarter", HEAD, 1.0, 2, &[8]),
        ],
        &[
            (
                "More is committed than the teams can do",
                4,
                3,
                HEAD,
                "Plan to 80 % of each team's capacity, from its estimates.",
            ),
            (
                "Dependencies between teams are found late",
                3,
                3,
                LEADS,
                "Each team plan lists what it needs from the others before the joint review.",
            ),
        ],
        &[
            (HEAD, StakeholderRole::Approver),
            (FINANCE, StakeholderRole::Contributor),
        ],
    )
}
