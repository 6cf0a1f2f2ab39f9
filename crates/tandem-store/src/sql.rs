//! The SQL both backends share. The statements are written once, in the
//! dialect SQLite and PostgreSQL have in common (`$N` parameters,
//! `RETURNING`, ISO dates), and [`store_impl!`] instantiates the [`Store`]
//! implementation for each backend's concrete sqlx types; only pool setup,
//! migrations and locking differ, and those live in `sqlite.rs` and
//! `postgres.rs`.
//!
//! [`Store`]: crate::Store

use serde_json::{Map, Value, json};
use tandem_domain::activity::FieldChange;
use tandem_domain::{
    Id, MilestoneFields, PhaseFields, ProjectFields, ProjectRef, RiskFields, StakeholderFields,
    Task, TaskFields, TaskKey, TaskRef, ThreePoint, UserRef,
};

use crate::{OwnerFilter, Scope, TaskFilter};

/// The task query; `{TAG_AGGREGATE}` is each backend's function joining the
/// tags with spaces (tags never contain whitespace).
pub(crate) const TASK_SELECT_TEMPLATE: &str = "SELECT t.id, t.project_id, p.key AS project_key, t.number, t.title, \
    t.description, t.owner_id, o.email AS owner_email, o.name AS owner_name, t.status, t.priority, \
    t.start_date, t.due_date, t.estimate_days, t.effort_hours, t.optimistic_days, t.likely_days, \
    t.pessimistic_days, t.percent_complete, t.parent_id, pt.number AS parent_number, \
    pt.title AS parent_title, t.phase_id, t.milestone_id, t.blocked_reason, t.created_by, \
    c.email AS creator_email, c.name AS creator_name, t.version, t.created_at, t.updated_at, \
    t.completed_at, (SELECT {TAG_AGGREGATE} FROM task_tags tt WHERE tt.task_id = t.id) AS tags, \
    t.constraint_type, t.constraint_date, t.actual_start, t.actual_finish \
    FROM tasks t \
    LEFT JOIN projects p ON p.id = t.project_id \
    LEFT JOIN users o ON o.id = t.owner_id \
    LEFT JOIN users c ON c.id = t.created_by \
    LEFT JOIN tasks pt ON pt.id = t.parent_id";

pub(crate) const PROJECT_SELECT: &str = "SELECT p.id, p.key, p.name, p.objective, p.scope_in, \
    p.scope_out, p.owner_id, o.email AS owner_email, o.name AS owner_name, p.status, p.stage, \
    p.start_date, p.target_date, p.budget, p.ongoing, p.version, p.created_at, p.updated_at, \
    p.work_week, p.hours_per_day, p.status_date \
    FROM projects p LEFT JOIN users o ON o.id = p.owner_id";

pub(crate) const RISK_SELECT: &str = "SELECT r.id, r.project_id, r.title, r.description, \
    r.probability, r.impact, r.owner_id, o.email AS owner_email, o.name AS owner_name, \
    r.mitigation, r.status, r.version, r.created_at, r.updated_at \
    FROM risks r LEFT JOIN users o ON o.id = r.owner_id";

pub(crate) const STAKEHOLDER_SELECT: &str = "SELECT s.id, s.project_id, s.user_id, \
    u.email AS user_email, u.name AS user_name, s.name, s.email, s.role, s.version \
    FROM stakeholders s LEFT JOIN users u ON u.id = s.user_id";

pub(crate) const DEPENDENCY_SELECT: &str = "SELECT d.id, d.kind, d.lag_days, d.lag_format, d.version, \
    a.id AS pred_id, a.number AS pred_number, a.title AS pred_title, ap.key AS pred_project, \
    b.id AS succ_id, b.number AS succ_number, b.title AS succ_title, bp.key AS succ_project \
    FROM dependencies d \
    JOIN tasks a ON a.id = d.predecessor_id LEFT JOIN projects ap ON ap.id = a.project_id \
    JOIN tasks b ON b.id = d.successor_id LEFT JOIN projects bp ON bp.id = b.project_id";

/// The links between two tasks of a project ($1 workspace, $2 project):
/// two joins on primary keys, six columns, for planning's hot path.
pub(crate) const LINK_SELECT: &str = "SELECT d.id, d.predecessor_id, d.successor_id, d.kind, d.lag_days, \
    d.lag_format, d.version FROM dependencies d JOIN tasks a ON a.id = d.predecessor_id \
    JOIN tasks b ON b.id = d.successor_id \
    WHERE d.workspace_id = $1 AND a.project_id = $2 AND b.project_id = $2 ORDER BY d.id";

/// The board rank of a task nobody has moved is its id times this, so a
/// moved card always finds room between two neighbours.
pub(crate) const UNRANKED_STEP: f64 = 1024.0;

/// A working week as stored: seven days of hours joined by `|`.
pub(crate) fn work_week_text(week: &tandem_domain::WorkWeek) -> String {
    week.texts().join("|")
}

pub(crate) fn work_week_from(
    text: String,
    hours_per_day: f64,
) -> crate::Result<tandem_domain::WorkWeek> {
    let mut days: [Vec<tandem_domain::calendar::Period>; 7] = Default::default();
    let parts: Vec<&str> = text.split('|').collect();
    if parts.len() != 7 {
        return Err(decode_error(format!("work week '{text}'")));
    }
    for (day, part) in days.iter_mut().zip(parts) {
        *day = tandem_domain::calendar::parse_hours(part)
            .map_err(|e| decode_error(format!("work week '{text}': {e}")))?;
    }
    Ok(tandem_domain::WorkWeek {
        days,
        hours_per_day,
    })
}

pub(crate) const INVITATION_SELECT: &str = "SELECT i.id, i.email, i.role, i.invited_by, \
    u.email AS inviter_email, u.name AS inviter_name, i.created_at, i.expires_at, \
    w.id AS ws_id, w.slug AS ws_slug, w.name AS ws_name, w.version AS ws_version, \
    w.created_at AS ws_created_at \
    FROM invitations i JOIN workspaces w ON w.id = i.workspace_id \
    LEFT JOIN users u ON u.id = i.invited_by";

pub(crate) const BASELINE_SELECT: &str = "SELECT b.id, b.project_id, b.name, b.created_by, \
    u.email AS creator_email, u.name AS creator_name, b.created_at \
    FROM baselines b LEFT JOIN users u ON u.id = b.created_by";

fn date(value: Option<chrono::NaiveDate>) -> Value {
    value.map(|d| json!(d.to_string())).unwrap_or(Value::Null)
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// What the history records of a task: its fields as the caller wrote them
/// (emails, keys), so the history reads without joins.
pub(crate) fn task_snapshot(f: &TaskFields) -> Map<String, Value> {
    object(json!({
        "title": f.title,
        "description": f.description,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "collaborators": f.collaborators.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "status": f.status.as_str(),
        "priority": f.priority.as_str(),
        "start_date": date(f.start_date),
        "due_date": date(f.due_date),
        "estimate_days": f.estimate_days,
        "effort_hours": f.effort_hours,
        "three_point": f.three_point.as_ref().map(|t| json!([t.optimistic, t.likely, t.pessimistic])),
        "percent_complete": f.percent_complete,
        "constraint_type": f.schedule.constraint_type.map(|c| c.as_str()),
        "constraint_date": local_time(f.schedule.constraint_date),
        "actual_start": local_time(f.schedule.actual_start),
        "actual_finish": local_time(f.schedule.actual_finish),
        "parent": f.parent,
        "phase_id": f.phase_id,
        "milestone_id": f.milestone_id,
        "tags": f.tags,
        "blocked_reason": f.blocked_reason,
    }))
}

pub(crate) fn project_snapshot(f: &ProjectFields) -> Map<String, Value> {
    object(json!({
        "name": f.name,
        "objective": f.objective,
        "scope_in": f.scope_in,
        "scope_out": f.scope_out,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "status": f.status.as_str(),
        "stage": f.stage.as_str(),
        "start_date": date(f.start_date),
        "target_date": date(f.target_date),
        "budget": f.budget,
        "ongoing": f.ongoing,
        "work_week": f.work_week.texts(),
        "hours_per_day": f.work_week.hours_per_day,
        "status_date": local_time(f.status_date),
    }))
}

pub(crate) fn phase_snapshot(f: &PhaseFields) -> Map<String, Value> {
    object(json!({
        "name": f.name, "position": f.position,
        "start_date": date(f.start_date), "end_date": date(f.end_date),
    }))
}

pub(crate) fn milestone_snapshot(f: &MilestoneFields) -> Map<String, Value> {
    object(json!({
        "name": f.name, "date": date(f.date), "description": f.description, "phase_id": f.phase_id,
    }))
}

pub(crate) fn stakeholder_snapshot(f: &StakeholderFields) -> Map<String, Value> {
    object(json!({
        "member": f.member.as_ref().map(|e| e.as_str()),
        "name": f.name,
        "email": f.email.as_ref().map(|e| e.as_str()),
        "role": f.role.as_str(),
    }))
}

pub(crate) fn risk_snapshot(f: &RiskFields) -> Map<String, Value> {
    object(json!({
        "title": f.title, "description": f.description,
        "probability": f.probability, "impact": f.impact,
        "owner": f.owner.as_ref().map(|e| e.as_str()),
        "mitigation": f.mitigation, "status": f.status.as_str(),
        "tasks": f.task_keys, "milestones": f.milestone_ids,
    }))
}

pub(crate) fn changes_json(changes: &[FieldChange]) -> String {
    serde_json::to_string(changes).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn decode_error(message: String) -> crate::StoreError {
    crate::StoreError::Database(sqlx::Error::Decode(message.into()))
}

pub(crate) fn vocab<T: std::str::FromStr<Err = String>>(text: &str) -> crate::Result<T> {
    text.parse()
        .map_err(|e: String| decode_error(format!("stored value '{text}': {e}")))
}

/// A unique-constraint violation becomes a conflict naming what clashed;
/// anything else stays a database error.
pub(crate) fn unique_to_conflict(error: sqlx::Error, what: &str) -> crate::StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            crate::StoreError::Conflict(format!("{what} already exists"))
        }
        _ => crate::StoreError::from(error),
    }
}

/// Runs a write again when the database chose it as a deadlock victim or
/// could not serialize it: the attempt left nothing behind, and the one it
/// lost to is about to finish. Other errors, and the tenth failure, are
/// the caller's.
pub(crate) async fn retry_transient<T, Fut>(mut attempt: impl FnMut() -> Fut) -> crate::Result<T>
where
    Fut: std::future::Future<Output = crate::Result<T>>,
{
    let mut failures = 0u32;
    loop {
        match attempt().await {
            Err(e) if e.is_transient() && failures < 10 => {
                failures += 1;
                // Back off a little longer each time, up to ~64 ms, so the
                // writers that collided do not collide again in step.
                let millis = (1u64 << failures.min(6)) + u64::from(rand_jitter());
                tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            }
            other => return other,
        }
    }
}

/// A few milliseconds that differ between concurrent retries.
fn rand_jitter() -> u8 {
    use std::hash::{BuildHasher, RandomState};
    (RandomState::new().hash_one(std::time::Instant::now()) % 8) as u8
}

/// How a task the caller may not open is named where it must be mentioned.
pub const HIDDEN_TASK: &str = "a task you cannot see";

/// Links are listed only where the caller may open both ends: a link's
/// other end shows its key and title, and a task in a project the caller
/// is no stakeholder of, or someone else's personal task, must not. The
/// schedule still follows every link; only the listing leaves them out.
pub(crate) fn push_link_visibility(q: &mut impl SqlSink, scope: Scope) {
    push_task_visibility_of(q, "a", scope);
    push_task_visibility_of(q, "b", scope);
}

/// Where SQL is being written: sqlx's `QueryBuilder` for either backend, or
/// [`SqlText`] for a driver of its own. The clauses every query of a
/// workspace needs are written once against it.
pub(crate) trait SqlSink {
    fn sql(&mut self, text: &str);
    fn int(&mut self, value: i64);
    fn text(&mut self, value: String);
    fn date(&mut self, value: chrono::NaiveDate);
}

/// A parameter of [`SqlText`].
#[derive(Debug, Clone)]
pub(crate) enum SqlParam {
    Int(i64),
    Text(String),
}

/// SQL text with `$N` parameters and their values.
#[derive(Debug, Default)]
pub(crate) struct SqlText {
    pub text: String,
    pub params: Vec<SqlParam>,
}

impl SqlSink for SqlText {
    fn sql(&mut self, text: &str) {
        self.text.push_str(text);
    }
    fn int(&mut self, value: i64) {
        self.params.push(SqlParam::Int(value));
        self.text.push_str(&format!("${}", self.params.len()));
    }
    fn text(&mut self, value: String) {
        self.params.push(SqlParam::Text(value));
        self.text.push_str(&format!("${}", self.params.len()));
    }
    fn date(&mut self, value: chrono::NaiveDate) {
        // Dates are ISO text in SQLite, the only user of SqlText.
        self.text(value.to_string());
    }
}

/// Guests see only the projects they are a stakeholder of.
pub(crate) fn push_project_visibility(q: &mut impl SqlSink, column: &str, scope: Scope) {
    if !scope.role.sees_all_projects() {
        q.sql(&format!(
            " AND {column} IN (SELECT project_id FROM stakeholders WHERE user_id = "
        ));
        q.int(scope.user_id);
        q.sql(")");
    }
}

/// Project tasks follow their project's visibility; personal tasks are seen
/// by their owner and creator only.
pub(crate) fn push_task_visibility(q: &mut impl SqlSink, scope: Scope) {
    push_task_visibility_of(q, "t", scope);
}

/// [`push_task_visibility`] for the task table under another alias, for
/// queries that show a second task (a link's other end).
pub(crate) fn push_task_visibility_of(q: &mut impl SqlSink, alias: &str, scope: Scope) {
    q.sql(&format!(" AND {alias}.workspace_id = "));
    q.int(scope.workspace_id);
    q.sql(&format!(
        " AND (({alias}.project_id IS NULL AND ({alias}.owner_id = "
    ));
    q.int(scope.user_id);
    q.sql(&format!(" OR {alias}.created_by = "));
    q.int(scope.user_id);
    q.sql(&format!(")) OR ({alias}.project_id IS NOT NULL"));
    push_project_visibility(q, &format!("{alias}.project_id"), scope);
    q.sql("))");
}

/// `WHERE` conditions selecting the task a key names. The project is
/// resolved in a subquery so the lookup can use the `(project_id, number)`
/// index; a condition on the joined `p.key` makes SQLite scan the
/// workspace's tasks instead.
pub(crate) fn push_task_key(q: &mut impl SqlSink, scope: Scope, key: &TaskKey) {
    match key {
        TaskKey::Project { project, number } => {
            push_project_id(q, " WHERE t.project_id = ", scope, project);
            q.sql(" AND t.number = ");
            q.int(*number);
        }
        TaskKey::Personal { id } => {
            q.sql(" WHERE t.project_id IS NULL AND t.id = ");
            q.int(*id);
        }
    }
}

pub(crate) fn push_project_id(q: &mut impl SqlSink, prefix: &str, scope: Scope, key: &str) {
    q.sql(prefix);
    q.sql("(SELECT id FROM projects WHERE workspace_id = ");
    q.int(scope.workspace_id);
    q.sql(" AND key = ");
    q.text(key.to_ascii_uppercase());
    q.sql(")");
}

/// The task list query: `limit + 1` rows, so the caller knows whether
/// another page follows.
pub(crate) fn push_task_list(
    q: &mut impl SqlSink,
    select: &str,
    scope: Scope,
    filter: &TaskFilter,
    limit: usize,
) {
    q.sql(select);
    q.sql(" WHERE 1 = 1");
    push_task_visibility(q, scope);
    if let Some(after) = filter.after_id {
        q.sql(" AND t.id > ");
        q.int(after);
    }
    if let Some(project) = &filter.project {
        push_project_id(q, " AND t.project_id = ", scope, project);
    }
    if filter.personal {
        q.sql(" AND t.project_id IS NULL");
    }
    match &filter.owner {
        Some(OwnerFilter::User(owner)) => {
            q.sql(" AND t.owner_id = ");
            q.int(*owner);
        }
        Some(OwnerFilter::Email(email)) => {
            q.sql(" AND t.owner_id = (SELECT id FROM users WHERE email = ");
            q.text(email.to_lowercase());
            q.sql(")");
        }
        Some(OwnerFilter::Unassigned) => q.sql(" AND t.owner_id IS NULL"),
        None => {}
    }
    for (column, values) in [
        (
            "t.status",
            filter
                .statuses
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "t.priority",
            filter
                .priorities
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>(),
        ),
    ] {
        if values.is_empty() {
            continue;
        }
        q.sql(&format!(" AND {column} IN ("));
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                q.sql(", ");
            }
            q.text(value.to_string());
        }
        q.sql(")");
    }
    if filter.open {
        q.sql(" AND t.status NOT IN ('done', 'cancelled')");
    }
    if let Some(tag) = &filter.tag {
        q.sql(" AND t.id IN (SELECT task_id FROM task_tags WHERE tag = ");
        q.text(tag.clone());
        q.sql(")");
    }
    if let Some(before) = filter.due_before {
        q.sql(" AND t.due_date < ");
        q.date(before);
    }
    if let Some(after) = filter.due_after {
        q.sql(" AND t.due_date > ");
        q.date(after);
    }
    if let Some(parent) = filter.parent {
        q.sql(" AND t.parent_id = ");
        q.int(parent);
    }
    if let Some(text) = &filter.text {
        for word in text.split_whitespace().take(8) {
            let escaped = word
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = format!("%{escaped}%");
            q.sql(" AND (LOWER(t.title) LIKE ");
            q.text(pattern.clone());
            q.sql(" ESCAPE '\\' OR LOWER(COALESCE(t.description, '')) LIKE ");
            q.text(pattern);
            q.sql(" ESCAPE '\\')");
        }
    }
    q.sql(" ORDER BY t.id LIMIT ");
    q.int(limit as i64 + 1);
}

