//! The activity history's unit: which fields an action changed, before and
//! after, computed from two snapshots of an object.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// The fields that differ between two snapshots (JSON objects), in field-name
/// order, then fields only `before` had.
pub fn diff(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for (field, new) in after {
        let old = before.get(field).unwrap_or(&Value::Null);
        if old != new {
            changes.push(FieldChange {
                field: field.clone(),
                before: old.clone(),
                after: new.clone(),
            });
        }
    }
    for (field, old) in before {
        if !after.contains_key(field) && !old.is_null() {
            changes.push(FieldChange {
                field: field.clone(),
                before: old.clone(),
                after: Value::Null,
            });
        }
    }
    changes
}

/// A creation: every non-empty field, from nothing.
pub fn created(after: &Map<String, Value>) -> Vec<FieldChange> {
    diff(&Map::new(), after)
}

/// A deletion: every non-empty field, to nothing.
pub fn deleted(before: &Map<String, Value>) -> Vec<FieldChange> {
    diff(before, &Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn only_changed_fields() {
        let before = obj(json!({"title": "a", "status": "todo", "owner": null}));
        let after = obj(json!({"title": "a", "status": "done", "owner": "ana@x.org"}));
        let changes = diff(&before, &after);
        let fields: Vec<_> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["owner", "status"]);
        assert_eq!(changes[1].before, json!("todo"));
        assert_eq!(changes[0].after, json!("ana@x.org"));
    }

    #[test]
    fn creation_skips_empty_fields() {
        let changes = created(&obj(json!({"title": "a", "owner": null})));
        assert_eq!(changes.len(), 1);
    }
}
