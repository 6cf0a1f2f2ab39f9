//! Templates: a project saved as one (a new version when the name is
//! taken), the workspace's templates with the three starters, and a
//! project made from one with a start date and people for its roles.
//!
//! What a reader sees: a template holds the titles of the project it was
//! saved from, so a guest, who may not open every project, sees only the
//! starters. Saving one takes a project the saver may open.
//!
//! What this is not: how dates and roles become a plan (the domain's
//! `templates`) or how a plan is written (the store's).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use tandem_domain::templates::{self, Instance, ProjectTemplate, STARTERS, Source, TaskTemplate};
use tandem_domain::{Email, FieldError, Project, ProjectKey, UserRef, Validation};
use tandem_store::templates::{PROJECT, TASK, Template};
use tandem_store::{Scope, Store, StoreError};

use crate::{Error, Result, Writer};

/// A template as listed: its name, version, where it came from, and what
/// it holds.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: String,
    pub version: i64,
    /// One of the three the binary ships with.
    pub starter: bool,
    pub description: Option<String>,
    pub source: Option<String>,
    pub created_by: Option<UserRef>,
    pub created_at: Option<DateTime<Utc>>,
    pub template: ProjectTemplate,
}

/// The longest template name.
const NAME_LIMIT: usize = 100;

/// Refuses a change to template `name` (a new version, or deleting it)
/// by someone other than who made it, unless they manage the workspace:
/// a template others build projects from is not anyone's to replace.
async fn must_own(store: &dyn Store, writer: &Writer, kind: &str, name: &str) -> Result<()> {
    let scope = *writer.scope();
    let first = match store.get_template(scope, kind, name, Some(1)).await {
        Ok(first) => first,
        Err(StoreError::NotFound(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let made_it = first
        .created_by
        .as_ref()
        .is_some_and(|u| u.id == writer.user().id);
    if made_it || scope.role.can_manage_members() {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "{} made the template {}: only they and the workspace's owners and admins change or delete it",
            first
                .created_by
                .map_or_else(|| "someone else".to_string(), |u| u.name),
            first.name
        )))
    }
}

fn listed(t: &Template) -> Result<Listed> {
    Ok(Listed {
        name: t.name.clone(),
        version: t.version,
        starter: false,
        description: t.description.clone(),
        source: t.source.clone(),
        created_by: t.created_by.clone(),
        created_at: Some(t.created_at),
        template: serde_json::from_str(&t.body).map_err(|e| {
            Error::Store(StoreError::Config(format!(
                "template {} version {} does not read: {e}",
                t.name, t.version
            )))
        })?,
    })
}

fn starter(name: &str) -> Option<Listed> {
    let template = templates::starter(name)?;
    let name = STARTERS
        .iter()
        .find(|s| s.eq_ignore_ascii_case(name.trim()))?;
    Some(Listed {
        name: name.to_string(),
        version: 1,
        starter: true,
        description: template.description.clone(),
        source: None,
        created_by: None,
        created_at: None,
        template,
    })
}

/// The starters, then the workspace's own by name; a guest sees the
/// starters only.
pub async fn list(store: &dyn Store, scope: Scope) -> Result<Vec<Listed>> {
    let mut all: Vec<Listed> = STARTERS.iter().filter_map(|s| starter(s)).collect();
    if scope.role.sees_all_projects() {
        for t in store.list_templates(scope).await? {
            if t.kind == PROJECT {
                all.push(listed(&t)?);
            }
        }
    }
    Ok(all)
}

/// A template by name, at `version` or its newest.
pub async fn get(
    store: &dyn Store,
    scope: Scope,
    name: &str,
    version: Option<i64>,
) -> Result<Listed> {
    if let Some(found) = starter(name) {
        return match version {
            None | Some(1) => Ok(found),
            Some(_) => Err(StoreError::NotFound("template version").into()),
        };
    }
    if !scope.role.sees_all_projects() {
        return Err(StoreError::NotFound("template").into());
    }
    listed(&store.get_template(scope, PROJECT, name, version).await?)
}

