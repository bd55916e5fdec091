//! A value that may be an explicit `null`, for fields a request can clear.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field value that is either `null` or a value.
///
/// Request fields that are optional and nullable are `Option<Nullable<T>>`:
/// `None` leaves the field out (the API keeps what it has), `Some(Nullable::Null)`
/// sends `null` (the API clears it), and `Some(Nullable::Value(v))` sends `v`.
/// Builders set them with the field's setter and a `clear_*` setter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// JSON `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, unless `null`.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// The value, unless `null`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Body {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "crate::private::nullable_field"
        )]
        url: Option<Nullable<String>>,
    }

    #[test]
    fn absent_null_and_value_are_three_states_both_ways() {
        let cases = [
            (Body { url: None }, json!({})),
            (
                Body {
                    url: Some(Nullable::Null),
                },
                json!({ "url": null }),
            ),
            (
                Body {
                    url: Some(Nullable::Value("https://a".into())),
                },
                json!({ "url": "https://a" }),
            ),
        ];
        for (body, wire) in cases {
            assert_eq!(serde_json::to_value(&body).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Body>(wire).unwrap(), body);
        }
    }
}
