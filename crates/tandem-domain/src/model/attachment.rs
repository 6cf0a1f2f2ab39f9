//! Files attached to a task, a project or a comment: what they are
//! called, what type of content they hold, and how they may be served.
//!
//! Not here: the bytes (the store keeps them once per content, named by
//! their SHA-256) or the headers of a download (the server's).

use chrono::{DateTime, Utc};

use crate::{FieldError, Id, UserRef};

/// The largest file Tandem keeps: 50 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

/// What a file is attached to, as a caller names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachedTo {
    Task(String),
    Project(String),
    Comment(Id),
}

impl AttachedTo {
    pub fn kind(&self) -> &'static str {
        match self {
            AttachedTo::Task(_) => "task",
            AttachedTo::Project(_) => "project",
            AttachedTo::Comment(_) => "comment",
        }
    }
}

/// A kept file: one version of a document, on its subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub id: Id,
    pub to: AttachedTo,
    /// The project it belongs to, for visibility; none on a personal
    /// task's file.
    pub project_id: Option<Id>,
    pub name: String,
    /// 1 for the first file of its name on its subject, counting up.
    pub version: i64,
    pub content_type: String,
    pub size: i64,
    /// The SHA-256 of the bytes, in hex: where they are kept.
    pub sha256: String,
    pub uploaded_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}

