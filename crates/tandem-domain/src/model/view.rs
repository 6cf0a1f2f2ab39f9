//! Saved views of a project's list: a name for a set of filters, a sort,
//! a grouping and the columns shown, kept per person and shared with the
//! project when its maker says so.

use super::{Id, UserRef};
use crate::validate::{FieldError, Validation, required_text};

/// What a view may hold: the list page's own query parameters.
pub const VIEW_PARAMS: [&str; 7] = ["q", "status", "owner", "phase", "sort", "group", "cols"];

#[derive(Debug, Clone, PartialEq)]
pub struct SavedView {
    pub id: Id,
    pub project_id: Id,
    /// Who saved it; only they (or an owner or admin, for a shared one)
    /// delete it.
    pub owner: UserRef,
    pub name: String,
    /// The list's query, as its address has it (`status=open&sort=due`).
    pub query: String,
    /// Everyone who may open the project sees it; else its owner alone.
    pub shared: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ViewFields {
    pub name: String,
    pub query: String,
    pub shared: bool,
}

impl ViewFields {
    /// A name of 1 to 80 characters and a query of the list's parameters
    /// only (each at most once); what the values mean is checked where
    /// the list reads them.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validation::new();
        required_text(Some(&self.name), "name", 80, &mut v);
        if self.query.len() > 2000 {
            v.push("query", "must be at most 2000 characters");
        }
        let mut seen = Vec::new();
        for pair in self.query.split('&').filter(|p| !p.is_empty()) {
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            if !VIEW_PARAMS.contains(&name) {
                v.push(
                    "query",
                    format!("may hold only {} (not {name})", VIEW_PARAMS.join(", ")),
                );
            } else if seen.contains(&name) {
                v.push("query", format!("names {name} twice"));
            }
            seen.push(name);
        }
        v.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(name: &str, query: &str) -> ViewFields {
        ViewFields {
            name: name.into(),
            query: query.into(),
            shared: false,
        }
    }

    #[test]
    fn a_view_holds_a_name_and_the_lists_parameters_only() {
        assert!(
            fields("Open by due", "status=open&sort=due&cols=owner,due")
                .check()
                .is_ok()
        );
        assert!(fields("Everything", "").check().is_ok());
        let refused = |f: ViewFields| f.check().unwrap_err()[0].field.clone();
        assert_eq!(refused(fields(" ", "sort=due")), "name");
        assert_eq!(refused(fields(&"n".repeat(81), "")), "name");
        assert_eq!(refused(fields("Mine", "colour=red")), "query");
        assert_eq!(refused(fields("Mine", "sort=due&sort=key")), "query");
    }
}
