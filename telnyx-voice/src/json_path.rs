//! Where in a JSON document a decoding error happened, as a path such as `data.items[2].name`.
//!
//! serde_json reports an error's position as a line and column, which tell a program little. A
//! path can be recovered from that position alone: the text before it says which containers are
//! open there and which member or element of each is being read. Walking the text once after a
//! failure costs nothing on the success path, where a path-tracking deserializer (such as the
//! `serde_path_to_error` crate) wraps every value of every response and compiles a second copy of
//! every response type's decoder into the application.

/// One open container before the error position.
enum Frame {
    /// An object: the key of the member being read, once its key has been read.
    Object { key: Option<String>, in_value: bool },
    /// An array: the index of the element being read.
    Array { index: usize, in_value: bool },
}

impl Frame {
    /// Marks that the value of the current member or element has started.
    fn start_value(&mut self) {
        match self {
            Frame::Object {
                key: Some(_),
                in_value,
            }
            | Frame::Array { in_value, .. } => {
                *in_value = true;
            }
            Frame::Object { key: None, .. } => {}
        }
    }
}

/// The path of the value `error` was raised in: members joined by `.`, array elements as
/// `[index]`, and `.` alone for the top level (or when `error` has no position).
pub(crate) fn path_of_error(body: &[u8], error: &serde_json::Error) -> String {
    let end = byte_offset(body, error.line(), error.column());
    let mut frames = open_frames(&body[..end]);
    // A value of the wrong type that opens a container is reported before its first byte.
    let next = body[end..].iter().find(|byte| !byte.is_ascii_whitespace());
    if let (Some(b'{' | b'['), Some(frame)) = (next, frames.last_mut()) {
        frame.start_value();
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object {
                key: Some(key),
                in_value: true,
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array {
                index,
                in_value: true,
            } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            _ => break,
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// The offset just after the last byte serde_json read: `column` bytes into line `line` (both as
/// serde_json counts them, the line from 1; line 0 means no position).
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let line_start = if line == 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map_or(body.len(), |(at, _)| at + 1)
    };
    (line_start + column).min(body.len())
}

/// The containers open at the end of `text`, outermost first.
fn open_frames(text: &[u8]) -> Vec<Frame> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < text.len() {
        match text[at] {
            open @ (b'{' | b'[') => {
                if let Some(parent) = frames.last_mut() {
                    parent.start_value();
                }
                frames.push(if open == b'{' {
                    Frame::Object {
                        key: None,
                        in_value: false,
                    }
                } else {
                    Frame::Array {
                        index: 0,
                        in_value: false,
                    }
                });
                at += 1;
            }
            b'}' | b']' => {
                frames.pop();
                at += 1;
            }
            b',' => {
                match frames.last_mut() {
                    Some(Frame::Object { key, in_value }) => {
                        *key = None;
                        *in_value = false;
                    }
                    Some(Frame::Array { index, in_value }) => {
                        *index += 1;
                        *in_value = false;
                    }
                    None => {}
                }
                at += 1;
            }
            b':' | b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            b'"' => {
                let end = string_end(text, at);
                match frames.last_mut() {
                    Some(Frame::Object {
                        key: key @ None,
                        in_value,
                    }) => {
                        if end < text.len() {
                            *key = Some(decode_key(&text[at..=end]));
                        } else {
                            // The error is inside a member name: some member, not known which.
                            *key = Some(String::from("?"));
                            *in_value = true;
                        }
                    }
                    Some(frame) => frame.start_value(),
                    None => {}
                }
                at = end + 1;
            }
            _ => {
                // A number, `true`, `false` or `null` (or a byte that is not JSON, which the
                // decoder stopped at): a value of the current member or element.
                if let Some(frame) = frames.last_mut() {
                    frame.start_value();
                }
                while at < text.len() && !b",:{}[]\" \t\n\r".contains(&text[at]) {
                    at += 1;
                }
            }
        }
    }
    frames
}

