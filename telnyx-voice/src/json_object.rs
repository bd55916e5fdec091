//! Reading small runtime types (error details, paging metadata) from a parsed JSON object, for
//! the types the runtime reads without serde's derive.

/// A JSON object whose members are taken out one by one; an absent member and `null` are both
/// `None`, and members nobody asks for are ignored.
pub(crate) struct JsonObject(serde_json::Map<String, serde_json::Value>);

impl JsonObject {
    pub(crate) fn read<'de, D: serde::Deserializer<'de>>(
        value: serde_json::Value,
    ) -> Result<Self, D::Error> {
        match value {
            serde_json::Value::Object(map) => Ok(JsonObject(map)),
            other => Err(serde::de::Error::custom(format!(
                "expected an object, found {other}"
            ))),
        }
    }

    pub(crate) fn take(&mut self, name: &str) -> Option<serde_json::Value> {
        self.0.remove(name).filter(|value| !value.is_null())
    }

    pub(crate) fn string<'de, D: serde::Deserializer<'de>>(
        &mut self,
        name: &str,
    ) -> Result<Option<String>, D::Error> {
        self.decode::<D, String>(name)
    }

    pub(crate) fn decode<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned>(
        &mut self,
        name: &str,
    ) -> Result<Option<T>, D::Error> {
        self.take(name)
            .map(|value| {
                serde_json::from_value(value)
                    .map_err(|err| serde::de::Error::custom(format!("`{name}`: {err}")))
            })
            .transpose()
    }
}
