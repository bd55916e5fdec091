//! Helpers the generated code calls. Not public API.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The trait impls every generated string enum shares, on top of its `as_str` and `From<&str>`.
///
/// Serde, `FromStr`, `Display` and `as_str` agree on the wire spelling; a value outside the list
/// becomes the unknown variant carrying the string, so a new value from the API never fails a
/// response or a webhook.
macro_rules! string_enum_traits {
    ($name:ident, $unknown:ident) => {
        impl From<String> for $name {
            fn from(value: String) -> Self {
                match $name::from(value.as_str()) {
                    $name::$unknown(_) => $name::$unknown(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok($name::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value =
                    deserializer.deserialize_str($crate::private::StrVisitor::<$name>::new())?;
                if value.is_unknown() && $crate::private::strict_enums() {
                    return Err(<D::Error as serde::de::Error>::custom(
                        $crate::private::UnknownValue(value.as_str()),
                    ));
                }
                Ok(value)
            }
        }
    };
}
pub(crate) use string_enum_traits;

thread_local! {
    /// Set while the simulator decodes a request: an unknown enum value is then an error.
    static STRICT_ENUMS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether string enums refuse values outside their list on this thread (see [`strictly`]).
pub(crate) fn strict_enums() -> bool {
    STRICT_ENUMS.with(std::cell::Cell::get)
}

/// Runs `decode` with string enums refusing unknown values, as the API refuses them; the
/// error names the value with [`UnknownValue`]. Everywhere else unknown values are kept.
#[cfg_attr(not(feature = "simulator"), allow(dead_code))]
pub(crate) fn strictly<T>(decode: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            STRICT_ENUMS.with(|strict| strict.set(self.0));
        }
    }
    let _reset = Reset(STRICT_ENUMS.with(|strict| strict.replace(true)));
    decode()
}

/// The error message of a refused enum value: ``unknown enum value `x` ``.
pub(crate) struct UnknownValue<'a>(pub(crate) &'a str);

impl std::fmt::Display for UnknownValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}`", UNKNOWN_VALUE_PREFIX, self.0)
    }
}

/// How [`UnknownValue`] messages start.
#[cfg_attr(not(feature = "simulator"), allow(dead_code))]
pub(crate) const UNKNOWN_VALUE_PREFIX: &str = "unknown enum value `";

/// Visits a string (borrowed or owned) into any `From<&str>` type without an extra allocation.
pub(crate) struct StrVisitor<T>(std::marker::PhantomData<T>);

impl<T> StrVisitor<T> {
    pub(crate) fn new() -> Self {
        StrVisitor(std::marker::PhantomData)
    }
}

impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// The string value of `tag` in a JSON object, if any.
pub(crate) fn tag_of(value: &Value, tag: &str) -> Option<String> {
    value.get(tag).and_then(Value::as_str).map(str::to_string)
}

/// Decodes one alternative of a union from the JSON it was told apart by.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

/// Serializes an alternative of a tagged union, adding the tag when the alternative lacks it.
pub(crate) fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    tag: &str,
    value: &str,
    inner: &T,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(inner).map_err(serde::ser::Error::custom)?;
    if let Value::Object(map) = &mut json {
        map.entry(tag.to_string())
            .or_insert_with(|| Value::String(value.to_string()));
    }
    json.serialize(serializer)
}

/// The first look at a webhook body: where its `event_type` is.
#[derive(serde::Deserialize)]
pub(crate) struct EventProbe<'a> {
    #[serde(borrow, default)]
    data: Option<EventTypeProbe<'a>>,
    #[serde(borrow, default)]
    event_type: Option<std::borrow::Cow<'a, str>>,
}

#[derive(serde::Deserialize)]
struct EventTypeProbe<'a> {
    #[serde(borrow, default)]
    event_type: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> EventProbe<'a> {
    /// Reads only the type fields of a webhook body, skipping the rest.
    pub(crate) fn read(body: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The event type and whether it sits inside a `data` envelope.
    pub(crate) fn event_type(&self) -> Option<(&str, bool)> {
        if let Some(event_type) = self.data.as_ref().and_then(|d| d.event_type.as_deref()) {
            return Some((event_type, true));
        }
        self.event_type.as_deref().map(|t| (t, false))
    }
}

/// Decodes a webhook body as the event object `T`, inside a `data` envelope or not.
pub(crate) fn parse_event<T: DeserializeOwned>(
    body: &[u8],
    enveloped: bool,
) -> Result<T, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Envelope<T> {
        data: T,
    }
    if enveloped {
        serde_json::from_slice::<Envelope<T>>(body).map(|e| e.data)
    } else {
        serde_json::from_slice(body)
    }
}
