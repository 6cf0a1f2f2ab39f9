//! The closed vocabularies of the model: roles, statuses, priorities, link
//! and constraint types, and what activity is about. Each is spelled in
//! snake_case on the wire and in storage.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary: a fieldless enum spelled in snake_case on
/// the wire and in storage, with `ALL`, `as_str` and `FromStr`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let wanted = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                match wanted.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        "must be one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// A member's role in a workspace.
    Role { Owner = "owner", Admin = "admin", Member = "member", Guest = "guest" }
);

impl Role {
    /// Guests read what is shared with them and change nothing.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Guest)
    }

    pub fn can_manage_members(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Guests see only the projects they are a stakeholder of.
    pub fn sees_all_projects(self) -> bool {
        !matches!(self, Role::Guest)
    }
}

vocabulary!(
    ProjectStatus {
        Proposed = "proposed",
        Active = "active",
        OnHold = "on_hold",
        Done = "done",
        Cancelled = "cancelled",
    }
);

vocabulary!(
    Stage { Initiation = "initiation", Planning = "planning", Execution = "execution", Closing = "closing" }
);

vocabulary!(
    /// The fixed status categories of a task; projects may rename them for
    /// display, but roll-ups and My Work always reason in these.
    TaskStatus {
        Backlog = "backlog",
        Todo = "todo",
        InProgress = "in_progress",
        Blocked = "blocked",
        InReview = "in_review",
        Done = "done",
        Cancelled = "cancelled",
    }
);

impl TaskStatus {
    /// Done and cancelled tasks need no more work.
    pub fn is_closed(self) -> bool {
        matches!(self, TaskStatus::Done | TaskStatus::Cancelled)
    }
}

vocabulary!(
    Priority { Urgent = "urgent", High = "high", Medium = "medium", Low = "low", None = "none" }
);

vocabulary!(
    /// The four link types of a dependency, as in Microsoft Project.
    DependencyKind { Fs = "fs", Ss = "ss", Ff = "ff", Sf = "sf" }
);

vocabulary!(
    /// What a dependency's lag counts: working days on the project's
    /// calendar, elapsed (calendar) days, or a percentage of the
    /// predecessor's duration.
    LagFormat { WorkingDays = "working_days", ElapsedDays = "elapsed_days", Percent = "percent" }
);

vocabulary!(
    /// When a task may be scheduled, as in Microsoft Project: as soon or as
    /// late as possible, start or finish no earlier / no later than a date,
    /// or must start / finish on it.
    ConstraintType {
        Asap = "asap",
        Alap = "alap",
        Snet = "snet",
        Snlt = "snlt",
        Fnet = "fnet",
        Fnlt = "fnlt",
        Mso = "mso",
        Mfo = "mfo",
    }
);

impl ConstraintType {
    /// Whether the constraint names a date (all but ASAP and ALAP).
    pub fn has_date(self) -> bool {
        !matches!(self, ConstraintType::Asap | ConstraintType::Alap)
    }
}

vocabulary!(
    /// Which dates rule a task, as in Microsoft Project: its own, as a
    /// person gave them (task management; Project's manually scheduled
    /// task), or the plan's, from its links, estimate and constraint
    /// (project management; auto scheduled).
    Scheduling { Dated = "dated", Scheduled = "scheduled" }
);

vocabulary!(
    /// What a person chose for a task's [`Scheduling`]: one of the two,
    /// or `auto` to let the task's shape decide ([`Scheduling::of`]).
    SchedulingMode { Auto = "auto", Dated = "dated", Scheduled = "scheduled" }
);

// The macro declares the enum, so `#[derive(Default)]` cannot mark a
// variant of it.
#[allow(clippy::derivable_impls)]
impl Default for SchedulingMode {
    fn default() -> Self {
        SchedulingMode::Auto
    }
}

impl Scheduling {
    /// Which dates rule a task. Chosen, as chosen (a dated task needs a
    /// date to keep). Left to `auto`: a task a person dated (a start or a
    /// due date) that nothing ties into a plan (no link, no subtasks, no
    /// constraint) keeps its dates; any other is scheduled.
    pub fn of(mode: SchedulingMode, has_dates: bool, tied: bool, constrained: bool) -> Scheduling {
        match mode {
            SchedulingMode::Dated if has_dates => Scheduling::Dated,
            SchedulingMode::Auto if has_dates && !tied && !constrained => Scheduling::Dated,
            _ => Scheduling::Scheduled,
        }
    }
}

vocabulary!(
    StakeholderRole {
        Sponsor = "sponsor",
        Approver = "approver",
        Contributor = "contributor",
        Informed = "informed",
    }
);

vocabulary!(
    /// Where an approval stands: waiting for answers, sent back with
    /// changes asked for, or decided (approved, rejected), or withdrawn.
    ApprovalState {
        Pending = "pending",
        ChangesRequested = "changes_requested",
        Approved = "approved",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
);

impl ApprovalState {
    /// Approved, rejected and cancelled approvals take no more answers.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ApprovalState::Approved | ApprovalState::Rejected | ApprovalState::Cancelled
        )
    }
}

vocabulary!(
    /// One approver's answer.
    Decision { Approve = "approve", RequestChanges = "request_changes", Reject = "reject" }
);

vocabulary!(
    RiskStatus { Open = "open", Mitigating = "mitigating", Closed = "closed", Occurred = "occurred" }
);

