//! Group commit for the SQLite writer: concurrent writes share one durable
//! commit instead of each waiting for its own fsync.
//!
//! SQLite has one writer, so writes queue anyway; what made them slow was
//! that each paid a full `synchronous = FULL` sync of the WAL. Here the
//! writer connection holds one open transaction, a *group*, and every write
//! runs in its own savepoint inside it. A write that fails is rolled back to
//! its savepoint and leaves the others alone. A write that succeeds keeps
//! its savepoint open (the next member releases it in the command that
//! opens its own) and waits: the group is committed, and synced, by the last
//! write in the queue (the one that sees nobody waiting behind it), and only
//! then is every member acknowledged. Nothing is acknowledged before it is
//! on disk, so a crash loses only writes that never got their answer.
//!
//! The queue is the writer lock itself (tokio's mutex is first come, first
//! served); `waiting` counts who stands in it. A group therefore holds at
//! most the writes that were in flight together, bounded again by
//! [`MAX_MEMBERS`] and [`MAX_AGE`] so that a steady stream cannot keep one
//! write's answer waiting.
//!
//! A long write (a whole schedule's save, an import's batch) takes a group
//! of its own ([`GroupCommit::begin_alone`]): it commits the group before
//! it first, so the short writes there are answered without waiting for
//! its work, and nothing joins it.
//!
//! Every way out of a member — committed, failed, or its request dropped
//! mid-way — ends in [`settle`], run on a spawned task that holds the
//! group, so that a client hanging up can neither cancel a commit half-way
//! nor leave the group without anyone to commit it.
//!
//! Not here: what the writes do (`queries/`), or PostgreSQL, whose server
//! already flushes concurrent commits together.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::{Result, StoreError};

/// The most writes one commit acknowledges.
const MAX_MEMBERS: usize = 256;
/// The longest a group stays open: the first member's answer waits at most
/// this long for the ones that joined after it.
const MAX_AGE: Duration = Duration::from_millis(50);

/// What a group's commit told its members; a `String` because every
/// member needs its own copy of the error.
type Ack = std::result::Result<(), String>;

/// The writer: one connection, one open group at a time.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    pool: SqlitePool,
    group: Arc<Mutex<Group>>,
    waiting: Arc<AtomicUsize>,
    stats: Arc<GroupStats>,
    max_members: usize,
    max_age: Duration,
}

#[derive(Default)]
struct Group {
    transaction: Option<Transaction<'static, Sqlite>>,
    opened: Option<Instant>,
    /// Members that kept their write, waiting for the commit.
    done: Vec<oneshot::Sender<Ack>>,
    /// The savepoint of the member at work, open or about to be: whoever
    /// takes the group next while it is still set finds a member that
    /// vanished without settling. Members' savepoints take two names in
    /// turn ([`savepoint_name`]), so one that never opened is never taken
    /// for the kept one below it: rolling back to it finds no savepoint.
    open_member: Option<u64>,
    /// The savepoint of the last member, which kept its write and left it
    /// open: the next member releases it in the command that opens its
    /// own, or the group's commit takes it along. Releasing it when its
    /// write ends would cost each write one more trip to the connection's
    /// thread, which is most of what a short write costs here.
    kept: Option<u64>,
    /// Savepoints opened so far: the next one's name.
    savepoints: u64,
    /// The group is one long write's: it commits when that write ends.
    alone: bool,
}

/// Commits and the writes they carried, for `/metrics`.
#[derive(Default)]
struct GroupStats {
    commits: AtomicUsize,
    writes: AtomicUsize,
    /// Members that left the commit to someone queued behind them.
    handed_on: AtomicUsize,
}

impl GroupCommit {
    pub(crate) fn new(pool: SqlitePool) -> Self {
        Self::with_limits(pool, MAX_MEMBERS, MAX_AGE)
    }

    fn with_limits(pool: SqlitePool, max_members: usize, max_age: Duration) -> Self {
        Self {
            pool,
            group: Arc::default(),
            waiting: Arc::default(),
            stats: Arc::default(),
            max_members,
            max_age,
        }
    }

    pub(crate) fn stats(&self) -> (usize, usize) {
        (
            self.stats.commits.load(Ordering::Relaxed),
            self.stats.writes.load(Ordering::Relaxed),
        )
    }

