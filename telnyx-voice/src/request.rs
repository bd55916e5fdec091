//! Describing a request before it is sent: per-call options, path and query
//! encoding, and the JSON body.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::retry::RetryPolicy;

/// Characters left as they are in path segments and query components: the
/// RFC 3986 "unreserved" set. Everything else, including `/ ? # % [ ]` and
/// spaces, is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Settings that apply to a single API call and override the client's
/// defaults.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_policy: Option<RetryPolicy>,
    headers: HeaderMap,
}

impl RequestOptions {
    /// Options that change nothing: the client's defaults apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limits each attempt of this call to `timeout` instead of the client's
    /// timeout.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Allows at most `max_retries` extra attempts for this call instead of
    /// the client's setting (`0` disables retrying).
    pub fn set_max_retries(&mut self, max_retries: u32) {
        self.max_retries = Some(max_retries);
    }

    /// Uses `policy` for this call instead of the client's retry policy. A
    /// `max_retries` set on these options still applies on top of it.
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.retry_policy = Some(policy);
    }

    /// Adds a header to this call, replacing any earlier value of the same
    /// name given here. Headers the client sets itself (such as
    /// `Authorization`) are overridden by these.
    pub fn insert_header(&mut self, name: HeaderName, value: HeaderValue) {
        self.headers.insert(name, value);
    }

    /// Chaining form of [`RequestOptions::set_timeout`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.set_timeout(timeout);
        self
    }

    /// Chaining form of [`RequestOptions::set_max_retries`].
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.set_max_retries(max_retries);
        self
    }

    /// Chaining form of [`RequestOptions::set_retry_policy`].
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.set_retry_policy(policy);
        self
    }

    /// Chaining form of [`RequestOptions::insert_header`].
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.insert_header(name, value);
        self
    }

    /// The per-attempt timeout override, if one was set.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retry-count override, if one was set.
    pub fn max_retries(&self) -> Option<u32> {
        self.max_retries
    }

    /// The retry policy override, if one was set.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry_policy.as_ref()
    }

    /// The extra headers sent with this call.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

/// How a query parameter value is spread over `name=value` pairs, following
/// the OpenAPI `style` keyword (always with `explode: true`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)] // constructed by generated endpoint code
pub(crate) enum QueryStyle {
    /// Scalars as `name=v`; arrays repeat the name per item; the fields of
    /// an object become their own `field=v` pairs.
    Form,
    /// Objects become `name[field]=v`, nested to any depth
    /// (`name[a][b]=v`); arrays repeat the bracketed key per item.
    DeepObject,
}

/// An API call ready to be sent (and re-sent on retry) by the client: method, encoded path and
/// query, and JSON body. Made by [`Operation`](crate::Operation)s; its contents are the runtime's.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Bytes>,
}

#[allow(dead_code)] // most of these are called only by generated endpoint code
impl ApiRequest {
    /// Starts a request. `path` begins with `/` (one is added if missing)
    /// and its variable segments were already encoded with [`path_param`].
    pub(crate) fn new(method: Method, mut path: String) -> Self {
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        ApiRequest {
            method,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    /// Adds the pairs for query parameter `name`. Missing values (`None`,
    /// JSON null) add nothing.
    pub(crate) fn query<V: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &V,
        style: QueryStyle,
    ) -> Result<()> {
        let value = serde_json::to_value(value)
            .map_err(|err| Error::invalid_argument(name, err.to_string()))?;
        let mut pairs = Vec::new();
        match style {
            QueryStyle::Form => flatten_form(name, &value, &mut pairs)?,
            QueryStyle::DeepObject => flatten_deep(name, name, &value, &mut pairs)?,
        }
        self.query.extend(pairs);
        Ok(())
    }

    /// Serializes `body` as the JSON request body. It is serialized exactly
    /// once; every retry sends the same bytes.
    pub(crate) fn json<B: Serialize + ?Sized>(&mut self, body: &B) -> Result<()> {
        self.set_json(serde_json::to_vec(body))
    }

    /// The part of [`json`](Self::json) that does not depend on the body's type, compiled once
    /// rather than once per request body.
    fn set_json(&mut self, encoded: serde_json::Result<Vec<u8>>) -> Result<()> {
        let bytes = encoded.map_err(|err| Error::invalid_argument("body", err.to_string()))?;
        self.body = Some(Bytes::from(bytes));
        Ok(())
    }

    /// Sets one plain `name=value` pair, replacing every earlier pair with
    /// that name (at the position of the first one) or appending it.
    pub(crate) fn set_query_param(&mut self, name: &str, value: String) {
        match self.query.iter().position(|(key, _)| key == name) {
            Some(first) => {
                self.query[first].1 = value;
                let mut index = 0;
                self.query.retain(|(key, _)| {
                    let keep = index <= first || key != name;
                    index += 1;
                    keep
                });
            }
            None => self.query.push((name.to_owned(), value)),
        }
    }

    /// The value of the first pair named `name`.
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub(crate) fn method(&self) -> &Method {
        &self.method
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    pub(crate) fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    pub(crate) fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// The percent-encoded query string without the leading `?` (empty when
    /// there are no pairs).
    pub(crate) fn encoded_query(&self) -> String {
        let mut out = String::new();
        for (index, (key, value)) in self.query.iter().enumerate() {
            if index > 0 {
                out.push('&');
            }
            out.extend(utf8_percent_encode(key, COMPONENT));
            out.push('=');
            out.extend(utf8_percent_encode(value, COMPONENT));
        }
        out
    }

    /// Path plus encoded query, e.g. `/calls?page%5Bnumber%5D=2`.
    pub(crate) fn path_and_query(&self) -> String {
        let query = self.encoded_query();
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, query)
        }
    }
}

