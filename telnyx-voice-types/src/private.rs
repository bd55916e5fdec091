//! Helpers the generated code calls. Not public API.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The trait impls every generated string enum shares, on top of its `as_str` and `From<&str>`.
///
/// Serde, `FromStr`, `Display` and `as_str` agree on the wire spelling; a value outside the list
/// becomes the unknown variant carrying the string, so a new value from the API never fails a
/// response or a webhook.
#[macro_export]
#[doc(hidden)]
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
                let value = match $crate::private::read_str(deserializer)? {
                    std::borrow::Cow::Borrowed(value) => $name::from(value),
                    std::borrow::Cow::Owned(value) => $name::from(value),
                };
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
pub use crate::string_enum_traits;

thread_local! {
    /// Set while the simulator decodes a request: an unknown enum value is then an error.
    static STRICT_ENUMS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether string enums refuse values outside their list on this thread (see [`strictly`]).
pub fn strict_enums() -> bool {
    STRICT_ENUMS.with(std::cell::Cell::get)
}

/// Runs `decode` with string enums refusing unknown values, as the API refuses them; the
/// error names the value with [`UnknownValue`]. Everywhere else unknown values are kept.
pub fn strictly<T>(decode: impl FnOnce() -> T) -> T {
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
pub struct UnknownValue<'a>(pub &'a str);

impl std::fmt::Display for UnknownValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}`", UNKNOWN_VALUE_PREFIX, self.0)
    }
}

/// How [`UnknownValue`] messages start.
pub const UNKNOWN_VALUE_PREFIX: &str = "unknown enum value `";

/// Reads a string, borrowed from the input when the deserializer can lend it (`from_slice` and
/// `from_str` of JSON without escapes) and owned otherwise.
///
/// String enums read their value through this one function rather than a visitor of their own,
/// so the deserializer's string reader is compiled once for all of them, not once per enum.
pub fn read_str<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    deserializer.deserialize_str(CowStrVisitor)
}

/// The visitor of [`read_str`].
struct CowStrVisitor;

impl<'de> serde::de::Visitor<'de> for CowStrVisitor {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(value))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(value.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(value))
    }
}

/// Reads a struct's field name as its index in the struct's list of wire names, or
/// [`UNKNOWN_FIELD`] for a name the struct does not have; a name read before (marked in `seen`,
/// one flag per field) is an error, as with serde's derive.
///
/// The generated `Deserialize` impls of structs read their keys with this one seed instead of a
/// field enum of their own, so the key-reading code is compiled once per deserializer rather
/// than once per struct.
pub struct FieldIndex<'a> {
    fields: &'static [&'static str],
    seen: &'a mut [bool],
}

impl<'a> FieldIndex<'a> {
    pub fn new(fields: &'static [&'static str], seen: &'a mut [bool]) -> Self {
        FieldIndex { fields, seen }
    }
}

/// What [`FieldIndex`] reads for a field the struct does not have (it is skipped).
pub const UNKNOWN_FIELD: usize = usize::MAX;

impl<'de> serde::de::DeserializeSeed<'de> for FieldIndex<'_> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl serde::de::Visitor<'_> for FieldIndex<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<usize, E> {
        self.visit_bytes(value.as_bytes())
    }

    fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> Result<usize, E> {
        let Some(index) = self.fields.iter().position(|name| name.as_bytes() == value) else {
            return Ok(UNKNOWN_FIELD);
        };
        match self.seen.get_mut(index) {
            Some(seen) if *seen => Err(E::duplicate_field(self.fields[index])),
            Some(seen) => {
                *seen = true;
                Ok(index)
            }
            None => Ok(index),
        }
    }
}

/// Reads the value of an optional field into its slot (`null` is `None`). The generated impls
/// call this (and [`read_required`]) instead of reading in place, so the `?` and the drop of the
/// slot's old value are compiled once per field type rather than once per field.
pub fn read_value<'de, A, T>(map: &mut A, slot: &mut T) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    *slot = map.next_value()?;
    Ok(())
}

/// Reads the value of a required field into its slot.
pub fn read_required<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a field the struct does not have.
pub fn skip_field<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

/// The value of a required field, or the error naming it when the object lacked it.
pub fn required<T, E: serde::de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The string value of `tag` in a JSON object, if any.
pub fn tag_of(value: &Value, tag: &str) -> Option<String> {
    value.get(tag).and_then(Value::as_str).map(str::to_string)
}

/// Decodes one alternative of a union from the JSON it was told apart by.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