/// A file to keep: its checked name and type, and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttachment {
    pub to: AttachedTo,
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl NewAttachment {
    /// Checks a file as uploaded: a name (its last path segment), a size
    /// within the limit, and a type that agrees with its bytes. A type
    /// not given (or `application/octet-stream`) is read from the bytes,
    /// then from the name's extension.
    pub fn check(
        to: AttachedTo,
        name: &str,
        declared: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<NewAttachment, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = match file_name(name) {
            Ok(name) => name,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        if bytes.is_empty() {
            errors.push(FieldError::new("file", "is empty"));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            errors.push(FieldError::new(
                "file",
                format!("is larger than {} MiB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
            ));
        }
        let content_type = match content_type(&name, declared, &bytes) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        if errors.is_empty() {
            Ok(NewAttachment {
                to,
                name,
                content_type,
                bytes,
            })
        } else {
            Err(errors)
        }
    }
}

/// A file's name as kept: the last segment of a path (a browser may send
/// `C:\fakepath\x.pdf`), trimmed, without control characters, at most
/// 255 characters.
pub fn file_name(name: &str) -> Result<String, FieldError> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if last.is_empty() || last == "." || last == ".." {
        return Err(FieldError::new("name", "must name the file"));
    }
    if last.chars().any(char::is_control) {
        return Err(FieldError::new("name", "must not hold control characters"));
    }
    if last.chars().count() > 255 {
        return Err(FieldError::new("name", "must be at most 255 characters"));
    }
    Ok(last.to_string())
}

/// Types whose first bytes say what they are.
const SIGNATURES: &[(&str, &[u8], usize)] = &[
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/gif", b"GIF8", 0),
    ("image/webp", b"WEBP", 8),
    ("application/pdf", b"%PDF-", 0),
    ("application/zip", b"PK\x03\x04", 0),
];

/// Types known by a file name's extension.
const EXTENSIONS: &[(&str, &str)] = &[
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("csv", "text/csv"),
    ("json", "application/json"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("svg", "image/svg+xml"),
    ("xml", "application/xml"),
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("zip", "application/zip"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("mpp", "application/vnd.ms-project"),
];

/// What the bytes say they are, where they say.
fn sniffed(bytes: &[u8]) -> Option<&'static str> {
    SIGNATURES
        .iter()
        .find(|(_, magic, at)| bytes.get(*at..*at + magic.len()) == Some(*magic))
        .map(|(kind, ..)| *kind)
}

/// A file's type: the declared one, checked against the bytes where their
/// first bytes tell (an image must be the image it says; an Office file
/// is a zip); or, declared nothing, what the bytes or the name say.
pub fn content_type(
    name: &str,
    declared: Option<&str>,
    bytes: &[u8],
) -> Result<String, FieldError> {
    let declared = declared
        .map(|d| {
            d.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|d| !d.is_empty() && d != "application/octet-stream");
    let sniffed = sniffed(bytes);
    let Some(declared) = declared else {
        let by_name = name.rsplit_once('.').and_then(|(_, ext)| {
            let ext = ext.to_ascii_lowercase();
            EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, t)| *t)
        });
        let has_signature = |t: &str| SIGNATURES.iter().any(|(s, ..)| *s == t);
        let kind = match (sniffed, by_name) {
            // An Office file is a zip with a name that says which.
            (Some("application/zip"), Some(n)) if n.starts_with("application/vnd.") => n,
            (Some(s), _) => s,
            // A name may not claim what the bytes would show: a page
            // named .png is no picture.
            (None, Some(n)) if !has_signature(n) => n,
            (None, _) => "application/octet-stream",
        };
        return Ok(kind.to_string());
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match declared.split_once('/') {
        Some((kind, sub)) if token(kind) && token(sub) => {}
        _ => {
            return Err(FieldError::new(
                "content_type",
                format!("'{declared}' is not a media type (type/subtype)"),
            ));
        }
    }
    // A type whose bytes are known must be those bytes: a page cannot
    // pass for a picture.
    if let Some((_, magic, at)) = SIGNATURES.iter().find(|(t, ..)| *t == declared)
        && bytes.get(*at..*at + magic.len()) != Some(*magic)
    {
        return Err(FieldError::new(
            "content_type",
            format!("the file is not {declared}: its bytes say otherwise"),
        ));
    }
    Ok(declared)
}

/// Whether a download may be shown in the browser: the raster images a
/// page previews, which run no script. Everything else (HTML, SVG, PDF,
/// text) is always a download.
pub fn shown_inline(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// The largest picture a person may use as their avatar.
pub const MAX_AVATAR_BYTES: usize = 512 * 1024;

/// An avatar's type, from its bytes alone: a PNG, JPEG, GIF or WebP
/// picture within [`MAX_AVATAR_BYTES`]; anything else (an SVG, a page
/// named .png) is refused on the field `avatar`.
pub fn avatar_type(bytes: &[u8]) -> Result<&'static str, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new("avatar", "is empty: give a picture"));
    }
    if bytes.len() > MAX_AVATAR_BYTES {
        return Err(FieldError::new(
            "avatar",
            format!(
                "is {} KiB; an avatar is at most {} KiB",
                bytes.len().div_ceil(1024),
                MAX_AVATAR_BYTES / 1024
            ),
        ));
    }
    match sniffed(bytes) {
        Some(kind) if shown_inline(kind) => Ok(kind),
        _ => Err(FieldError::new(
            "avatar",
            "must be a PNG, JPEG, GIF or WebP picture",
        )),
    }
}

/// A person's initials, as their avatar shows them until they choose a
/// picture: the first letters of their first two words.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn an_avatar_is_a_small_picture_and_nothing_else() {
        assert_eq!(avatar_type(PNG).unwrap(), "image/png");
        for bad in [
            &b""[..],
            b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
            b"%PDF-1.7",
        ] {
            assert_eq!(avatar_type(bad).unwrap_err().field, "avatar");
        }
        let big = [PNG, &vec![0u8; MAX_AVATAR_BYTES]].concat();
        assert!(avatar_type(&big).unwrap_err().message.contains("KiB"));
        assert_eq!(initials("Ana María López"), "AM");
        assert_eq!(initials("  zoë "), "Z");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn a_name_is_the_last_segment_of_a_path() {
        assert_eq!(file_name("C:\\fakepath\\plan.pdf").unwrap(), "plan.pdf");
        assert_eq!(file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(file_name(" notes.md ").unwrap(), "notes.md");
        for bad in ["", "dir/", "..", "a\nb"] {
            assert!(file_name(bad).is_err(), "{bad:?}");
        }
        assert!(file_name(&"x".repeat(256)).is_err());
    }

    #[test]
    fn a_declared_type_must_agree_with_the_bytes_it_knows() {
        assert_eq!(
            content_type("a.png", Some("image/png"), PNG).unwrap(),
            "image/png"
        );
        let html = b"<html><script>alert(1)</script>";
        let refused = content_type("a.png", Some("image/png"), html).unwrap_err();
        assert_eq!(refused.field, "content_type");
        // Types without a signature are kept as declared; downloads of
        // them are attachments, never shown.
        assert_eq!(
            content_type("a.html", Some("text/html; charset=utf-8"), html).unwrap(),
            "text/html"
        );
        assert!(content_type("a", Some("not a type"), html).is_err());
    }

    #[test]
    fn an_undeclared_type_comes_from_the_bytes_then_the_name() {
        assert_eq!(content_type("photo", None, PNG).unwrap(), "image/png");
        // A picture named .txt is a picture; a page named .png is not one.
        assert_eq!(content_type("x.txt", None, PNG).unwrap(), "image/png");
        assert_eq!(
            content_type("x.png", None, b"<svg onload=alert(1)>").unwrap(),
            "application/octet-stream"
        );
        assert_eq!(
            content_type("notes.md", Some("application/octet-stream"), b"# Hi").unwrap(),
            "text/markdown"
        );
        assert_eq!(
            content_type("logo.svg", None, b"<svg/>").unwrap(),
            "image/svg+xml"
        );
        assert_eq!(
            content_type("plan.docx", None, b"PK\x03\x04rest").unwrap(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(
            content_type("blob", None, b"\0\x01").unwrap(),
            "application/octet-stream"
        );
    }

    #[test]
    fn only_raster_images_are_shown_in_the_browser() {
        assert!(shown_inline("image/png"));
        for never in [
            "image/svg+xml",
            "text/html",
            "application/pdf",
            "text/plain",
        ] {
            assert!(!shown_inline(never), "{never}");
        }
    }

    #[test]
    fn an_upload_is_checked_whole() {
        let errors =
            NewAttachment::check(AttachedTo::Task("A-1".into()), "", None, Vec::new()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "file"]);
        let ok = NewAttachment::check(AttachedTo::Project("A".into()), "a.png", None, PNG.to_vec())
            .unwrap();
        assert_eq!(ok.content_type, "image/png");
    }
}