/// The collaborators of these tasks: rows of (task id, user id, email, name).
pub(crate) fn push_collaborators(q: &mut impl SqlSink, task_ids: impl Iterator<Item = Id>) {
    q.sql("SELECT tc.task_id, u.id, u.email, u.name FROM task_collaborators tc JOIN users u ON u.id = tc.user_id WHERE tc.task_id IN (");
    for (i, id) in task_ids.enumerate() {
        if i > 0 {
            q.sql(", ");
        }
        q.int(id);
    }
    q.sql(") ORDER BY u.email");
}

pub(crate) fn attach_collaborators(tasks: &mut [Task], collaborators: Vec<(Id, UserRef)>) {
    let index: std::collections::HashMap<Id, usize> =
        tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    for (task_id, user) in collaborators {
        if let Some(&i) = index.get(&task_id) {
            tasks[i].collaborators.push(user);
        }
    }
}

/// One row of the task query, in column order, before it becomes a
/// [`Task`]. Both drivers fill it; only this turns it into the domain's.
#[derive(Debug)]
pub(crate) struct TaskRow {
    pub id: i64,
    pub project_id: Option<i64>,
    pub project_key: Option<String>,
    pub number: i64,
    pub title: String,
    pub description: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_email: Option<String>,
    pub owner_name: Option<String>,
    pub status: String,
    pub priority: String,
    pub start_date: Option<chrono::NaiveDate>,
    pub due_date: Option<chrono::NaiveDate>,
    pub estimate_days: Option<f64>,
    pub effort_hours: Option<f64>,
    pub optimistic_days: Option<f64>,
    pub likely_days: Option<f64>,
    pub pessimistic_days: Option<f64>,
    pub percent_complete: i64,
    pub parent_id: Option<i64>,
    pub parent_number: Option<i64>,
    pub parent_title: Option<String>,
    pub phase_id: Option<i64>,
    pub milestone_id: Option<i64>,
    pub blocked_reason: Option<String>,
    pub created_by: Option<i64>,
    pub creator_email: Option<String>,
    pub creator_name: Option<String>,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub completed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Tags joined by spaces.
    pub tags: Option<String>,
    pub constraint_type: Option<String>,
    /// Local date-times as `YYYY-MM-DDTHH:MM` (see [`local_time`]).
    pub constraint_date: Option<String>,
    pub actual_start: Option<String>,
    pub actual_finish: Option<String>,
}

/// Plan instants (local to the project's calendar, no time zone) are kept
/// as text in both backends, to the minute.
pub(crate) fn local_time(value: Option<chrono::NaiveDateTime>) -> Option<String> {
    value.map(|v| v.format("%Y-%m-%dT%H:%M").to_string())
}

pub(crate) fn parse_local_time(
    value: Option<&str>,
) -> crate::Result<Option<chrono::NaiveDateTime>> {
    value
        .map(|v| {
            chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
                .map_err(|e| decode_error(format!("local time '{v}': {e}")))
        })
        .transpose()
}

fn user(id: Option<i64>, email: Option<String>, name: Option<String>) -> Option<UserRef> {
    match (id, email, name) {
        (Some(id), Some(email), Some(name)) => Some(UserRef { id, email, name }),
        _ => None,
    }
}

impl TaskRow {
    pub(crate) fn into_task(self) -> crate::Result<Task> {
        let key = self.project_key.as_deref();
        let parent = match (self.parent_id, self.parent_number, self.parent_title) {
            (Some(id), Some(number), Some(title)) => Some(TaskRef {
                id,
                key: TaskKey::format(key, number, id),
                title,
            }),
            _ => None,
        };
        let three_point = match (
            self.optimistic_days,
            self.likely_days,
            self.pessimistic_days,
        ) {
            (Some(optimistic), Some(likely), Some(pessimistic)) => Some(ThreePoint {
                optimistic,
                likely,
                pessimistic,
            }),
            _ => None,
        };
        let mut tags: Vec<String> = self
            .tags
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        tags.sort();
        let schedule = tandem_domain::TaskScheduling {
            constraint_type: self.constraint_type.as_deref().map(vocab).transpose()?,
            constraint_date: parse_local_time(self.constraint_date.as_deref())?,
            actual_start: parse_local_time(self.actual_start.as_deref())?,
            actual_finish: parse_local_time(self.actual_finish.as_deref())?,
        };
        Ok(Task {
            id: self.id,
            key: TaskKey::format(key, self.number, self.id),
            project: self
                .project_id
                .zip(self.project_key.clone())
                .map(|(id, key)| ProjectRef { id, key }),
            number: self.number,
            title: self.title,
            description: self.description,
            owner: user(self.owner_id, self.owner_email, self.owner_name),
            collaborators: Vec::new(),
            status: vocab(&self.status)?,
            priority: vocab(&self.priority)?,
            start_date: self.start_date,
            due_date: self.due_date,
            estimate_days: self.estimate_days,
            effort_hours: self.effort_hours,
            three_point,
            percent_complete: self.percent_complete,
            schedule,
            parent,
            phase_id: self.phase_id,
            milestone_id: self.milestone_id,
            tags,
            blocked_reason: self.blocked_reason,
            created_by: user(self.created_by, self.creator_email, self.creator_name),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            completed_at: self.completed_at,
        })
    }
}

