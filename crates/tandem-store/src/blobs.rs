//! Where the bytes of attached files live when not in the database: an
//! S3-compatible bucket (`tandem serve --blob-store s3://BUCKET/PREFIX`),
//! which every node of a deployment reaches alike. Each content is one
//! object named by its SHA-256 under the prefix, written before the
//! transaction that records it (a failed write leaves at most an object
//! nobody names) and removed after the transaction that lets go of its
//! last attachment.
//!
//! The database keeps every file's name, type, size and hash either way;
//! a blob row whose `content` is null is in the bucket. Not here: who may
//! read a file (the attachment queries decide before a byte moves).

use std::sync::Arc;

use async_trait::async_trait;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

use crate::{Result, StoreError};

/// Content kept outside the database, by hash.
#[async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    async fn put(&self, hash: &str, bytes: Vec<u8>) -> Result<()>;
    async fn get(&self, hash: &str) -> Result<Vec<u8>>;
    /// Removes the content; one already gone is no error.
    async fn delete(&self, hash: &str) -> Result<()>;
    /// Whether the bucket answers: a start refuses a store it cannot
    /// reach rather than fail at the first upload.
    async fn check(&self) -> Result<()>;
    /// The hashes of the contents kept before `before`.
    async fn list_older(&self, before: chrono::DateTime<chrono::Utc>) -> Result<Vec<String>>;
}

/// How to reach a bucket. Credentials left out are read from the
/// environment as the AWS tools read them (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`).
#[derive(Debug, Clone, Default)]
pub struct BucketOptions {
    /// `s3://BUCKET` or `s3://BUCKET/PREFIX`.
    pub url: String,
    /// An S3-compatible server's address (MinIO, Ceph, moto), instead of
    /// AWS's; plain `http://` is allowed only here.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// An S3-compatible bucket, through `object_store`.
#[derive(Debug)]
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

impl Bucket {
    pub fn new(options: &BucketOptions) -> Result<Self> {
        let rest = options.url.strip_prefix("s3://").ok_or_else(|| {
            StoreError::Config(format!(
                "'{}' is not an s3://BUCKET/PREFIX address",
                options.url
            ))
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StoreError::Config(format!(
                "'{}' names no bucket",
                options.url
            )));
        }
        // A request waits on the bucket, so a bucket that does not answer
        // is given up on within seconds, not object_store's minutes.
        let retry = object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: std::time::Duration::from_secs(15),
            ..Default::default()
        };
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_retry(retry);
        if let Some(endpoint) = &options.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(region) = &options.region {
            builder = builder.with_region(region);
        }
        if let Some(key) = &options.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &options.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder
            .build()
            .map_err(|e| StoreError::Config(format!("the blob store {}: {e}", options.url)))?;
        Ok(Bucket {
            store: Arc::new(store),
            prefix: prefix.trim_matches('/').to_string(),
        })
    }

    fn path(&self, hash: &str) -> Path {
        match self.prefix.as_str() {
            "" => Path::from(hash),
            prefix => Path::from(format!("{prefix}/{hash}")),
        }
    }
}

fn unavailable(what: &str, e: object_store::Error) -> StoreError {
    StoreError::Unavailable(format!("the blob store, {what}: {e}"))
}

#[async_trait]
impl BlobStore for Bucket {
    async fn put(&self, hash: &str, bytes: Vec<u8>) -> Result<()> {
        self.store
            .put(&self.path(hash), PutPayload::from(bytes))
            .await
            .map_err(|e| unavailable("keeping a file", e))?;
        Ok(())
    }

    async fn get(&self, hash: &str) -> Result<Vec<u8>> {
        let got = self
            .store
            .get(&self.path(hash))
            .await
            .map_err(|e| unavailable("reading a file", e))?;
        let bytes = got
            .bytes()
            .await
            .map_err(|e| unavailable("reading a file", e))?;
        Ok(bytes.to_vec())
    }

    async fn delete(&self, hash: &str) -> Result<()> {
        match self.store.delete(&self.path(hash)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable("removing a file", e)),
        }
    }

    async fn list_older(&self, before: chrono::DateTime<chrono::Utc>) -> Result<Vec<String>> {
        use futures_util::TryStreamExt;
        let prefix = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
        let objects: Vec<object_store::ObjectMeta> = self
            .store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .map_err(|e| unavailable("listing files", e))?;
        Ok(objects
            .into_iter()
            .filter(|o| o.last_modified < before)
            .filter_map(|o| o.location.filename().map(str::to_string))
            // Only what this store named: a hash.
            .filter(|name| name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()))
            .collect())
    }

    async fn check(&self) -> Result<()> {
        // A name no content has: "not found" is the answer of a bucket
        // that is there and lets us in.
        match self.store.head(&self.path("tandem-check")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(StoreError::Config(format!(
                "the blob store does not answer: {e}"
            ))),
        }
    }
}
