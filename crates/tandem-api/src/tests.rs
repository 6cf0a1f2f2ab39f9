//! How the request types look on the wire.

use serde::Serialize;
use serde_json::{Value, json};
use tandem_domain::TaskStatus;

use crate::*;

fn wire(request: &impl Serialize) -> Value {
    serde_json::to_value(request).unwrap()
}

/// A client that sets nothing sends nothing: a partial update must not
/// clear what it does not name.
#[test]
fn requests_leave_out_what_is_not_set() {
    assert_eq!(wire(&UpdateProject::default()), json!({}));
    assert_eq!(wire(&UpdateTask::default()), json!({}));
    assert_eq!(wire(&UpdateDependency::default()), json!({}));
    assert_eq!(wire(&PhaseInput::default()), json!({}));
    assert_eq!(wire(&MilestoneInput::default()), json!({}));
    assert_eq!(wire(&StakeholderInput::default()), json!({}));
    assert_eq!(wire(&RiskInput::default()), json!({}));
    assert_eq!(wire(&CreateBaseline::default()), json!({}));
    let task = CreateTask {
        title: Some("Write brief".into()),
        ..CreateTask::default()
    };
    assert_eq!(wire(&task), json!({"title": "Write brief"}));
}

/// `null` clears, and reads back as a clear.
#[test]
fn a_cleared_field_is_sent_as_null_and_read_back_as_cleared() {
    let patch = UpdateTask {
        owner: Some(None),
        status: Some(TaskStatus::Done),
        ..UpdateTask::default()
    };
    let sent = wire(&patch);
    assert_eq!(sent, json!({"owner": null, "status": "done"}));
    let read: UpdateTask = serde_json::from_value(sent).unwrap();
    assert!(matches!(read.owner, Some(None)), "{read:?}");
    assert!(read.due_date.is_none(), "{read:?}");
}