macro_rules! store_impl {
    ($store:ident, $db:ty, $backend:literal, $tag_aggregate:literal) => {
        mod store_impl {
            use super::$store;
            use std::collections::HashMap;

            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use sqlx::{QueryBuilder, Row};
            use tandem_domain::activity::{self, FieldChange};
            use tandem_domain::graph::cycle_through;
            use tandem_domain::rollup::{ProgressInput, rollup};
            use tandem_domain::*;
            use tandem_domain::calendar::{CalendarException, ExceptionFields};

            use crate::sql::*;
            use crate::*;

            type Db = $db;

            static TASK_SELECT: std::sync::LazyLock<String> =
                std::sync::LazyLock::new(|| TASK_SELECT_TEMPLATE.replace("{TAG_AGGREGATE}", $tag_aggregate));
            type DbRow = <$db as sqlx::Database>::Row;
            type Tx = sqlx::Transaction<'static, $db>;

            fn user_ref(row: &DbRow, id: &str, email: &str, name: &str) -> Result<Option<UserRef>> {
                let id: Option<i64> = row.try_get(id)?;
                Ok(match id {
                    Some(id) => Some(UserRef { id, email: row.try_get(email)?, name: row.try_get(name)? }),
                    None => None,
                })
            }

            fn task_from_row(row: &DbRow) -> Result<Task> {
                task_row(row)?.into_task()
            }

            fn task_row(row: &DbRow) -> Result<TaskRow> {
                Ok(TaskRow {
                    id: row.try_get(0)?,
                    project_id: row.try_get(1)?,
                    project_key: row.try_get(2)?,
                    number: row.try_get(3)?,
                    title: row.try_get(4)?,
                    description: row.try_get(5)?,
                    owner_id: row.try_get(6)?,
                    owner_email: row.try_get(7)?,
                    owner_name: row.try_get(8)?,
                    status: row.try_get(9)?,
                    priority: row.try_get(10)?,
                    start_date: row.try_get(11)?,
                    due_date: row.try_get(12)?,
                    estimate_days: row.try_get(13)?,
                    effort_hours: row.try_get(14)?,
                    optimistic_days: row.try_get(15)?,
                    likely_days: row.try_get(16)?,
                    pessimistic_days: row.try_get(17)?,
                    percent_complete: row.try_get(18)?,
                    parent_id: row.try_get(19)?,
                    parent_number: row.try_get(20)?,
                    parent_title: row.try_get(21)?,
                    phase_id: row.try_get(22)?,
                    milestone_id: row.try_get(23)?,
                    blocked_reason: row.try_get(24)?,
                    created_by: row.try_get(25)?,
                    creator_email: row.try_get(26)?,
                    creator_name: row.try_get(27)?,
                    version: row.try_get(28)?,
                    created_at: row.try_get(29)?,
                    updated_at: row.try_get(30)?,
                    completed_at: row.try_get(31)?,
                    tags: row.try_get(32)?,
                    constraint_type: row.try_get(33)?,
                    constraint_date: row.try_get(34)?,
                    actual_start: row.try_get(35)?,
                    actual_finish: row.try_get(36)?,
                })
            }

            impl SqlSink for QueryBuilder<'_, Db> {
                fn sql(&mut self, text: &str) {
                    self.push(text);
                }
                fn int(&mut self, value: i64) {
                    self.push_bind(value);
                }
                fn text(&mut self, value: String) {
                    self.push_bind(value);
                }
                fn date(&mut self, value: chrono::NaiveDate) {
                    self.push_bind(value);
                }
            }

            /// The links between a project's own tasks, through sqlx
            /// (SQLite reads them with its own driver instead).
            #[allow(dead_code)]
            pub(crate) async fn sqlx_link_rows(pool: &sqlx::Pool<Db>, scope: Scope, project_id: Id) -> Result<Vec<crate::Link>> {
                let rows: Vec<(Id, Id, Id, String, f64, String, i64)> = sqlx::query_as(crate::sql::LINK_SELECT)
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .fetch_all(pool)
                    .await?;
                rows.into_iter()
                    .map(|(id, predecessor_id, successor_id, kind, lag_days, lag_format, version)| {
                        Ok(crate::Link { id, predecessor_id, successor_id, kind: vocab(&kind)?, lag_days, lag_format: vocab(&lag_format)?, version })
                    })
                    .collect()
            }

            /// The page of task rows and their collaborators, through sqlx
            /// (SQLite reads its pages with its own driver instead).
            #[allow(dead_code)]
            pub(crate) async fn sqlx_task_page_rows(
                pool: &sqlx::Pool<Db>,
                scope: Scope,
                filter: &TaskFilter,
                limit: usize,
            ) -> Result<(Vec<TaskRow>, Vec<(Id, UserRef)>)> {
                let mut qb = QueryBuilder::<Db>::new("");
                push_task_list(&mut qb, &TASK_SELECT, scope, filter, limit);
                let mut conn = pool.acquire().await?;
                let rows = qb.build().fetch_all(&mut *conn).await?.iter().map(task_row).collect::<Result<Vec<_>>>()?;
                let mut qb = QueryBuilder::<Db>::new("");
                push_collaborators(&mut qb, rows.iter().map(|r| r.id));
                let collaborators = if rows.is_empty() {
                    Vec::new()
                } else {
                    qb.build()
                        .fetch_all(&mut *conn)
                        .await?
                        .iter()
                        .map(|row| {
                            Ok((row.try_get(0)?, UserRef { id: row.try_get(1)?, email: row.try_get(2)?, name: row.try_get(3)? }))
                        })
                        .collect::<Result<Vec<_>>>()?
                };
                Ok((rows, collaborators))
            }

            /// The query text of the task list, for drivers other than sqlx.
            #[allow(dead_code)]
            pub(crate) fn task_select() -> &'static str {
                TASK_SELECT.as_str()
            }

            fn project_from_row(row: &DbRow) -> Result<Project> {
                Ok(Project {
                    id: row.try_get("id")?,
                    key: row.try_get("key")?,
                    name: row.try_get("name")?,
                    objective: row.try_get("objective")?,
                    scope_in: row.try_get("scope_in")?,
                    scope_out: row.try_get("scope_out")?,
                    owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
                    status: vocab(row.try_get::<&str, _>("status")?)?,
                    stage: vocab(row.try_get::<&str, _>("stage")?)?,
                    start_date: row.try_get("start_date")?,
                    target_date: row.try_get("target_date")?,
                    budget: row.try_get("budget")?,
                    ongoing: row.try_get("ongoing")?,
                    work_week: work_week_from(row.try_get("work_week")?, row.try_get("hours_per_day")?)?,
                    status_date: parse_local_time(row.try_get::<Option<&str>, _>("status_date")?)?,
                    version: row.try_get("version")?,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }

            fn phase_from_row(row: &DbRow) -> Result<Phase> {
                Ok(Phase {
                    id: row.try_get("id")?,
                    project_id: row.try_get("project_id")?,
                    name: row.try_get("name")?,
                    position: row.try_get("position")?,
                    start_date: row.try_get("start_date")?,
                    end_date: row.try_get("end_date")?,
                    version: row.try_get("version")?,
                })
            }

            fn milestone_from_row(row: &DbRow) -> Result<Milestone> {
                Ok(Milestone {
                    id: row.try_get("id")?,
                    project_id: row.try_get("project_id")?,
                    name: row.try_get("name")?,
                    date: row.try_get("date")?,
                    description: row.try_get("description")?,
                    phase_id: row.try_get("phase_id")?,
                    version: row.try_get("version")?,
                })
            }

            fn stakeholder_from_row(row: &DbRow) -> Result<Stakeholder> {
                let user = user_ref(row, "user_id", "user_email", "user_name")?;
                let name: Option<String> = row.try_get("name")?;
                Ok(Stakeholder {
                    id: row.try_get("id")?,
                    project_id: row.try_get("project_id")?,
                    name: name.or_else(|| user.as_ref().map(|u| u.name.clone())).unwrap_or_default(),
                    email: row
                        .try_get::<Option<String>, _>("email")?
                        .or_else(|| user.as_ref().map(|u| u.email.clone())),
                    user,
                    role: vocab(row.try_get::<&str, _>("role")?)?,
                    version: row.try_get("version")?,
                })
            }

            fn risk_from_row(row: &DbRow) -> Result<Risk> {
                Ok(Risk {
                    id: row.try_get("id")?,
                    project_id: row.try_get("project_id")?,
                    title: row.try_get("title")?,
                    description: row.try_get("description")?,
                    probability: row.try_get("probability")?,
                    impact: row.try_get("impact")?,
                    owner: user_ref(row, "owner_id", "owner_email", "owner_name")?,
                    mitigation: row.try_get("mitigation")?,
                    status: vocab(row.try_get::<&str, _>("status")?)?,
                    tasks: Vec::new(),
                    milestone_ids: Vec::new(),
                    version: row.try_get("version")?,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }

            fn dependency_from_row(row: &DbRow) -> Result<Dependency> {
                let end = |id: &str, number: &str, title: &str, project: &str| -> Result<TaskRef> {
                    let id: i64 = row.try_get(id)?;
                    let number: i64 = row.try_get(number)?;
                    let project: Option<String> = row.try_get(project)?;
                    Ok(TaskRef { id, key: TaskKey::format(project.as_deref(), number, id), title: row.try_get(title)? })
                };
                Ok(Dependency {
                    id: row.try_get("id")?,
                    predecessor: end("pred_id", "pred_number", "pred_title", "pred_project")?,
                    successor: end("succ_id", "succ_number", "succ_title", "succ_project")?,
                    kind: vocab(row.try_get::<&str, _>("kind")?)?,
                    lag_days: row.try_get("lag_days")?,
                    lag_format: vocab(row.try_get::<&str, _>("lag_format")?)?,
                    version: row.try_get("version")?,
                })
            }

            fn parse_task_key(key: &str) -> Result<TaskKey> {
                TaskKey::parse(key).map_err(|_| StoreError::NotFound("task"))
            }

            /// Takes the project's write lock (see the backends'
            /// `PROJECT_LOCK`); `true` when one was taken, so what was
            /// read before must be read again.
            async fn lock_project_tx(tx: &mut Tx, project_id: Id) -> Result<bool> {
                let Some(lock) = $store::PROJECT_LOCK else { return Ok(false) };
                sqlx::query(lock).bind(project_id).fetch_optional(&mut **tx).await?;
                Ok(true)
            }

            /// The task a key names, read after taking its project's lock
            /// (or its own, for a personal task): what it is now, which no
            /// other writer changes before this transaction ends.
            async fn locked_task_tx(tx: &mut Tx, scope: Scope, key: &str) -> Result<Task> {
                let task = fetch_task_tx(&mut *tx, scope, key).await?;
                let locked = match &task.project {
                    Some(project) => lock_project_tx(&mut *tx, project.id).await?,
                    None => match $store::TASK_LOCK {
                        Some(lock) => {
                            sqlx::query(lock).bind(task.id).fetch_optional(&mut **tx).await?;
                            true
                        }
                        None => false,
                    },
                };
                if locked { fetch_task_tx(&mut *tx, scope, key).await } else { Ok(task) }
            }

            /// Applies an update's change to the current fields.
            fn patched<F>(change: crate::Patch<'_, F>, current: F) -> Result<F> {
                change(current).map_err(StoreError::Invalid)
            }

            fn check_version(expected: Option<i64>, current: i64) -> Result<()> {
                match expected {
                    Some(expected) if expected != current => Err(StoreError::VersionMismatch { current }),
                    _ => Ok(()),
                }
            }

            // One row of history has this many independent parts; a struct
            // would only be built to be taken apart again.
            #[allow(clippy::too_many_arguments)]
            async fn record(
                tx: &mut Tx,
                scope: Scope,
                project_id: Option<Id>,
                kind: EntityKind,
                entity_id: Id,
                label: &str,
                action: &str,
                changes: &[FieldChange],
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(scope.workspace_id)
                .bind(project_id)
                .bind(scope.user_id)
                .bind(Utc::now())
                .bind(kind.as_str())
                .bind(entity_id)
                .bind(label)
                .bind(action)
                .bind(changes_json(changes))
                .execute(&mut **tx)
                .await?;
                // Titles stay out of events: tasks, projects and
                // workspaces go by key, everything else by number.
                let key = match kind {
                    EntityKind::Task | EntityKind::Project | EntityKind::Workspace => label.to_string(),
                    _ => entity_id.to_string(),
                };
                emit(tx, scope.workspace_id, project_id, kind.as_str(), action, &key, Some(scope.user_id)).await
            }

            crate::events::events_impl!($store);

            /// The member of this workspace with this email, or a field error.
            async fn member_id(tx: &mut Tx, scope: Scope, email: &Email, field: &str) -> Result<Id> {
                let id: Option<i64> = sqlx::query_scalar(
                    "SELECT u.id FROM users u JOIN members m ON m.user_id = u.id AND m.workspace_id = $1 WHERE u.email = $2",
                )
                .bind(scope.workspace_id)
                .bind(email.as_str())
                .fetch_optional(&mut **tx)
                .await?;
                id.ok_or_else(|| StoreError::invalid(field, format!("{email} is not a member of this workspace")))
            }

            async fn optional_member(tx: &mut Tx, scope: Scope, email: Option<&Email>, field: &str) -> Result<Option<Id>> {
                match email {
                    Some(email) => Ok(Some(member_id(tx, scope, email, field).await?)),
                    None => Ok(None),
                }
            }

            async fn fetch_task_tx(tx: &mut Tx, scope: Scope, key: &str) -> Result<Task> {
                let key = parse_task_key(key)?;
                let mut qb = QueryBuilder::<Db>::new(TASK_SELECT.as_str());
                push_task_key(&mut qb, scope, &key);
                push_task_visibility(&mut qb, scope);
                let row = qb.build().fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("task"))?;
                let mut task = task_from_row(&row)?;
                fill_tasks(&mut **tx, std::slice::from_mut(&mut task)).await?;
                Ok(task)
            }

            /// Loads the collaborators of these tasks in one query (tags come with
            /// the task row).
            async fn fill_tasks(conn: &mut <Db as sqlx::Database>::Connection, tasks: &mut [Task]) -> Result<()> {
                if tasks.is_empty() {
                    return Ok(());
                }
                let index: HashMap<Id, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
                let mut qb = QueryBuilder::<Db>::new(
                    "SELECT tc.task_id, u.id, u.email, u.name FROM task_collaborators tc JOIN users u ON u.id = tc.user_id WHERE tc.task_id IN (",
                );
                let mut ids = qb.separated(", ");
                for task in tasks.iter() {
                    ids.push_bind(task.id);
                }
                qb.push(") ORDER BY u.email");
                for row in qb.build().fetch_all(&mut *conn).await? {
                    let task_id: i64 = row.try_get("task_id")?;
                    tasks[index[&task_id]].collaborators.push(UserRef {
                        id: row.try_get("id")?,
                        email: row.try_get("email")?,
                        name: row.try_get("name")?,
                    });
                }
                Ok(())
            }

            async fn fetch_project_tx(tx: &mut Tx, scope: Scope, key: &str) -> Result<Project> {
                let mut qb = QueryBuilder::<Db>::new(PROJECT_SELECT);
                qb.push(" WHERE p.workspace_id = ");
                qb.push_bind(scope.workspace_id);
                qb.push(" AND p.key = ");
                qb.push_bind(key.to_ascii_uppercase());
                push_project_visibility(&mut qb, "p.id", scope);
                let row = qb.build().fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("project"))?;
                project_from_row(&row)
            }

            async fn project_for_task(tx: &mut Tx, scope: Scope, key: &str) -> Result<Project> {
                match fetch_project_tx(tx, scope, key).await {
                    Err(StoreError::NotFound(_)) => Err(StoreError::invalid("project", format!("no project {key}"))),
                    other => other,
                }
            }

            /// Inserts one task with its tags, collaborators and history row;
            /// returns its key.
            async fn insert_task_tx(tx: &mut Tx, scope: Scope, project: Option<&Project>, fields: &TaskFields) -> Result<(Id, String)> {
                let mut fields = fields.clone();
                fields.normalize();
                fields.check().map_err(StoreError::Invalid)?;
                    let refs = resolve_task_refs(tx, scope, project.map(|p| (p.id, p.key.as_str())), None, &fields).await?;
                    let number: i64 = match project {
                        Some(p) => sqlx::query_scalar(
                            "UPDATE projects SET next_task_number = next_task_number + 1 WHERE id = $1 RETURNING next_task_number",
                        )
                        .bind(p.id)
                        .fetch_one(&mut **tx)
                        .await?,
                        None => 0,
                    };
                    let now = Utc::now();
                    let row = TaskRowValues {
                        project_id: project.map(|p| p.id),
                        number,
                        fields: &fields,
                        owner_id: refs.owner_id,
                        parent_id: refs.parent_id,
                        now,
                    };
                    let mut qb = QueryBuilder::<Db>::new(TASK_INSERT);
                    qb.push_values([row], |mut b, row| push_task_row(&mut b, scope, &row));
                    qb.push(" RETURNING id");
                    let id: i64 = qb.build_query_scalar().fetch_one(&mut **tx).await?;
                    write_task_sets(tx, id, &fields.tags, &refs.collaborator_ids).await?;
                    let key = TaskKey::format(project.map(|p| p.key.as_str()), number, id);
                    record(tx, scope, project.map(|p| p.id), EntityKind::Task, id, &key, "created", &activity::created(&task_snapshot(&fields))).await?;
                Ok((id, key))
            }

            /// Resolves a task's references (people, parent, phase,
            /// milestone) in its project, collecting every failure.
            struct TaskRefs {
                owner_id: Option<Id>,
                collaborator_ids: Vec<Id>,
                parent_id: Option<Id>,
            }

            async fn resolve_task_refs(
                tx: &mut Tx,
                scope: Scope,
                project: Option<(Id, &str)>,
                task_id: Option<Id>,
                fields: &TaskFields,
            ) -> Result<TaskRefs> {
                let mut errors = Vec::new();
                let mut take = |result: Result<Id>| -> Result<Option<Id>> {
                    match result {
                        Ok(id) => Ok(Some(id)),
                        Err(StoreError::Invalid(e)) => {
                            errors.extend(e);
                            Ok(None)
                        }
                        Err(other) => Err(other),
                    }
                };
                let owner_id = match &fields.owner {
                    Some(email) => take(member_id(tx, scope, email, "owner").await)?,
                    None => None,
                };
                let mut collaborator_ids = Vec::new();
                for email in &fields.collaborators {
                    if let Some(id) = take(member_id(tx, scope, email, "collaborators").await)? {
                        collaborator_ids.push(id);
                    }
                }
                let mut parent_id = None;
                if let Some(parent_key) = &fields.parent {
                    match fetch_task_tx(tx, scope, parent_key).await {
                        Ok(parent) => {
                            if parent.project.as_ref().map(|p| p.id) != project.map(|p| p.0) {
                                errors.push(FieldError::new("parent", "must be a task of the same project"));
                            } else if let Some(task_id) = task_id {
                                let rows: Vec<(i64, i64)> = sqlx::query_as(
                                    "SELECT id, parent_id FROM tasks WHERE workspace_id = $1 AND parent_id IS NOT NULL",
                                )
                                .bind(scope.workspace_id)
                                .fetch_all(&mut **tx)
                                .await?;
                                let parent_of: HashMap<Id, Id> = rows.into_iter().collect();
                                if tandem_domain::graph::parent_cycle(&parent_of, task_id, parent.id) {
                                    errors.push(FieldError::new("parent", "a task cannot be its own ancestor"));
                                } else {
                                    parent_id = Some(parent.id);
                                }
                            } else {
                                parent_id = Some(parent.id);
                            }
                        }
                        Err(StoreError::NotFound(_)) => {
                            errors.push(FieldError::new("parent", format!("no task {parent_key}")))
                        }
                        Err(other) => return Err(other),
                    }
                }
                for (field, id, table) in [
                    ("phase_id", fields.phase_id, "phases"),
                    ("milestone_id", fields.milestone_id, "milestones"),
                ] {
                    if let Some(id) = id {
                        let found: Option<i64> = sqlx::query_scalar(&format!(
                            "SELECT project_id FROM {table} WHERE id = $1 AND workspace_id = $2"
                        ))
                        .bind(id)
                        .bind(scope.workspace_id)
                        .fetch_optional(&mut **tx)
                        .await?;
                        if found.is_none() || found != project.map(|p| p.0) {
                            errors.push(FieldError::new(field, "must belong to the task's project"));
                        }
                    }
                }
                if !errors.is_empty() {
                    return Err(StoreError::Invalid(errors));
                }
                Ok(TaskRefs { owner_id, collaborator_ids, parent_id })
            }

            async fn write_task_sets(tx: &mut Tx, task_id: Id, tags: &[String], collaborators: &[Id]) -> Result<()> {
                sqlx::query("DELETE FROM task_tags WHERE task_id = $1").bind(task_id).execute(&mut **tx).await?;
                for tag in tags {
                    sqlx::query("INSERT INTO task_tags (task_id, tag) VALUES ($1, $2)")
                        .bind(task_id)
                        .bind(tag)
                        .execute(&mut **tx)
                        .await?;
                }
                sqlx::query("DELETE FROM task_collaborators WHERE task_id = $1").bind(task_id).execute(&mut **tx).await?;
                for user_id in collaborators {
                    sqlx::query("INSERT INTO task_collaborators (task_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(task_id)
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            /// A task's place on the board (see `UNRANKED_STEP`), if named.
            async fn board_rank_tx(tx: &mut Tx, scope: Scope, key: Option<&str>) -> Result<Option<f64>> {
                let Some(key) = key else { return Ok(None) };
                let id = fetch_task_tx(&mut *tx, scope, key).await?.id;
                let rank: Option<f64> = sqlx::query_scalar("SELECT board_rank FROM tasks WHERE id = $1").bind(id).fetch_one(&mut **tx).await?;
                Ok(Some(rank.unwrap_or(id as f64 * UNRANKED_STEP)))
            }

            /// Spaces a project's board ranks a step apart, order kept.
            async fn renumber_board_tx(tx: &mut Tx, scope: Scope, project_id: Id) -> Result<()> {
                let rows: Vec<(Id, Option<f64>)> = sqlx::query_as("SELECT id, board_rank FROM tasks WHERE workspace_id = $1 AND project_id = $2")
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .fetch_all(&mut **tx)
                    .await?;
                let mut order: Vec<(f64, Id)> = rows.into_iter().map(|(id, rank)| (rank.unwrap_or(id as f64 * UNRANKED_STEP), id)).collect();
                order.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                for (place, (_, id)) in order.iter().enumerate() {
                    sqlx::query("UPDATE tasks SET board_rank = $1 WHERE id = $2")
                        .bind((place as f64 + 1.0) * UNRANKED_STEP)
                        .bind(*id)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            /// Writes `fields` over `current`, a task read under its lock
            /// ([`locked_task_tx`]) in this transaction.
            async fn update_task_tx(tx: &mut Tx, scope: Scope, current: Task, fields: TaskFields) -> Result<Task> {
                let mut fields = fields;
                fields.normalize();
                fields.check().map_err(StoreError::Invalid)?;
                let project = current.project.as_ref().map(|p| (p.id, p.key.as_str()));
                let refs = resolve_task_refs(&mut *tx, scope, project, Some(current.id), &fields).await?;
                let now = Utc::now();
                let completed_at = match (current.status.is_closed(), fields.status.is_closed()) {
                    (false, true) => Some(now),
                    (true, true) => current.completed_at,
                    _ => None,
                };
                let tp = fields.three_point.as_ref();
                let updated = sqlx::query(
                    "UPDATE tasks SET title = $1, description = $2, owner_id = $3, status = $4, priority = $5, start_date = $6, \
                     due_date = $7, estimate_days = $8, effort_hours = $9, optimistic_days = $10, likely_days = $11, \
                     pessimistic_days = $12, percent_complete = $13, parent_id = $14, phase_id = $15, milestone_id = $16, \
                     blocked_reason = $17, updated_at = $18, completed_at = $19, constraint_type = $22, \
                     constraint_date = $23, actual_start = $24, actual_finish = $25, version = version + 1 \
                     WHERE id = $20 AND version = $21",
                )
                .bind(fields.title.trim())
                .bind(&fields.description)
                .bind(refs.owner_id)
                .bind(fields.status.as_str())
                .bind(fields.priority.as_str())
                .bind(fields.start_date)
                .bind(fields.due_date)
                .bind(fields.estimate_days)
                .bind(fields.effort_hours)
                .bind(tp.map(|t| t.optimistic))
                .bind(tp.map(|t| t.likely))
                .bind(tp.map(|t| t.pessimistic))
                .bind(fields.percent_complete)
                .bind(refs.parent_id)
                .bind(fields.phase_id)
                .bind(fields.milestone_id)
                .bind(&fields.blocked_reason)
                .bind(now)
                .bind(completed_at)
                .bind(current.id)
                .bind(current.version)
                .bind(fields.schedule.constraint_type.map(|c| c.as_str()))
                .bind(local_time(fields.schedule.constraint_date))
                .bind(local_time(fields.schedule.actual_start))
                .bind(local_time(fields.schedule.actual_finish))
                .execute(&mut **tx)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err(StoreError::VersionMismatch { current: current.version + 1 });
                }
                let before = current.fields();
                if before.tags != fields.tags || before.collaborators != fields.collaborators {
                    write_task_sets(&mut *tx, current.id, &fields.tags, &refs.collaborator_ids).await?;
                }
                let changes = activity::diff(&task_snapshot(&before), &task_snapshot(&fields));
                record(&mut *tx, scope, current.project.as_ref().map(|p| p.id), EntityKind::Task, current.id, &current.key, "updated", &changes).await?;
                let task = fetch_task_tx(&mut *tx, scope, &current.key).await?;
                Ok(task)
            }

            /// Inserts a project (its fields already checked) and records it.
            async fn insert_project_tx(tx: &mut Tx, scope: Scope, project: &NewProject) -> Result<Id> {
                let f = &project.fields;
                let owner_id = optional_member(&mut *tx, scope, f.owner.as_ref(), "owner").await?;
                let now = Utc::now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO projects (workspace_id, key, name, objective, scope_in, scope_out, owner_id, status, stage, \
                     start_date, target_date, budget, ongoing, created_at, updated_at, work_week, hours_per_day) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16) RETURNING id",
                )
                .bind(scope.workspace_id)
                .bind(project.key.as_str())
                .bind(&f.name)
                .bind(&f.objective)
                .bind(&f.scope_in)
                .bind(&f.scope_out)
                .bind(owner_id)
                .bind(f.status.as_str())
                .bind(f.stage.as_str())
                .bind(f.start_date)
                .bind(f.target_date)
                .bind(f.budget)
                .bind(f.ongoing)
                .bind(now)
                .bind(work_week_text(&f.work_week))
                .bind(f.work_week.hours_per_day)
                .bind(local_time(f.status_date))
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| match unique_to_conflict(e, "a project with this key") {
                    StoreError::Conflict(_) => StoreError::invalid("key", format!("{} is taken in this workspace", project.key)),
                    other => other,
                })?;
                let mut snapshot = project_snapshot(f);
                snapshot.insert("key".into(), project.key.as_str().into());
                record(&mut *tx, scope, Some(id), EntityKind::Project, id, project.key.as_str(), "created", &activity::created(&snapshot)).await?;
                Ok(id)
            }

            /// A new task's row: its fields and what the store resolved.
            struct TaskRowValues<'a> {
                project_id: Option<Id>,
                number: i64,
                fields: &'a TaskFields,
                owner_id: Option<Id>,
                parent_id: Option<Id>,
                now: DateTime<Utc>,
            }

            const TASK_INSERT: &str = "INSERT INTO tasks (workspace_id, project_id, number, title, description, owner_id, \
                status, priority, start_date, due_date, estimate_days, effort_hours, optimistic_days, likely_days, \
                pessimistic_days, percent_complete, parent_id, phase_id, milestone_id, blocked_reason, created_by, \
                created_at, updated_at, completed_at, constraint_type, constraint_date, actual_start, actual_finish) ";

            /// Binds one row of [`TASK_INSERT`]: one task created through
            /// the API, or many in an import.
            fn push_task_row(b: &mut sqlx::query_builder::Separated<'_, '_, Db, &'static str>, scope: Scope, row: &TaskRowValues<'_>) {
                let f = row.fields;
                let tp = f.three_point.as_ref();
                b.push_bind(scope.workspace_id)
                    .push_bind(row.project_id)
                    .push_bind(row.number)
                    .push_bind(f.title.trim().to_string())
                    .push_bind(f.description.clone())
                    .push_bind(row.owner_id)
                    .push_bind(f.status.as_str())
                    .push_bind(f.priority.as_str())
                    .push_bind(f.start_date)
                    .push_bind(f.due_date)
                    .push_bind(f.estimate_days)
                    .push_bind(f.effort_hours)
                    .push_bind(tp.map(|t| t.optimistic))
                    .push_bind(tp.map(|t| t.likely))
                    .push_bind(tp.map(|t| t.pessimistic))
                    .push_bind(f.percent_complete)
                    .push_bind(row.parent_id)
                    .push_bind(f.phase_id)
                    .push_bind(f.milestone_id)
                    .push_bind(f.blocked_reason.clone())
                    .push_bind(scope.user_id)
                    .push_bind(row.now)
                    .push_bind(row.now)
                    .push_bind(f.status.is_closed().then_some(row.now))
                    .push_bind(f.schedule.constraint_type.map(|c| c.as_str()))
                    .push_bind(local_time(f.schedule.constraint_date))
                    .push_bind(local_time(f.schedule.actual_start))
                    .push_bind(local_time(f.schedule.actual_finish));
            }

            /// The tasks of a new, imported project in a few statements: the
            /// rows in batches, then their parents, then their history. The
            /// tasks have no owners, collaborators, tags, phases or milestones,
            /// and each parent comes before its children (`KEY-n` is the n-th).
            /// Inserts `tasks`, the ones after the `earlier` tasks of the same
            /// import (whose ids and keys are given): a parent may be any task
            /// before its child, in this batch or an earlier one.
            async fn insert_imported_tasks_tx(tx: &mut Tx, scope: Scope, project: &Project, tasks: &[TaskFields], earlier: &[(Id, String)]) -> Result<Vec<(Id, String)>> {
                let offset = earlier.len();
                let mut parents: Vec<Option<usize>> = Vec::with_capacity(tasks.len());
                let mut checked = Vec::with_capacity(tasks.len());
                for (index, fields) in tasks.iter().enumerate() {
                    let index = offset + index;
                    let mut fields = fields.clone();
                    fields.normalize();
                    let row_error = |errors: Vec<FieldError>| StoreError::Invalid(
                        errors.into_iter().map(|e| FieldError::new(format!("tasks[{index}].{}", e.field), e.message)).collect(),
                    );
                    fields.check().map_err(row_error)?;
                    if fields.owner.is_some() || !fields.collaborators.is_empty() || !fields.tags.is_empty()
                        || fields.phase_id.is_some() || fields.milestone_id.is_some()
                    {
                        return Err(row_error(vec![FieldError::new("task", "an imported task has no owner, collaborators, tags, phase or milestone")]));
                    }
                    let parent = match fields.parent.as_deref() {
                        None => None,
                        Some(parent) => Some(
                            parent
                                .strip_prefix(&format!("{}-", project.key))
                                .and_then(|n| n.parse::<usize>().ok())
                                .filter(|&n| (1..=index).contains(&n))
                                .map(|n| n - 1)
                                .ok_or_else(|| row_error(vec![FieldError::new("parent", format!("{parent} is not a task before this one"))]))?,
                        ),
                    };
                    parents.push(parent);
                    checked.push(fields);
                }
                let now = Utc::now();
                let last_number: i64 = sqlx::query_scalar(
                    "UPDATE projects SET next_task_number = next_task_number + $1 WHERE id = $2 RETURNING next_task_number",
                )
                .bind(checked.len() as i64)
                .bind(project.id)
                .fetch_one(&mut **tx)
                .await?;
                let first_number = last_number - checked.len() as i64 + 1;
                // 28 values a row: 500 rows stay within both backends' limits.
                for (chunk_index, chunk) in checked.chunks(500).enumerate() {
                    let mut qb = QueryBuilder::<Db>::new(TASK_INSERT);
                    qb.push_values(chunk.iter().enumerate(), |mut b, (i, fields)| {
                        let row = TaskRowValues {
                            project_id: Some(project.id),
                            number: first_number + (chunk_index * 500 + i) as i64,
                            fields,
                            owner_id: None,
                            parent_id: None,
                            now,
                        };
                        push_task_row(&mut b, scope, &row);
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT number, id FROM tasks WHERE project_id = $1 AND number >= $2 ORDER BY number")
                    .bind(project.id)
                    .bind(first_number)
                    .fetch_all(&mut **tx)
                    .await?;
                let ids: Vec<(Id, String)> = rows
                    .iter()
                    .map(|&(number, id)| (id, TaskKey::format(Some(&project.key), number, id)))
                    .collect();
                let id_of = |p: usize| if p < offset { earlier[p].0 } else { ids[p - offset].0 };
                let children: Vec<(Id, Id)> = parents
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.map(|p| (ids[i].0, id_of(p))))
                    .collect();
                for chunk in children.chunks(500) {
                    let mut qb = QueryBuilder::<Db>::new("UPDATE tasks SET parent_id = CASE id");
                    for (child, parent) in chunk {
                        qb.push(" WHEN ").push_bind(*child).push(" THEN ").push_bind(*parent);
                    }
                    qb.push(" END WHERE id IN (");
                    let mut list = qb.separated(", ");
                    for (child, _) in chunk {
                        list.push_bind(*child);
                    }
                    qb.push(")");
                    qb.build().execute(&mut **tx).await?;
                }
                let history: Vec<(Id, &String, String)> = checked
                    .iter()
                    .zip(&ids)
                    .map(|(f, (id, key))| (*id, key, changes_json(&activity::created(&task_snapshot(f)))))
                    .collect();
                for chunk in history.chunks(500) {
                    let mut qb = QueryBuilder::<Db>::new(
                        "INSERT INTO activity (workspace_id, project_id, actor_id, at, entity_kind, entity_id, entity_label, action, changes) ",
                    );
                    qb.push_values(chunk, |mut b, (id, key, changes)| {
                        b.push_bind(scope.workspace_id)
                            .push_bind(project.id)
                            .push_bind(scope.user_id)
                            .push_bind(now)
                            .push_bind(EntityKind::Task.as_str())
                            .push_bind(*id)
                            .push_bind((*key).clone())
                            .push_bind("created")
                            .push_bind(changes.clone());
                    });
                    qb.build().execute(&mut **tx).await?;
                }
                Ok(ids)
            }

            async fn fetch_baseline_tx(tx: &mut Tx, scope: Scope, project_id: Id, id: Id) -> Result<Baseline> {
                let row = sqlx::query(&format!("{BASELINE_SELECT} WHERE b.id = $1 AND b.workspace_id = $2 AND b.project_id = $3"))
                    .bind(id)
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound("baseline"))?;
                let mut baseline = baseline_from_row(&row)?;
                let rows = sqlx::query("SELECT task_id, start, finish, duration_minutes FROM baseline_tasks WHERE baseline_id = $1 ORDER BY task_id")
                    .bind(id)
                    .fetch_all(&mut **tx)
                    .await?;
                for row in &rows {
                    let start: String = row.try_get("start")?;
                    let finish: String = row.try_get("finish")?;
                    baseline.tasks.push(BaselineTask {
                        task_id: row.try_get("task_id")?,
                        start: parse_local_time(Some(&start))?.unwrap_or_default(),
                        finish: parse_local_time(Some(&finish))?.unwrap_or_default(),
                        duration_minutes: row.try_get("duration_minutes")?,
                    });
                }
                Ok(baseline)
            }

            fn exception_from_row(row: &DbRow) -> Result<CalendarException> {
                let hours: String = row.try_get("hours")?;
                Ok(CalendarException {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    start: row.try_get("start_date")?,
                    end: row.try_get("end_date")?,
                    hours: tandem_domain::calendar::parse_hours(&hours)
                        .map_err(|e| decode_error(format!("exception hours '{hours}': {e}")))?,
                })
            }

            fn baseline_from_row(row: &DbRow) -> Result<Baseline> {
                Ok(Baseline {
                    id: row.try_get("id")?,
                    project_id: row.try_get("project_id")?,
                    name: row.try_get("name")?,
                    created_by: user_ref(row, "created_by", "creator_email", "creator_name")?,
                    created_at: row.try_get("created_at")?,
                    tasks: Vec::new(),
                })
            }

            async fn fetch_phase_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Phase> {
                let mut qb = QueryBuilder::<Db>::new("SELECT * FROM phases WHERE id = ");
                qb.push_bind(id);
                qb.push(" AND workspace_id = ");
                qb.push_bind(scope.workspace_id);
                push_project_visibility(&mut qb, "project_id", scope);
                let row = qb.build().fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("phase"))?;
                phase_from_row(&row)
            }

            /// A milestone's phase, if it has one, must be a phase of its project.
            async fn phase_of_project(tx: &mut Tx, scope: Scope, phase_id: Option<Id>, project_id: Id) -> Result<()> {
                let Some(phase_id) = phase_id else { return Ok(()) };
                match fetch_phase_tx(tx, scope, phase_id).await {
                    Ok(phase) if phase.project_id == project_id => Ok(()),
                    Ok(_) | Err(StoreError::NotFound(_)) => {
                        Err(StoreError::invalid("phase_id", "must be a phase of this project"))
                    }
                    Err(other) => Err(other),
                }
            }

            async fn fetch_milestone_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Milestone> {
                let mut qb = QueryBuilder::<Db>::new("SELECT * FROM milestones WHERE id = ");
                qb.push_bind(id);
                qb.push(" AND workspace_id = ");
                qb.push_bind(scope.workspace_id);
                push_project_visibility(&mut qb, "project_id", scope);
                let row = qb.build().fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("milestone"))?;
                milestone_from_row(&row)
            }

            async fn fetch_stakeholder_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Stakeholder> {
                let mut qb = QueryBuilder::<Db>::new(STAKEHOLDER_SELECT);
                qb.push(" WHERE s.id = ");
                qb.push_bind(id);
                qb.push(" AND s.workspace_id = ");
                qb.push_bind(scope.workspace_id);
                push_project_visibility(&mut qb, "s.project_id", scope);
                let row = qb.build().fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("stakeholder"))?;
                stakeholder_from_row(&row)
            }

            async fn fetch_risk_tx(tx: &mut Tx, scope: Scope, id: Id) -> Result<Risk> {
                let mut qb = QueryBuilder::<Db>::new(RISK_SELECT);
                qb.push(" WHERE r.id = ");
                qb.push_bind(id);
                qb.push(" AND r.workspace_id = ");
                qb.push_bind(scope.workspace_id);
                push_project_visibility(&mut qb, "r.project_id", scope);
                let row = qb.build().fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("risk"))?;
                let mut risk = risk_from_row(&row)?;
                fill_risks(tx, std::slice::from_mut(&mut risk)).await?;
                Ok(risk)
            }

            async fn fill_risks(tx: &mut Tx, risks: &mut [Risk]) -> Result<()> {
                for risk in risks.iter_mut() {
                    let rows = sqlx::query(
                        "SELECT t.id, t.number, t.title, p.key FROM risk_tasks rt JOIN tasks t ON t.id = rt.task_id \
                         LEFT JOIN projects p ON p.id = t.project_id WHERE rt.risk_id = $1 ORDER BY t.id",
                    )
                    .bind(risk.id)
                    .fetch_all(&mut **tx)
                    .await?;
                    risk.tasks = rows
                        .iter()
                        .map(|row| {
                            let id: i64 = row.try_get("id")?;
                            let key: Option<String> = row.try_get("key")?;
                            Ok(TaskRef { id, key: TaskKey::format(key.as_deref(), row.try_get("number")?, id), title: row.try_get("title")? })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    risk.milestone_ids =
                        sqlx::query_scalar("SELECT milestone_id FROM risk_milestones WHERE risk_id = $1 ORDER BY milestone_id")
                            .bind(risk.id)
                            .fetch_all(&mut **tx)
                            .await?;
                }
                Ok(())
            }

            /// Resolves and writes a risk's owner and links.
            async fn resolve_risk(tx: &mut Tx, scope: Scope, project_id: Id, risk: &RiskFields) -> Result<(Option<Id>, Vec<Id>)> {
                let mut errors = Vec::new();
                let owner_id = match optional_member(tx, scope, risk.owner.as_ref(), "owner").await {
                    Ok(id) => id,
                    Err(StoreError::Invalid(e)) => {
                        errors.extend(e);
                        None
                    }
                    Err(e) => return Err(e),
                };
                let mut task_ids = Vec::new();
                for key in &risk.task_keys {
                    match fetch_task_tx(tx, scope, key).await {
                        Ok(task) if task.project.as_ref().map(|p| p.id) == Some(project_id) => task_ids.push(task.id),
                        Ok(_) => errors.push(FieldError::new("tasks", format!("{key} is not in this project"))),
                        Err(StoreError::NotFound(_)) => errors.push(FieldError::new("tasks", format!("no task {key}"))),
                        Err(e) => return Err(e),
                    }
                }
                for id in &risk.milestone_ids {
                    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM milestones WHERE id = $1 AND project_id = $2")
                        .bind(id)
                        .bind(project_id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    if found.is_none() {
                        errors.push(FieldError::new("milestones", format!("no milestone {id} in this project")));
                    }
                }
                if !errors.is_empty() {
                    return Err(StoreError::Invalid(errors));
                }
                Ok((owner_id, task_ids))
            }

            async fn write_risk_links(tx: &mut Tx, risk_id: Id, task_ids: &[Id], milestone_ids: &[Id]) -> Result<()> {
                sqlx::query("DELETE FROM risk_tasks WHERE risk_id = $1").bind(risk_id).execute(&mut **tx).await?;
                sqlx::query("DELETE FROM risk_milestones WHERE risk_id = $1").bind(risk_id).execute(&mut **tx).await?;
                for task_id in task_ids {
                    sqlx::query("INSERT INTO risk_tasks (risk_id, task_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(risk_id)
                        .bind(task_id)
                        .execute(&mut **tx)
                        .await?;
                }
                for milestone_id in milestone_ids {
                    sqlx::query("INSERT INTO risk_milestones (risk_id, milestone_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(risk_id)
                        .bind(milestone_id)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            async fn fetch_dependency_tx(tx: &mut Tx, scope: Scope, predecessor: &str, successor: &str) -> Result<(Dependency, Option<Id>)> {
                let pred = fetch_task_tx(tx, scope, predecessor).await?;
                let succ = fetch_task_tx(tx, scope, successor).await?;
                let row = sqlx::query(&format!("{DEPENDENCY_SELECT} WHERE d.predecessor_id = $1 AND d.successor_id = $2"))
                    .bind(pred.id)
                    .bind(succ.id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound("dependency"))?;
                Ok((dependency_from_row(&row)?, succ.project.map(|p| p.id)))
            }

            fn dependency_snapshot(kind: DependencyKind, lag_days: f64, lag_format: LagFormat) -> serde_json::Map<String, serde_json::Value> {
                let mut map = serde_json::Map::new();
                map.insert("type".into(), kind.as_str().into());
                map.insert("lag_days".into(), lag_days.into());
                map.insert("lag_format".into(), lag_format.as_str().into());
                map
            }

            async fn member_count_with_role(tx: &mut Tx, workspace_id: Id, role: Role) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE workspace_id = $1 AND role = $2")
                    .bind(workspace_id)
                    .bind(role.as_str())
                    .fetch_one(&mut **tx)
                    .await?)
            }

            const MEMBER_SELECT: &str = "SELECT u.id, u.email, u.name, m.role, m.capacity_hours, m.version \
                FROM members m JOIN users u ON u.id = m.user_id";

            fn member_from_row(row: &DbRow) -> Result<Member> {
                Ok(Member {
                    user: UserRef { id: row.try_get("id")?, email: row.try_get("email")?, name: row.try_get("name")? },
                    role: vocab(row.try_get::<&str, _>("role")?)?,
                    capacity_hours: row.try_get("capacity_hours")?,
                    version: row.try_get("version")?,
                })
            }

            async fn fetch_member_tx(tx: &mut Tx, workspace_id: Id, user_id: Id) -> Result<Member> {
                let row = sqlx::query(&format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 AND m.user_id = $2"))
                    .bind(workspace_id)
                    .bind(user_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound("member"))?;
                member_from_row(&row)
            }

            fn time_off_from_row(row: &DbRow) -> Result<TimeOff> {
                Ok(TimeOff {
                    id: row.try_get("id")?,
                    user_id: row.try_get("user_id")?,
                    start: row.try_get("start_date")?,
                    end: row.try_get("end_date")?,
                    note: row.try_get("note")?,
                })
            }

            fn workspace_from_row(row: &DbRow) -> Result<Workspace> {
                Ok(Workspace {
                    id: row.try_get("id")?,
                    slug: row.try_get("slug")?,
                    name: row.try_get("name")?,
                    version: row.try_get("version")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            fn invitation_from_row(row: &DbRow) -> Result<crate::Invitation> {
                let email: String = row.try_get("email")?;
                Ok(crate::Invitation {
                    id: row.try_get("id")?,
                    workspace: Workspace {
                        id: row.try_get("ws_id")?,
                        slug: row.try_get("ws_slug")?,
                        name: row.try_get("ws_name")?,
                        version: row.try_get("ws_version")?,
                        created_at: row.try_get("ws_created_at")?,
                    },
                    email: Email::parse(&email).map_err(decode_error)?,
                    role: vocab(row.try_get::<&str, _>("role")?)?,
                    invited_by: user_ref(row, "invited_by", "inviter_email", "inviter_name")?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                })
            }

            async fn fetch_invitation_tx(tx: &mut Tx, condition: &str, id: Id) -> Result<crate::Invitation> {
                let row = sqlx::query(&format!("{INVITATION_SELECT} WHERE {condition}"))
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::NotFound("invitation"))?;
                invitation_from_row(&row)
            }

            fn membership_from_row(row: &DbRow) -> Result<Membership> {
                Ok(Membership { workspace: workspace_from_row(row)?, role: vocab(row.try_get::<&str, _>("role")?)? })
            }

            /// Who may change a member's role or remove them: owners for
            /// anything touching an owner, admins for the rest.
            fn check_member_change(scope: Scope, target_role: Role, new_role: Option<Role>) -> Result<()> {
                if !scope.role.can_manage_members() {
                    return Err(StoreError::Forbidden("only owners and admins manage members".into()));
                }
                let touches_owner = target_role == Role::Owner || new_role == Some(Role::Owner);
                if touches_owner && scope.role != Role::Owner {
                    return Err(StoreError::Forbidden("only an owner can grant or take the owner role".into()));
                }
                Ok(())
            }

            /// Rows of an import written per transaction: small enough that
            /// a writer waiting behind one waits milliseconds, large enough
            /// that the import is not slowed by commits.
            const IMPORT_BATCH: usize = 1000;

            /// A workspace nobody belongs to, where an import is built
            /// unseen. Its slug is one no person can choose (`~` is not
            /// allowed in slugs).
            async fn stage_workspace(store: &$store) -> Result<Id> {
                use std::hash::{BuildHasher, RandomState};
                let tag = RandomState::new().hash_one(std::time::SystemTime::now());
                let id: i64 = sqlx::query_scalar("INSERT INTO workspaces (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id")
                    .bind(format!("~import-{tag:016x}"))
                    .bind("import in progress")
                    .bind(Utc::now())
                    .fetch_one(store.writer())
                    .await?;
                Ok(id)
            }

            /// Writes the import into the staging workspace of `staged`, a
            /// batch per transaction; the new project's id.
            async fn import_staged(store: &$store, staged: Scope, import: &tandem_domain::interop::ProjectImport) -> Result<Id> {
                let key = import.project.key.as_str();
                let mut tx = store.writer().begin().await?;
                let project_id = insert_project_tx(&mut tx, staged, &import.project).await?;
                for e in &import.exceptions {
                    sqlx::query(
                        "INSERT INTO calendar_exceptions (workspace_id, project_id, name, start_date, end_date, hours) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(staged.workspace_id)
                    .bind(project_id)
                    .bind(e.name.trim())
                    .bind(e.start)
                    .bind(e.end)
                    .bind(tandem_domain::calendar::format_hours(&e.hours))
                    .execute(&mut *tx)
                    .await?;
                }
                let project = fetch_project_tx(&mut tx, staged, key).await?;
                tx.commit().await?;
                let mut ids: Vec<(Id, String)> = Vec::with_capacity(import.tasks.len());
                for batch in import.tasks.chunks(IMPORT_BATCH) {
                    let mut tx = store.writer().begin().await?;
                    let more = insert_imported_tasks_tx(&mut tx, staged, &project, batch, &ids).await?;
                    tx.commit().await?;
                    ids.extend(more);
                }
                for batch in import.dependencies.chunks(IMPORT_BATCH) {
                    let mut qb = QueryBuilder::<Db>::new("INSERT INTO dependencies (workspace_id, predecessor_id, successor_id, kind, lag_days, lag_format) ");
                    qb.push_values(batch, |mut b, d| {
                        b.push_bind(staged.workspace_id)
                            .push_bind(ids[d.predecessor].0)
                            .push_bind(ids[d.successor].0)
                            .push_bind(d.kind.as_str())
                            .push_bind(d.lag_days)
                            .push_bind(d.lag_format.as_str());
                    });
                    qb.build().execute(store.writer()).await?;
                }
                if !import.baseline.is_empty() {
                    let baseline_id: i64 = sqlx::query_scalar(
                        "INSERT INTO baselines (workspace_id, project_id, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(staged.workspace_id)
                    .bind(project_id)
                    .bind("Imported baseline")
                    .bind(staged.user_id)
                    .bind(Utc::now())
                    .fetch_one(store.writer())
                    .await?;
                    for batch in import.baseline.chunks(IMPORT_BATCH) {
                        let mut qb = QueryBuilder::<Db>::new("INSERT INTO baseline_tasks (baseline_id, task_id, start, finish, duration_minutes) ");
                        qb.push_values(batch, |mut b, (task, start, finish, minutes)| {
                            b.push_bind(baseline_id)
                                .push_bind(ids[*task].0)
                                .push_bind(local_time(Some(*start)))
                                .push_bind(local_time(Some(*finish)))
                                .push_bind(*minutes);
                        });
                        qb.build().execute(store.writer()).await?;
                    }
                }
                let mut tx = store.writer().begin().await?;
                let changes = activity::created(&serde_json::Map::from_iter([
                    ("tasks".to_string(), serde_json::json!(import.tasks.len())),
                    ("dependencies".to_string(), serde_json::json!(import.dependencies.len())),
                    ("calendar_exceptions".to_string(), serde_json::json!(import.exceptions.len())),
                ]));
                record(&mut tx, staged, Some(project_id), EntityKind::Project, project_id, key, "imported", &changes).await?;
                tx.commit().await?;
                Ok(project_id)
            }

            /// Moves a built import from its staging workspace into the
            /// caller's, all at once, and removes the staging workspace.
            async fn move_staged(store: &$store, staging: Id, scope: Scope) -> Result<()> {
                let mut tx = store.writer().begin().await?;
                for table in ["projects", "tasks", "dependencies", "calendar_exceptions", "baselines", "activity"] {
                    sqlx::query(&format!("UPDATE {table} SET workspace_id = $1 WHERE workspace_id = $2"))
                        .bind(scope.workspace_id)
                        .bind(staging)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| match unique_to_conflict(e, "a project with this key") {
                            // Taken while the import was being built.
                            StoreError::Conflict(_) => StoreError::invalid("key", "was taken in this workspace while the file was imported"),
                            other => other,
                        })?;
                }
                sqlx::query("DELETE FROM workspaces WHERE id = $1").bind(staging).execute(&mut *tx).await?;
                // The staging workspace's events become the caller's, and
                // the caller's pages hear of the arrival now.
                sqlx::query("UPDATE events SET workspace_id = $1 WHERE workspace_id = $2")
                    .bind(scope.workspace_id)
                    .bind(staging)
                    .execute(&mut *tx)
                    .await?;
                let project: Option<(i64, String)> = sqlx::query_as("SELECT id, key FROM projects WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1")
                    .bind(scope.workspace_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some((id, key)) = project {
                    emit(&mut tx, scope.workspace_id, Some(id), "project", "imported", &key, Some(scope.user_id)).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// [`PlanStore::save_schedule`], one attempt.
            async fn save_schedule_once(store: &$store, scope: Scope, project_id: Id, schedule: &StoredSchedule) -> Result<bool> {
                let mut tx = store.writer().begin().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE id = $1 AND workspace_id = $2")
                    .bind(project_id)
                    .bind(scope.workspace_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Err(StoreError::NotFound("project"));
                }
                // The project's lock, as every writer of its tasks
                // takes it first: two nodes, or a request and the
                // background worker saving at once, take turns.
                lock_project_tx(&mut tx, project_id).await?;
                // Tasks deleted since the plan was read have no row to
                // hang a schedule on; the plan's fingerprint no longer
                // matches either, so the next read recomputes.
                let present: std::collections::HashSet<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE project_id = $1")
                    .bind(project_id)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .collect();
                let stored = sqlx::query("SELECT fingerprint, computed_at FROM project_schedules WHERE project_id = $1")
                    .bind(project_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(row) = stored {
                    let fingerprint: String = row.try_get("fingerprint")?;
                    let computed_at: DateTime<Utc> = row.try_get("computed_at")?;
                    if fingerprint == schedule.fingerprint || computed_at > schedule.computed_at {
                        tx.commit().await?;
                        return Ok(false);
                    }
                }
                sqlx::query("DELETE FROM task_schedules WHERE project_id = $1").bind(project_id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM project_schedules WHERE project_id = $1").bind(project_id).execute(&mut *tx).await?;
                let path = schedule.critical_path.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(" ");
                sqlx::query(
                    "INSERT INTO project_schedules (project_id, fingerprint, computed_at, start, finish, critical_path, warnings) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(project_id)
                .bind(&schedule.fingerprint)
                .bind(schedule.computed_at)
                .bind(local_time(Some(schedule.start)))
                .bind(local_time(Some(schedule.finish)))
                .bind(path)
                .bind(schedule.warnings.join("\n"))
                .execute(&mut *tx)
                .await?;
                // Eleven values a row: 500 rows stay within both
                // backends' limits on bound parameters.
                let rows: Vec<&TaskSchedule> = schedule.tasks.iter().filter(|t| present.contains(&t.task_id)).collect();
                for chunk in rows.chunks(500) {
                    let mut qb = QueryBuilder::<Db>::new(
                        "INSERT INTO task_schedules (task_id, project_id, early_start, early_finish, late_start, late_finish, \
                         total_slack, free_slack, critical, summary, milestone) ",
                    );
                    qb.push_values(chunk, |mut b, t| {
                        b.push_bind(t.task_id)
                            .push_bind(project_id)
                            .push_bind(local_time(Some(t.early_start)))
                            .push_bind(local_time(Some(t.early_finish)))
                            .push_bind(local_time(Some(t.late_start)))
                            .push_bind(local_time(Some(t.late_finish)))
                            .push_bind(t.total_slack)
                            .push_bind(t.free_slack)
                            .push_bind(t.critical)
                            .push_bind(t.summary)
                            .push_bind(t.milestone);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                emit(&mut tx, scope.workspace_id, Some(project_id), "schedule", "computed", &project_id.to_string(), None).await?;
                tx.commit().await?;
                Ok(true)
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                fn pools(&self) -> Vec<crate::PoolStats> {
                    self.pool_stats()
                }

                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(self.reader()).await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl AccountStore for $store {
                async fn create_user(&self, email: &Email, name: &str, password_hash: &str) -> Result<UserRef> {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(email.as_str())
                    .bind(name)
                    .bind(password_hash)
                    .bind(Utc::now())
                    .fetch_one(self.writer())
                    .await
                    .map_err(|e| unique_to_conflict(e, "a user with this email"))?;
                    Ok(UserRef { id, email: email.as_str().to_string(), name: name.to_string() })
                }

                async fn user_by_email(&self, email: &Email) -> Result<Option<UserRef>> {
                    Ok(self.credentials(email).await?.map(|(user, _)| user))
                }

                async fn credentials(&self, email: &Email) -> Result<Option<(UserRef, String)>> {
                    let row = sqlx::query("SELECT id, email, name, password_hash FROM users WHERE email = $1")
                        .bind(email.as_str())
                        .fetch_optional(self.reader())
                        .await?;
                    row.map(|row| {
                        Ok((
                            UserRef { id: row.try_get("id")?, email: row.try_get("email")?, name: row.try_get("name")? },
                            row.try_get::<Option<String>, _>("password_hash")?.unwrap_or_default(),
                        ))
                    })
                    .transpose()
                }

                async fn create_session(&self, user_id: Id, token_hash: &str, expires_at: DateTime<Utc>) -> Result<()> {
                    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                        .bind(token_hash)
                        .bind(user_id)
                        .bind(Utc::now())
                        .bind(expires_at)
                        .execute(self.writer())
                        .await?;
                    Ok(())
                }

                async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<UserRef>> {
                    let row = sqlx::query(
                        "SELECT u.id, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id \
                         WHERE s.token_hash = $1 AND s.expires_at > $2",
                    )
                    .bind(token_hash)
                    .bind(now)
                    .fetch_optional(self.reader())
                    .await?;
                    row.map(|row| Ok(UserRef { id: row.try_get("id")?, email: row.try_get("email")?, name: row.try_get("name")? }))
                        .transpose()
                }

                async fn delete_session(&self, token_hash: &str) -> Result<()> {
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.writer()).await?;
                    Ok(())
                }

                async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
                    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                        .bind(now)
                        .execute(self.writer())
                        .await?;
                    Ok(done.rows_affected())
                }

                async fn create_api_token(&self, user_id: Id, name: &str, token_hash: &str) -> Result<ApiToken> {
                    let now = Utc::now();
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(user_id)
                    .bind(name)
                    .bind(token_hash)
                    .bind(now)
                    .fetch_one(self.writer())
                    .await?;
                    Ok(ApiToken { id, name: name.to_string(), created_at: now, revoked_at: None })
                }

                async fn list_api_tokens(&self, user_id: Id) -> Result<Vec<ApiToken>> {
                    let rows = sqlx::query("SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
                        .bind(user_id)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter()
                        .map(|row| {
                            Ok(ApiToken {
                                id: row.try_get("id")?,
                                name: row.try_get("name")?,
                                created_at: row.try_get("created_at")?,
                                revoked_at: row.try_get("revoked_at")?,
                            })
                        })
                        .collect()
                }

                async fn revoke_api_token(&self, user_id: Id, token_id: Id) -> Result<()> {
                    let done = sqlx::query(
                        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                    )
                    .bind(Utc::now())
                    .bind(token_id)
                    .bind(user_id)
                    .execute(self.writer())
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("token"));
                    }
                    Ok(())
                }

                async fn token_user(&self, token_hash: &str) -> Result<Option<UserRef>> {
                    let row = sqlx::query(
                        "SELECT u.id, u.email, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id \
                         WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                    )
                    .bind(token_hash)
                    .fetch_optional(self.reader())
                    .await?;
                    row.map(|row| Ok(UserRef { id: row.try_get("id")?, email: row.try_get("email")?, name: row.try_get("name")? }))
                        .transpose()
                }

                async fn credential_membership(&self, secret_hash: &str, session: bool, slug: &str, now: DateTime<Utc>) -> Result<Option<(UserRef, Membership)>> {
                    let mut qb = QueryBuilder::<Db>::new(
                        "SELECT u.id AS user_id, u.email, u.name AS user_name, w.*, m.role FROM users u \
                         JOIN members m ON m.user_id = u.id JOIN workspaces w ON w.id = m.workspace_id WHERE w.slug = ",
                    );
                    qb.push_bind(slug);
                    if session {
                        qb.push(" AND u.id = (SELECT user_id FROM sessions WHERE token_hash = ");
                        qb.push_bind(secret_hash);
                        qb.push(" AND expires_at > ");
                        qb.push_bind(now);
                    } else {
                        qb.push(" AND u.id = (SELECT user_id FROM api_tokens WHERE revoked_at IS NULL AND token_hash = ");
                        qb.push_bind(secret_hash);
                    }
                    qb.push(")");
                    let row = qb.build().fetch_optional(self.reader()).await?;
                    row.map(|row| {
                        let user = UserRef { id: row.try_get("user_id")?, email: row.try_get("email")?, name: row.try_get("user_name")? };
                        Ok((user, membership_from_row(&row)?))
                    })
                    .transpose()
                }
            }

            #[async_trait]
            impl WorkspaceStore for $store {
                async fn create_workspace(&self, slug: &Slug, name: &str, owner: Option<Id>) -> Result<Workspace> {
                    let mut tx = self.writer().begin().await?;
                    let now = Utc::now();
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO workspaces (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(slug.as_str())
                    .bind(name)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| unique_to_conflict(e, "a workspace with this slug"))?;
                    if let Some(owner) = owner {
                        sqlx::query("INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, 'owner')")
                            .bind(id)
                            .bind(owner)
                            .execute(&mut *tx)
                            .await?;
                        let scope = Scope { workspace_id: id, user_id: owner, role: Role::Owner };
                        let changes = activity::created(&serde_json::Map::from_iter([
                            ("slug".to_string(), slug.as_str().into()),
                            ("name".to_string(), name.into()),
                        ]));
                        record(&mut tx, scope, None, EntityKind::Workspace, id, slug.as_str(), "created", &changes).await?;
                    }
                    tx.commit().await?;
                    Ok(Workspace { id, slug: slug.as_str().to_string(), name: name.to_string(), version: 1, created_at: now })
                }

                async fn workspace_by_slug(&self, slug: &str) -> Result<Option<Workspace>> {
                    let row = sqlx::query("SELECT * FROM workspaces WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(self.reader())
                        .await?;
                    row.as_ref().map(workspace_from_row).transpose()
                }

                async fn memberships(&self, user_id: Id) -> Result<Vec<Membership>> {
                    let rows = sqlx::query(
                        "SELECT w.*, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY w.slug",
                    )
                    .bind(user_id)
                    .fetch_all(self.reader())
                    .await?;
                    rows.iter().map(membership_from_row).collect()
                }

                async fn membership(&self, user_id: Id, slug: &str) -> Result<Option<Membership>> {
                    let row = sqlx::query(
                        "SELECT w.*, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 AND w.slug = $2",
                    )
                    .bind(user_id)
                    .bind(slug)
                    .fetch_optional(self.reader())
                    .await?;
                    row.as_ref().map(membership_from_row).transpose()
                }

                async fn list_members(&self, scope: Scope) -> Result<Vec<Member>> {
                    let rows = sqlx::query(&format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 ORDER BY u.email"))
                        .bind(scope.workspace_id)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(member_from_row).collect()
                }

                async fn add_member(&self, scope: Scope, user_id: Id, role: Role) -> Result<Member> {
                    check_member_change(scope, Role::Guest, Some(role))?;
                    let mut tx = self.writer().begin().await?;
                    sqlx::query("INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, $3)")
                        .bind(scope.workspace_id)
                        .bind(user_id)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| unique_to_conflict(e, "this member"))?;
                    let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    let changes = activity::created(&serde_json::Map::from_iter([("role".to_string(), role.as_str().into())]));
                    record(&mut tx, scope, None, EntityKind::Member, user_id, &member.user.email, "created", &changes).await?;
                    tx.commit().await?;
                    Ok(member)
                }

                async fn set_member_role(&self, scope: Scope, user_id: Id, role: Role, expected_version: Option<i64>) -> Result<Member> {
                    let mut tx = self.writer().begin().await?;
                    let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    check_member_change(scope, member.role, Some(role))?;
                    check_version(expected_version, member.version)?;
                    if member.role == Role::Owner && role != Role::Owner
                        && member_count_with_role(&mut tx, scope.workspace_id, Role::Owner).await? <= 1
                    {
                        return Err(StoreError::Conflict("a workspace keeps at least one owner".into()));
                    }
                    sqlx::query("UPDATE members SET role = $1, version = version + 1 WHERE workspace_id = $2 AND user_id = $3")
                        .bind(role.as_str())
                        .bind(scope.workspace_id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    let changes = vec![FieldChange { field: "role".into(), before: member.role.as_str().into(), after: role.as_str().into() }];
                    record(&mut tx, scope, None, EntityKind::Member, user_id, &member.user.email, "updated", &changes).await?;
                    let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    tx.commit().await?;
                    Ok(member)
                }

                async fn remove_member(&self, scope: Scope, user_id: Id) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    check_member_change(scope, member.role, None)?;
                    if member.role == Role::Owner && member_count_with_role(&mut tx, scope.workspace_id, Role::Owner).await? <= 1 {
                        return Err(StoreError::Conflict("a workspace keeps at least one owner".into()));
                    }
                    sqlx::query("DELETE FROM members WHERE workspace_id = $1 AND user_id = $2")
                        .bind(scope.workspace_id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    let changes = vec![FieldChange { field: "role".into(), before: member.role.as_str().into(), after: serde_json::Value::Null }];
                    record(&mut tx, scope, None, EntityKind::Member, user_id, &member.user.email, "deleted", &changes).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_member_capacity(&self, scope: Scope, user_id: Id, hours: f64, expected_version: Option<i64>) -> Result<Member> {
                    check_capacity(hours).map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    let current = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    check_version(expected_version, current.version)?;
                    sqlx::query("UPDATE members SET capacity_hours = $1, version = version + 1 WHERE workspace_id = $2 AND user_id = $3")
                        .bind(hours)
                        .bind(scope.workspace_id)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    let changes = [FieldChange {
                        field: "capacity_hours".into(),
                        before: serde_json::json!(current.capacity_hours),
                        after: serde_json::json!(hours),
                    }];
                    record(&mut tx, scope, None, EntityKind::Member, user_id, &current.user.email, "updated", &changes).await?;
                    let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    tx.commit().await?;
                    Ok(member)
                }

                async fn list_time_off(&self, scope: Scope, user_id: Option<Id>) -> Result<Vec<TimeOff>> {
                    let mut qb = QueryBuilder::<Db>::new("SELECT id, user_id, start_date, end_date, note FROM time_off WHERE workspace_id = ");
                    qb.push_bind(scope.workspace_id);
                    if let Some(user_id) = user_id {
                        qb.push(" AND user_id = ").push_bind(user_id);
                    }
                    qb.push(" ORDER BY start_date, id");
                    let rows = qb.build().fetch_all(self.reader()).await?;
                    rows.iter().map(time_off_from_row).collect()
                }

                async fn create_time_off(&self, scope: Scope, user_id: Id, start: NaiveDate, end: NaiveDate, note: Option<&str>) -> Result<TimeOff> {
                    check_time_off(start, end, note).map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    let row = sqlx::query(
                        "INSERT INTO time_off (workspace_id, user_id, start_date, end_date, note) VALUES ($1, $2, $3, $4, $5) \
                         RETURNING id, user_id, start_date, end_date, note",
                    )
                    .bind(scope.workspace_id)
                    .bind(user_id)
                    .bind(start)
                    .bind(end)
                    .bind(note.map(str::trim).filter(|n| !n.is_empty()))
                    .fetch_one(&mut *tx)
                    .await?;
                    let created = time_off_from_row(&row)?;
                    let snapshot = serde_json::Map::from_iter([(
                        "time_off".to_string(),
                        serde_json::json!({"start_date": start.to_string(), "end_date": end.to_string(), "note": created.note}),
                    )]);
                    record(&mut tx, scope, None, EntityKind::Member, user_id, &member.user.email, "time off added", &activity::created(&snapshot)).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn delete_time_off(&self, scope: Scope, user_id: Id, id: Id) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let row = sqlx::query(
                        "DELETE FROM time_off WHERE id = $1 AND user_id = $2 AND workspace_id = $3 \
                         RETURNING id, user_id, start_date, end_date, note",
                    )
                    .bind(id)
                    .bind(user_id)
                    .bind(scope.workspace_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound("time off"))?;
                    let gone = time_off_from_row(&row)?;
                    let member = fetch_member_tx(&mut tx, scope.workspace_id, user_id).await?;
                    let changes = [FieldChange {
                        field: "time_off".into(),
                        before: serde_json::json!({"start_date": gone.start.to_string(), "end_date": gone.end.to_string()}),
                        after: serde_json::Value::Null,
                    }];
                    record(&mut tx, scope, None, EntityKind::Member, user_id, &member.user.email, "time off removed", &changes).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn create_invitation(&self, scope: Scope, email: &Email, role: Role, expires_at: DateTime<Utc>) -> Result<crate::Invitation> {
                    check_member_change(scope, Role::Guest, Some(role))?;
                    let mut tx = self.writer().begin().await?;
                    let member: Option<i64> = sqlx::query_scalar(
                        "SELECT m.user_id FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.email = $2",
                    )
                    .bind(scope.workspace_id)
                    .bind(email.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if member.is_some() {
                        // Who is a member the inviter sees anyway.
                        return Err(StoreError::Conflict(format!("{email} is already a member")));
                    }
                    sqlx::query("DELETE FROM invitations WHERE workspace_id = $1 AND email = $2")
                        .bind(scope.workspace_id)
                        .bind(email.as_str())
                        .execute(&mut *tx)
                        .await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO invitations (workspace_id, email, role, invited_by, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(scope.workspace_id)
                    .bind(email.as_str())
                    .bind(role.as_str())
                    .bind(scope.user_id)
                    .bind(Utc::now())
                    .bind(expires_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    let changes = activity::created(&serde_json::Map::from_iter([("role".to_string(), role.as_str().into())]));
                    record(&mut tx, scope, None, EntityKind::Member, id, email.as_str(), "invited", &changes).await?;
                    let invitation = fetch_invitation_tx(&mut tx, "i.id = $1", id).await?;
                    tx.commit().await?;
                    Ok(invitation)
                }

                async fn list_invitations(&self, scope: Scope) -> Result<Vec<crate::Invitation>> {
                    let rows = sqlx::query(&format!("{INVITATION_SELECT} WHERE i.workspace_id = $1 ORDER BY i.email"))
                        .bind(scope.workspace_id)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(invitation_from_row).collect()
                }

                async fn delete_invitation(&self, scope: Scope, id: Id) -> Result<()> {
                    if !scope.role.can_manage_members() {
                        return Err(StoreError::Forbidden("only owners and admins manage members".into()));
                    }
                    let done = sqlx::query("DELETE FROM invitations WHERE id = $1 AND workspace_id = $2")
                        .bind(id)
                        .bind(scope.workspace_id)
                        .execute(self.writer())
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("invitation"));
                    }
                    Ok(())
                }

                async fn invitations_for(&self, email: &Email, now: DateTime<Utc>) -> Result<Vec<crate::Invitation>> {
                    let rows = sqlx::query(&format!("{INVITATION_SELECT} WHERE i.email = $1 AND i.expires_at > $2 ORDER BY w.slug"))
                        .bind(email.as_str())
                        .bind(now)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(invitation_from_row).collect()
                }

                async fn accept_invitation(&self, user: &UserRef, id: Id, now: DateTime<Utc>) -> Result<Membership> {
                    let mut tx = self.writer().begin().await?;
                    let invitation = fetch_invitation_tx(&mut tx, "i.id = $1", id).await?;
                    // Someone else's invitation is no business of the caller's.
                    if !invitation.email.as_str().eq_ignore_ascii_case(&user.email) || invitation.expires_at <= now {
                        return Err(StoreError::NotFound("invitation"));
                    }
                    sqlx::query("DELETE FROM invitations WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    let joined = sqlx::query("INSERT INTO members (workspace_id, user_id, role) VALUES ($1, $2, $3)")
                        .bind(invitation.workspace.id)
                        .bind(user.id)
                        .bind(invitation.role.as_str())
                        .execute(&mut *tx)
                        .await;
                    match joined {
                        Ok(_) => {}
                        // Already a member (joined another way meanwhile):
                        // the invitation is spent, the membership stands.
                        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                            tx.commit().await?;
                            return self.membership(user.id, &invitation.workspace.slug).await?.ok_or(StoreError::NotFound("invitation"));
                        }
                        Err(e) => return Err(e.into()),
                    }
                    let scope = Scope { workspace_id: invitation.workspace.id, user_id: user.id, role: invitation.role };
                    let changes = activity::created(&serde_json::Map::from_iter([("role".to_string(), invitation.role.as_str().into())]));
                    record(&mut tx, scope, None, EntityKind::Member, user.id, &user.email, "joined", &changes).await?;
                    tx.commit().await?;
                    Ok(Membership { workspace: invitation.workspace, role: invitation.role })
                }

                async fn decline_invitation(&self, user: &UserRef, id: Id) -> Result<()> {
                    let done = sqlx::query("DELETE FROM invitations WHERE id = $1 AND email = $2")
                        .bind(id)
                        .bind(user.email.to_lowercase())
                        .execute(self.writer())
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound("invitation"));
                    }
                    Ok(())
                }
            }

            #[async_trait]
            impl ProjectStore for $store {
                async fn create_project(&self, scope: Scope, project: &NewProject) -> Result<Project> {
                    project.fields.check().map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    insert_project_tx(&mut tx, scope, project).await?;
                    let project = fetch_project_tx(&mut tx, scope, project.key.as_str()).await?;
                    tx.commit().await?;
                    Ok(project)
                }

                async fn list_projects(&self, scope: Scope) -> Result<Vec<Project>> {
                    let mut qb = QueryBuilder::<Db>::new(PROJECT_SELECT);
                    qb.push(" WHERE p.workspace_id = ");
                    qb.push_bind(scope.workspace_id);
                    push_project_visibility(&mut qb, "p.id", scope);
                    qb.push(" ORDER BY p.key");
                    let rows = qb.build().fetch_all(self.reader()).await?;
                    rows.iter().map(project_from_row).collect()
                }

                async fn project_keys(&self, scope: Scope) -> Result<Vec<(Id, String)>> {
                    let mut qb = QueryBuilder::<Db>::new("SELECT p.id, p.key FROM projects p WHERE p.workspace_id = ");
                    qb.push_bind(scope.workspace_id);
                    push_project_visibility(&mut qb, "p.id", scope);
                    Ok(qb.build_query_as::<(i64, String)>().fetch_all(self.reader()).await?)
                }

                async fn get_project(&self, scope: Scope, key: &str) -> Result<Project> {
                    let mut tx = self.reader().begin().await?;
                    let project = fetch_project_tx(&mut tx, scope, key).await?;
                    tx.commit().await?;
                    Ok(project)
                }

                async fn update_project(&self, scope: Scope, key: &str, expected_version: Option<i64>, change: crate::Patch<'_, ProjectFields>) -> Result<Project> {
                    let mut tx = self.writer().begin().await?;
                    let mut current = fetch_project_tx(&mut tx, scope, key).await?;
                    if lock_project_tx(&mut tx, current.id).await? {
                        current = fetch_project_tx(&mut tx, scope, key).await?;
                    }
                    check_version(expected_version, current.version)?;
                    let fields = &patched(change, current.fields())?;
                    fields.check().map_err(StoreError::Invalid)?;
                    let owner_id = optional_member(&mut tx, scope, fields.owner.as_ref(), "owner").await?;
                    let f = fields;
                    let updated = sqlx::query(
                        "UPDATE projects SET name = $1, objective = $2, scope_in = $3, scope_out = $4, owner_id = $5, status = $6, \
                         stage = $7, start_date = $8, target_date = $9, budget = $10, ongoing = $11, updated_at = $12, \
                         work_week = $15, hours_per_day = $16, status_date = $17, version = version + 1 WHERE id = $13 AND version = $14",
                    )
                    .bind(&f.name)
                    .bind(&f.objective)
                    .bind(&f.scope_in)
                    .bind(&f.scope_out)
                    .bind(owner_id)
                    .bind(f.status.as_str())
                    .bind(f.stage.as_str())
                    .bind(f.start_date)
                    .bind(f.target_date)
                    .bind(f.budget)
                    .bind(f.ongoing)
                    .bind(Utc::now())
                    .bind(current.id)
                    .bind(current.version)
                    .bind(work_week_text(&f.work_week))
                    .bind(f.work_week.hours_per_day)
                    .bind(local_time(f.status_date))
                    .execute(&mut *tx)
                    .await?;
                    if updated.rows_affected() == 0 {
                        return Err(StoreError::VersionMismatch { current: current.version + 1 });
                    }
                    let changes = activity::diff(&project_snapshot(&current.fields()), &project_snapshot(f));
                    record(&mut tx, scope, Some(current.id), EntityKind::Project, current.id, &current.key, "updated", &changes).await?;
                    let project = fetch_project_tx(&mut tx, scope, key).await?;
                    tx.commit().await?;
                    Ok(project)
                }

                async fn delete_project(&self, scope: Scope, key: &str, expected_version: Option<i64>) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let current = fetch_project_tx(&mut tx, scope, key).await?;
                    check_version(expected_version, current.version)?;
                    sqlx::query("DELETE FROM projects WHERE id = $1").bind(current.id).execute(&mut *tx).await?;
                    let changes = activity::deleted(&project_snapshot(&current.fields()));
                    record(&mut tx, scope, Some(current.id), EntityKind::Project, current.id, &current.key, "deleted", &changes).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn project_progress(&self, scope: Scope, project_id: Id) -> Result<ProjectProgress> {
                    let rows = sqlx::query(
                        "SELECT id, parent_id, status, percent_complete, effort_hours, estimate_days, phase_id, milestone_id \
                         FROM tasks WHERE workspace_id = $1 AND project_id = $2",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .fetch_all(self.reader())
                    .await?;
                    let mut inputs = Vec::with_capacity(rows.len());
                    let mut groups: Vec<(Option<Id>, Option<Id>)> = Vec::with_capacity(rows.len());
                    for row in &rows {
                        inputs.push(ProgressInput {
                            id: row.try_get("id")?,
                            parent_id: row.try_get("parent_id")?,
                            status: vocab(row.try_get::<&str, _>("status")?)?,
                            percent_complete: row.try_get("percent_complete")?,
                            effort_hours: row.try_get("effort_hours")?,
                            estimate_days: row.try_get("estimate_days")?,
                        });
                        groups.push((row.try_get("phase_id")?, row.try_get("milestone_id")?));
                    }
                    let phase_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM phases WHERE project_id = $1 ORDER BY position, id")
                        .bind(project_id)
                        .fetch_all(self.reader())
                        .await?;
                    let milestone_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM milestones WHERE project_id = $1 ORDER BY date, id")
                        .bind(project_id)
                        .fetch_all(self.reader())
                        .await?;
                    let of_group = |pick: &dyn Fn(&(Option<Id>, Option<Id>)) -> Option<Id>, id: Id| {
                        rollup(inputs.iter().zip(&groups).filter(|(_, g)| pick(g) == Some(id)).map(|(t, _)| t), &inputs)
                    };
                    Ok(ProjectProgress {
                        project: rollup(&inputs, &inputs),
                        phases: phase_ids.iter().map(|&id| (id, of_group(&|g| g.0, id))).collect(),
                        milestones: milestone_ids.iter().map(|&id| (id, of_group(&|g| g.1, id))).collect(),
                    })
                }

                async fn create_phase(&self, scope: Scope, project_id: Id, phase: &PhaseFields) -> Result<Phase> {
                    phase.check().map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO phases (workspace_id, project_id, name, position, start_date, end_date) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .bind(phase.name.trim())
                    .bind(phase.position)
                    .bind(phase.start_date)
                    .bind(phase.end_date)
                    .fetch_one(&mut *tx)
                    .await?;
                    record(&mut tx, scope, Some(project_id), EntityKind::Phase, id, &phase.name, "created", &activity::created(&phase_snapshot(phase))).await?;
                    let phase = fetch_phase_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(phase)
                }

                async fn list_phases(&self, scope: Scope, project_id: Id) -> Result<Vec<Phase>> {
                    let rows = sqlx::query("SELECT * FROM phases WHERE workspace_id = $1 AND project_id = $2 ORDER BY position, id")
                        .bind(scope.workspace_id)
                        .bind(project_id)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(phase_from_row).collect()
                }

                async fn get_phase(&self, scope: Scope, id: Id) -> Result<Phase> {
                    let mut tx = self.reader().begin().await?;
                    let phase = fetch_phase_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(phase)
                }

                async fn update_phase(&self, scope: Scope, id: Id, expected_version: Option<i64>, change: crate::Patch<'_, PhaseFields>) -> Result<Phase> {
                    let mut tx = self.writer().begin().await?;
                    let mut current = fetch_phase_tx(&mut tx, scope, id).await?;
                    if lock_project_tx(&mut tx, current.project_id).await? {
                        current = fetch_phase_tx(&mut tx, scope, id).await?;
                    }
                    check_version(expected_version, current.version)?;
                    let phase = &patched(change, current.fields())?;
                    phase.check().map_err(StoreError::Invalid)?;
                    sqlx::query("UPDATE phases SET name = $1, position = $2, start_date = $3, end_date = $4, version = version + 1 WHERE id = $5")
                        .bind(phase.name.trim())
                        .bind(phase.position)
                        .bind(phase.start_date)
                        .bind(phase.end_date)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let before = current.fields();
                    let changes = activity::diff(&phase_snapshot(&before), &phase_snapshot(phase));
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Phase, id, &phase.name, "updated", &changes).await?;
                    let phase = fetch_phase_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(phase)
                }

                async fn delete_phase(&self, scope: Scope, id: Id, expected_version: Option<i64>) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let current = fetch_phase_tx(&mut tx, scope, id).await?;
                    check_version(expected_version, current.version)?;
                    sqlx::query("DELETE FROM phases WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    let before = current.fields();
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Phase, id, &current.name, "deleted", &activity::deleted(&phase_snapshot(&before))).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn create_milestone(&self, scope: Scope, project_id: Id, milestone: &MilestoneFields) -> Result<Milestone> {
                    milestone.check().map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    phase_of_project(&mut tx, scope, milestone.phase_id, project_id).await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO milestones (workspace_id, project_id, phase_id, name, date, description) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .bind(milestone.phase_id)
                    .bind(milestone.name.trim())
                    .bind(milestone.date)
                    .bind(&milestone.description)
                    .fetch_one(&mut *tx)
                    .await?;
                    record(&mut tx, scope, Some(project_id), EntityKind::Milestone, id, &milestone.name, "created", &activity::created(&milestone_snapshot(milestone))).await?;
                    let milestone = fetch_milestone_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(milestone)
                }

                async fn list_milestones(&self, scope: Scope, project_id: Id) -> Result<Vec<Milestone>> {
                    let rows = sqlx::query("SELECT * FROM milestones WHERE workspace_id = $1 AND project_id = $2 ORDER BY date, id")
                        .bind(scope.workspace_id)
                        .bind(project_id)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(milestone_from_row).collect()
                }

                async fn get_milestone(&self, scope: Scope, id: Id) -> Result<Milestone> {
                    let mut tx = self.reader().begin().await?;
                    let milestone = fetch_milestone_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(milestone)
                }

                async fn update_milestone(&self, scope: Scope, id: Id, expected_version: Option<i64>, change: crate::Patch<'_, MilestoneFields>) -> Result<Milestone> {
                    let mut tx = self.writer().begin().await?;
                    let mut current = fetch_milestone_tx(&mut tx, scope, id).await?;
                    if lock_project_tx(&mut tx, current.project_id).await? {
                        current = fetch_milestone_tx(&mut tx, scope, id).await?;
                    }
                    check_version(expected_version, current.version)?;
                    let milestone = &patched(change, current.fields())?;
                    milestone.check().map_err(StoreError::Invalid)?;
                    phase_of_project(&mut tx, scope, milestone.phase_id, current.project_id).await?;
                    sqlx::query("UPDATE milestones SET name = $1, date = $2, description = $3, phase_id = $4, version = version + 1 WHERE id = $5")
                        .bind(milestone.name.trim())
                        .bind(milestone.date)
                        .bind(&milestone.description)
                        .bind(milestone.phase_id)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let before = current.fields();
                    let changes = activity::diff(&milestone_snapshot(&before), &milestone_snapshot(milestone));
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Milestone, id, &milestone.name, "updated", &changes).await?;
                    let milestone = fetch_milestone_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(milestone)
                }

                async fn delete_milestone(&self, scope: Scope, id: Id, expected_version: Option<i64>) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let current = fetch_milestone_tx(&mut tx, scope, id).await?;
                    check_version(expected_version, current.version)?;
                    sqlx::query("DELETE FROM milestones WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    let before = current.fields();
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Milestone, id, &current.name, "deleted", &activity::deleted(&milestone_snapshot(&before))).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl StakeholderStore for $store {
                async fn create_stakeholder(&self, scope: Scope, project_id: Id, stakeholder: &StakeholderFields) -> Result<Stakeholder> {
                    stakeholder.check().map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    let user_id = optional_member(&mut tx, scope, stakeholder.member.as_ref(), "member").await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO stakeholders (workspace_id, project_id, user_id, name, email, role) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .bind(user_id)
                    .bind(stakeholder.name.as_deref().map(str::trim))
                    .bind(stakeholder.email.as_ref().map(|e| e.as_str()))
                    .bind(stakeholder.role.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                    let created = fetch_stakeholder_tx(&mut tx, scope, id).await?;
                    record(&mut tx, scope, Some(project_id), EntityKind::Stakeholder, id, &created.name, "created", &activity::created(&stakeholder_snapshot(stakeholder))).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn list_stakeholders(&self, scope: Scope, project_id: Id) -> Result<Vec<Stakeholder>> {
                    let rows = sqlx::query(&format!("{STAKEHOLDER_SELECT} WHERE s.workspace_id = $1 AND s.project_id = $2 ORDER BY s.id"))
                        .bind(scope.workspace_id)
                        .bind(project_id)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(stakeholder_from_row).collect()
                }

                async fn update_stakeholder(&self, scope: Scope, id: Id, expected_version: Option<i64>, change: crate::Patch<'_, StakeholderFields>) -> Result<Stakeholder> {
                    let mut tx = self.writer().begin().await?;
                    let mut current = fetch_stakeholder_tx(&mut tx, scope, id).await?;
                    if lock_project_tx(&mut tx, current.project_id).await? {
                        current = fetch_stakeholder_tx(&mut tx, scope, id).await?;
                    }
                    check_version(expected_version, current.version)?;
                    let stakeholder = &patched(change, current.fields())?;
                    stakeholder.check().map_err(StoreError::Invalid)?;
                    let user_id = optional_member(&mut tx, scope, stakeholder.member.as_ref(), "member").await?;
                    sqlx::query("UPDATE stakeholders SET user_id = $1, name = $2, email = $3, role = $4, version = version + 1 WHERE id = $5")
                        .bind(user_id)
                        .bind(stakeholder.name.as_deref().map(str::trim))
                        .bind(stakeholder.email.as_ref().map(|e| e.as_str()))
                        .bind(stakeholder.role.as_str())
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let before = current.fields();
                    let changes = activity::diff(&stakeholder_snapshot(&before), &stakeholder_snapshot(stakeholder));
                    let updated = fetch_stakeholder_tx(&mut tx, scope, id).await?;
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Stakeholder, id, &updated.name, "updated", &changes).await?;
                    tx.commit().await?;
                    Ok(updated)
                }

                async fn get_stakeholder(&self, scope: Scope, id: Id) -> Result<Stakeholder> {
                    let mut tx = self.reader().begin().await?;
                    let s = fetch_stakeholder_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(s)
                }

                async fn delete_stakeholder(&self, scope: Scope, id: Id, expected_version: Option<i64>) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let current = fetch_stakeholder_tx(&mut tx, scope, id).await?;
                    check_version(expected_version, current.version)?;
                    sqlx::query("DELETE FROM stakeholders WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    let changes = activity::deleted(&stakeholder_snapshot(&current.fields()));
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Stakeholder, id, &current.name, "deleted", &changes).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl RiskStore for $store {
                async fn create_risk(&self, scope: Scope, project_id: Id, risk: &RiskFields) -> Result<Risk> {
                    risk.check().map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    let (owner_id, task_ids) = resolve_risk(&mut tx, scope, project_id, risk).await?;
                    let now = Utc::now();
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO risks (workspace_id, project_id, title, description, probability, impact, owner_id, mitigation, status, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .bind(risk.title.trim())
                    .bind(&risk.description)
                    .bind(risk.probability)
                    .bind(risk.impact)
                    .bind(owner_id)
                    .bind(&risk.mitigation)
                    .bind(risk.status.as_str())
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    write_risk_links(&mut tx, id, &task_ids, &risk.milestone_ids).await?;
                    record(&mut tx, scope, Some(project_id), EntityKind::Risk, id, &risk.title, "created", &activity::created(&risk_snapshot(risk))).await?;
                    let risk = fetch_risk_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(risk)
                }

                async fn list_risks(&self, scope: Scope, project_id: Id) -> Result<Vec<Risk>> {
                    let mut tx = self.reader().begin().await?;
                    let rows = sqlx::query(&format!(
                        "{RISK_SELECT} WHERE r.workspace_id = $1 AND r.project_id = $2 ORDER BY r.probability * r.impact DESC, r.id"
                    ))
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut risks = rows.iter().map(risk_from_row).collect::<Result<Vec<_>>>()?;
                    fill_risks(&mut tx, &mut risks).await?;
                    tx.commit().await?;
                    Ok(risks)
                }

                async fn get_risk(&self, scope: Scope, id: Id) -> Result<Risk> {
                    let mut tx = self.reader().begin().await?;
                    let risk = fetch_risk_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(risk)
                }

                async fn update_risk(&self, scope: Scope, id: Id, expected_version: Option<i64>, change: crate::Patch<'_, RiskFields>) -> Result<Risk> {
                    let mut tx = self.writer().begin().await?;
                    let mut current = fetch_risk_tx(&mut tx, scope, id).await?;
                    if lock_project_tx(&mut tx, current.project_id).await? {
                        current = fetch_risk_tx(&mut tx, scope, id).await?;
                    }
                    check_version(expected_version, current.version)?;
                    let risk = &patched(change, current.fields())?;
                    risk.check().map_err(StoreError::Invalid)?;
                    let (owner_id, task_ids) = resolve_risk(&mut tx, scope, current.project_id, risk).await?;
                    sqlx::query(
                        "UPDATE risks SET title = $1, description = $2, probability = $3, impact = $4, owner_id = $5, mitigation = $6, \
                         status = $7, updated_at = $8, version = version + 1 WHERE id = $9",
                    )
                    .bind(risk.title.trim())
                    .bind(&risk.description)
                    .bind(risk.probability)
                    .bind(risk.impact)
                    .bind(owner_id)
                    .bind(&risk.mitigation)
                    .bind(risk.status.as_str())
                    .bind(Utc::now())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    write_risk_links(&mut tx, id, &task_ids, &risk.milestone_ids).await?;
                    let before = current.fields();
                    let changes = activity::diff(&risk_snapshot(&before), &risk_snapshot(risk));
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Risk, id, &risk.title, "updated", &changes).await?;
                    let risk = fetch_risk_tx(&mut tx, scope, id).await?;
                    tx.commit().await?;
                    Ok(risk)
                }

                async fn delete_risk(&self, scope: Scope, id: Id, expected_version: Option<i64>) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let current = fetch_risk_tx(&mut tx, scope, id).await?;
                    check_version(expected_version, current.version)?;
                    let before = current.fields();
                    sqlx::query("DELETE FROM risks WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    record(&mut tx, scope, Some(current.project_id), EntityKind::Risk, id, &current.title, "deleted", &activity::deleted(&risk_snapshot(&before))).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl TaskStore for $store {
                async fn create_task(&self, scope: Scope, task: &NewTask) -> Result<Task> {
                    let mut tx = self.writer().begin().await?;
                    let project = match &task.project {
                        Some(key) => Some(project_for_task(&mut tx, scope, key.as_str()).await?),
                        None => None,
                    };
                    let (_, key) = insert_task_tx(&mut tx, scope, project.as_ref(), &task.fields).await?;
                    let task = fetch_task_tx(&mut tx, scope, &key).await?;
                    tx.commit().await?;
                    Ok(task)
                }

                async fn import_tasks(&self, scope: Scope, project: &str, tasks: &[TaskFields]) -> Result<Vec<String>> {
                    let mut tx = self.writer().begin().await?;
                    let project = project_for_task(&mut tx, scope, project).await?;
                    let mut keys = Vec::with_capacity(tasks.len());
                    for (index, fields) in tasks.iter().enumerate() {
                        let (_, key) = insert_task_tx(&mut tx, scope, Some(&project), fields).await.map_err(|e| match e {
                            // Name the row as well as the field.
                            StoreError::Invalid(errors) => StoreError::Invalid(
                                errors.into_iter().map(|e| FieldError::new(format!("tasks[{index}].{}", e.field), e.message)).collect(),
                            ),
                            other => other,
                        })?;
                        keys.push(key);
                    }
                    tx.commit().await?;
                    Ok(keys)
                }

                async fn get_task(&self, scope: Scope, key: &str) -> Result<Task> {
                    let key = parse_task_key(key)?;
                    let mut qb = QueryBuilder::<Db>::new(TASK_SELECT.as_str());
                    push_task_key(&mut qb, scope, &key);
                    push_task_visibility(&mut qb, scope);
                    let mut conn = self.reader().acquire().await?;
                    let row = qb.build().fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound("task"))?;
                    let mut task = task_from_row(&row)?;
                    fill_tasks(&mut *conn, std::slice::from_mut(&mut task)).await?;
                    Ok(task)
                }

                async fn list_tasks(&self, scope: Scope, filter: &TaskFilter) -> Result<TaskPage> {
                    let limit = filter.limit.clamp(1, crate::MAX_TASK_PAGE);
                    let (rows, collaborators) = self.task_page_rows(scope, filter, limit).await?;
                    let mut tasks = rows.into_iter().take(limit + 1).map(TaskRow::into_task).collect::<Result<Vec<_>>>()?;
                    let more = tasks.len() > limit;
                    tasks.truncate(limit);
                    attach_collaborators(&mut tasks, collaborators);
                    let next_after_id = if more { tasks.last().map(|t| t.id) } else { None };
                    Ok(TaskPage { tasks, next_after_id })
                }

                async fn update_task(&self, scope: Scope, key: &str, expected_version: Option<i64>, change: crate::Patch<'_, TaskFields>) -> Result<Task> {
                    retry_transient(|| async move {
                        let mut tx = self.writer().begin().await?;
                        let current = locked_task_tx(&mut tx, scope, key).await?;
                        check_version(expected_version, current.version)?;
                        let fields = patched(change, current.fields())?;
                        let task = update_task_tx(&mut tx, scope, current, fields).await?;
                        tx.commit().await?;
                        Ok(task)
                    })
                    .await
                }

                async fn update_tasks(&self, scope: Scope, updates: &[(String, i64, TaskFields)]) -> Result<Vec<Task>> {
                    retry_transient(|| async move {
                        let mut tx = self.writer().begin().await?;
                        let mut tasks = Vec::with_capacity(updates.len());
                        for (key, expected_version, fields) in updates {
                            let current = locked_task_tx(&mut tx, scope, key).await?;
                            check_version(Some(*expected_version), current.version)?;
                            tasks.push(update_task_tx(&mut tx, scope, current, fields.clone()).await?);
                        }
                        tx.commit().await?;
                        Ok(tasks)
                    })
                    .await
                }

                async fn move_task(&self, scope: Scope, key: &str, expected_version: i64, fields: &TaskFields, after: Option<&str>, before: Option<&str>) -> Result<Task> {
                    let mut tx = self.writer().begin().await?;
                    let current = locked_task_tx(&mut tx, scope, key).await?;
                    check_version(Some(expected_version), current.version)?;
                    let task = update_task_tx(&mut tx, scope, current, fields.clone()).await?;
                    let mut after_rank = board_rank_tx(&mut tx, scope, after).await?;
                    let mut before_rank = board_rank_tx(&mut tx, scope, before).await?;
                    // Halving a gap runs out after some fifty moves into
                    // it; then the project's cards are renumbered in their
                    // order, a step apart, and the gap is wide again.
                    if let (Some(a), Some(b), Some(project)) = (after_rank, before_rank, task.project.as_ref()) {
                        let middle = (a + b) / 2.0;
                        if !(a < middle && middle < b) {
                            renumber_board_tx(&mut tx, scope, project.id).await?;
                            after_rank = board_rank_tx(&mut tx, scope, after).await?;
                            before_rank = board_rank_tx(&mut tx, scope, before).await?;
                        }
                    }
                    let rank = match (after_rank, before_rank) {
                        (Some(a), Some(b)) => Some((a + b) / 2.0),
                        (Some(a), None) => Some(a + UNRANKED_STEP),
                        (None, Some(b)) => Some(b - UNRANKED_STEP),
                        (None, None) => None,
                    };
                    if let Some(rank) = rank {
                        sqlx::query("UPDATE tasks SET board_rank = $1 WHERE id = $2").bind(rank).bind(task.id).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(task)
                }

                async fn board_ranks(&self, scope: Scope, project_id: Id) -> Result<Vec<(Id, f64)>> {
                    let rows: Vec<(Id, Option<f64>)> = sqlx::query_as("SELECT id, board_rank FROM tasks WHERE workspace_id = $1 AND project_id = $2")
                        .bind(scope.workspace_id)
                        .bind(project_id)
                        .fetch_all(self.reader())
                        .await?;
                    let mut ranks: Vec<(Id, f64)> = rows.into_iter().map(|(id, rank)| (id, rank.unwrap_or(id as f64 * UNRANKED_STEP))).collect();
                    ranks.sort_by(|a, b| a.1.total_cmp(&b.1));
                    Ok(ranks)
                }

                async fn delete_task(&self, scope: Scope, key: &str, expected_version: Option<i64>) -> Result<()> {
                    retry_transient(|| async move {
                        let mut tx = self.writer().begin().await?;
                        let current = locked_task_tx(&mut tx, scope, key).await?;
                        check_version(expected_version, current.version)?;
                        sqlx::query("DELETE FROM tasks WHERE id = $1").bind(current.id).execute(&mut *tx).await?;
                        let changes = activity::deleted(&task_snapshot(&current.fields()));
                        record(&mut tx, scope, current.project.as_ref().map(|p| p.id), EntityKind::Task, current.id, &current.key, "deleted", &changes).await?;
                        tx.commit().await?;
                        Ok(())
                    })
                    .await
                }
            }

            #[async_trait]
            impl DependencyStore for $store {
                async fn create_dependency(&self, scope: Scope, dependency: &NewDependency) -> Result<Dependency> {
                    dependency.check().map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    if let Some(lock) = $store::GRAPH_LOCK {
                        sqlx::query(lock).bind(scope.workspace_id).execute(&mut *tx).await?;
                    }
                    let mut errors = Vec::new();
                    let mut find = async |field: &str, key: &str, tx: &mut Tx| -> Result<Option<Task>> {
                        match fetch_task_tx(tx, scope, key).await {
                            Ok(task) => Ok(Some(task)),
                            Err(StoreError::NotFound(_)) => {
                                errors.push(FieldError::new(field, format!("no task {key}")));
                                Ok(None)
                            }
                            Err(e) => Err(e),
                        }
                    };
                    let pred = find("predecessor", &dependency.predecessor, &mut tx).await?;
                    let succ = find("successor", &dependency.successor, &mut tx).await?;
                    let (Some(pred), Some(succ)) = (pred, succ) else {
                        return Err(StoreError::Invalid(errors));
                    };
                    let links: Vec<(i64, i64)> = sqlx::query_as(
                        "SELECT predecessor_id, successor_id FROM dependencies WHERE workspace_id = $1",
                    )
                    .bind(scope.workspace_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    if let Some(cycle) = cycle_through(&links, pred.id, succ.id) {
                        let mut keys = Vec::with_capacity(cycle.len());
                        for id in cycle {
                            let mut qb = QueryBuilder::<Db>::new("SELECT t.id, t.number, p.key FROM tasks t LEFT JOIN projects p ON p.id = t.project_id WHERE t.id = ");
                            qb.push_bind(id);
                            push_task_visibility(&mut qb, scope);
                            // The cycle may run through tasks the caller
                            // cannot open: they are named, but not by key.
                            match qb.build().fetch_optional(&mut *tx).await? {
                                Some(row) => {
                                    let key: Option<String> = row.try_get("key")?;
                                    keys.push(TaskKey::format(key.as_deref(), row.try_get("number")?, id));
                                }
                                None => keys.push(HIDDEN_TASK.to_string()),
                            }
                        }
                        return Err(StoreError::Cycle(keys));
                    }
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO dependencies (workspace_id, predecessor_id, successor_id, kind, lag_days, lag_format) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(scope.workspace_id)
                    .bind(pred.id)
                    .bind(succ.id)
                    .bind(dependency.kind.as_str())
                    .bind(dependency.lag_days)
                    .bind(dependency.lag_format.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| unique_to_conflict(e, "a dependency between these tasks"))?;
                    let label = format!("{} → {}", pred.key, succ.key);
                    let changes = activity::created(&dependency_snapshot(dependency.kind, dependency.lag_days, dependency.lag_format));
                    record(&mut tx, scope, succ.project.as_ref().map(|p| p.id), EntityKind::Dependency, id, &label, "created", &changes).await?;
                    let (dependency, _) = fetch_dependency_tx(&mut tx, scope, &pred.key, &succ.key).await?;
                    tx.commit().await?;
                    Ok(dependency)
                }

                async fn task_dependencies(&self, scope: Scope, key: &str) -> Result<Vec<Dependency>> {
                    let mut tx = self.reader().begin().await?;
                    let task = fetch_task_tx(&mut tx, scope, key).await?;
                    let mut qb = QueryBuilder::<Db>::new(DEPENDENCY_SELECT);
                    qb.push(" WHERE (d.predecessor_id = ");
                    qb.push_bind(task.id);
                    qb.push(" OR d.successor_id = ");
                    qb.push_bind(task.id);
                    qb.push(")");
                    push_link_visibility(&mut qb, scope);
                    qb.push(" ORDER BY d.id");
                    let rows = qb.build().fetch_all(&mut *tx).await?;
                    tx.commit().await?;
                    rows.iter().map(dependency_from_row).collect()
                }

                async fn project_dependencies(&self, scope: Scope, project_id: Id) -> Result<Vec<Dependency>> {
                    let mut qb = QueryBuilder::<Db>::new(DEPENDENCY_SELECT);
                    qb.push(" WHERE d.workspace_id = ");
                    qb.push_bind(scope.workspace_id);
                    qb.push(" AND (a.project_id = ");
                    qb.push_bind(project_id);
                    qb.push(" OR b.project_id = ");
                    qb.push_bind(project_id);
                    qb.push(")");
                    push_link_visibility(&mut qb, scope);
                    qb.push(" ORDER BY d.id");
                    let rows = qb.build().fetch_all(self.reader()).await?;
                    rows.iter().map(dependency_from_row).collect()
                }

                async fn project_links(&self, scope: Scope, project_id: Id) -> Result<Vec<crate::Link>> {
                    self.link_rows(scope, project_id).await
                }

                async fn update_dependency(&self, scope: Scope, change: &NewDependency, expected_version: Option<i64>) -> Result<Dependency> {
                    change.check().map_err(StoreError::Invalid)?;
                    let (predecessor, successor) = (change.predecessor.as_str(), change.successor.as_str());
                    let mut tx = self.writer().begin().await?;
                    let (current, project_id) = fetch_dependency_tx(&mut tx, scope, predecessor, successor).await?;
                    check_version(expected_version, current.version)?;
                    sqlx::query("UPDATE dependencies SET kind = $1, lag_days = $2, lag_format = $3, version = version + 1 WHERE id = $4")
                        .bind(change.kind.as_str())
                        .bind(change.lag_days)
                        .bind(change.lag_format.as_str())
                        .bind(current.id)
                        .execute(&mut *tx)
                        .await?;
                    let label = format!("{} → {}", current.predecessor.key, current.successor.key);
                    let changes = activity::diff(
                        &dependency_snapshot(current.kind, current.lag_days, current.lag_format),
                        &dependency_snapshot(change.kind, change.lag_days, change.lag_format),
                    );
                    record(&mut tx, scope, project_id, EntityKind::Dependency, current.id, &label, "updated", &changes).await?;
                    let (dependency, _) = fetch_dependency_tx(&mut tx, scope, predecessor, successor).await?;
                    tx.commit().await?;
                    Ok(dependency)
                }

                async fn delete_dependency(&self, scope: Scope, predecessor: &str, successor: &str) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let (current, project_id) = fetch_dependency_tx(&mut tx, scope, predecessor, successor).await?;
                    sqlx::query("DELETE FROM dependencies WHERE id = $1").bind(current.id).execute(&mut *tx).await?;
                    let label = format!("{} → {}", current.predecessor.key, current.successor.key);
                    let changes = activity::deleted(&dependency_snapshot(current.kind, current.lag_days, current.lag_format));
                    record(&mut tx, scope, project_id, EntityKind::Dependency, current.id, &label, "deleted", &changes).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl PlanStore for $store {
                async fn list_calendar_exceptions(&self, scope: Scope, project_id: Id) -> Result<Vec<CalendarException>> {
                    let rows = sqlx::query(
                        "SELECT id, name, start_date, end_date, hours FROM calendar_exceptions \
                         WHERE workspace_id = $1 AND project_id = $2 ORDER BY start_date, id",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .fetch_all(self.reader())
                    .await?;
                    rows.iter().map(exception_from_row).collect()
                }

                async fn create_calendar_exception(&self, scope: Scope, project_id: Id, exception: &ExceptionFields) -> Result<CalendarException> {
                    exception.check().map_err(StoreError::Invalid)?;
                    let mut tx = self.writer().begin().await?;
                    let key: String = sqlx::query_scalar("SELECT key FROM projects WHERE id = $1 AND workspace_id = $2")
                        .bind(project_id)
                        .bind(scope.workspace_id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::NotFound("project"))?;
                    let hours = tandem_domain::calendar::format_hours(&exception.hours);
                    let row = sqlx::query(
                        "INSERT INTO calendar_exceptions (workspace_id, project_id, name, start_date, end_date, hours) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, name, start_date, end_date, hours",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .bind(exception.name.trim())
                    .bind(exception.start)
                    .bind(exception.end)
                    .bind(&hours)
                    .fetch_one(&mut *tx)
                    .await?;
                    let created = exception_from_row(&row)?;
                    let snapshot = serde_json::Map::from_iter([(
                        "calendar_exception".to_string(),
                        serde_json::json!({"name": created.name, "start_date": created.start.to_string(),
                                           "end_date": created.end.to_string(), "hours": hours}),
                    )]);
                    record(&mut tx, scope, Some(project_id), EntityKind::Project, project_id, &key, "calendar exception added", &activity::created(&snapshot)).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn delete_calendar_exception(&self, scope: Scope, project_id: Id, id: Id) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let row = sqlx::query(
                        "DELETE FROM calendar_exceptions WHERE id = $1 AND project_id = $2 AND workspace_id = $3 \
                         RETURNING id, name, start_date, end_date, hours",
                    )
                    .bind(id)
                    .bind(project_id)
                    .bind(scope.workspace_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound("calendar exception"))?;
                    let gone = exception_from_row(&row)?;
                    let key: String = sqlx::query_scalar("SELECT key FROM projects WHERE id = $1")
                        .bind(project_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    let changes = [FieldChange {
                        field: "calendar_exception".into(),
                        before: serde_json::json!({"name": gone.name, "start_date": gone.start.to_string(), "end_date": gone.end.to_string()}),
                        after: serde_json::Value::Null,
                    }];
                    record(&mut tx, scope, Some(project_id), EntityKind::Project, project_id, &key, "calendar exception removed", &changes).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn schedule_fingerprint(&self, scope: Scope, project_id: Id) -> Result<Option<String>> {
                    Ok(sqlx::query_scalar(
                        "SELECT s.fingerprint FROM project_schedules s JOIN projects p ON p.id = s.project_id \
                         WHERE s.project_id = $1 AND p.workspace_id = $2",
                    )
                    .bind(project_id)
                    .bind(scope.workspace_id)
                    .fetch_optional(self.reader())
                    .await?)
                }

                async fn stored_schedule(&self, scope: Scope, project_id: Id) -> Result<Option<StoredSchedule>> {
                    let mut tx = self.reader().begin().await?;
                    let Some(row) = sqlx::query(
                        "SELECT s.fingerprint, s.computed_at, s.start, s.finish, s.critical_path, s.warnings \
                         FROM project_schedules s JOIN projects p ON p.id = s.project_id \
                         WHERE s.project_id = $1 AND p.workspace_id = $2",
                    )
                    .bind(project_id)
                    .bind(scope.workspace_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    else {
                        return Ok(None);
                    };
                    let instant = |column: &str| -> Result<chrono::NaiveDateTime> {
                        let text: String = row.try_get(column)?;
                        Ok(parse_local_time(Some(&text))?.unwrap_or_default())
                    };
                    let critical_path: String = row.try_get("critical_path")?;
                    let warnings: String = row.try_get("warnings")?;
                    let mut schedule = StoredSchedule {
                        fingerprint: row.try_get("fingerprint")?,
                        computed_at: row.try_get("computed_at")?,
                        start: instant("start")?,
                        finish: instant("finish")?,
                        critical_path: critical_path
                            .split_whitespace()
                            .map(|id| id.parse().map_err(|_| decode_error(format!("critical path '{critical_path}'"))))
                            .collect::<Result<_>>()?,
                        warnings: warnings.lines().map(str::to_string).collect(),
                        tasks: Vec::new(),
                    };
                    let rows = sqlx::query(
                        "SELECT task_id, early_start, early_finish, late_start, late_finish, total_slack, free_slack, \
                         critical, summary, milestone FROM task_schedules WHERE project_id = $1 ORDER BY task_id",
                    )
                    .bind(project_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    for row in &rows {
                        let instant = |column: &str| -> Result<chrono::NaiveDateTime> {
                            let text: String = row.try_get(column)?;
                            Ok(parse_local_time(Some(&text))?.unwrap_or_default())
                        };
                        schedule.tasks.push(TaskSchedule {
                            task_id: row.try_get("task_id")?,
                            early_start: instant("early_start")?,
                            early_finish: instant("early_finish")?,
                            late_start: instant("late_start")?,
                            late_finish: instant("late_finish")?,
                            total_slack: row.try_get("total_slack")?,
                            free_slack: row.try_get("free_slack")?,
                            critical: row.try_get("critical")?,
                            summary: row.try_get("summary")?,
                            milestone: row.try_get("milestone")?,
                        });
                    }
                    Ok(Some(schedule))
                }

                async fn save_schedule(&self, scope: Scope, project_id: Id, schedule: &StoredSchedule) -> Result<bool> {
                    retry_transient(|| async move { save_schedule_once(self, scope, project_id, schedule).await }).await
                }

                async fn create_baseline(&self, scope: Scope, project_id: Id, name: &str, tasks: &[BaselineTask]) -> Result<Baseline> {
                    let mut v = tandem_domain::Validation::new();
                    let name = tandem_domain::validate::required_text(Some(name), "name", 200, &mut v);
                    v.into_result().map_err(StoreError::Invalid)?;
                    let name = name.as_str();
                    let mut tx = self.writer().begin().await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO baselines (workspace_id, project_id, name, created_by, created_at) \
                         SELECT $1, id, $3, $4, $5 FROM projects WHERE id = $2 AND workspace_id = $1 RETURNING id",
                    )
                    .bind(scope.workspace_id)
                    .bind(project_id)
                    .bind(name)
                    .bind(scope.user_id)
                    .bind(Utc::now())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound("project"))?;
                    for chunk in tasks.chunks(1000) {
                        let mut qb = QueryBuilder::<Db>::new("INSERT INTO baseline_tasks (baseline_id, task_id, start, finish, duration_minutes) ");
                        qb.push_values(chunk, |mut b, t| {
                            b.push_bind(id)
                                .push_bind(t.task_id)
                                .push_bind(local_time(Some(t.start)))
                                .push_bind(local_time(Some(t.finish)))
                                .push_bind(t.duration_minutes);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    let changes = activity::created(&serde_json::Map::from_iter([
                        ("name".to_string(), serde_json::json!(name)),
                        ("tasks".to_string(), serde_json::json!(tasks.len())),
                    ]));
                    record(&mut tx, scope, Some(project_id), EntityKind::Baseline, id, name, "created", &changes).await?;
                    let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
                    tx.commit().await?;
                    Ok(baseline)
                }

                async fn list_baselines(&self, scope: Scope, project_id: Id) -> Result<Vec<Baseline>> {
                    let rows = sqlx::query(&format!("{BASELINE_SELECT} WHERE b.workspace_id = $1 AND b.project_id = $2 ORDER BY b.id DESC"))
                        .bind(scope.workspace_id)
                        .bind(project_id)
                        .fetch_all(self.reader())
                        .await?;
                    rows.iter().map(baseline_from_row).collect()
                }

                async fn get_baseline(&self, scope: Scope, project_id: Id, id: Id) -> Result<Baseline> {
                    let mut tx = self.reader().begin().await?;
                    let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
                    tx.commit().await?;
                    Ok(baseline)
                }

                async fn delete_baseline(&self, scope: Scope, project_id: Id, id: Id) -> Result<()> {
                    let mut tx = self.writer().begin().await?;
                    let baseline = fetch_baseline_tx(&mut tx, scope, project_id, id).await?;
                    sqlx::query("DELETE FROM baselines WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    record(&mut tx, scope, Some(project_id), EntityKind::Baseline, id, &baseline.name, "deleted", &[]).await?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl ImportStore for $store {
                async fn import_project(&self, scope: Scope, import: &tandem_domain::interop::ProjectImport) -> Result<Project> {
                    import.project.fields.check().map_err(StoreError::Invalid)?;
                    let key = import.project.key.as_str();
                    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE workspace_id = $1 AND key = $2")
                        .bind(scope.workspace_id)
                        .bind(key)
                        .fetch_optional(self.reader())
                        .await?;
                    if taken.is_some() {
                        return Err(StoreError::invalid("key", format!("{key} is taken in this workspace")));
                    }
                    // Built in a workspace of its own that nobody belongs to,
                    // one short transaction per batch, so other writers
                    // (SQLite has one writer) take turns with a big import;
                    // then moved into place in one transaction. A failure
                    // removes the staging workspace and everything in it.
                    let staging = stage_workspace(self).await?;
                    let staged = Scope { workspace_id: staging, ..scope };
                    let built = import_staged(self, staged, import).await;
                    let moved = match built {
                        Ok(_) => move_staged(self, staging, scope).await,
                        Err(e) => Err(e),
                    };
                    if moved.is_err() {
                        // Best effort: an abandoned staging workspace is also
                        // purged later (`purge_abandoned_imports`).
                        let _ = sqlx::query("DELETE FROM workspaces WHERE id = $1").bind(staging).execute(self.writer()).await;
                    }
                    moved?;
                    self.get_project(scope, key).await
                }

                async fn purge_abandoned_imports(&self, started_before: DateTime<Utc>) -> Result<u64> {
                    let done = sqlx::query("DELETE FROM workspaces WHERE slug LIKE '~import-%' AND created_at < $1")
                        .bind(started_before)
                        .execute(self.writer())
                        .await?;
                    Ok(done.rows_affected())
                }
            }

            #[async_trait]
            impl ActivityStore for $store {
                async fn list_activity(&self, scope: Scope, filter: &ActivityFilter) -> Result<Vec<ActivityEntry>> {
                    let mut qb = QueryBuilder::<Db>::new(
                        "SELECT a.id, a.actor_id, u.email AS actor_email, u.name AS actor_name, a.at, a.entity_kind, a.entity_id, \
                         a.entity_label, a.action, a.changes FROM activity a LEFT JOIN users u ON u.id = a.actor_id WHERE a.workspace_id = ",
                    );
                    qb.push_bind(scope.workspace_id);
                    if !scope.role.sees_all_projects() {
                        qb.push(" AND a.project_id IS NOT NULL");
                        push_project_visibility(&mut qb, "a.project_id", scope);
                    }
                    if let Some((kind, id)) = filter.entity {
                        qb.push(" AND a.entity_kind = ");
                        qb.push_bind(kind.as_str());
                        qb.push(" AND a.entity_id = ");
                        qb.push_bind(id);
                    }
                    if let Some(project_id) = filter.project_id {
                        qb.push(" AND a.project_id = ");
                        qb.push_bind(project_id);
                    }
                    if let Some(before) = filter.before_id {
                        qb.push(" AND a.id < ");
                        qb.push_bind(before);
                    }
                    qb.push(" ORDER BY a.id DESC LIMIT ");
                    qb.push_bind(filter.limit.clamp(1, 500) as i64);
                    let rows = qb.build().fetch_all(self.reader()).await?;
                    let mut entries = rows.iter()
                        .map(|row| {
                            let changes: String = row.try_get("changes")?;
                            Ok(ActivityEntry {
                                id: row.try_get("id")?,
                                actor: user_ref(row, "actor_id", "actor_email", "actor_name")?,
                                at: row.try_get("at")?,
                                entity_kind: vocab(row.try_get::<&str, _>("entity_kind")?)?,
                                entity_id: row.try_get("entity_id")?,
                                entity_label: row.try_get("entity_label")?,
                                action: row.try_get("action")?,
                                changes: serde_json::from_str(&changes).map_err(|e| decode_error(e.to_string()))?,
                            })
                        })
                        .collect::<Result<Vec<ActivityEntry>>>()?;
                    // A link's history is labelled by its ends' keys: an
                    // end the caller may not open is not named.
                    for entry in entries.iter_mut().filter(|e| e.entity_kind == EntityKind::Dependency) {
                        let mut ends = Vec::new();
                        for key in entry.entity_label.split(" → ") {
                            let visible = match parse_task_key(key) {
                                Ok(parsed) => {
                                    let mut qb = QueryBuilder::<Db>::new("SELECT t.id FROM tasks t");
                                    push_task_key(&mut qb, scope, &parsed);
                                    push_task_visibility(&mut qb, scope);
                                    qb.build().fetch_optional(self.reader()).await?.is_some()
                                }
                                Err(_) => false,
                            };
                            ends.push(if visible { key.to_string() } else { HIDDEN_TASK.to_string() });
                        }
                        entry.entity_label = ends.join(" → ");
                    }
                    Ok(entries)
                }
            }

        }
    };
}
pub(crate) use store_impl;