/// Every version of a template, newest first.
/// A version of a template, without what it holds.
#[derive(Debug, Clone)]
pub struct Version {
    pub version: i64,
    pub source: Option<String>,
    pub created_by: Option<UserRef>,
    pub created_at: Option<DateTime<Utc>>,
}

pub async fn versions(store: &dyn Store, scope: Scope, name: &str) -> Result<Vec<Version>> {
    if starter(name).is_some() {
        return Ok(vec![Version {
            version: 1,
            source: None,
            created_by: None,
            created_at: None,
        }]);
    }
    if !scope.role.sees_all_projects() {
        return Err(StoreError::NotFound("template").into());
    }
    Ok(store
        .template_versions(scope, PROJECT, name)
        .await?
        .into_iter()
        .map(|t| Version {
            version: t.version,
            source: t.source,
            created_by: t.created_by,
            created_at: Some(t.created_at),
        })
        .collect())
}

/// What saving a project as a template asks.
#[derive(Debug, Clone, Default)]
pub struct Save {
    pub project: String,
    pub name: String,
    pub description: Option<String>,
    /// Names for the roles of owners, by their email, in place of their
    /// names ("ana@acme.example" → "Designer").
    pub roles: HashMap<String, String>,
}

/// Saves project `save.project` as template `save.name`: its first
/// version, or the next one of that name.
pub async fn save(store: &dyn Store, writer: &Writer, save: &Save) -> Result<Listed> {
    let scope = *writer.scope();
    let mut v = Validation::new();
    let name = save.name.trim();
    if name.is_empty() {
        v.push("name", "give the template a name");
    } else if name.chars().count() > NAME_LIMIT {
        v.push("name", format!("must be at most {NAME_LIMIT} characters"));
    } else if STARTERS.iter().any(|s| s.eq_ignore_ascii_case(name)) {
        v.push(
            "name",
            format!("{name} is a starter template's name; choose another"),
        );
    }
    for (email, role) in &save.roles {
        if Email::parse(email).is_err() {
            v.push("roles", format!("'{email}' is not an email"));
        }
        if role.trim().is_empty() || role.chars().count() > NAME_LIMIT {
            v.push(
                "roles",
                format!("the role of {email} needs a name of 1 to {NAME_LIMIT} characters"),
            );
        }
    }
    v.into_result()?;
    must_own(store, writer, PROJECT, name).await?;
    let (project, access) = store.open_project(scope, &save.project).await?;
    let tasks = crate::planning::project_tasks(store, scope, &project.key).await?;
    let phases = store.list_phases(access).await?;
    let milestones = store.list_milestones(access).await?;
    let links = store.project_dependencies(access).await?;
    let risks = store.list_risks(access).await?;
    let stakeholders = store.list_stakeholders(access).await?;
    let members = store.list_members(scope).await?;
    let fields = project.fields();
    let phase_fields: Vec<_> = phases.iter().map(|p| (p.id, p.fields())).collect();
    let milestone_fields: Vec<_> = milestones.iter().map(|m| (m.id, m.fields())).collect();
    let task_fields: Vec<_> = tasks.iter().map(|t| (t.key.clone(), t.fields())).collect();
    let risk_fields: Vec<_> = risks.iter().map(|r| r.fields()).collect();
    let in_project = |key: &str| tasks.iter().any(|t| t.key == key);
    let source = Source {
        fields: Some(&fields),
        phases: phase_fields.iter().map(|(id, p)| (*id, p)).collect(),
        milestones: milestone_fields.iter().map(|(id, m)| (*id, m)).collect(),
        tasks: task_fields
            .iter()
            .map(|(key, f)| (key.clone(), f, None))
            .collect(),
        // Links to other projects' tasks stay with the project.
        dependencies: links
            .iter()
            .filter(|d| in_project(&d.predecessor.key) && in_project(&d.successor.key))
            .map(|d| {
                (
                    d.predecessor.key.clone(),
                    d.successor.key.clone(),
                    d.kind,
                    d.lag_days,
                    d.lag_format,
                )
            })
            .collect(),
        risks: risk_fields.iter().collect(),
        stakeholders: stakeholders
            .iter()
            .filter_map(|s| Some((Email::parse(&s.user.as_ref()?.email).ok()?, s.role)))
            .collect(),
        role_names: save
            .roles
            .iter()
            .map(|(e, r)| (e.trim().to_ascii_lowercase(), r.trim().to_string()))
            .collect(),
        people: members
            .iter()
            .filter_map(|m| Some((Email::parse(&m.user.email).ok()?, m.user.name.clone())))
            .collect(),
    };
    let mut template = templates::capture(&source);
    template.description = save
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let body = serde_json::to_string(&template)
        .map_err(|e| Error::Store(StoreError::Config(format!("writing a template: {e}"))))?;
    let saved = store
        .save_template(
            writer.scope(),
            name,
            PROJECT,
            template.description.as_deref(),
            &body,
            Some(&project.key),
        )
        .await?;
    listed(&saved)
}

