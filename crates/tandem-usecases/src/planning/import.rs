//! A Microsoft Project XML (MSPDI) file imported as a new project: read,
//! checked and scheduled off the executor, then written whole. The file's
//! format is `tandem_schedule::mspdi`'s, its mapping onto a project
//! `tandem_domain::interop`'s.

use super::*;

/// A Microsoft Project XML file to import, with the new project's key
/// (else one made from the file's name) and name (else the file's).
#[derive(Debug, Clone, Copy)]
pub struct MspdiImport<'a> {
    pub file: &'a [u8],
    pub key: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// Imports a Microsoft Project file as a new project. The file's plan is
/// scheduled first, so a file whose links form a cycle is refused whole;
/// a bad key and a bad file are reported together.
pub async fn import_mspdi(
    store: &dyn Store,
    writer: &Writer,
    import: MspdiImport<'_>,
) -> Result<Project> {
    // Reading and scheduling a file of tens of thousands of tasks is
    // seconds of CPU, which must not hold up the executor's threads.
    let file = import.file.to_vec();
    let key = import.key.map(str::to_string);
    let name = import.name.map(str::to_string);
    let project =
        tokio::task::spawn_blocking(move || read_mspdi(&file, key.as_deref(), name.as_deref()))
            .await
            .map_err(|e| Error::Schedule(format!("reading the file stopped: {e}")))??;
    Ok(store.import_project(writer.scope(), &project).await?)
}

/// What a Microsoft Project file becomes, or every fault of it and of the
/// key asked for.
fn read_mspdi(
    file: &[u8],
    key: Option<&str>,
    name: Option<&str>,
) -> Result<tandem_domain::interop::ProjectImport> {
    let import = MspdiImport { file, key, name };
    let mut v = Validation::new();
    let key = import.key.and_then(|k| v.take("key", ProjectKey::parse(k)));
    let text = std::str::from_utf8(import.file)
        .map(|t| t.trim_start_matches('\u{feff}'))
        .map_err(|_| "is not UTF-8 text".to_string());
    let file = v.take("file", text).and_then(|t| {
        v.take(
            "file",
            tandem_schedule::mspdi::read(t).map_err(|e| e.to_string()),
        )
    });
    v.into_result()?;
    let file = file.expect("checked");
    let plan = file
        .plan()
        .map_err(|e| Error::Invalid(vec![FieldError::new("file", e.to_string())]))?;
    if let Err(ScheduleError::Cycle(uids)) = tandem_schedule::schedule(&plan) {
        return Err(Error::Cycle(
            uids.iter().map(|uid| format!("task {uid}")).collect(),
        ));
    }
    let key = key.unwrap_or_else(|| {
        tandem_domain::interop::suggested_key(file.name.as_deref().unwrap_or_default())
    });
    Ok(tandem_domain::interop::mspdi_project(
        &file,
        key,
        import.name,
    )?)
}
