//! The clauses every query of a workspace needs, written once against
//! [`SqlSink`]: sqlx's `QueryBuilder` for either backend, or [`SqlText`]
//! for SQLite's own driver. Visibility is a clause of the query, never a
//! filter after it.

use tandem_domain::TaskKey;

use crate::Scope;

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