pub async fn delete(store: &dyn Store, writer: &Writer, name: &str) -> Result<()> {
    if STARTERS.iter().any(|s| s.eq_ignore_ascii_case(name.trim())) {
        return Err(Error::Invalid(vec![FieldError::new(
            "name",
            "a starter template is part of Tandem and cannot be deleted",
        )]));
    }
    must_own(store, writer, PROJECT, name).await?;
    Ok(store.delete_template(writer.scope(), PROJECT, name).await?)
}

/// What a project made from a template is asked to be.
#[derive(Debug, Clone)]
pub struct Use {
    pub key: ProjectKey,
    pub name: String,
    pub template: String,
    pub version: Option<i64>,
    pub start: NaiveDate,
    pub owner: Option<Email>,
    /// Who fills each role, by the role's name.
    pub people: HashMap<String, Email>,
}

/// Makes a project from a template: its plan from the start date, its
/// work given to the people named for each role, in one transaction.
pub async fn create_project(store: &dyn Store, writer: &Writer, ask: &Use) -> Result<Project> {
    let found = get(store, *writer.scope(), &ask.template, ask.version)
        .await
        .map_err(|e| match e {
            Error::Store(StoreError::NotFound(_)) => Error::Invalid(vec![FieldError::new(
                "template",
                format!(
                    "no template {}{}; the starters are {}",
                    ask.template,
                    ask.version
                        .map(|v| format!(" version {v}"))
                        .unwrap_or_default(),
                    STARTERS.join(", ")
                ),
            )]),
            other => other,
        })?;
    let plan = templates::plan(
        &found.template,
        &Instance {
            key: ask.key.clone(),
            name: ask.name.clone(),
            start: ask.start,
            owner: ask.owner.clone(),
            people: ask.people.clone(),
        },
    )?;
    Ok(store
        .create_project_from_plan(writer.scope(), &plan, (&found.name, found.version))
        .await?)
}

/// A task template as listed.
#[derive(Debug, Clone)]
pub struct ListedTask {
    pub name: String,
    pub version: i64,
    pub description: Option<String>,
    pub source: Option<String>,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub template: TaskTemplate,
}

fn listed_task(t: &Template) -> Result<ListedTask> {
    Ok(ListedTask {
        name: t.name.clone(),
        version: t.version,
        description: t.description.clone(),
        source: t.source.clone(),
        created_by: t.created_by.clone(),
        created_at: t.created_at,
        template: serde_json::from_str(&t.body).map_err(|e| {
            Error::Store(StoreError::Config(format!(
                "task template {} version {} does not read: {e}",
                t.name, t.version
            )))
        })?,
    })
}

