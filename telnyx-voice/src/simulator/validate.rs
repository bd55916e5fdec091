//! Checks Telnyx applies to request values beyond their JSON types: base64
//! `client_state`, phone numbers and SIP URIs, voices, DTMF key sets and ranges.

use base64::Engine as _;
use serde_json::Value;

use super::failure::Failure;
use super::model::is_dtmf;

/// Reads a string field of a JSON object.
pub(crate) fn text<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// Reads an integer field of a JSON object.
pub(crate) fn int(body: &Value, field: &str) -> Option<i64> {
    body.get(field).and_then(Value::as_i64)
}

/// Reads a boolean field of a JSON object.
pub(crate) fn flag(body: &Value, field: &str) -> Option<bool> {
    body.get(field).and_then(Value::as_bool)
}

/// A required string that must not be blank.
pub(crate) fn required<'a>(body: &'a Value, field: &str) -> Result<&'a str, Failure> {
    match text(body, field) {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(Failure::missing(field)),
    }
}

/// `client_state` and the other `*client_state` fields must be base64.
pub(crate) fn client_states(body: &Value) -> Result<(), Failure> {
    let Some(object) = body.as_object() else {
        return Ok(());
    };
    for (key, value) in object {
        if !key.ends_with("client_state") {
            continue;
        }
        if let Some(state) = value.as_str() {
            if base64::engine::general_purpose::STANDARD
                .decode(state)
                .is_err()
            {
                return Err(Failure::invalid(
                    &format!("/{key}"),
                    format!("`{key}` must be base64"),
                ));
            }
        }
    }
    Ok(())
}

/// True for `+` followed by 2 to 15 digits, the first not zero.
pub(crate) fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
}

/// True for `sip:user@host` or `sips:user@host`.
pub(crate) fn is_sip_uri(uri: &str) -> bool {
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"));
    match rest.and_then(|rest| rest.split_once('@')) {
        Some((user, host)) => {
            !user.is_empty() && !host.is_empty() && !host.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A destination or caller: E.164 number or SIP URI.
pub(crate) fn destination(pointer: &str, value: &str) -> Result<(), Failure> {
    if is_e164(value) || is_sip_uri(value) {
        Ok(())
    } else {
        Err(Failure::bad_number(pointer, value))
    }
}

/// A caller id: E.164, SIP URI, or a plain SIP user/alphanumeric id as Telnyx allows for `from`.
pub(crate) fn caller(pointer: &str, value: &str) -> Result<(), Failure> {
    if value.trim().is_empty() {
        return Err(Failure::missing(pointer.trim_start_matches('/')));
    }
    if value.starts_with('+') && !is_e164(value) {
        return Err(Failure::bad_number(pointer, value));
    }
    Ok(())
}

/// `male`, `female`, or `Provider.voice` (`Polly.Joanna`, `Telnyx.KokoroTTS.af`, ...).
pub(crate) fn voice(pointer: &str, value: &str) -> Result<(), Failure> {
    let ok = match value {
        "male" | "female" => true,
        _ => match value.split_once('.') {
            Some((provider, name)) => {
                !provider.is_empty()
                    && provider.chars().all(|c| c.is_ascii_alphanumeric())
                    && provider.starts_with(|c: char| c.is_ascii_uppercase())
                    && !name.is_empty()
                    && !name.contains(char::is_whitespace)
            }
            None => false,
        },
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::bad_enum(pointer, value))
    }
}

/// A string field that must be one of `allowed` when present.
pub(crate) fn one_of(body: &Value, field: &str, allowed: &[&str]) -> Result<(), Failure> {
    match text(body, field) {
        Some(value) if !allowed.contains(&value) => {
            Err(Failure::bad_enum(&format!("/{field}"), value))
        }
        _ => Ok(()),
    }
}

/// A key set such as `valid_digits` or `terminating_digit`: DTMF keys only.
pub(crate) fn keys(body: &Value, field: &str) -> Result<(), Failure> {
    match text(body, field) {
        Some(value) if value.is_empty() || !value.chars().all(is_dtmf) => Err(Failure::invalid(
            &format!("/{field}"),
            format!("`{field}` may hold only the keys 0-9, *, #, A-D"),
        )),
        _ => Ok(()),
    }
}

/// An integer field that must lie within `min..=max` when present.
pub(crate) fn range(body: &Value, field: &str, min: i64, max: i64) -> Result<(), Failure> {
    match body.get(field) {
        Some(value) if !value.is_null() => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(Failure::out_of_range(
                &format!("/{field}"),
                format!("`{field}` must be between {min} and {max}"),
            )),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_uris() {
        assert!(is_e164("+15550001111"));
        assert!(!is_e164("15550001111"));
        assert!(!is_e164("+0123"));
        assert!(!is_e164("+1555000111122223"));
        assert!(is_sip_uri("sip:alice@example.com"));
        assert!(!is_sip_uri("sip:example.com"));
        assert!(destination("/to", "not a number").is_err());
    }

    #[test]
    fn voices() {
        for ok in [
            "male",
            "female",
            "Polly.Joanna",
            "Telnyx.KokoroTTS.af",
            "AWS.Polly.Joanna-Neural",
        ] {
            assert!(voice("/voice", ok).is_ok(), "{ok}");
        }
        for bad in ["robot", "", "polly.joanna", "Polly."] {
            assert_eq!(
                voice("/voice", bad).map_err(|f| f.code),
                Err("10032"),
                "{bad}"
            );
        }
    }

    #[test]
    fn client_state_must_be_base64() {
        assert!(client_states(&json!({"client_state": "aGk="})).is_ok());
        let failure = client_states(&json!({"client_state": "not base64!"})).unwrap_err();
        assert_eq!(failure.pointer.as_deref(), Some("/client_state"));
        assert!(client_states(&json!({"target_leg_client_state": "%%"})).is_err());
    }

    #[test]
    fn key_sets_and_ranges() {
        assert!(keys(&json!({"valid_digits": "123#"}), "valid_digits").is_ok());
        assert!(keys(&json!({"valid_digits": "12x"}), "valid_digits").is_err());
        assert!(range(&json!({"minimum_digits": 0}), "minimum_digits", 1, 128).is_err());
        assert!(range(&json!({}), "minimum_digits", 1, 128).is_ok());
    }
}