    /// Joins the open group (or opens one) in a savepoint of its own.
    pub(crate) async fn begin(&self) -> Result<Member> {
        self.join(false, false).await
    }

    /// [`Self::begin`] for a write that sends its savepoint's opening
    /// with its first statement ([`Member::opening`]): one trip to the
    /// connection's thread fewer.
    pub(crate) async fn begin_deferred(&self) -> Result<Member> {
        self.join(false, true).await
    }

    /// A member for a long write (a whole schedule's save): the writes
    /// already in the open group are committed first, and this one is
    /// committed on its own, so short writes neither wait for its work
    /// to be acknowledged nor join a group it holds open.
    pub(crate) async fn begin_alone(&self) -> Result<Member> {
        self.join(true, false).await
    }

    async fn join(&self, alone: bool, deferred: bool) -> Result<Member> {
        let queued = Queued::new(self.clone());
        let guard = self.group.clone().lock_owned().await;
        queued.served();
        // From here on the member's drop settles the group, whatever
        // happens below.
        let mut member = Member {
            guard: Some(guard),
            writer: self.clone(),
            opening: None,
        };
        let group = member.group();
        if group.open_member.is_some() {
            rollback_member(&self.stats, group).await?;
        }
        if alone && group.transaction.is_some() {
            commit_now(&self.stats, group).await?;
        }
        group.alone = alone;
        if group.transaction.is_none() {
            group.transaction = Some(self.pool.begin().await?);
            group.opened = Some(Instant::now());
        }
        group.savepoints += 1;
        let savepoint = group.savepoints;
        let opening = opening(group.kept.take(), savepoint);
        // Set before it runs: if it fails, rolling back to a savepoint that
        // never opened finds none. And whatever became of the kept
        // savepoint, it is not released again: one left behind only
        // deepens the stack the commit ends.
        group.open_member = Some(savepoint);
        if deferred {
            member.opening = Some(opening);
        } else {
            let connection = &mut **group.transaction.as_mut().expect("opened above");
            sqlx::query(opening).execute(connection).await?;
        }
        Ok(member)
    }
}

/// One write in a group; derefs to the writer connection.
pub(crate) struct Member {
    guard: Option<OwnedMutexGuard<Group>>,
    writer: GroupCommit,
    /// What opens this write's savepoint, until its first statement takes
    /// it along ([`GroupCommit::begin_deferred`]).
    opening: Option<&'static str>,
}

impl Member {
    /// The statements that open this write's savepoint, to send ahead of
    /// its first statement in the same command; empty once sent. A
    /// deferred member refuses to run anything before it is taken.
    pub(crate) fn opening(&mut self) -> &'static str {
        self.opening.take().unwrap_or_default()
    }

    fn group(&mut self) -> &mut Group {
        self.guard
            .as_mut()
            .expect("a member holds the group until it ends")
    }

    /// Keeps this write and answers once the group holding it is synced.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let mut guard = self
            .guard
            .take()
            .expect("a member holds the group until it ends");
        let (ack, acked) = oneshot::channel();
        let savepoint = guard.open_member.take();
        // A write that never sent its opening has no savepoint to keep.
        guard.kept = savepoint.filter(|_| self.opening.is_none());
        guard.done.push(ack);
        if hands_on(&self.writer, &guard) {
            drop(guard);
        } else {
            // Spawned with the group in hand: if this request is dropped
            // from here on, the group still commits.
            tokio::spawn(settle(self.writer.clone(), guard));
        }
        match acked.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(StoreError::Database(sqlx::Error::Protocol(message))),
            Err(_) => Err(StoreError::Database(sqlx::Error::Protocol(
                "the shared commit was abandoned".into(),
            ))),
        }
    }
}

impl Drop for Member {
    /// A member dropped unfinished (an error, or its request cancelled) is
    /// rolled back to its savepoint, and the group goes on without it.
    fn drop(&mut self) {
        if let Some(guard) = self.guard.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn(settle(self.writer.clone(), guard));
                }
                // No runtime to roll back on: `open_member` stays set and
                // the next member rolls it back before it starts.
                Err(_) => drop(guard),
            }
        }
    }
}

impl Deref for Member {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        // Run outside its savepoint, a write would be rolled back with
        // the one before it, or not at all.
        assert!(self.opening.is_none(), "a write opens its savepoint first");
        self.guard
            .as_ref()
            .and_then(|g| g.transaction.as_deref())
            .expect("a member's group is open until it ends")
    }
}

