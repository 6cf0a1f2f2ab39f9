//! What a user does to a project's calendar: add a holiday or days of
//! other hours, and remove one. Either changes the project's schedule.

use tandem_domain::Id;
use tandem_domain::calendar::{CalendarException, ExceptionFields};
use tandem_store::Store;

use crate::{Result, Writer};

/// Adds an exception to the calendar of the project `project_key` names;
/// answers it with the project's key as stored.
pub async fn create_exception(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    exception: &ExceptionFields,
) -> Result<(String, CalendarException)> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    let created = store
        .create_calendar_exception(writer.scope(), project.id, exception)
        .await?;
    Ok((project.key, created))
}

/// Removes an exception from the project's calendar; answers the
/// project's key as stored.
pub async fn delete_exception(
    store: &dyn Store,
    writer: &Writer,
    project_key: &str,
    id: Id,
) -> Result<String> {
    let project = store.get_project(*writer.scope(), project_key).await?;
    store
        .delete_calendar_exception(writer.scope(), project.id, id)
        .await?;
    Ok(project.key)
}