/// The index of the quote closing the string that opens at `start`, or `text.len()` when the
/// text ends inside it.
fn string_end(text: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < text.len() {
        match text[at] {
            b'\\' => at += 2,
            b'"' => return at,
            _ => at += 1,
        }
    }
    text.len()
}

/// A member name from its quoted JSON text, escapes resolved.
fn decode_key(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(&quoted[1..quoted.len() - 1]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Call {
        call_control_id: String,
        legs: Option<Vec<u32>>,
        inner: Option<Inner>,
        tags: Option<std::collections::BTreeMap<String, Inner>>,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        x: u32,
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Data<T> {
        data: T,
    }

    /// Bodies that fail to decode in every way a response can: wrong types at each depth,
    /// missing fields, bad syntax, escapes and new lines before the error, cut documents.
    const BROKEN: &[&str] = &[
        r#"{"data":{"call_control_id":42}}"#,
        r#"{"data":{"legs":[1,2]}}"#,
        r#"{"data":{"call_control_id":"a","legs":[1,"x",3]}}"#,
        r#"{"data":{"call_control_id":"a","inner":{}}}"#,
        r#"{"data":{"call_control_id":"a","inner":{"x":-1}}}"#,
        r#"{"data": 5}"#,
        r#"{"data":{"call_control_id":"a","legs":[1,2]} , "extra": [}"#,
        "{\"data\":\n {\"call_control_id\": \"a\",\n \"inner\": {\"x\": true}}}",
        r#"[1]"#,
        r#"{"data":{"call_control_id":"a\u00e9\"]}{", "inner":{"x":"7"}}}"#,
        r#"{"data":{"call_control_id":"ab"#,
        r#"{"data":{"call_con"#,
        r#"{"data":{"call_control_id":"a","tags":{"k.1":{"x":1},"k\"2":{"x":null}}}}"#,
        r#"{"da\u0074a":{"call_control_id":null}}"#,
        "",
        "not json at all",
        r#"{"data":{"call_control_id":"a","legs":[[]]}}"#,
        r#"{"data":{"call_control_id":"a","legs":[1,2,3e400]}}"#,
        r#"{"data":{"call_control_id":"a","legs":[1, {"a":2}]}}"#,
        r#"{"data":{"call_control_id":"a","inner":  []}}"#,
        r#"{"data":[]}"#,
        r#"{"data":{"call_control_id":{"x":1}}}"#,
        "{\r\n  \"data\": {\r\n    \"legs\": [\r\n      1,\r\n      \"2\"\r\n    ]\r\n  }\r\n}",
    ];

    #[test]
    fn paths_match_a_path_tracking_deserializer() {
        for body in BROKEN {
            let tracked = serde_path_to_error::deserialize::<_, Data<Call>>(
                &mut serde_json::Deserializer::from_str(body),
            )
            .expect_err(body);
            let error = serde_json::from_str::<Data<Call>>(body).expect_err(body);
            assert_eq!(error.to_string(), tracked.inner().to_string(), "{body}");
            assert_eq!(
                path_of_error(body.as_bytes(), &error),
                tracked.path().to_string(),
                "{body}"
            );
        }
    }

    #[test]
    fn text_after_the_document_is_at_the_top_level() {
        let body = r#"{"data":{"call_control_id":"a"}} trailing"#;
        let error = serde_json::from_str::<Data<Call>>(body).expect_err(body);
        assert_eq!(path_of_error(body.as_bytes(), &error), ".");
    }

    #[test]
    fn positions_past_the_body_or_without_a_line_stay_in_bounds() {
        assert_eq!(byte_offset(b"{}", 0, 5), 0);
        assert_eq!(byte_offset(b"{}", 1, 99), 2);
        assert_eq!(byte_offset(b"a\nb", 2, 1), 3);
        assert_eq!(byte_offset(b"a\nb", 7, 1), 3);
    }
}