impl DerefMut for Member {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        assert!(self.opening.is_none(), "a write opens its savepoint first");
        self.group()
            .transaction
            .as_deref_mut()
            .expect("a member's group is open until it ends")
    }
}

/// A savepoint's name: two in turn, so that each statement that opens or
/// ends one has one of a few texts, which the connection keeps prepared.
fn savepoint_name(savepoint: u64) -> &'static str {
    match savepoint % 2 {
        0 => "tandem_write_0",
        _ => "tandem_write_1",
    }
}

/// What opens `savepoint`, releasing the `kept` one before it, if any.
fn opening(kept: Option<u64>, savepoint: u64) -> &'static str {
    match (kept.map(|k| k % 2), savepoint % 2) {
        (None, 0) => "SAVEPOINT tandem_write_0; ",
        (None, _) => "SAVEPOINT tandem_write_1; ",
        (Some(0), 0) => "RELEASE tandem_write_0; SAVEPOINT tandem_write_0; ",
        (Some(0), _) => "RELEASE tandem_write_0; SAVEPOINT tandem_write_1; ",
        (Some(_), 0) => "RELEASE tandem_write_1; SAVEPOINT tandem_write_0; ",
        (Some(_), _) => "RELEASE tandem_write_1; SAVEPOINT tandem_write_1; ",
    }
}

/// Rolls a vanished member back to its savepoint; the group is lost with
/// it if even that fails. A member whose savepoint never opened (the
/// command that opens it failed, or was never sent) ran nothing: the group
/// then holds only kept writes, and is committed, so that no savepoint
/// left below is ever mistaken for a later one of the same name.
async fn rollback_member(stats: &GroupStats, group: &mut Group) -> Result<()> {
    let (Some(savepoint), Some(transaction)) = (group.open_member, group.transaction.as_mut())
    else {
        group.open_member = None;
        return Ok(());
    };
    let name = savepoint_name(savepoint);
    let undone = match sqlx::query(&format!("ROLLBACK TO {name}"))
        .execute(&mut **transaction)
        .await
    {
        Ok(_) => sqlx::query(&format!("RELEASE {name}"))
            .execute(&mut **transaction)
            .await
            .map(|_| ()),
        Err(e) if never_opened(&e) => {
            group.open_member = None;
            return commit_now(stats, group).await;
        }
        Err(e) => Err(e),
    };
    if let Err(e) = undone {
        fail(group, &e.to_string());
        return Err(e.into());
    }
    // Only now: a rollback cut short leaves the member open for the next
    // one to roll back.
    group.open_member = None;
    Ok(())
}

/// SQLite's answer to a rollback to a savepoint that does not exist.
fn never_opened(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|e| e.message().starts_with("no such savepoint"))
}

/// Ends the group's transaction without keeping it, and tells its members.
fn fail(group: &mut Group, why: &str) {
    // Dropping an open sqlx transaction rolls it back.
    group.transaction = None;
    group.open_member = None;
    group.kept = None;
    group.alone = false;
    group.opened = None;
    for ack in group.done.drain(..) {
        let _ = ack.send(Err(format!("the shared commit failed: {why}")));
    }
}

/// What every member ends with: commit the group now, unless someone is
/// queued behind who will settle it later (and the group is still young
/// and small enough to wait for them).
async fn settle(writer: GroupCommit, mut guard: OwnedMutexGuard<Group>) {
    if guard.open_member.is_some() {
        // Its error, if any, has reached the members through `fail`.
        let _ = rollback_member(&writer.stats, &mut guard).await;
    }
    if hands_on(&writer, &guard) {
        return;
    }
    // Its error, if any, has reached the members through `fail`.
    let _ = commit_now(&writer.stats, &mut guard).await;
}

/// Whether the group may stay open for a write queued behind: someone is
/// waiting who will settle it, and it is still young and small enough.
/// Counted when it does.
fn hands_on(writer: &GroupCommit, group: &Group) -> bool {
    let young = group.opened.is_some_and(|at| at.elapsed() < writer.max_age);
    let hands_on = writer.waiting.load(Ordering::SeqCst) > 0
        && young
        && !group.alone
        && group.done.len() < writer.max_members;
    if hands_on {
        writer.stats.handed_on.fetch_add(1, Ordering::Relaxed);
    }
    hands_on
}