/// Encodes `value` as exactly one path segment. Empty values and the dot
/// segments `.` and `..` are rejected because no encoding of them is
/// guaranteed to reach the intended resource.
#[allow(dead_code)] // called by generated endpoint code
pub(crate) fn path_param(name: &'static str, value: &str) -> Result<String> {
    match value {
        "" => Err(Error::invalid_argument(name, "must not be empty")),
        "." | ".." => Err(Error::invalid_argument(
            name,
            "must not be `.` or `..` (it would change the request path)",
        )),
        _ => Ok(utf8_percent_encode(value, COMPONENT).to_string()),
    }
}

/// Text of a JSON scalar as a query value; `None` for null and containers.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

fn flatten_form(name: &str, value: &Value, out: &mut Vec<(String, String)>) -> Result<()> {
    match value {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for item in items {
                form_leaf(name, name, item, out)?;
            }
            Ok(())
        }
        Value::Object(fields) => {
            for (field, item) in fields {
                match item {
                    Value::Array(items) => {
                        for entry in items {
                            form_leaf(name, field, entry, out)?;
                        }
                    }
                    _ => form_leaf(name, field, item, out)?,
                }
            }
            Ok(())
        }
        _ => form_leaf(name, name, value, out),
    }
}

fn form_leaf(param: &str, key: &str, value: &Value, out: &mut Vec<(String, String)>) -> Result<()> {
    match value {
        Value::Null => Ok(()),
        Value::Array(_) | Value::Object(_) => Err(Error::invalid_argument(
            param,
            "nested arrays or objects cannot be sent in form style",
        )),
        _ => {
            out.extend(scalar(value).map(|text| (key.to_owned(), text)));
            Ok(())
        }
    }
}

