//! Files on pages: the section a task page and a project's overview show
//! (each document's newest version, its earlier ones, pictures
//! previewed), and the form posts that attach and remove. A download
//! answers as the API's does (`handlers::attachments::download`): never
//! a page of this site.

use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tandem_domain::{AttachedTo, Attachment, FieldError, NewAttachment, shown_inline};
use tandem_usecases::attachments;

use super::Viewer;
use super::common::{WebError, answer, back};
use crate::AppState;
use crate::handlers::attachments::download;

/// The form field that names what a file goes on, and its value.
fn field_of(to: &AttachedTo) -> (&'static str, String) {
    match to {
        AttachedTo::Task(key) => ("task", key.clone()),
        AttachedTo::Project(key) => ("project", key.clone()),
        AttachedTo::Comment(id) => ("comment", id.to_string()),
    }
}

/// The files of `to` as the viewer may see them, and the form to attach
/// one: what a task page and a project's overview show.
pub async fn files(
    store: &dyn tandem_store::Store,
    viewer: &Viewer,
    to: &AttachedTo,
) -> Result<Markup, WebError> {
    let all = store.list_attachments(viewer.ctx.scope, to).await?;
    // Newest version first within each name, names in order.
    let mut documents: Vec<Vec<&Attachment>> = Vec::new();
    for a in &all {
        match documents.last_mut() {
            Some(versions) if versions[0].name == a.name => versions.push(a),
            _ => documents.push(vec![a]),
        }
    }
    let (name, value) = field_of(to);
    Ok(html! {
        section #files aria-labelledby="h-files" {
            h2 #h-files { "Files " span.count { (documents.len()) } }
            @if documents.is_empty() { p.muted { "No files yet." } }
            ul.files {
                @for versions in &documents {
                    @let newest = versions[0];
                    li #{"file-" (newest.id)} {
                        @if shown_inline(&newest.content_type) {
                            a.preview href=(url(viewer, newest)) {
                                img src=(url(viewer, newest)) alt=(newest.name) loading="lazy";
                            }
                        }
                        a href=(url(viewer, newest)) download=(newest.name) { (newest.name) }
                        " " span.muted { (about(newest)) }
                        (remove_form(viewer, newest))
                        @if versions.len() > 1 {
                            details.versions {
                                summary { "Earlier versions (" (versions.len() - 1) ")" }
                                ul {
                                    @for old in &versions[1..] {
                                        li {
                                            a href=(url(viewer, old)) download=(old.name) { "Version " (old.version) }
                                            " " span.muted { (about(old)) }
                                            (remove_form(viewer, old))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if viewer.can_write() {
                form.attach method="post" enctype="multipart/form-data" action=(viewer.url("/files")) {
                    input type="hidden" name=(name) value=(value);
                    label for="attach-file" { "Attach a file" }
                    input #attach-file type="file" name="file" required;
                    button type="submit" { "Attach" }
                    p.muted { "50 MB at most. A file named as one here becomes its next version." }
                }
            }
        }
    })
}

fn url(viewer: &Viewer, a: &Attachment) -> String {
    viewer.url(&format!("/files/{}", a.id))
}

/// Version, size, who and when, as a line reads them.
fn about(a: &Attachment) -> String {
    let size = match a.size {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
    };
    let by = a
        .uploaded_by
        .as_ref()
        .map(|u| format!(", {}", u.name))
        .unwrap_or_default();
    format!(
        "v{} · {size}{by}, {}",
        a.version,
        a.created_at.format("%Y-%m-%d")
    )
}

/// The button that removes a version, for whoever may.
fn remove_form(viewer: &Viewer, a: &Attachment) -> Markup {
    let mine = a
        .uploaded_by
        .as_ref()
        .is_some_and(|u| u.id == viewer.ctx.scope.user_id);
    let may = viewer.can_write() && (mine || viewer.ctx.scope.role.can_manage_members());
    html! {
        @if may {
            form.inline method="post" action=(viewer.url(&format!("/files/{}/delete", a.id))) {
                button.link type="submit" aria-label={ "Remove " (a.name) " version " (a.version) } { "Remove" }
            }
        }
    }
}

/// `POST /w/{ws}/files`: a form with the subject's field and the file.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    // Whoever may not write is told so before their form is read.
    let writer = viewer.ctx.actor().writer()?;
    let mut form = form.map_err(|e| {
        WebError::Invalid(vec![FieldError::new(
            "file",
            format!("send the form as multipart/form-data ({e})"),
        )])
    })?;
    let mut to = None;
    let mut file = None;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        WebError::Invalid(vec![FieldError::new(
            "file",
            format!("could not be read: {e}"),
        )])
    };
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "task" => to = Some(AttachedTo::Task(field.text().await.map_err(unreadable)?)),
            "project" => to = Some(AttachedTo::Project(field.text().await.map_err(unreadable)?)),
            "comment" => {
                let text = field.text().await.map_err(unreadable)?;
                let id = text.parse().map_err(|_| {
                    WebError::Invalid(vec![FieldError::new("comment", "must be a comment's id")])
                })?;
                to = Some(AttachedTo::Comment(id));
            }
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                let kind = field.content_type().map(str::to_string);
                let bytes = field.bytes().await.map_err(unreadable)?;
                file = Some((name, kind, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let Some(to) = to else {
        return Err(WebError::Invalid(vec![FieldError::new(
            "task",
            "name what the file goes on",
        )]));
    };
    let Some((name, kind, bytes)) = file else {
        return Err(WebError::Invalid(vec![FieldError::new(
            "file",
            "choose a file",
        )]));
    };
    let new = NewAttachment::check(to, &name, kind.as_deref(), bytes).map_err(WebError::Invalid)?;
    let fallback = viewer.url("/my");
    let attachment = attachments::attach(state.store.as_ref(), &writer, &new).await?;
    let to = format!(
        "{}#file-{}",
        back(&headers, &fallback)
            .split('#')
            .next()
            .unwrap_or_default(),
        attachment.id
    );
    answer(
        &headers,
        Ok(axum::http::StatusCode::CREATED.into_response()),
        &to,
    )
}

/// `GET /w/{ws}/files/{id}`: the bytes, as a download (a raster image
/// inline, for its preview).
pub async fn get(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let (attachment, bytes) = state.store.attachment_content(viewer.ctx.scope, id).await?;
    Ok(download(&attachment, bytes))
}

/// `POST /w/{ws}/files/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((_, id)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let writer = viewer.ctx.actor().writer()?;
    let to = back(&headers, &viewer.url("/my"));
    attachments::delete(state.store.as_ref(), &writer, id).await?;
    answer(
        &headers,
        Ok(axum::http::StatusCode::NO_CONTENT.into_response()),
        &to,
    )
}