/// Writes a struct's fields into an open map, one call per field, and keeps the first error
/// for [`finish`](Self::finish).
///
/// The generated `Serialize` impls call this instead of `serialize_entry(..)?` per field: the
/// test of an optional field and the error branch are then compiled once per field type here,
/// not once per field in every impl.
pub struct FieldWriter<'a, M: serde::ser::SerializeMap> {
    map: &'a mut M,
    error: Option<M::Error>,
}

impl<'a, M: serde::ser::SerializeMap> FieldWriter<'a, M> {
    /// Starts writing into `map`.
    pub fn new(map: &'a mut M) -> Self {
        FieldWriter { map, error: None }
    }

    /// Writes the entry `name` when `value` is `Some`.
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.required(name, value);
        }
    }

    /// Writes the entry `name`.
    pub fn required<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if self.key(name) {
            if let Err(error) = self.map.serialize_value(value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes the key `name`, unless an entry failed before; whether the value is to follow.
    /// Apart from the value, so the key is written by code compiled once per map rather than
    /// once per value type.
    fn key(&mut self, name: &'static str) -> bool {
        if self.error.is_some() {
            return false;
        }
        match self.map.serialize_key(name) {
            Ok(()) => true,
            Err(error) => {
                self.error = Some(error);
                false
            }
        }
    }

    /// The first error of the entries written, if any.
    pub fn finish(self) -> Result<(), M::Error> {
        self.error.map_or(Ok(()), Err)
    }
}

/// Serializes a map whose entries `write` gives through a [`FieldWriter`]: the runtime's
/// hand-written `Serialize` impls call this rather than opening and closing the map each.
pub fn serialize_map_with<S: Serializer>(
    serializer: S,
    write: impl FnOnce(&mut FieldWriter<'_, S::SerializeMap>),
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    let mut map = serializer.serialize_map(None)?;
    let mut fields = FieldWriter::new(&mut map);
    write(&mut fields);
    fields.finish()?;
    map.end()
}

/// One alternative of an untagged union tried on a value read whole: `None` when the value does
/// not have its shape, and the next alternative is tried.
pub fn try_shape<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Serializes an alternative of a tagged union, adding the tag when the alternative lacks it.
pub fn serialize_tagged<S: Serializer, T: Serialize>(
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

/// The first look at a webhook body: the `data` envelope (kept raw) and a top-level `event_type`;
/// the second look reads the `event_type` inside `data`.
struct EventProbe<'a> {
    data: Option<&'a serde_json::value::RawValue>,
    event_type: Option<std::borrow::Cow<'a, str>>,
}

impl<'de> serde::Deserialize<'de> for EventProbe<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EventProbeVisitor)
    }
}

struct EventProbeVisitor;

impl<'de> serde::de::Visitor<'de> for EventProbeVisitor {
    type Value = EventProbe<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a webhook object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        const FIELDS: &[&str] = &["data", "event_type"];
        let mut seen = [false; 2];
        let mut probe = EventProbe {
            data: None,
            event_type: None,
        };
        while let Some(index) = map.next_key_seed(FieldIndex::new(FIELDS, &mut seen))? {
            match index {
                0 => probe.data = map.next_value()?,
                1 => probe.event_type = map.next_value_seed(OptionalStr)?,
                _ => skip_field(&mut map)?,
            }
        }
        Ok(probe)
    }
}

/// Reads a string or `null`, borrowing the string where it can (see [`read_str`]).
struct OptionalStr;

impl<'de> serde::de::DeserializeSeed<'de> for OptionalStr {
    type Value = Option<std::borrow::Cow<'de, str>>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> serde::de::Visitor<'de> for OptionalStr {
    type Value = Option<std::borrow::Cow<'de, str>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        read_str(deserializer).map(Some)
    }
}

/// An event type and the bytes of its event object.
pub type LocatedEvent<'a> = (std::borrow::Cow<'a, str>, &'a [u8]);

/// The event type of a webhook body and the bytes of its event object (the content of `data`,
/// or the whole body when the event is not enveloped); `None` when there is no event type.
/// Each event type is then decoded from its object alone, so every event model is instantiated
/// with one reader only.
pub fn locate_event(body: &[u8]) -> Result<Option<LocatedEvent<'_>>, serde_json::Error> {
    let probe: EventProbe<'_> = serde_json::from_slice(body)?;
    if let Some(data) = probe.data {
        let inner: EventProbe<'_> = serde_json::from_str(data.get())?;
        if let Some(event_type) = inner.event_type {
            return Ok(Some((event_type, data.get().as_bytes())));
        }
    }
    Ok(probe.event_type.map(|t| (t, body)))
}

