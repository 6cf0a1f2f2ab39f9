//! Files over the API: bytes back as they went in, kept once per content,
//! versions by name, types checked against their bytes, downloads that
//! are never pages, the size limit refused cleanly, and what a guest may
//! open.

use std::sync::Arc;

use super::*;

/// Uploads `bytes` as `name` onto `subject` (a query: `task=LAUNCH-1`).
async fn upload(
    api: &Api,
    subject: &str,
    name: &str,
    content_type: Option<&str>,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let mut request = api
        .http
        .post(format!(
            "{}{WS}/attachments?{subject}&name={name}",
            api.base
        ))
        .bearer_auth(api.token.as_deref().unwrap())
        .body(bytes);
    if let Some(kind) = content_type {
        request = request.header("content-type", kind);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn content(api: &Api, id: &Value) -> reqwest::Response {
    api.http
        .get(format!("{}{WS}/attachments/{id}/content", api.base))
        .bearer_auth(api.token.as_deref().unwrap())
        .send()
        .await
        .unwrap()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

#[tokio::test]
async fn files_come_back_as_they_went_in_and_are_never_served_as_pages() {
    for url in databases().await {
        seed(&url).await;
        let server = Server::start(&url).await;
        let ana = Api::login(&server.base, "ana").await;
        let mel = Api::login(&server.base, "mel").await;
        let gus = Api::login(&server.base, "gus").await;
        plan(&ana).await;
        hidden_beside(&ana, json!({"title": "Hidden work"})).await;

        // Every byte value, in and out.
        let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
        let (status, file) = upload(&ana, "task=LAUNCH-1", "data.bin", None, bytes.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        assert_eq!(file["version"], 1);
        assert_eq!(file["size"], 300_000);
        assert_eq!(file["content_type"], "application/octet-stream");
        assert_eq!(file["on"]["key"], "LAUNCH-1");
        let response = content(&ana, &file["id"]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);

        // The same name again is the next version; the first stays.
        let (_, second) = upload(&mel, "task=LAUNCH-1", "data.bin", None, b"v2".to_vec()).await;
        assert_eq!(second["version"], 2, "{second}");
        let (status, list) = ana.get(&format!("{WS}/attachments?task=LAUNCH-1")).await;
        assert_eq!(status, StatusCode::OK);
        let versions: Vec<i64> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["version"].as_i64().unwrap())
            .collect();
        assert_eq!(versions, [2, 1], "{list}");
        let old = content(&ana, &file["id"]).await.bytes().await.unwrap();
        assert_eq!(old.len(), 300_000);
        // The same bytes elsewhere are the same content, kept once.
        let (_, copy) = upload(&ana, "project=LAUNCH", "copy.bin", None, bytes.clone()).await;
        assert_eq!(copy["sha256"], file["sha256"], "{copy}");

        // A page or a drawing is a download, whatever it says it is.
        for (name, kind, body) in [
            (
                "page.html",
                "text/html",
                &b"<script>alert(document.cookie)</script>"[..],
            ),
            (
                "logo.svg",
                "image/svg+xml",
                &b"<svg onload=\"alert(1)\"/>"[..],
            ),
        ] {
            let (status, f) = upload(&ana, "task=LAUNCH-2", name, Some(kind), body.to_vec()).await;
            assert_eq!(status, StatusCode::CREATED, "{f}");
            let response = content(&ana, &f["id"]).await;
            let headers = response.headers();
            assert!(
                headers["content-disposition"]
                    .to_str()
                    .unwrap()
                    .starts_with("attachment;"),
                "{name}: {headers:?}"
            );
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert!(
                headers["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("sandbox")
            );
        }
        // A picture is shown, for its preview; a page claiming to be one
        // is refused, naming the type.
        let (status, png) = upload(
            &ana,
            "task=LAUNCH-2",
            "dot.png",
            Some("image/png"),
            PNG.to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{png}");
        assert_eq!(png["image"], true);
        let response = content(&ana, &png["id"]).await;
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("inline;")
        );
        let (status, refused) = upload(
            &ana,
            "task=LAUNCH-2",
            "evil.png",
            Some("image/png"),
            b"<html><script>alert(1)</script>".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["errors"][0]["field"], "content_type", "{refused}");

        // Past the limit: refused with a problem, nothing kept.
        let before = ana.get(&format!("{WS}/attachments?task=LAUNCH-3")).await.1;
        let big = vec![7u8; 100 * 1024 * 1024];
        let (status, refused) = upload(&ana, "task=LAUNCH-3", "big.bin", None, big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
        assert_eq!(refused["title"], "Request body too large", "{refused}");
        assert_eq!(
            ana.get(&format!("{WS}/attachments?task=LAUNCH-3")).await.1,
            before
        );
        // Nothing to attach, nowhere to attach it: said, field by field.
        let (status, refused) = upload(&ana, "task=LAUNCH-3", "empty.txt", None, Vec::new()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["errors"][0]["field"], "file");
        let (status, refused) = upload(&ana, "task=NOPE-1", "a.txt", None, b"a".to_vec()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{refused}");

        // A guest reads LAUNCH's files, and none of HIDDEN's: not their
        // list, not their bytes, not that they exist.
        let (_, hidden) = upload(
            &ana,
            "task=HIDDEN-1",
            "hidden.txt",
            None,
            b"secret".to_vec(),
        )
        .await;
        let (status, _) = gus.get(&format!("{WS}/attachments?task=LAUNCH-1")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content(&gus, &file["id"]).await.status(), StatusCode::OK);
        assert_eq!(
            content(&gus, &hidden["id"]).await.status(),
            StatusCode::NOT_FOUND
        );
        let (status, _) = gus.get(&format!("{WS}/attachments/{}", hidden["id"])).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = gus.get(&format!("{WS}/attachments?task=HIDDEN-1")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = upload(&gus, "task=LAUNCH-1", "mine.txt", None, b"x".to_vec()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The search finds a document by its name and a text one by its
        // words, once however many versions, and only where it may.
        let note = b"Budget: the walrus fund".to_vec();
        upload(
            &ana,
            "task=LAUNCH-3",
            "plan.md",
            None,
            b"first draft".to_vec(),
        )
        .await;
        let (_, plan_v2) = upload(&ana, "task=LAUNCH-3", "plan.md", None, note).await;
        let (_, found) = ana.get(&format!("{WS}/search?q=walrus")).await;
        assert_eq!(found[0]["kind"], "attachment", "{found}");
        assert_eq!(found[0]["id"], plan_v2["id"], "{found}");
        assert_eq!(found[0]["title"], "plan.md");
        assert_eq!(found[0]["on"]["key"], "LAUNCH-3", "{found}");
        let (_, by_name) = ana
            .get(&format!("{WS}/search?q=plan&kind=attachment"))
            .await;
        assert_eq!(by_name.as_array().unwrap().len(), 1, "{by_name}");
        let (_, draft) = ana.get(&format!("{WS}/search?q=draft")).await;
        assert!(draft.as_array().unwrap().is_empty(), "{draft}");
        let (_, hers) = gus.get(&format!("{WS}/search?q=hidden")).await;
        assert!(
            !hers.to_string().contains("hidden.txt"),
            "a guest found HIDDEN's file: {hers}"
        );
        // Its newest version removed, the one before it is the document.
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/attachments/{}", plan_v2["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, draft) = ana.get(&format!("{WS}/search?q=draft")).await;
        assert_eq!(draft[0]["title"], "plan.md", "{draft}");

        // Who attached it, owners and admins remove it; others may not.
        let (status, _) = mel
            .call(
                Method::DELETE,
                &format!("{WS}/attachments/{}", file["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = mel
            .call(
                Method::DELETE,
                &format!("{WS}/attachments/{}", second["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/attachments/{}", file["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        // The copy on the project still reads the same content.
        let kept = content(&ana, &copy["id"])
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec();
        assert_eq!(kept, bytes);
        server.stop().await;
    }
}

/// moto's S3 server on loopback (from PyPI in `.ci/run`'s virtual
/// environment), until dropped.
const MOTO: &str = "\
import sys
from moto.server import ThreadedMotoServer
s = ThreadedMotoServer(ip_address='127.0.0.1', port=int(sys.argv[1]), verbose=False)
s.start()
print('ready', flush=True)
sys.stdin.read()
s.stop()
";

/// With `--blob-store`, a file's bytes go to the bucket and only its
/// record to the database; they come back the same; a bucket that does
/// not answer refuses the upload and records nothing; content no file
/// names is swept from the bucket.
#[tokio::test]
async fn files_kept_in_an_s3_bucket_come_back_the_same_and_are_swept() {
    let Some(moto) = crate::common::python::PythonService::start("moto.server", MOTO, &[]) else {
        return;
    };
    let s3 = format!("http://127.0.0.1:{}", moto.port);
    let http = reqwest::Client::new();
    // The bucket (moto takes requests unsigned).
    let made = http.put(format!("{s3}/files")).send().await.unwrap();
    assert!(made.status().is_success(), "{made:?}");
    let bucket = |endpoint: &str| {
        let bucket = tandem_store::blobs::Bucket::new(&tandem_store::blobs::BucketOptions {
            url: "s3://files/tandem".into(),
            endpoint: Some(endpoint.to_string()),
            region: Some("us-east-1".into()),
            access_key_id: Some("test".into()),
            secret_access_key: Some("test".into()),
        })
        .unwrap();
        let bucket: Arc<dyn tandem_store::blobs::BlobStore> = Arc::new(bucket);
        bucket
    };
    for url in databases().await {
        seed(&url).await;
        let store: Arc<dyn tandem_store::Store> = Arc::from(
            tandem_store::open_with(&url, Some(bucket(&s3)))
                .await
                .unwrap(),
        );
        let server = Server::with_store(store.clone(), &url).await;
        let ana = Api::login(&server.base, "ana").await;
        plan(&ana).await;

        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (status, file) = upload(&ana, "task=LAUNCH-1", "scan.bin", None, bytes.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        let back = content(&ana, &file["id"]).await;
        assert_eq!(back.status(), StatusCode::OK);
        assert_eq!(back.bytes().await.unwrap().to_vec(), bytes);
        // In the bucket, under its hash; not in the database.
        let hash = file["sha256"].as_str().unwrap().to_string();
        // (Read signed, as a node would; moto refuses anonymous reads.)
        let kept = bucket(&s3);
        assert_eq!(kept.get(&hash).await.unwrap(), bytes);
        let inline = database_says(
            &url,
            &format!("SELECT COUNT(*) FROM blobs WHERE hash = '{hash}' AND content IS NULL"),
        )
        .await;
        assert_eq!(inline, 1, "the row names the content, the bucket holds it");

        // Removed, the content is swept once no file names it.
        let (status, _) = ana
            .call(
                Method::DELETE,
                &format!("{WS}/attachments/{}", file["id"]),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let swept = store
            .sweep_blobs(chrono::Utc::now() + chrono::Duration::hours(1))
            .await
            .unwrap();
        assert!(swept >= 1, "{swept}");
        let gone = kept.get(&hash).await.unwrap_err();
        assert!(gone.to_string().contains("not found"), "{gone}");
        server.stop().await;

        // A bucket that does not answer: refused, nothing recorded.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let nowhere = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let store: Arc<dyn tandem_store::Store> = Arc::from(
            tandem_store::open_with(&url, Some(bucket(&nowhere)))
                .await
                .unwrap(),
        );
        let server = Server::with_store(store, &url).await;
        let ana = Api::login(&server.base, "ana").await;
        let (status, problem) =
            upload(&ana, "task=LAUNCH-1", "late.txt", None, b"late".to_vec()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{problem}");
        let (_, list) = ana.get(&format!("{WS}/attachments?task=LAUNCH-1")).await;
        assert_eq!(list, json!([]), "nothing was recorded");
        server.stop().await;
    }
}

/// One number the database answers, read apart from the store.
async fn database_says(url: &str, sql: &str) -> i64 {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let n = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    }
}
