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
use super::text::{Detail, Fig, ItemKey, Link, Target, Title, is_item_key};

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
        let mut keys: Vec<&str> = Vec::with_capacity(elements.len());
        let mut valid = true;
        for (i, element) in elements.iter().enumerate() {
            let at = at.child(i);
            // Judged on the raw key, so that a duplicate is reported even when something else
            // in the same item is wrong too.
            let key = element
                .get("key")
                .and_then(Value::as_str)
                .filter(|k| is_item_key(k));
            if let Some(key) = key {
                if keys.contains(&key) {
                    errors.push(
                        &at.child("key"),
                        format!("duplicates the key {key} of an earlier item"),
                    );
                    valid = false;
                }
                keys.push(key);
            }
            match T::parse(element, &at, errors) {
                Some(item) => items.push(item),
                None => valid = false,
            }
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn errors<T: Parse>(value: Value) -> Vec<(String, String)> {
        let mut errors = Errors::default();
        let parsed = T::parse(&value, &Pointer::root(), &mut errors);
        let errors: Vec<_> = errors
            .into_vec()
            .into_iter()
            .map(|e| (e.pointer, e.detail))
            .collect();
        assert_eq!(
            parsed.is_none(),
            !errors.is_empty(),
            "fails exactly when it reports"
        );
        errors
    }

    fn teaser() -> Value {
        json!({
            "fig": "figs/kv.svg", "title": "T", "detail": "D",
            "button1": {"caption": "A", "link": "https://a.example", "target": "_blank"},
            "button2": {"caption": "B", "link": "/b"},
        })
    }

    #[test]
    fn a_valid_teaser_parses_with_or_without_its_type() {
        assert!(errors::<Teaser>(teaser()).is_empty());
        let mut typed = teaser();
        typed["type"] = json!("teaser");
        assert!(errors::<Teaser>(typed).is_empty());
    }

    #[test]
    fn every_offending_field_is_reported_with_its_pointer() {
        let mut body = teaser();
        body["type"] = json!("vision");
        body["detial"] = json!("typo");
        body["button1"]["link"] = json!("javascript:alert(1)");
        body["button2"]["target"] = json!(1);
        body.as_object_mut().unwrap().remove("title");
        let found = errors::<Teaser>(body);
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/type",
                "/title",
                "/button1/link",
                "/button2/target",
                "/detial"
            ],
            "{found:?}"
        );
        assert_eq!(found[0].1, "must be \"teaser\", the section's type");
        assert_eq!(found[1].1, "is required");
        assert_eq!(found[4].1, "is not a known field");
    }

    #[test]
    fn items_are_counted_and_their_keys_unique() {
        let item = |key: &str| json!({"key": key, "title": "T", "detail": "D"});
        let none = errors::<Features>(json!({"items": []}));
        assert_eq!(
            none,
            [(
                "/items".to_owned(),
                "must hold 1 to 100 items, not 0".to_owned()
            )]
        );
        let many: Vec<Value> = (1..=101).map(|n| item(&format!("f{n}"))).collect();
        assert_eq!(errors::<Features>(json!({ "items": many }))[0].0, "/items");
        let hundred: Vec<Value> = (1..=100).map(|n| item(&format!("f{n}"))).collect();
        assert!(errors::<Features>(json!({ "items": hundred })).is_empty());

        let duplicated = json!({"items": [item("f1"), item("f2"), item("f1"), item("f2")]});
        let found = errors::<Features>(duplicated);
        assert_eq!(
            found,
            [
                (
                    "/items/2/key".to_owned(),
                    "duplicates the key f1 of an earlier item".to_owned()
                ),
                (
                    "/items/3/key".to_owned(),
                    "duplicates the key f2 of an earlier item".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn pointers_escape_slashes_and_tildes_in_unknown_keys() {
        let found = errors::<Vision>(json!({"quote": "Q", "a/b~c": 1}));
        assert_eq!(
            found,
            [("/a~1b~0c".to_owned(), "is not a known field".to_owned())]
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_reported_at_the_root() {
        assert_eq!(
            errors::<Vision>(json!([1])),
            [(String::new(), "must be an object, not an array".to_owned())]
        );
    }
}
