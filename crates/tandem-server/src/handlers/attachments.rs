//! Files over the API: attach one (the request's body is the file), list
//! a subject's, read one's details or bytes, remove one.
//!
//! A download is never a page: it comes with `nosniff`, a sandboxing
//! policy, and `Content-Disposition: attachment` unless it is a raster
//! image the web app previews.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tandem_api::AttachmentView;
use tandem_domain::{AttachedTo, Attachment, NewAttachment, Validation, shown_inline};
use tandem_usecases::attachments;

use super::{ApiResult, QueryParams};
use crate::AppState;
use crate::extract::Ctx;
use crate::routes::*;

/// A task or a project, as a thread's subject is named; or a comment.
const SUBJECT: &[Param] = &[
    super::comments::SUBJECT_QUERY[0],
    super::comments::SUBJECT_QUERY[1],
    Param {
        name: "comment",
        description: "A comment (its id)",
        schema: || or_empty(json!({"type": "integer", "minimum": 1})),
    },
];

const UPLOAD: &[Param] = &[
    SUBJECT[0],
    SUBJECT[1],
    SUBJECT[2],
    Param {
        name: "name",
        description: "The file's name (required); a name the subject already has adds that document's next version",
        schema: query_text,
    },
];

/// The subject a query names (exactly one of `task`, `project`,
/// `comment`), the other parameters among `allowed`; every fault said.
fn subject(query: &HashMap<String, String>, allowed: &[Param]) -> ApiResult<AttachedTo> {
    let mut v = Validation::new();
    let names: Vec<&str> = allowed.iter().map(|p| p.name).collect();
    let params = QueryParams::read(query, &names, &mut v);
    let task = params.get("task").map(|k| AttachedTo::Task(k.to_string()));
    let project = params
        .get("project")
        .map(|k| AttachedTo::Project(k.to_string()));
    let comment = params.id("comment", &mut v).map(AttachedTo::Comment);
    let mut named: Vec<AttachedTo> = [task, project, comment].into_iter().flatten().collect();
    if named.len() != 1 {
        v.push(
            "task",
            "name what the file is on, once: task, project or comment",
        );
    }
    v.into_result()?;
    Ok(named.remove(0))
}

/// This feature's rows of the route table.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route!(post "/api/v1/workspaces/{ws}/attachments", "Attach a file to a task, a project or a comment: the body is the file, its Content-Type its type (checked against its bytes; read from them or the name when absent); 50 MiB at most", file(), json::<AttachmentView>(), 201, attach)
            .query(UPLOAD)
            .body_limit(crate::ATTACHMENT_LIMIT_BYTES),
        route!(get "/api/v1/workspaces/{ws}/attachments", "The files on a task, a project or a comment (name exactly one): by name, each name's newest version first", none(), json::<Vec<AttachmentView>>(), 200, list_attachments).query(SUBJECT),
        route!(get "/api/v1/workspaces/{ws}/attachments/{id}", "An attachment's details", none(), json::<AttachmentView>(), 200, get_attachment),
        route!(get "/api/v1/workspaces/{ws}/attachments/{id}/content", "An attachment's bytes: a download (Content-Disposition: attachment, nosniff), a PNG, JPEG, GIF or WebP image inline; its type is the one it was kept as", none(), crate::routes::download(), 200, attachment_content),
        route!(delete "/api/v1/workspaces/{ws}/attachments/{id}", "Remove an attachment (whoever attached it, owners, admins)", none(), none(), 204, delete_attachment),
    ]
}

pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let writer = ctx.actor().writer()?;
    let to = subject(&query, UPLOAD)?;
    let name = query.get("name").map(String::as_str).unwrap_or_default();
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok());
    let new = NewAttachment::check(to, name, declared, body.to_vec())?;
    let attachment = attachments::attach(state.store.as_ref(), &writer, &new).await?;
    Ok((StatusCode::CREATED, Json(AttachmentView::from(attachment))).into_response())
}

pub async fn list_attachments(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<AttachmentView>>> {
    let to = subject(&query, SUBJECT)?;
    let list = state.store.list_attachments(ctx.scope, &to).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

pub async fn get_attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Json<AttachmentView>> {
    Ok(Json(
        state.store.get_attachment(ctx.scope, id).await?.into(),
    ))
}

pub async fn attachment_content(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let (attachment, bytes) = state.store.attachment_content(ctx.scope, id).await?;
    Ok(download(&attachment, bytes))
}

pub async fn delete_attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, i64)>,
) -> ApiResult<StatusCode> {
    let writer = ctx.actor().writer()?;
    attachments::delete(state.store.as_ref(), &writer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A file's bytes as a browser must treat them: never as a page of this
/// site. The web app's download and preview links answer the same.
pub(crate) fn download(attachment: &Attachment, bytes: Vec<u8>) -> Response {
    let inline = shown_inline(&attachment.content_type);
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let kind = HeaderValue::from_str(&attachment.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, kind);
    sandbox(headers);
    if let Ok(disposition) = HeaderValue::from_str(&disposition(inline, &attachment.name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// Bytes someone uploaded, as a browser must hold them: even opened
/// directly, nothing in them runs or loads (`nosniff` comes with every
/// answer, `security_headers`; this policy replaces the pages' one).
pub(crate) fn sandbox(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
}

/// `attachment` (or `inline`) with the name as ASCII and, when it is not
/// plain ASCII, as UTF-8 too (RFC 6266, RFC 8187).
fn disposition(inline: bool, name: &str) -> String {
    let how = if inline { "inline" } else { "attachment" };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // A kept name has no path separators (`tandem_domain::file_name`),
    // so the query value's encoding serves (RFC 8187 attr-chars).
    let encoded = crate::web::common::encode(name);
    if ascii == name {
        format!("{how}; filename=\"{ascii}\"")
    } else {
        format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
    }
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_download_names_its_file_safely() {
        assert_eq!(
            disposition(false, "plan v2.pdf"),
            "attachment; filename=\"plan v2.pdf\""
        );
        assert_eq!(
            disposition(true, "café\".png"),
            "inline; filename=\"caf__.png\"; filename*=UTF-8''caf%C3%A9%22.png"
        );
    }
}
