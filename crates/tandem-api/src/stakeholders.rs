//! Stakeholders of a project: members or external people, with a role.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

use crate::common::{double_option, patch_email};

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StakeholderInput {
    /// A workspace member's email.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub member: Option<Option<String>>,
    /// An external person's name.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<StakeholderRole>,
}

impl StakeholderInput {
    pub fn apply(
        self,
        current: Option<StakeholderFields>,
    ) -> Result<StakeholderFields, Vec<FieldError>> {
        let mut v = Validation::new();
        let role = match (self.role, &current) {
            (Some(role), _) => role,
            (None, Some(c)) => c.role,
            (None, None) => {
                v.push("role", "is required");
                StakeholderRole::Informed
            }
        };
        let fields = StakeholderFields {
            member: patch_email(
                &mut v,
                "member",
                self.member,
                current.as_ref().and_then(|c| c.member.clone()),
            ),
            name: Patch::from_option(self.name)
                .apply(current.as_ref().and_then(|c| c.name.clone())),
            email: patch_email(
                &mut v,
                "email",
                self.email,
                current.as_ref().and_then(|c| c.email.clone()),
            ),
            role,
        };
        v.merge(fields.check());
        v.finish(|| fields)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StakeholderView {
    pub id: Id,
    pub user: Option<UserRef>,
    pub name: String,
    pub email: Option<String>,
    pub role: StakeholderRole,
    pub version: i64,
}

impl From<Stakeholder> for StakeholderView {
    fn from(s: Stakeholder) -> Self {
        StakeholderView {
            id: s.id,
            user: s.user,
            name: s.name,
            email: s.email,
            role: s.role,
            version: s.version,
        }
    }
}