fn flatten_deep(
    param: &str,
    key: &str,
    value: &Value,
    out: &mut Vec<(String, String)>,
) -> Result<()> {
    match value {
        Value::Null => Ok(()),
        Value::Object(fields) => {
            for (field, item) in fields {
                flatten_deep(param, &format!("{key}[{field}]"), item, out)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Null => {}
                    Value::Array(_) | Value::Object(_) => {
                        return Err(Error::invalid_argument(
                            param,
                            "arrays of arrays or objects cannot be sent in deepObject style",
                        ))
                    }
                    _ => out.extend(scalar(item).map(|text| (key.to_owned(), text))),
                }
            }
            Ok(())
        }
        _ => {
            out.extend(scalar(value).map(|text| (key.to_owned(), text)));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;

    fn pairs(req: &ApiRequest) -> Vec<(&str, &str)> {
        req.query_pairs()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[derive(Serialize)]
    struct Range {
        gte: Option<String>,
        lt: Option<String>,
    }

    #[derive(Serialize)]
    struct Filter {
        occurred_at: Range,
        status: Vec<&'static str>,
        name: Option<String>,
        active: bool,
    }

    #[test]
    fn deep_object_nests_to_any_depth() {
        let mut req = ApiRequest::new(Method::GET, "/events".into());
        let filter = Filter {
            occurred_at: Range {
                gte: Some("2024-01-01T00:00:00Z".into()),
                lt: None,
            },
            status: vec!["active", "done"],
            name: None,
            active: true,
        };
        req.query("filter", &filter, QueryStyle::DeepObject)
            .expect("query");
        req.query("page[size]", &Some(20), QueryStyle::Form)
            .expect("query");
        assert_eq!(
            pairs(&req),
            vec![
                ("filter[occurred_at][gte]", "2024-01-01T00:00:00Z"),
                ("filter[status]", "active"),
                ("filter[status]", "done"),
                ("filter[active]", "true"),
                ("page[size]", "20"),
            ]
        );
        assert_eq!(
            req.path_and_query(),
            "/events?filter%5Boccurred_at%5D%5Bgte%5D=2024-01-01T00%3A00%3A00Z\
             &filter%5Bstatus%5D=active&filter%5Bstatus%5D=done\
             &filter%5Bactive%5D=true&page%5Bsize%5D=20"
        );
    }

    #[test]
    fn form_style_scalars_arrays_and_nulls() {
        let mut req = ApiRequest::new(Method::GET, "/x".into());
        req.query("a", "hello world&more", QueryStyle::Form)
            .expect("q");
        req.query("n", &1.5, QueryStyle::Form).expect("q");
        req.query("missing", &Option::<u32>::None, QueryStyle::Form)
            .expect("q");
        req.query("tags", &["x", "y"], QueryStyle::Form).expect("q");
        req.query("flag", &false, QueryStyle::Form).expect("q");
        assert_eq!(
            pairs(&req),
            vec![
                ("a", "hello world&more"),
                ("n", "1.5"),
                ("tags", "x"),
                ("tags", "y"),
                ("flag", "false"),
            ]
        );
        assert_eq!(
            req.encoded_query(),
            "a=hello%20world%26more&n=1.5&tags=x&tags=y&flag=false"
        );
    }

    #[test]
    fn form_style_object_explodes_fields_and_rejects_nesting() {
        let mut req = ApiRequest::new(Method::GET, "/x".into());
        req.query(
            "obj",
            &serde_json::json!({"r": 1, "g": [2, 3]}),
            QueryStyle::Form,
        )
        .expect("q");
        assert_eq!(pairs(&req), vec![("r", "1"), ("g", "2"), ("g", "3")]);
        let err = req
            .query("bad", &serde_json::json!({"a": {"b": 1}}), QueryStyle::Form)
            .expect_err("nested");
        assert!(matches!(err, Error::InvalidArgument { ref name, .. } if name == "bad"));
        assert_eq!(pairs(&req).len(), 3, "failed call adds nothing");
    }

    #[test]
    fn deep_object_rejects_objects_inside_arrays() {
        let mut req = ApiRequest::new(Method::GET, "/x".into());
        let err = req
            .query(
                "filter",
                &serde_json::json!({"a": [{"b": 1}]}),
                QueryStyle::DeepObject,
            )
            .expect_err("nested");
        assert!(matches!(err, Error::InvalidArgument { .. }));
    }

    #[test]
    fn set_query_param_replaces_or_appends() {
        let mut req = ApiRequest::new(Method::GET, "/x".into());
        req.query("page[number]", &1, QueryStyle::Form).expect("q");
        req.query("other", &"v", QueryStyle::Form).expect("q");
        req.set_query_param("page[number]", "2".into());
        req.set_query_param("page[after]", "abc".into());
        assert_eq!(
            pairs(&req),
            vec![
                ("page[number]", "2"),
                ("other", "v"),
                ("page[after]", "abc")
            ]
        );
        req.query("dup", &["1", "2"], QueryStyle::Form).expect("q");
        req.set_query_param("dup", "3".into());
        assert_eq!(req.query_param("dup"), Some("3"));
        assert_eq!(pairs(&req).len(), 4);
    }

    #[test]
    fn json_body_is_serialized_once() {
        let mut req = ApiRequest::new(Method::POST, "/calls".into());
        req.json(&serde_json::json!({"to": "+15550001111"}))
            .expect("json");
        assert_eq!(
            req.body().map(|b| b.as_ref()),
            Some(&br#"{"to":"+15550001111"}"#[..])
        );
        let copy = req.clone();
        assert_eq!(copy.body(), req.body());
    }

    #[test]
    fn path_param_encodes_everything_dangerous() {
        assert_eq!(
            path_param("id", "v3:abc-DEF_1.2~").expect("ok"),
            "v3:abc-DEF_1.2~".replace(':', "%3A")
        );
        assert_eq!(path_param("id", "a/../b").expect("ok"), "a%2F..%2Fb");
        assert_eq!(
            path_param("id", "x?y#z%20 w").expect("ok"),
            "x%3Fy%23z%2520%20w"
        );
        for bad in ["", ".", ".."] {
            let err = path_param("call_control_id", bad).expect_err("rejected");
            assert!(
                matches!(err, Error::InvalidArgument { ref name, .. } if name == "call_control_id")
            );
        }
    }

    proptest! {
        #[test]
        fn path_param_is_one_reversible_segment(value in "\\PC{1,40}") {
            prop_assume!(value != "." && value != "..");
            let encoded = path_param("p", &value).expect("non-empty");
            prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().expect("utf8");
            prop_assert_eq!(decoded, value);
        }
    }
}
