//! `gen3-content token create | list | revoke`: managing tokens on the database file. A running
//! server picks the change up within its reload interval.

use std::path::Path;

use clap::Subcommand;

use super::{Scope, Secret, check_name, hash};
use crate::model::Timestamp;
use crate::storage::Store;
use crate::storage::db;
use crate::storage::tokens::TokenRow;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; prints it alone on one line of stdout, once. Only its hash is stored.
    Create {
        /// A unique name: it is the author of every revision the token writes.
        #[arg(long, env = "GEN3_CONTENT_TOKEN_NAME")]
        name: String,
        /// `read` may read history; `write` may also change sections and restore revisions.
        #[arg(long, env = "GEN3_CONTENT_TOKEN_SCOPE", value_enum)]
        scope: Scope,
        /// Days until the token stops working (1 to 36500); without it, it never expires.
        #[arg(
            long,
            env = "GEN3_CONTENT_TOKEN_EXPIRES_IN",
            value_name = "DAYS",
            allow_negative_numbers = true
        )]
        expires_in: Option<i64>,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by name. Its name stays taken, so the history keeps one meaning for it.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// Runs a `token` subcommand against the database at `database`.
pub async fn run(database: &Path, command: TokenCommand) -> anyhow::Result<()> {
    // Token changes are rare: always the most durable setting.
    let store = Store::open(database, db::Synchronous::Full).await?;
    let result = match command {
        TokenCommand::Create {
            name,
            scope,
            expires_in,
        } => create(&store, &name, scope, expires_in)
            .await
            .map(|secret| println!("{}", secret.expose())),
        TokenCommand::List => list(&store).await.map(|rows| print!("{}", table(&rows))),
        TokenCommand::Revoke { name } => revoke(&store, &name).await.map(|revoked| {
            if !revoked {
                eprintln!("gen3-content: token {name:?} was already revoked");
            }
        }),
    };
    store.close().await;
    result
}

/// Stores a new token and returns its secret, which exists nowhere else.
pub async fn create(
    store: &Store,
    name: &str,
    scope: Scope,
    expires_in_days: Option<i64>,
) -> anyhow::Result<Secret> {
    check_name(name)?;
    let expires_in = expires_in_days
        .map(|days| {
            u16::try_from(days)
                .ok()
                .filter(|d| (1..=36_500).contains(d))
                .ok_or_else(|| anyhow::anyhow!("--expires-in must be 1 to 36500 days, not {days}"))
        })
        .transpose()?;
    let secret = Secret::generate()?;
    let now = Timestamp::now();
    let row = TokenRow {
        name: name.to_owned(),
        hash: hash(secret.expose()).to_vec(),
        scope: scope.as_str().to_owned(),
        created_at: now.to_rfc3339(),
        expires_at: expires_in.map(|days| now.plus_days(days).to_rfc3339()),
        revoked_at: None,
        last_used_at: None,
    };
    if !store.create_token(&row).await? {
        anyhow::bail!("a token named {name:?} already exists (names of revoked tokens stay taken)");
    }
    Ok(secret)
}

pub async fn list(store: &Store) -> anyhow::Result<Vec<TokenRow>> {
    Ok(store.tokens().await?)
}

/// Revokes `name`; `false` if it already was. An unknown name is an error.
pub async fn revoke(store: &Store, name: &str) -> anyhow::Result<bool> {
    Ok(store
        .revoke_token(name, &Timestamp::now().to_rfc3339())
        .await?)
}

/// `token list` output: aligned columns, `-` for none.
fn table(rows: &[TokenRow]) -> String {
    let now = Timestamp::now().to_rfc3339();
    let mut lines =
        vec![["NAME", "SCOPE", "STATUS", "CREATED", "EXPIRES", "LAST USED"].map(str::to_owned)];
    for row in rows {
        let status = if row.revoked_at.is_some() {
            "revoked"
        } else if row
            .expires_at
            .as_deref()
            .is_some_and(|at| at <= now.as_str())
        {
            "expired"
        } else {
            "active"
        };
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        lines.push([
            row.name.clone(),
            row.scope.clone(),
            status.to_owned(),
            row.created_at.clone(),
            or_dash(&row.expires_at),
            or_dash(&row.last_used_at),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
