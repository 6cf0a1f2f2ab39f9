//! My Work: a person's open tasks in the buckets of when they are due
//! (overdue, today, this week, later), each counted in full and shown a
//! page at a time, first due first. The web page and the API both read it
//! here; neither reads more than a page of a bucket, however much work
//! the person has.
//!
//! Not here: what the buckets are (`tandem_domain::dates`), or how a page
//! is shown.

use chrono::{Days, NaiveDate};
use tandem_domain::Task;
use tandem_domain::dates::Bucket;
use tandem_store::{OwnerFilter, Scope, Store, TaskCursor, TaskFilter, TaskOrder};

use crate::Result;

/// Tasks a bucket shows before "more", unless asked otherwise.
pub const BUCKET_PAGE: usize = 50;

/// One bucket of My Work: how many tasks it holds and a page of them.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketPage {
    pub bucket: Bucket,
    /// Every open task of the person in this bucket, not only this page's.
    pub count: u64,
    /// By due date, then id; tasks without a due date last.
    pub tasks: Vec<Task>,
    /// Where the next page of this bucket starts, if there is one.
    pub next: Option<TaskCursor>,
}

/// Every bucket of the caller's My Work on `today`: counts and the first
/// `limit` tasks of each.
pub async fn my_work(
    store: &dyn Store,
    scope: Scope,
    today: NaiveDate,
    limit: usize,
) -> Result<Vec<BucketPage>> {
    let counts = store
        .count_tasks_by_due(scope, &open_of(scope), &Bucket::edges(today))
        .await?;
    let mut buckets = Vec::with_capacity(Bucket::ALL.len());
    for (bucket, count) in Bucket::ALL.into_iter().zip(counts) {
        // An empty bucket needs no read.
        let (tasks, next) = if count == 0 {
            (Vec::new(), None)
        } else {
            page(store, scope, today, bucket, None, limit).await?
        };
        buckets.push(BucketPage {
            bucket,
            count,
            tasks,
            next,
        });
    }
    Ok(buckets)
}

/// One bucket of the caller's My Work: its count and the page of `limit`
/// tasks after `after` (from its start without).
pub async fn bucket(
    store: &dyn Store,
    scope: Scope,
    today: NaiveDate,
    bucket: Bucket,
    after: Option<TaskCursor>,
    limit: usize,
) -> Result<BucketPage> {
    let edges = Bucket::edges(today);
    let counts = store
        .count_tasks_by_due(scope, &open_of(scope), &edges)
        .await?;
    let index = Bucket::ALL.iter().position(|b| *b == bucket).unwrap_or(0);
    let (tasks, next) = page(store, scope, today, bucket, after, limit).await?;
    Ok(BucketPage {
        bucket,
        count: counts.get(index).copied().unwrap_or(0),
        tasks,
        next,
    })
}

/// The caller's open tasks.
fn open_of(scope: Scope) -> TaskFilter {
    TaskFilter {
        owner: Some(OwnerFilter::User(scope.user_id)),
        open: true,
        order: TaskOrder::Due,
        ..Default::default()
    }
}

async fn page(
    store: &dyn Store,
    scope: Scope,
    today: NaiveDate,
    bucket: Bucket,
    after: Option<TaskCursor>,
    limit: usize,
) -> Result<(Vec<Task>, Option<TaskCursor>)> {
    let (start, end) = bucket.range(today);
    // A bucket starts after every task due the day before its first day;
    // a cursor from a page of it is later, and one from before the bucket
    // (another bucket's) starts at the bucket, never before it.
    let start = start
        .and_then(|first| first.checked_sub_days(Days::new(1)))
        .map(TaskCursor::after_day);
    let place = |c: &TaskCursor| (c.due_date.is_none(), c.due_date, c.id);
    let after = match (after, start) {
        (Some(after), Some(start)) => Some(if place(&after) < place(&start) {
            start
        } else {
            after
        }),
        (after, start) => after.or(start),
    };
    let filter = TaskFilter {
        after,
        due_before: end,
        limit,
        ..open_of(scope)
    };
    let page = store.list_tasks(scope, &filter).await?;
    Ok((page.tasks, page.next))
}
