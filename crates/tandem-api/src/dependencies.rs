//! Dependencies (links) between tasks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tandem_domain::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDependency {
    #[schemars(required)]
    pub predecessor: Option<String>,
    #[schemars(required)]
    pub successor: Option<String>,
    #[serde(rename = "type")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DependencyKind>,
    /// The lag, negative for a lead: working days, elapsed days, or a
    /// percentage of the predecessor's duration, as `lag_format` says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_days: Option<f64>,
    /// working_days (default), elapsed_days or percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_format: Option<LagFormat>,
}

impl CreateDependency {
    pub fn into_domain(self) -> Result<NewDependency, Vec<FieldError>> {
        let mut v = Validation::new();
        let predecessor =
            validate::required_text(self.predecessor.as_deref(), "predecessor", 40, &mut v);
        let successor = validate::required_text(self.successor.as_deref(), "successor", 40, &mut v);
        let dependency = NewDependency {
            predecessor,
            successor,
            kind: self.kind.unwrap_or(DependencyKind::Fs),
            lag_days: self.lag_days.unwrap_or(0.0),
            lag_format: self.lag_format.unwrap_or(LagFormat::WorkingDays),
        };
        v.merge(dependency.check());
        v.finish(|| dependency)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDependency {
    #[serde(rename = "type")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<DependencyKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lag_format: Option<LagFormat>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DependencyView {
    pub id: Id,
    pub predecessor: TaskRef,
    pub successor: TaskRef,
    #[serde(rename = "type")]
    pub kind: DependencyKind,
    pub lag_days: f64,
    pub lag_format: LagFormat,
    pub version: i64,
}

impl From<Dependency> for DependencyView {
    fn from(d: Dependency) -> Self {
        DependencyView {
            id: d.id,
            predecessor: d.predecessor,
            successor: d.successor,
            kind: d.kind,
            lag_days: d.lag_days,
            lag_format: d.lag_format,
            version: d.version,
        }
    }
}