vocabulary!(
    /// What kind of object an activity record or a risk link is about.
    EntityKind {
        Workspace = "workspace",
        Member = "member",
        Project = "project",
        Phase = "phase",
        Milestone = "milestone",
        Task = "task",
        Dependency = "dependency",
        Stakeholder = "stakeholder",
        Risk = "risk",
        Baseline = "baseline",
        StatusUpdate = "status_update",
        Portfolio = "portfolio",
        Goal = "goal",
        Approval = "approval",
        Rule = "rule",
        Comment = "comment",
        Attachment = "attachment",
    }
);

vocabulary!(
    /// A reaction to a comment: one of a few, as chat tools offer.
    Reaction {
        ThumbsUp = "thumbs_up",
        ThumbsDown = "thumbs_down",
        Heart = "heart",
        Tada = "tada",
        Laugh = "laugh",
        Eyes = "eyes",
        Rocket = "rocket",
        Confused = "confused",
    }
);

vocabulary!(
    /// What a search finds: the kinds of object it reads words from.
    SearchKind {
        Task = "task",
        Project = "project",
        Comment = "comment",
        Goal = "goal",
        Risk = "risk",
        Attachment = "attachment",
    }
);

vocabulary!(
    /// Why something is in a person's inbox.
    NotificationKind {
        Mention = "mention",
        Assigned = "assigned",
        Comment = "comment",
        Approval = "approval",
        Status = "status",
        DueSoon = "due_soon",
        Overdue = "overdue",
        Rule = "rule",
        Invitation = "invitation",
    }
);

impl NotificationKind {
    /// As a person's inbox and settings say it.
    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::Mention => "Mentions of you",
            NotificationKind::Assigned => "Work assigned to you",
            NotificationKind::Comment => "Comments on what you follow",
            NotificationKind::Approval => "Approvals asked of you and decided",
            NotificationKind::Status => "Status changes of what you follow",
            NotificationKind::DueSoon => "Your work due tomorrow",
            NotificationKind::Overdue => "Your work overdue",
            NotificationKind::Rule => "Automation rules' messages",
            NotificationKind::Invitation => "Invitations to a workspace",
        }
    }
}

impl Reaction {
    /// As a page shows it.
    pub fn emoji(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "👍",
            Reaction::ThumbsDown => "👎",
            Reaction::Heart => "❤️",
            Reaction::Tada => "🎉",
            Reaction::Laugh => "😄",
            Reaction::Eyes => "👀",
            Reaction::Rocket => "🚀",
            Reaction::Confused => "😕",
        }
    }
}

vocabulary!(
    /// How a project is doing, worst last: as Tandem derives it from the
    /// project's figures, or as the author of a status update judged it.
    Health { OnTrack = "on_track", AtRisk = "at_risk", OffTrack = "off_track" }
);

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::OnTrack => "On track",
            Health::AtRisk => "At risk",
            Health::OffTrack => "Off track",
        }
    }
}

vocabulary!(
    /// Where a goal stands: derived from its progress and its period, unless
    /// a member sets it by hand ("dropped" only ever is; "achieved" and
    /// "missed" are also derived, at 100 % and at the period's end).
    GoalStatus {
        OnTrack = "on_track",
        AtRisk = "at_risk",
        OffTrack = "off_track",
        Achieved = "achieved",
        Missed = "missed",
        Dropped = "dropped",
    }
);

impl GoalStatus {
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::OnTrack => "On track",
            GoalStatus::AtRisk => "At risk",
            GoalStatus::OffTrack => "Off track",
            GoalStatus::Achieved => "Achieved",
            GoalStatus::Missed => "Missed",
            GoalStatus::Dropped => "Dropped",
        }
    }
}

vocabulary!(
    /// What a goal's progress is measured by.
    GoalMeasure {
        KeyResults = "key_results",
        SubGoals = "sub_goals",
        Projects = "projects",
        Tasks = "tasks",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_parse_loosely_and_print_strictly() {
        assert_eq!(
            "In Progress".parse::<TaskStatus>().unwrap(),
            TaskStatus::InProgress
        );
        assert_eq!(
            "on-hold".parse::<ProjectStatus>().unwrap(),
            ProjectStatus::OnHold
        );
        assert_eq!(TaskStatus::InReview.as_str(), "in_review");
        let err = "soon".parse::<Priority>().unwrap_err();
        assert!(err.contains("urgent"), "{err}");
    }
}

vocabulary!(
    /// What work behaves like: a task or a project (`crate::signals`).
    WorkLevel { Task = "task", Project = "project" }
);

vocabulary!(
    /// Why a task behaves like a project: it spans two working weeks or
    /// more, involves three people or more, needs an approval, is linked
    /// to two pieces of other work or more, has five subtasks or more (or
    /// three spread over two people), or takes two person-weeks or more.
    TaskSignal {
        SpansWeeks = "spans_weeks",
        SeveralPeople = "several_people",
        NeedsApproval = "needs_approval",
        DependsOnOtherWork = "depends_on_other_work",
        ManySteps = "many_steps",
        LargeEffort = "large_effort",
    }
);

vocabulary!(
    /// Why a project could be a task: one person owns it and its work, it
    /// takes a working week at most, nothing in it is linked, it has no
    /// milestone.
    ProjectSignal {
        OnePerson = "one_person",
        FewDays = "few_days",
        NoLinks = "no_links",
        NoMilestones = "no_milestones",
    }
);
