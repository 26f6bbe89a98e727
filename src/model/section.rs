//! A section: one of the nine content types, told apart by `type`, and its id.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::content::{
    Commons, Company, Contributor, Entrance, Features, Roles, Teaser, Users, Vision,
};
use super::parse::{Errors, Parse, Pointer};

/// The content of a section: one of the nine types, told apart by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
#[schema(discriminator(property_name = "type", mapping(
    ("teaser" = "#/components/schemas/Teaser"),
    ("features" = "#/components/schemas/Features"),
    ("roles" = "#/components/schemas/Roles"),
    ("vision" = "#/components/schemas/Vision"),
    ("users" = "#/components/schemas/Users"),
    ("company" = "#/components/schemas/Company"),
    ("commons" = "#/components/schemas/Commons"),
    ("contributor" = "#/components/schemas/Contributor"),
    ("entrance" = "#/components/schemas/Entrance"),
)))]
pub enum SectionContent {
    Teaser(Teaser),
    Features(Features),
    Roles(Roles),
    Vision(Vision),
    Users(Users),
    Company(Company),
    Commons(Commons),
    Contributor(Contributor),
    Entrance(Entrance),
}

/// Which section: its id, which is also its type. The page has exactly these nine, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SectionId {
    Teaser,
    Features,
    Roles,
    Vision,
    Users,
    Company,
    Commons,
    Contributor,
    Entrance,
}

impl SectionId {
    /// Page order.
    pub const ALL: [SectionId; 9] = [
        Self::Teaser,
        Self::Features,
        Self::Roles,
        Self::Vision,
        Self::Users,
        Self::Company,
        Self::Commons,
        Self::Contributor,
        Self::Entrance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Teaser => "teaser",
            Self::Features => "features",
            Self::Roles => "roles",
            Self::Vision => "vision",
            Self::Users => "users",
            Self::Company => "company",
            Self::Commons => "commons",
            Self::Contributor => "contributor",
            Self::Entrance => "entrance",
        }
    }

    /// 1-based place on the page.
    pub fn position(self) -> u32 {
        Self::ALL
            .iter()
            .position(|&id| id == self)
            .map_or(0, |i| i as u32 + 1)
    }

    /// The name of this section type's content schema in the OpenAPI document.
    pub fn content_schema_name(self) -> Cow<'static, str> {
        match self {
            Self::Teaser => Teaser::name(),
            Self::Features => Features::name(),
            Self::Roles => Roles::name(),
            Self::Vision => Vision::name(),
            Self::Users => Users::name(),
            Self::Company => Company::name(),
            Self::Commons => Commons::name(),
            Self::Contributor => Contributor::name(),
            Self::Entrance => Entrance::name(),
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|id| id.as_str() == name)
    }
}

impl std::fmt::Display for SectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SectionContent {
    /// Parses `value` as the content of section `id`, reporting every offending field.
    pub fn parse_as(
        id: SectionId,
        value: &Value,
        at: &Pointer,
        errors: &mut Errors,
    ) -> Option<Self> {
        Some(match id {
            SectionId::Teaser => Self::Teaser(Parse::parse(value, at, errors)?),
            SectionId::Features => Self::Features(Parse::parse(value, at, errors)?),
            SectionId::Roles => Self::Roles(Parse::parse(value, at, errors)?),
            SectionId::Vision => Self::Vision(Parse::parse(value, at, errors)?),
            SectionId::Users => Self::Users(Parse::parse(value, at, errors)?),
            SectionId::Company => Self::Company(Parse::parse(value, at, errors)?),
            SectionId::Commons => Self::Commons(Parse::parse(value, at, errors)?),
            SectionId::Contributor => Self::Contributor(Parse::parse(value, at, errors)?),
            SectionId::Entrance => Self::Entrance(Parse::parse(value, at, errors)?),
        })
    }

    pub fn id(&self) -> SectionId {
        match self {
            Self::Teaser(_) => SectionId::Teaser,
            Self::Features(_) => SectionId::Features,
            Self::Roles(_) => SectionId::Roles,
            Self::Vision(_) => SectionId::Vision,
            Self::Users(_) => SectionId::Users,
            Self::Company(_) => SectionId::Company,
            Self::Commons(_) => SectionId::Commons,
            Self::Contributor(_) => SectionId::Contributor,
            Self::Entrance(_) => SectionId::Entrance,
        }
    }

    /// The content as JSON, as stored and as a PUT body carries it (with `type`).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("section content always serialises")
    }
}
