//! The HTTP edge: the routes (one file per resource), problem+json errors, the token
//! extractors, CORS and security headers, limits, the OpenAPI document and the one middleware
//! every request passes.

pub mod auth;
pub mod edge;
pub mod error;
pub mod limits;
pub mod openapi;
pub mod problem;
pub mod responses;
pub mod routes;
pub mod schemas;
pub mod security;
pub mod state;
pub mod streams;
pub mod view;
