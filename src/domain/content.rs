//! What each of the nine section types holds: one Rust type each, valid by construction.
//!
//! Every content type carries its `type` as a one-value enum, so that the type is part of what is
//! stored, what a PUT carries and what the schema says: the OpenAPI document gets a real tagged
//! union (`oneOf` of `$ref`s with a `discriminator`), and a body whose `type` differs from the
//! section's is rejected at `/type` like any other bad field.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::parse::{Errors, Fields, Parse, Pointer, record, string};
use super::text::{Detail, Fig, ItemKey, Link, Target, Title};

/// Declares the `type` marker of one section type: serialised as its name, optional on input
/// (it is a read-only field), and when present it must name this type.
macro_rules! type_marker {
    ($name:ident = $tag:literal) => {
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
        pub enum $name {
            #[default]
            #[serde(rename = $tag)]
            Tag,
        }

        // By hand: the derive does not see a `rename` that comes from a macro argument.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$tag]))
                    .into()
            }
        }

        impl ToSchema for $name {}

        impl Parse for $name {
            fn parse(value: &Value, at: &Pointer, errors: &mut Errors) -> Option<Self> {
                let s = string(value, at, errors)?;
                if s == $tag {
                    Some(Self::Tag)
                } else {
                    errors.push(at, format!("must be \"{}\", the section's type", $tag));
                    None
                }
            }

            fn field(fields: &mut Fields<'_>, key: &str, errors: &mut Errors) -> Option<Self> {
                match fields.take(key) {
                    Some(value) => Self::parse(value, &fields.at.child(key), errors),
                    None => Some(Self::Tag),
                }
            }
        }
    };
}

type_marker!(TeaserType = "teaser");
type_marker!(FeaturesType = "features");
type_marker!(RolesType = "roles");
type_marker!(VisionType = "vision");
type_marker!(UsersType = "users");
type_marker!(CompanyType = "company");
type_marker!(CommonsType = "commons");
type_marker!(ContributorType = "contributor");
type_marker!(EntranceType = "entrance");

/// An element of an `items` array: it has a key that is unique in its section.
pub trait Item {
    fn key(&self) -> &ItemKey;
}

/// The most items a section may hold.
pub const MAX_ITEMS: usize = 100;

/// `items`: 1 to 100 elements, keys unique; a duplicate is reported at the later element's key.
impl<T: Parse + Item> Parse for Vec<T> {
    fn parse(value: &Value, at: &Pointer, errors: &mut Errors) -> Option<Self> {
        let Value::Array(elements) = value else {
            errors.push(
                at,
                format!("must be an array, not {}", super::parse::kind(value)),
            );
            return None;
        };
        if elements.is_empty() || elements.len() > MAX_ITEMS {
            errors.push(
                at,
                format!("must hold 1 to {MAX_ITEMS} items, not {}", elements.len()),
            );
            return None;
        }
        let mut items: Vec<T> = Vec::with_capacity(elements.len());
        let mut valid = true;
        for (i, element) in elements.iter().enumerate() {
            let at = at.child(i);
            let Some(item) = T::parse(element, &at, errors) else {
                valid = false;
                continue;
            };
            if items.iter().any(|earlier| earlier.key() == item.key()) {
                let key = item.key().as_str();
                errors.push(
                    &at.child("key"),
                    format!("duplicates the key {key} of an earlier item"),
                );
                valid = false;
            }
            items.push(item);
        }
        valid.then_some(items)
    }
}

record! {
    /// A call to action.
    pub struct Button {
        caption: Title,
        link: Link,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        target: Option<Target>,
    }
}

record! {
    /// The opening banner: a picture, a headline, a paragraph and two buttons.
    pub struct Teaser {
        #[schema(inline)]
        r#type: TeaserType,
        fig: Fig,
        title: Title,
        detail: Detail,
        button1: Button,
        button2: Button,
    }
}

record! {
    /// One feature card.
    pub struct Feature {
        key: ItemKey,
        title: Title,
        detail: Detail,
    }
}

record! {
    /// The feature cards (`f1`..`f6` in the page).
    pub struct Features {
        #[schema(inline)]
        r#type: FeaturesType,
        #[schema(min_items = 1, max_items = 100)]
        items: Vec<Feature>,
    }
}

record! {
    /// One role card.
    pub struct Role {
        key: ItemKey,
        name: Title,
        fig: Fig,
        detail: Detail,
        button: Button,
    }
}

record! {
    /// Who Gen3 helps: a heading and the role cards (`r1`..`r3`).
    pub struct Roles {
        #[schema(inline)]
        r#type: RolesType,
        title: Title,
        #[schema(min_items = 1, max_items = 100)]
        items: Vec<Role>,
    }
}

record! {
    /// The vision statement.
    pub struct Vision {
        #[schema(inline)]
        r#type: VisionType,
        quote: Detail,
    }
}

record! {
    /// Who is using Gen3, with a testimonial.
    pub struct Users {
        #[schema(inline)]
        r#type: UsersType,
        title: Title,
        detail: Detail,
        fig: Fig,
        button: Button,
        quote: Detail,
        by: Title,
    }
}

record! {
    /// The heading above the data commons (a bare string in the page).
    pub struct Company {
        #[schema(inline)]
        r#type: CompanyType,
        title: Title,
    }
}

record! {
    /// One data commons in the logo slider.
    pub struct DataCommons {
        key: ItemKey,
        title: Title,
        fig: Fig,
        link: Link,
    }
}

record! {
    /// The logo slider of data commons (`c2`..`c24` in the page; `c1` and `c12` are absent).
    pub struct Commons {
        #[schema(inline)]
        r#type: CommonsType,
        #[schema(min_items = 1, max_items = 100)]
        items: Vec<DataCommons>,
    }
}

record! {
    /// The maintainer's logo and link.
    pub struct Contributor {
        #[schema(inline)]
        r#type: ContributorType,
        title: Title,
        fig: Fig,
        link: Link,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        target: Option<Target>,
    }
}

record! {
    /// One entrance card.
    pub struct EntranceCard {
        key: ItemKey,
        title: Title,
        detail: Detail,
        button: Button,
    }
}

record! {
    /// The entrance cards at the foot of the page (`e1`, `e2`).
    pub struct Entrance {
        #[schema(inline)]
        r#type: EntranceType,
        #[schema(min_items = 1, max_items = 100)]
        items: Vec<EntranceCard>,
    }
}

// Each item type is keyed by its `key` field.
macro_rules! keyed_by_key_field {
    ($($name:ident),*) => {$(
        impl Item for $name {
            fn key(&self) -> &ItemKey {
                &self.key
            }
        }
    )*};
}
keyed_by_key_field!(Feature, Role, DataCommons, EntranceCard);
