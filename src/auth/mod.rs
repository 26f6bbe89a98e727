//! Bearer tokens for editors: what a token is, how the server checks one, and the `token`
//! subcommands that manage them.
//!
//! A token is `g3c_` and 64 hex digits (256 random bits). The prefix lets secret scanners
//! recognise a leaked one; the database keeps only its SHA-256.

pub mod admin;
mod throttle;
mod tokens;

use std::fmt;

use sha2::{Digest, Sha256};

pub use throttle::Throttle;
pub use tokens::{Principal, Tokens};

/// Why a request's token does not let it through. The HTTP layer answers each as a problem
/// (`401` with `WWW-Authenticate`, `403`, `503` when the database is busy).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No usable token; `token_sent` says whether one was presented (RFC 6750 `invalid_token`).
    #[error("{detail}")]
    Unauthorized {
        detail: &'static str,
        token_sent: bool,
    },
    #[error("this needs a token with the {} scope", .0.as_str())]
    Forbidden(Scope),
    #[error("the token could not be looked up")]
    Storage(#[from] crate::storage::StorageError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What every token starts with.
pub const PREFIX: &str = "g3c_";

/// Author names of revisions the server writes itself; no token may take them.
const RESERVED_NAMES: [&str; 3] = crate::model::authors::ALL;

/// What a token may do. `write` includes `preview`, which includes `read`; `deploy` is a build
/// job's and allows only reporting on builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scope {
    /// Read history.
    Read,
    /// Read history, and change sets' views of the site (unpublished content).
    Preview,
    /// All of that, and change content, change sets and revisions.
    Write,
    /// Report on a build of the site (for a CI job): nothing else.
    Deploy,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Preview => "preview",
            Self::Write => "write",
            Self::Deploy => "deploy",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Read, Self::Preview, Self::Write, Self::Deploy]
            .into_iter()
            .find(|s| s.as_str() == name)
    }

    pub fn allows(self, needed: Scope) -> bool {
        match self {
            Self::Write => needed != Self::Deploy,
            Self::Preview => matches!(needed, Self::Read | Self::Preview),
            Self::Read => needed == Self::Read,
            Self::Deploy => needed == Self::Deploy,
        }
    }
}

/// A token's secret. Never printed by `Debug`, so it cannot slip into a log line.
pub struct Secret(String);

impl Secret {
    /// 256 bits from the operating system's random source.
    pub fn generate() -> anyhow::Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("no random numbers from the system: {e}"))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self(format!("{PREFIX}{hex}")))
    }

    /// The text to hand to the editor, once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// What the database stores instead of the secret.
pub fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Token names appear as authors in the history: short, printable, no spaces.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let valid = (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b));
    if !valid {
        anyhow::bail!(
            "token name {name:?} must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting \
             with a letter or digit"
        );
    }
    if RESERVED_NAMES.contains(&name) {
        anyhow::bail!("token name {name:?} is reserved for revisions the server writes itself");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_never_debug_printed() {
        let a = Secret::generate().unwrap();
        let b = Secret::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().starts_with(PREFIX));
        assert_eq!(a.expose().len(), PREFIX.len() + 64);
        assert!(!format!("{a:?}").contains(&a.expose()[PREFIX.len()..]));
    }

    #[test]
    fn write_includes_read_but_not_the_other_way() {
        assert!(Scope::Write.allows(Scope::Read));
        assert!(Scope::Write.allows(Scope::Write));
        assert!(Scope::Read.allows(Scope::Read));
        assert!(!Scope::Read.allows(Scope::Write));
        assert!(!Scope::Read.allows(Scope::Preview));
        assert!(Scope::Preview.allows(Scope::Read) && Scope::Preview.allows(Scope::Preview));
        assert!(!Scope::Preview.allows(Scope::Write));
        assert!(Scope::Write.allows(Scope::Preview));
        assert!(!Scope::Write.allows(Scope::Deploy) && !Scope::Deploy.allows(Scope::Read));
    }

    #[test]
    fn names_are_checked() {
        for ok in ["ci", "alice@example.org", "deploy-bot.2"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-x", "has space", "seed", "import", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