/// Commits the open group, if any, and answers its members.
async fn commit_now(stats: &GroupStats, group: &mut Group) -> Result<()> {
    group.alone = false;
    group.open_member = None;
    group.kept = None;
    let Some(transaction) = group.transaction.take() else {
        return Ok(());
    };
    group.opened = None;
    let members = std::mem::take(&mut group.done);
    match transaction.commit().await {
        Ok(()) => {
            stats.commits.fetch_add(1, Ordering::Relaxed);
            stats.writes.fetch_add(members.len(), Ordering::Relaxed);
            for ack in members {
                let _ = ack.send(Ok(()));
            }
            Ok(())
        }
        Err(e) => {
            group.done = members;
            fail(group, &e.to_string());
            Err(e.into())
        }
    }
}

/// One place in the writer's queue. Served, it leaves the count; dropped
/// before (its request was cancelled while queued), it must not leave a
/// group waiting for it, so it settles the group itself.
struct Queued {
    writer: Option<GroupCommit>,
}

impl Queued {
    fn new(writer: GroupCommit) -> Self {
        writer.waiting.fetch_add(1, Ordering::SeqCst);
        Self {
            writer: Some(writer),
        }
    }

    fn served(mut self) {
        if let Some(writer) = self.writer.take() {
            writer.waiting.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        let Some(writer) = self.writer.take() else {
            return;
        };
        writer.waiting.fetch_sub(1, Ordering::SeqCst);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let guard = writer.group.clone().lock_owned().await;
                settle(writer, guard).await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteSynchronous};
    use std::str::FromStr;

    /// A writer on a fresh file whose groups never close by age, so what a
    /// test sees does not depend on how loaded the machine is.
    async fn writer() -> (GroupCommit, SqlitePool) {
        let url = crate::testing::fresh_sqlite_url();
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .unwrap();
        let reader = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let writer = GroupCommit::with_limits(pool, MAX_MEMBERS, Duration::from_secs(3600));
        (writer, reader)
    }

    async fn insert(member: &mut Member, x: i64) {
        sqlx::query("INSERT INTO t (x) VALUES ($1)")
            .bind(x)
            .execute(&mut **member)
            .await
            .unwrap();
    }

    async fn rows(reader: &SqlitePool) -> Vec<i64> {
        sqlx::query_scalar("SELECT x FROM t ORDER BY x")
            .fetch_all(reader)
            .await
            .unwrap()
    }

    /// A request that writes `x` and keeps it, on a task of its own.
    fn spawn_write(writer: &GroupCommit, x: i64) -> tokio::task::JoinHandle<Result<()>> {
        let writer = writer.clone();
        tokio::spawn(async move {
            let mut member = writer.begin().await.unwrap();
            insert(&mut member, x).await;
            member.commit().await
        })
    }

    async fn until(what: impl Fn() -> bool) {
        while !what() {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn queued_writes_share_one_commit_and_a_failed_one_rolls_back_alone() {
        let (writer, reader) = writer().await;
        let mut first = writer.begin().await.unwrap();
        insert(&mut first, 1).await;

        let failing = tokio::spawn({
            let writer = writer.clone();
            async move {
                let mut member = writer.begin().await.unwrap();
                insert(&mut member, 2).await;
                // Dropped without commit: the request failed after writing.
            }
        });
        let kept = spawn_write(&writer, 3);
        until(|| writer.waiting.load(Ordering::SeqCst) == 2).await;

        first.commit().await.unwrap();
        failing.await.unwrap();
        kept.await.unwrap().unwrap();

        assert_eq!(rows(&reader).await, vec![1, 3]);
        assert_eq!(
            writer.stats(),
            (1, 2),
            "one commit carried both kept writes"
        );
    }

    /// A deferred write that sends `x` with its opening and keeps it or not.
    fn spawn_deferred(
        writer: &GroupCommit,
        x: i64,
        keep: bool,
    ) -> tokio::task::JoinHandle<Result<()>> {
        let writer = writer.clone();
        tokio::spawn(async move {
            let mut member = writer.begin_deferred().await.unwrap();
            let opening = member.opening();
            sqlx::query(&format!("{opening}INSERT INTO t (x) VALUES ($1)"))
                .bind(x)
                .execute(&mut *member)
                .await
                .unwrap();
            match keep {
                true => member.commit().await,
                false => Ok(()),
            }
        })
    }

    #[tokio::test]
    async fn a_deferred_write_opens_its_savepoint_with_its_first_statement() {
        let (writer, reader) = writer().await;
        let mut first = writer.begin().await.unwrap();
        insert(&mut first, 1).await;
        let failing = spawn_deferred(&writer, 2, false);
        // A request that hung up before its first statement.
        let vanished = tokio::spawn({
            let writer = writer.clone();
            async move {
                let member = writer.begin_deferred().await.unwrap();
                drop(member);
            }
        });
        let kept = spawn_deferred(&writer, 3, true);
        until(|| writer.waiting.load(Ordering::SeqCst) == 3).await;

        first.commit().await.unwrap();
        failing.await.unwrap().unwrap();
        vanished.await.unwrap();
        kept.await.unwrap().unwrap();

        assert_eq!(rows(&reader).await, vec![1, 3]);
        // The one that never opened its savepoint had the group committed
        // at once; how many commits that made depends on the queue's order.
        assert_eq!(writer.stats().1, 2, "both kept writes acknowledged");
    }

    #[tokio::test]
    async fn a_write_is_answered_only_once_its_group_is_committed() {
        let (writer, reader) = writer().await;
        let mut first = writer.begin().await.unwrap();
        insert(&mut first, 1).await;
        let (go, went) = oneshot::channel::<()>();
        let second = tokio::spawn({
            let writer = writer.clone();
            async move {
                let mut member = writer.begin().await.unwrap();
                insert(&mut member, 2).await;
                went.await.unwrap();
                member.commit().await
            }
        });
        until(|| writer.waiting.load(Ordering::SeqCst) == 1).await;
        let first = tokio::spawn(first.commit());
        until(|| writer.stats.handed_on.load(Ordering::Relaxed) == 1).await;

        assert!(!first.is_finished(), "answered before its commit");
        assert_eq!(rows(&reader).await, Vec::<i64>::new(), "committed early");
        go.send(()).unwrap();
        second.await.unwrap().unwrap();
        first.await.unwrap().unwrap();
        assert_eq!(rows(&reader).await, vec![1, 2]);
        assert_eq!(writer.stats(), (1, 2));
    }

    #[tokio::test]
    async fn a_write_cancelled_in_the_queue_does_not_strand_the_group() {
        let (writer, reader) = writer().await;
        let mut first = writer.begin().await.unwrap();
        insert(&mut first, 1).await;
        let queued = spawn_write(&writer, 2);
        until(|| writer.waiting.load(Ordering::SeqCst) == 1).await;
        let first = tokio::spawn(first.commit());
        until(|| writer.stats.handed_on.load(Ordering::Relaxed) == 1).await;
        // The client hung up before its write reached the writer.
        queued.abort();

        first.await.unwrap().unwrap();
        let after = rows(&reader).await;
        assert!(
            after.starts_with(&[1]),
            "the acknowledged write is kept: {after:?}"
        );
    }

    #[tokio::test]
    async fn a_long_write_commits_the_group_before_it_and_then_alone() {
        let (writer, reader) = writer().await;
        let mut first = writer.begin().await.unwrap();
        insert(&mut first, 1).await;
        let (go, went) = oneshot::channel::<()>();
        let long = tokio::spawn({
            let writer = writer.clone();
            async move {
                let mut member = writer.begin_alone().await.unwrap();
                insert(&mut member, 2).await;
                went.await.unwrap();
                member.commit().await
            }
        });
        until(|| writer.waiting.load(Ordering::SeqCst) == 1).await;
        // The first write hands its commit on to the long one queued behind
        // it, which commits it before it starts its own work.
        first.commit().await.unwrap();
        assert_eq!(rows(&reader).await, vec![1], "the write before it is kept");
        // A short write queued behind the long one does not join it.
        let short = spawn_write(&writer, 3);
        until(|| writer.waiting.load(Ordering::SeqCst) == 1).await;
        go.send(()).unwrap();
        long.await.unwrap().unwrap();
        short.await.unwrap().unwrap();
        assert_eq!(rows(&reader).await, vec![1, 2, 3]);
        assert_eq!(writer.stats(), (3, 3), "three commits of one write each");
    }
}
