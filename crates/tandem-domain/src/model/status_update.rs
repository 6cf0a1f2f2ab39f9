//! Status updates: what the people of a project, a portfolio or a goal
//! say of how it is going, with the figures of that moment.

use chrono::{DateTime, Utc};

use super::*;
use crate::health::StatusFigures;
use crate::validate::{FieldError, Validation, required_text};

/// The longest text an update may have, in characters.
pub const STATUS_TEXT_MAX: usize = 20_000;

/// What a status update is posted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpdateSubject {
    Project(Id),
    Portfolio(Id),
    Goal(Id),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    pub id: Id,
    pub subject: UpdateSubject,
    /// Who posted it; `None` once they were removed from the instance.
    pub author: Option<UserRef>,
    /// The author's verdict, which may differ from the derived one in
    /// `figures`.
    pub health: Health,
    /// Markdown.
    pub text: String,
    pub figures: StatusFigures,
    pub created_at: DateTime<Utc>,
}

/// What the author writes.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdateFields {
    pub health: Health,
    pub text: String,
}

impl StatusUpdateFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.text), "text", STATUS_TEXT_MAX, &mut v);
        v.into_result()
    }
}
