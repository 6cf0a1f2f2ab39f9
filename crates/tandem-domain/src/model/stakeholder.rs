//! Stakeholders of a project: members or external people.

use super::*;
use crate::validate::{FieldError, Validation, required_text};

#[derive(Debug, Clone, PartialEq)]
pub struct Stakeholder {
    pub id: Id,
    pub project_id: Id,
    pub user: Option<UserRef>,
    pub name: String,
    pub email: Option<String>,
    pub role: StakeholderRole,
    pub version: i64,
}

impl Stakeholder {
    pub fn fields(&self) -> StakeholderFields {
        match &self.user {
            Some(user) => StakeholderFields {
                member: Email::parse(&user.email).ok(),
                name: None,
                email: None,
                role: self.role,
            },
            None => StakeholderFields {
                member: None,
                name: Some(self.name.clone()),
                email: self.email.as_deref().and_then(|e| Email::parse(e).ok()),
                role: self.role,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StakeholderFields {
    /// A member of the workspace, by email; or else an external person
    /// described by `name` and `email`.
    pub member: Option<Email>,
    pub name: Option<String>,
    pub email: Option<Email>,
    pub role: StakeholderRole,
}

impl StakeholderFields {
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        match (&self.member, &self.name) {
            (None, None) => v.push(
                "name",
                "an external stakeholder needs a name (or give member)",
            ),
            (Some(_), Some(_)) => v.push("name", "give either member or name, not both"),
            (None, Some(name)) => {
                required_text(Some(name), "name", 200, &mut v);
            }
            (Some(_), None) => {}
        }
        if self.member.is_some() && self.email.is_some() {
            v.push("email", "a member stakeholder's email is the member's");
        }
        v.into_result()
    }
}
