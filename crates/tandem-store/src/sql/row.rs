//! Reading a row of either backend in plain Rust. The row mappers (a
//! project from its row, a task's row, …) are generic over [`Columns`],
//! which the rows of both backends implement, so each is written once
//! once for both backends rather than once per backend.
//!
//! sqlx's own `Row::try_get` is generic over the database too, but every
//! mapper would have to repeat a decoding bound per column type; here the
//! bounds are carried by [`Column`], which names both backends once.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Decode, Postgres, Row, Sqlite, Type};
use tandem_domain::UserRef;

use crate::Result;

/// A value both backends decode: integers, floats, text, dates, times and
/// their `Option`s.
pub(crate) trait Column:
    Sized + for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

impl<T> Column for T where
    T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

/// A row of either backend, read by column name or position.
pub(crate) trait Columns {
    fn get<T: Column>(&self, column: &str) -> Result<T>;
    fn at<T: Column>(&self, index: usize) -> Result<T>;
    /// Text borrowed from the row, for a value parsed at once (a
    /// vocabulary word), saving a copy.
    fn text(&self, column: &str) -> Result<&str>;
    fn text_at(&self, index: usize) -> Result<&str>;
    fn text_opt(&self, column: &str) -> Result<Option<&str>>;
}

impl Columns for SqliteRow {
    fn get<T: Column>(&self, column: &str) -> Result<T> {
        Ok(self.try_get(column)?)
    }

    fn at<T: Column>(&self, index: usize) -> Result<T> {
        Ok(self.try_get(index)?)
    }

    fn text(&self, column: &str) -> Result<&str> {
        Ok(self.try_get(column)?)
    }

    fn text_at(&self, index: usize) -> Result<&str> {
        Ok(self.try_get(index)?)
    }

    fn text_opt(&self, column: &str) -> Result<Option<&str>> {
        Ok(self.try_get(column)?)
    }
}

impl Columns for PgRow {
    fn get<T: Column>(&self, column: &str) -> Result<T> {
        Ok(self.try_get(column)?)
    }

    fn at<T: Column>(&self, index: usize) -> Result<T> {
        Ok(self.try_get(index)?)
    }

    fn text(&self, column: &str) -> Result<&str> {
        Ok(self.try_get(column)?)
    }

    fn text_at(&self, index: usize) -> Result<&str> {
        Ok(self.try_get(index)?)
    }

    fn text_opt(&self, column: &str) -> Result<Option<&str>> {
        Ok(self.try_get(column)?)
    }
}

/// The person three columns name (id, email, name), if the id is set.
pub(crate) fn user_ref(
    row: &impl Columns,
    id: &str,
    email: &str,
    name: &str,
) -> Result<Option<UserRef>> {
    let id: Option<i64> = row.get(id)?;
    Ok(match id {
        Some(id) => Some(UserRef {
            id,
            email: row.get(email)?,
            name: row.get(name)?,
        }),
        None => None,
    })
}
