//! Statements to run one after another with their arguments bound in order across them: sent to
//! sqlx's connection as one string (one round trip to its thread), or run statement by statement
//! on the direct connection (`direct.rs`).

use rusqlite::types::Value;
use sqlx::Arguments;
use sqlx::sqlite::SqliteArguments;

use super::StorageError;

/// Statements with their arguments, bound in order across statements.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) text: String,
    /// Where each statement of `text` ends.
    ends: Vec<usize>,
    pub(super) values: Vec<Value>,
}

impl Batch {
    /// Adds one statement.
    pub(super) fn sql(&mut self, statement: &str) {
        self.text.push_str(statement);
        if !statement.ends_with(';') {
            self.text.push(';');
        }
        self.ends.push(self.text.len());
    }

    pub(super) fn bind(&mut self, value: impl Bind) {
        self.values.push(value.value());
    }

    /// The statements, in order.
    pub(super) fn statements(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.text[start..end])
    }

    /// The arguments as sqlx binds them.
    pub(super) fn arguments(&self) -> Result<SqliteArguments, StorageError> {
        let mut args = SqliteArguments::default();
        for value in &self.values {
            let bound = match value {
                Value::Null => args.add(None::<i64>),
                Value::Integer(n) => args.add(*n),
                Value::Real(x) => args.add(*x),
                Value::Text(text) => args.add(text.clone()),
                Value::Blob(bytes) => args.add(bytes.clone()),
            };
            bound.map_err(|e| StorageError::Internal(format!("cannot bind a value: {e}")))?;
        }
        Ok(args)
    }
}

/// A value a batch binds.
pub(super) trait Bind {
    fn value(self) -> Value;
}

impl Bind for &str {
    fn value(self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl Bind for &String {
    fn value(self) -> Value {
        Value::Text(self.clone())
    }
}

impl Bind for i64 {
    fn value(self) -> Value {
        Value::Integer(self)
    }
}

impl Bind for bool {
    fn value(self) -> Value {
        Value::Integer(self.into())
    }
}

impl<T: Bind> Bind for Option<T> {
    fn value(self) -> Value {
        self.map_or(Value::Null, Bind::value)
    }
}

impl<'a, T> Bind for &'a Option<T>
where
    &'a T: Bind,
{
    fn value(self) -> Value {
        self.as_ref().map_or(Value::Null, Bind::value)
    }
}
