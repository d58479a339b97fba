//! The users table, kept in an embedded SQLite database from Clerk's `user.*` events.
//!
//! Each delivery is applied once: its message id (the same on every retry) is recorded in the
//! same transaction as its change, so a retried or replayed delivery changes nothing. Events
//! may also arrive out of order (a retry of an older update after a newer one, an update after
//! the deletion): an update older than the row is ignored, and a deleted user stays deleted.

use std::path::Path;
use std::sync::{Arc, Mutex};

use clerk_axum::clerk_core::api::models::User;
use clerk_axum::clerk_core::{ClerkEvent, WebhookEvent};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

/// The database, shared by the request handlers (SQLite writes one at a time anyway).
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

/// What applying a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The users table changed (or would have, but for a newer row or a deletion).
    Applied,
    /// A delivery of an event type this app does not keep (still answered `2xx`).
    Ignored,
    /// A delivery whose message id was applied before: nothing changed.
    Duplicate,
}

/// A database failure (answered `500`, so Clerk retries the delivery later).
#[derive(Debug)]
pub struct StoreError(rusqlite::Error);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "database error: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self(e)
    }
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        email TEXT,
        first_name TEXT,
        last_name TEXT,
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS deleted_users (id TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS deliveries (
        message_id TEXT PRIMARY KEY,
        event_type TEXT NOT NULL
    );
";

impl Store {
    /// Opens (or creates) the database at `path`, with its tables.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or is not a SQLite database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Applies a verified delivery, once per message id.
    ///
    /// # Errors
    ///
    /// A database failure; nothing is recorded then, so the retry applies it.
    pub fn apply(&self, message_id: &str, event: &WebhookEvent) -> Result<Applied, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction()?;
        let first = tx.execute(
            "INSERT OR IGNORE INTO deliveries (message_id, event_type) VALUES (?1, ?2)",
            params![message_id, event.event_type.as_str()],
        )? == 1;
        if !first {
            return Ok(Applied::Duplicate);
        }
        let applied = match event.typed() {
            Ok(ClerkEvent::UserCreated(user) | ClerkEvent::UserUpdated(user)) => {
                upsert(&tx, &user)?;
                Applied::Applied
            }
            Ok(ClerkEvent::UserDeleted(deleted)) => {
                if let Some(id) = deleted.id.as_deref() {
                    tx.execute("DELETE FROM users WHERE id = ?1", params![id])?;
                    tx.execute(
                        "INSERT OR IGNORE INTO deleted_users (id) VALUES (?1)",
                        params![id],
                    )?;
                }
                Applied::Applied
            }
            // Other events, and `user.*` data this app cannot read: acknowledged, not kept.
            Ok(_) | Err(_) => Applied::Ignored,
        };
        tx.commit()?;
        Ok(applied)
    }

    /// The users table as JSON, ordered by id: `{"id", "email", "first_name", "last_name",
    /// "updated_at"}` each.
    ///
    /// # Errors
    ///
    /// A database failure.
    pub fn users(&self) -> Result<Vec<Value>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let mut statement = conn.prepare(
            "SELECT id, email, first_name, last_name, updated_at FROM users ORDER BY id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(json!({
                "id": row.get::<_, String>(0)?,
                "email": row.get::<_, Option<String>>(1)?,
                "first_name": row.get::<_, Option<String>>(2)?,
                "last_name": row.get::<_, Option<String>>(3)?,
                "updated_at": row.get::<_, i64>(4)?,
            }))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Inserts or updates `user`'s row, unless the user was deleted or the row is newer.
fn upsert(tx: &rusqlite::Transaction<'_>, user: &User) -> Result<(), StoreError> {
    let deleted = tx
        .query_row(
            "SELECT 1 FROM deleted_users WHERE id = ?1",
            params![user.id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if deleted {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO users (id, email, first_name, last_name, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET
             email = excluded.email,
             first_name = excluded.first_name,
             last_name = excluded.last_name,
             updated_at = excluded.updated_at
         WHERE excluded.updated_at >= users.updated_at",
        params![
            user.id,
            primary_email(user),
            user.first_name,
            user.last_name,
            user.updated_at
        ],
    )?;
    Ok(())
}

/// The user's primary email address, if it has one.
fn primary_email(user: &User) -> Option<&str> {
    let primary = user.primary_email_address_id.as_deref()?;
    user.email_addresses
        .iter()
        .find(|e| e.id.as_deref() == Some(primary))
        .map(|e| e.email_address.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event_type: &str, data: Value) -> WebhookEvent {
        serde_json::from_value(json!({"type": event_type, "object": "event", "data": data}))
            .expect("an event")
    }

    fn user(id: &str, first_name: &str, updated_at: i64) -> Value {
        json!({
            "id": id, "object": "user", "first_name": first_name, "last_name": "L",
            "primary_email_address_id": "idn_1",
            "email_addresses": [
                {"id": "idn_0", "object": "email_address", "email_address": "old@example.com"},
                {"id": "idn_1", "object": "email_address", "email_address": "new@example.com"}
            ],
            "created_at": 1, "updated_at": updated_at
        })
    }

    fn names(store: &Store) -> Vec<(String, String)> {
        store
            .users()
            .expect("users")
            .iter()
            .map(|u| (u["id"].to_string(), u["first_name"].to_string()))
            .collect()
    }

    #[test]
    fn once_per_message_in_order_and_out_of_order() {
        let dir = std::env::temp_dir().join(format!("example-webhooks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let path = dir.join("store-test.sqlite3");
        let _ = std::fs::remove_file(&path);
        let store = Store::open(&path).expect("open");

        let created = event("user.created", user("user_b", "Bea", 10));
        assert_eq!(store.apply("msg_1", &created).ok(), Some(Applied::Applied));
        assert_eq!(
            store.apply("msg_1", &created).ok(),
            Some(Applied::Duplicate)
        );
        let rows = store.users().expect("users");
        assert_eq!(rows[0]["email"], "new@example.com");

        // An older update arriving late changes nothing; a newer one does.
        let stale = event("user.updated", user("user_b", "Stale", 5));
        assert_eq!(store.apply("msg_2", &stale).ok(), Some(Applied::Applied));
        assert_eq!(names(&store), [("\"user_b\"".into(), "\"Bea\"".into())]);
        let newer = event("user.updated", user("user_b", "Beatrix", 20));
        store.apply("msg_3", &newer).expect("apply");
        store
            .apply("msg_4", &event("user.created", user("user_a", "Al", 1)))
            .expect("apply");
        assert_eq!(
            names(&store),
            [
                ("\"user_a\"".into(), "\"Al\"".into()),
                ("\"user_b\"".into(), "\"Beatrix\"".into())
            ]
        );

        // Deleted stays deleted, even when an update arrives afterwards.
        let deleted = event(
            "user.deleted",
            json!({"object": "user", "id": "user_b", "deleted": true}),
        );
        store.apply("msg_5", &deleted).expect("apply");
        store
            .apply("msg_6", &event("user.updated", user("user_b", "Ghost", 30)))
            .expect("apply");
        assert_eq!(names(&store), [("\"user_a\"".into(), "\"Al\"".into())]);

        // Other types are acknowledged and kept out; the table survives a reopen.
        let other = event("session.created", json!({"id": "sess_1"}));
        assert_eq!(store.apply("msg_7", &other).ok(), Some(Applied::Ignored));
        drop(store);
        let reopened = Store::open(&path).expect("reopen");
        assert_eq!(reopened.users().expect("users").len(), 1);
        assert_eq!(
            reopened.apply("msg_4", &other).ok(),
            Some(Applied::Duplicate)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