/// The workspace's task templates by name; a guest sees none (they hold
/// the titles of the tasks they were saved from).
pub async fn list_task_templates(store: &dyn Store, scope: Scope) -> Result<Vec<ListedTask>> {
    if !scope.role.sees_all_projects() {
        return Ok(Vec::new());
    }
    let mut all = Vec::new();
    for t in store.list_templates(scope).await? {
        if t.kind == TASK {
            all.push(listed_task(&t)?);
        }
    }
    Ok(all)
}

pub async fn get_task_template(
    store: &dyn Store,
    scope: Scope,
    name: &str,
    version: Option<i64>,
) -> Result<ListedTask> {
    if !scope.role.sees_all_projects() {
        return Err(StoreError::NotFound("task template").into());
    }
    listed_task(&store.get_template(scope, TASK, name, version).await?)
}

/// Saves task `key` with its subtasks (all levels) as task template
/// `name`: its first version, or the next one of that name.
pub async fn save_task(
    store: &dyn Store,
    writer: &Writer,
    key: &str,
    name: &str,
    description: Option<&str>,
) -> Result<ListedTask> {
    let scope = *writer.scope();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_LIMIT {
        return Err(Error::Invalid(vec![FieldError::new(
            "name",
            format!("give the template a name of 1 to {NAME_LIMIT} characters"),
        )]));
    }
    must_own(store, writer, TASK, name).await?;
    let top = store.get_task(scope, key).await?;
    let mut tasks = vec![(top.key.clone(), top.fields())];
    let mut parents = vec![top.id];
    while let Some(parent) = parents.pop() {
        let filter = tandem_store::TaskFilter {
            parent: Some(parent),
            ..Default::default()
        };
        for child in crate::planning::all_tasks(store, scope, filter).await? {
            parents.push(child.id);
            tasks.push((child.key.clone(), child.fields()));
        }
    }
    let mut template = templates::capture_task(&tasks);
    template.description = description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let body = serde_json::to_string(&template)
        .map_err(|e| Error::Store(StoreError::Config(format!("writing a template: {e}"))))?;
    let saved = store
        .save_template(
            writer.scope(),
            name,
            TASK,
            template.description.as_deref(),
            &body,
            Some(&top.key),
        )
        .await?;
    listed_task(&saved)
}

pub async fn delete_task_template(store: &dyn Store, writer: &Writer, name: &str) -> Result<()> {
    must_own(store, writer, TASK, name).await?;
    Ok(store.delete_template(writer.scope(), TASK, name).await?)
}

/// What adding a task from a task template asks.
#[derive(Debug, Clone)]
pub struct AddTask {
    pub template: String,
    pub version: Option<i64>,
    /// The project's key; none for a personal task.
    pub project: Option<String>,
    /// The top task's title; empty keeps the template's.
    pub title: String,
    pub due: Option<NaiveDate>,
    pub owner: Option<Email>,
}

/// Adds a task and its subtasks from a task template, in one
/// transaction: the top task.
pub async fn add_task(
    store: &dyn Store,
    writer: &Writer,
    ask: &AddTask,
) -> Result<tandem_domain::Task> {
    let found = get_task_template(store, *writer.scope(), &ask.template, ask.version)
        .await
        .map_err(|e| match e {
            Error::Store(StoreError::NotFound(_)) => Error::Invalid(vec![FieldError::new(
                "template",
                format!("no task template {}", ask.template),
            )]),
            other => other,
        })?;
    let owner = ask.owner.clone().or_else(|| {
        // A personal task is its maker's.
        ask.project
            .is_none()
            .then(|| Email::parse(&writer.user().email).ok())
            .flatten()
    });
    let tasks = templates::plan_task(&found.template, &ask.title, ask.due, owner);
    Ok(store
        .create_task_tree(writer.scope(), ask.project.as_deref(), &tasks)
        .await?)
}
