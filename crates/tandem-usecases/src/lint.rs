//! The fixes the plan lint offers and Tandem can make
//! (`tandem_domain::lint::FixAction`): constraints that only delay work
//! cleared, a milestone moved to the finish of its work. Finding what to
//! fix is the lint's; each fix is one write.

use chrono::NaiveDate;
use tandem_domain::Id;
use tandem_domain::lint::LintObject;

use crate::{Error, Result, Writer};

/// Clears the start-no-earlier-than constraint of each task among
/// `objects`, all in one transaction: how many were cleared.
pub async fn clear_constraints(
    store: &dyn tandem_store::Store,
    writer: &Writer,
    objects: &[LintObject],
) -> Result<usize> {
    let scope = writer.scope();
    let mut updates = Vec::new();
    for key in objects
        .iter()
        .filter(|o| o.kind == "task")
        .filter_map(|o| o.key.as_deref())
    {
        let task = store.get_task(*scope, key).await?;
        let mut fields = task.fields();
        fields.schedule.constraint_type = None;
        fields.schedule.constraint_date = None;
        if fields != task.fields() {
            updates.push((task.key, task.version, fields));
        }
    }
    if updates.is_empty() {
        return Ok(0);
    }
    let written = store.update_tasks(scope, &updates).await?;
    Ok(written.len())
}

/// Moves milestone `id` to `date`.
pub async fn move_milestone(
    store: &dyn tandem_store::Store,
    writer: &Writer,
    id: Id,
    date: NaiveDate,
) -> Result<()> {
    store
        .update_milestone(writer.scope(), id, None, &move |mut fields| {
            fields.date = Some(date);
            Ok(fields)
        })
        .await
        .map_err(Error::from)?;
    Ok(())
}
