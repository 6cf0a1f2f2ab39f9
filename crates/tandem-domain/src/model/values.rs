//! The parsed values that carry their preconditions in their type: project
//! and task keys, emails, workspace slugs, tags and passwords.

use std::fmt;

use super::Id;

/// A project's key: an upper-case letter then 1 to 9 upper-case letters or
/// digits, e.g. `LAUNCH`. Task keys are built from it (`LAUNCH-12`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectKey(String);

/// The prefix of personal tasks' keys (`TASK-7`); no project may take it.
pub const PERSONAL_KEY_PREFIX: &str = "TASK";

impl ProjectKey {
    pub fn parse(s: &str) -> Result<Self, String> {
        let key = s.trim().to_ascii_uppercase();
        let mut chars = key.chars();
        let well_formed = matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && (2..=10).contains(&key.len());
        if !well_formed {
            return Err("must be 2 to 10 letters or digits, starting with a letter".into());
        }
        if key == PERSONAL_KEY_PREFIX {
            return Err(format!(
                "{PERSONAL_KEY_PREFIX} is reserved for personal tasks"
            ));
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A task's key: its project's key and its number in that project
/// (`LAUNCH-12`), or `TASK-<id>` for a personal task.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskKey {
    Project { project: String, number: i64 },
    Personal { id: Id },
}

impl TaskKey {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_uppercase();
        let (prefix, number) = s
            .rsplit_once('-')
            .ok_or_else(|| "must look like KEY-12".to_string())?;
        let number: i64 = number
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| "must end in a positive number, like KEY-12".to_string())?;
        if prefix == PERSONAL_KEY_PREFIX {
            return Ok(TaskKey::Personal { id: number });
        }
        let project = ProjectKey::parse(prefix).map_err(|e| format!("project key {e}"))?;
        Ok(TaskKey::Project {
            project: project.0,
            number,
        })
    }

    pub fn format(project_key: Option<&str>, number: i64, id: Id) -> String {
        match project_key {
            Some(key) => format!("{key}-{number}"),
            None => format!("{PERSONAL_KEY_PREFIX}-{id}"),
        }
    }
}

/// An email address, trimmed and lower-cased. Checked for shape only; mail
/// is never sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, String> {
        let email = s.trim().to_lowercase();
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.contains(char::is_whitespace)
                    && !email.chars().any(crate::validate::is_invisible)
                    && email.matches('@').count() == 1
                    && email.len() <= 254
            }
            None => false,
        };
        if valid {
            Ok(Self(email))
        } else {
            Err("must be an email address".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A workspace's slug: lower-case letters, digits and dashes, used in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, String> {
        let slug = s.trim().to_ascii_lowercase();
        let valid = (2..=40).contains(&slug.len())
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !slug.starts_with('-')
            && !slug.ends_with('-');
        if valid {
            Ok(Self(slug))
        } else {
            Err("must be 2 to 40 lower-case letters, digits or dashes".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tag: lower-case, no spaces.
pub fn parse_tag(s: &str) -> Result<String, String> {
    let tag = s.trim().trim_start_matches('#').to_lowercase();
    if tag.is_empty() || tag.chars().count() > 40 || tag.chars().any(crate::validate::is_invisible)
    {
        return Err("tags are 1 to 40 characters without spaces".into());
    }
    Ok(tag)
}

/// A password as typed; only its length is a rule.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 8 {
        return Err("must be at least 8 characters".into());
    }
    if password.len() > 1024 {
        return Err("must be at most 1024 bytes".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_keys() {
        assert_eq!(ProjectKey::parse("launch").unwrap().as_str(), "LAUNCH");
        assert!(ProjectKey::parse("1AB").is_err());
        assert!(ProjectKey::parse("A").is_err());
        assert!(ProjectKey::parse("TASK").is_err());
        assert!(ProjectKey::parse("AB-C").is_err());
    }

    #[test]
    fn task_keys() {
        assert_eq!(
            TaskKey::parse("launch-12").unwrap(),
            TaskKey::Project {
                project: "LAUNCH".into(),
                number: 12
            }
        );
        assert_eq!(
            TaskKey::parse("TASK-7").unwrap(),
            TaskKey::Personal { id: 7 }
        );
        assert!(TaskKey::parse("LAUNCH").is_err());
        assert!(TaskKey::parse("LAUNCH-0").is_err());
        assert!(TaskKey::parse("LAUNCH-x").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        assert!(Email::parse("ana").is_err());
        assert!(Email::parse("a@b@c").is_err());
        assert!(Email::parse("@x.org").is_err());
    }
}
