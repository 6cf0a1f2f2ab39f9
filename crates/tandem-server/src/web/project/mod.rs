//! A project's pages, one module each: the overview, the list (filter,
//! sort, group, inline edits; its bulk edit in `bulk`), the board (columns by status,
//! ordered by hand) and the risk register with its heat map. What they
//! share (the tab bar, query parameters) lives here; the task page and the
//! timeline are elsewhere.

mod board;
mod bulk;
mod lint;
mod list;
mod overview;
mod plan;
mod posts;
mod risks;
mod scenarios;
mod settings;

use std::collections::HashMap;

use axum::extract::Query;

use crate::web::layout::{ProjectNav, Tab};

pub use board::{board, move_card};
pub use bulk::bulk_edit;
pub use lint::{fix_lint_finding, lint_page, switch_lint_rule};
pub use list::list;
pub use overview::overview;
pub use plan::{
    apply_levelling, clear_levelling, create_baseline, delete_baseline, levelling_preview, plan,
    undo_levelling,
};
pub use posts::*;
pub use risks::{create_risk, risks};
pub use scenarios::{
    add_exception as add_scenario_exception, apply_scenario,
    change_exception as change_scenario_exception, change_link, change_task,
    change_week as change_scenario_week, clear_scenario_levelling, create_scenario,
    discard_scenario, level_scenario, scenario_page,
};
pub use settings::settings;
pub(crate) use settings::{member_select, project_status_label, stage_label};

type Params = Query<HashMap<String, String>>;

fn nav<'a>(project: &'a tandem_domain::Project, tab: Tab) -> Option<ProjectNav<'a>> {
    Some(ProjectNav {
        key: &project.key,
        name: &project.name,
        archived: project.archived_at.is_some(),
        tab,
    })
}
