//! The authors the service records when it writes as itself rather than for a token: the
//! history, the change feed and webhook events name them, and no token may take their names, or
//! the history could not tell who wrote what.

/// The content a new database is seeded with.
pub const SEED: &str = "seed";
/// `import` and `import --site`.
pub const IMPORT: &str = "import";
/// `model apply`: the pages read again under a new model.
pub const MODEL_APPLY: &str = "model apply";

/// Every one of them.
pub const ALL: [&str; 3] = [SEED, IMPORT, MODEL_APPLY];