/// Reads an optional nullable field so that `null` stays distinct from an absent field (which
/// `#[serde(default)]` makes `None`); plain `Option` would read both as `None`. For serde-derived
/// structs (the tests); the generated `Deserialize` impls read such fields themselves.
#[cfg(test)]
pub fn nullable_field<'de, D, T>(deserializer: D) -> Result<Option<crate::Nullable<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// Decodes an event object.
pub fn parse_event<T: DeserializeOwned>(object: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(object)
}

/// An identifier newtype over `String`: transparent on the wire, its own type in Rust.
///
/// It converts from strings (and from a reference to itself) so passing an id on is natural,
/// reads as `&str`, and compares with strings.
#[macro_export]
#[doc(hidden)]
macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(String);

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(deserializer).map($name)
            }
        }

        impl $name {
            /// Wraps an identifier.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }
            /// The identifier as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The identifier as a `String`.
            pub fn into_string(self) -> String {
                self.0
            }
        }
        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_string())
            }
        }
        impl From<&String> for $name {
            fn from(value: &String) -> Self {
                $name(value.clone())
            }
        }
        impl From<&$name> for $name {
            fn from(value: &$name) -> Self {
                value.clone()
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
        impl From<&$name> for String {
            fn from(value: &$name) -> Self {
                value.0.clone()
            }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }
        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}
pub use crate::id_newtype;

#[cfg(test)]
mod tests {
    use crate::models::{ActiveCall, CallAnsweredPayload};

    const ACTIVE_CALL: &str = r#"{"call_control_id":"v3:a","call_duration":5,"call_leg_id":"l",
        "call_session_id":"s","client_state":"c","record_type":"call","new_field":{"x":[1,null]}}"#;

    #[test]
    fn generated_struct_impls_read_objects_as_the_derive_did() {
        let call: ActiveCall = serde_json::from_str(ACTIVE_CALL).unwrap();
        assert_eq!((call.call_duration, call.record_type.as_str()), (5, "call"));

        let missing = serde_json::from_str::<ActiveCall>(r#"{"call_control_id":"v3:a"}"#);
        let err = missing.unwrap_err().to_string();
        assert!(err.contains("missing field `call_duration`"), "{err}");

        let twice =
            serde_json::from_str::<ActiveCall>(r#"{"client_state":"a","client_state":"b"}"#);
        let err = twice.unwrap_err().to_string();
        assert!(err.contains("duplicate field `client_state`"), "{err}");

        let payload: CallAnsweredPayload =
            serde_json::from_str(r#"{"to":null,"from":"+15550100","tags":["a"]}"#).unwrap();
        assert_eq!(payload.to, None);
        assert_eq!(payload.from.as_deref(), Some("+15550100"));
        assert_eq!(payload.tags, Some(vec!["a".to_owned()]));
        assert_eq!(payload.client_state, None);

        // Through a `serde_json::Value` (other deserializers) as well.
        let value: serde_json::Value = serde_json::from_str(ACTIVE_CALL).unwrap();
        assert_eq!(serde_json::from_value::<ActiveCall>(value).unwrap(), call);
        assert!(serde_json::from_str::<ActiveCall>("[]").is_err());
    }

    /// A tagged union writes its alternative's fields and then the tag, unless the alternative
    /// carries the tag itself; string enums read borrowed, escaped and owned strings alike.
    #[test]
    fn tagged_unions_add_their_tag_once_and_enums_read_any_string() {
        use crate::models::{
            TranscriptionEngineConfig as Config, TranscriptionEngineGoogleConfig as Google,
        };
        let google = Google {
            interim_results: Some(true),
            ..Google::default()
        };
        let json = serde_json::to_string(&Config::TranscriptionEngineGoogleConfig(google.clone()))
            .unwrap();
        assert_eq!(
            json,
            r#"{"interim_results":true,"transcription_engine":"Google"}"#
        );
        let tagged = Google {
            transcription_engine: Some("Google".into()),
            ..google
        };
        let json = serde_json::to_string(&Config::TranscriptionEngineGoogleConfig(tagged)).unwrap();
        assert_eq!(json.matches("transcription_engine").count(), 1, "{json}");
        let back: Config = serde_json::from_str(&json).unwrap();
        assert!(
            matches!(back, Config::TranscriptionEngineGoogleConfig(_)),
            "{back:?}"
        );

        use crate::models::RecordFormat;
        let borrowed: RecordFormat = serde_json::from_str(r#""mp3""#).unwrap();
        let escaped: RecordFormat = serde_json::from_str(r#""m\u00703""#).unwrap();
        let owned: RecordFormat = serde_json::from_value(serde_json::json!("wav")).unwrap();
        let unknown: RecordFormat = serde_json::from_str(r#""ogg""#).unwrap();
        assert_eq!((borrowed.as_str(), escaped.as_str()), ("mp3", "mp3"));
        assert_eq!((owned.as_str(), unknown.as_str()), ("wav", "ogg"));
        assert!(unknown.is_unknown() && !escaped.is_unknown());
    }

    /// A field that can send `null` reads `null` as `Some(Nullable::Null)` and absence as `None`
    /// (request bodies deserialize with `full-serde`, which the tests turn on).
    #[test]
    fn generated_struct_impls_keep_null_apart_from_absent() {
        use crate::models::CreateCallControlApplicationRequest as Body;
        use crate::Nullable;
        let body: Body = serde_json::from_str(
            r#"{"application_name":"a","webhook_event_url":"https://h/w",
                "webhook_event_failover_url":null,"webhook_timeout_secs":5}"#,
        )
        .unwrap();
        assert_eq!(body.webhook_event_failover_url, Some(Nullable::Null));
        assert_eq!(body.webhook_timeout_secs, Some(Nullable::Value(5)));
        let body: Body =
            serde_json::from_str(r#"{"application_name":"a","webhook_event_url":"https://h/w"}"#)
                .unwrap();
        assert_eq!(body.webhook_event_failover_url, None);
    }

    /// A value whose serialization always fails.
    struct Unwritable;

    impl serde::Serialize for Unwritable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot write this"))
        }
    }

    #[test]
    fn field_writer_skips_absent_fields_and_stops_at_the_first_error() {
        use serde::ser::{SerializeMap, Serializer};

        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let mut map = (&mut serializer).serialize_map(None).unwrap();
        let mut fields = super::FieldWriter::new(&mut map);
        fields.optional("absent", &None::<u8>);
        fields.optional("present", &Some("x"));
        fields.required("number", &7);
        fields.finish().unwrap();
        map.end().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"present":"x","number":7}"#
        );

        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let mut map = (&mut serializer).serialize_map(None).unwrap();
        let mut fields = super::FieldWriter::new(&mut map);
        fields.required("first", &1);
        fields.required("broken", &Unwritable);
        fields.required("after", &2);
        let error = fields.finish().unwrap_err();
        assert!(error.to_string().contains("cannot write this"), "{error}");
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"first":1,"broken":"#);
    }

    #[test]
    fn untagged_unions_take_the_first_shape_that_fits_and_keep_the_rest() {
        use crate::models::CallRequestTo;

        let one: CallRequestTo = serde_json::from_str(r#""+15550100""#).unwrap();
        assert_eq!(one, CallRequestTo::String("+15550100".to_owned()));
        let many: CallRequestTo = serde_json::from_str(r#"["+15550100","sip:a@b"]"#).unwrap();
        assert_eq!(
            many,
            CallRequestTo::StringList(vec!["+15550100".to_owned(), "sip:a@b".to_owned()])
        );
        let other: CallRequestTo = serde_json::from_str(r#"{"x":1}"#).unwrap();
        assert_eq!(other, CallRequestTo::Unknown(serde_json::json!({"x": 1})));
        for value in [one, many, other] {
            let written = serde_json::to_string(&value).unwrap();
            assert_eq!(
                serde_json::from_str::<CallRequestTo>(&written).unwrap(),
                value
            );
        }
        assert_eq!(
            serde_json::to_string(&CallRequestTo::from("+15550100")).unwrap(),
            r#""+15550100""#
        );
    }

    #[test]
    fn webhook_probe_finds_the_event_type_inside_data_or_at_the_top() {
        let enveloped = br#"{"data":{"event_type":"call.hangup","id":"1"},"meta":{}}"#;
        let (event_type, object) = super::locate_event(enveloped).unwrap().unwrap();
        assert_eq!(event_type, "call.hangup");
        assert_eq!(object, br#"{"event_type":"call.hangup","id":"1"}"#);
        let bare = br#"{"event_type":"call.answered","payload":{}}"#;
        let (event_type, object) = super::locate_event(bare).unwrap().unwrap();
        assert_eq!((event_type.as_ref(), object), ("call.answered", &bare[..]));
        assert!(super::locate_event(br#"{"event_type":null}"#)
            .unwrap()
            .is_none());
        assert!(super::locate_event(br#"{"data":{}}"#).unwrap().is_none());
        let twice = super::locate_event(br#"{"event_type":"a","event_type":"b"}"#);
        assert!(twice.unwrap_err().to_string().contains("duplicate field"));
    }
}
