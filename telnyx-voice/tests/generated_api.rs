//! The generated endpoint methods against a local HTTP server: exact requests (method, path,
//! query, headers, body), response decoding, pagination, errors and forward compatibility.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use serde_json::{json, Value};
use telnyx_voice::models::{
    CallControlFilterConsolidated, CallControlPageConsolidated, ConferenceRegion, DtmfType,
    RejectRequestCause,
};
use telnyx_voice::{Client, Error};

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Recorded {
    method: String,
    /// Path and query exactly as sent (still percent-encoded).
    uri: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Recorded {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "request body is not JSON ({err}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The query decoded into pairs, in order.
    fn query_pairs(&self) -> Vec<(String, String)> {
        let Some((_, query)) = self.uri.split_once('?') else {
            return Vec::new();
        };
        query
            .split('&')
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), decode(value))
            })
            .collect()
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .expect("utf-8")
        .into_owned()
}

/// What the server answers: status, extra headers, JSON body (empty for none).
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

type Handler = Arc<dyn Fn(usize, &Recorded) -> Reply + Send + Sync>;

#[derive(Clone)]
struct Shared {
    log: Arc<Mutex<Vec<Recorded>>>,
    handler: Handler,
}

struct Server {
    log: Arc<Mutex<Vec<Recorded>>>,
    client: Client,
}

impl Server {
    fn requests(&self) -> Vec<Recorded> {
        self.log.lock().expect("log").clone()
    }

    fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:#?}"
        );
        requests.into_iter().next().expect("one")
    }
}

/// Starts a server on 127.0.0.1:0 answering request number `n` with `handler(n, request)`, and
/// a client (API key `test-key`, two retries) pointed at it.
async fn serve(handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let shared = Shared {
        log: Arc::default(),
        handler: Arc::new(handler),
    };
    let log = shared.log.clone();
    let app = Router::new().fallback(handle).with_state(shared);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    let client = Client::builder()
        .api_key("test-key")
        .base_url(format!("http://{addr}/v2"))
        .max_retries(2)
        .build()
        .expect("client");
    Server { log, client }
}

async fn handle(State(shared): State<Shared>, request: Request) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("request body");
    let recorded = Recorded {
        method: parts.method.to_string(),
        uri: parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_string())
            .unwrap_or_default(),
        headers: parts.headers,
        body: body.to_vec(),
    };
    let index = {
        let mut log = shared.log.lock().expect("log");
        log.push(recorded.clone());
        log.len() - 1
    };
    let reply = (shared.handler)(index, &recorded);
    let mut response = (
        StatusCode::from_u16(reply.status).expect("status"),
        reply.body.clone(),
    )
        .into_response();
    let headers = response.headers_mut();
    if !reply.body.is_empty() {
        headers.insert("content-type", HeaderValue::from_static("application/json"));
    }
    for (name, value) in reply.headers {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).expect("header value"),
        );
    }
    response
}

fn command_ok() -> Reply {
    Reply::json(200, json!({"data": {"result": "ok"}}))
}

fn call_json(call_control_id: &str) -> Value {
    json!({
        "call_control_id": call_control_id,
        "call_leg_id": "leg-1",
        "call_session_id": "session-1",
        "is_alive": true,
        "record_type": "call",
        "call_duration": 50,
        "client_state": "aGF2ZQ==",
        "start_time": "2019-01-23T18:10:02.574Z",
        "a_field_from_the_future": {"nested": [1, 2, 3]}
    })
}

/// Asserts the body is a JSON object with exactly `expected` plus a `command_id` that is a UUID
/// (when `generated`) or the given value; returns the command id.
fn assert_command_body(recorded: &Recorded, expected: Value, command_id: Option<&str>) -> String {
    let mut body = recorded.json();
    let object = body.as_object_mut().expect("JSON object body");
    let id = object
        .remove("command_id")
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("body has a string command_id");
    match command_id {
        Some(given) => assert_eq!(id, given),
        None => {
            uuid::Uuid::parse_str(&id)
                .unwrap_or_else(|err| panic!("command_id {id:?} is not a UUID: {err}"));
        }
    }
    assert_eq!(body, expected, "request body (without command_id)");
    id
}

fn assert_common_headers(recorded: &Recorded, with_body: bool) {
    assert_eq!(recorded.header("authorization"), Some("Bearer test-key"));
    assert_eq!(recorded.header("accept"), Some("application/json"));
    if with_body {
        assert_eq!(recorded.header("content-type"), Some("application/json"));
    } else {
        assert_eq!(recorded.header("content-type"), None);
        assert!(
            recorded.body.is_empty(),
            "unexpected body {:?}",
            recorded.body
        );
    }
}

#[tokio::test]
async fn dial_sends_the_required_fields_and_a_generated_command_id() {
    let server = serve(|_, _| {
        let mut call = call_json("v3:dialed");
        call["recording_id"] = json!("rec-1");
        Reply::json(200, json!({ "data": call })).header("x-request-id", "req-dial")
    })
    .await;
    let response = server
        .client
        .calls()
        .dial("conn-1", "+18005550199", "+18005550100")
        .await
        .expect("dial");
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req-dial"));
    assert_eq!(response.data.call_control_id, "v3:dialed");
    assert_eq!(response.data.recording_id.as_deref(), Some("rec-1"));
    assert_eq!(response.data.call_duration, Some(50));
    assert!(response.data.is_alive);

    let recorded = server.only_request();
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.uri, "/v2/calls");
    assert_common_headers(&recorded, true);
    assert_command_body(
        &recorded,
        json!({"connection_id": "conn-1", "from": "+18005550199", "to": "+18005550100"}),
        None,
    );
}

#[tokio::test]
async fn dial_to_several_numbers_sends_a_list() {
    let server = serve(|_, _| Reply::json(200, json!({ "data": call_json("v3:x") }))).await;
    server
        .client
        .calls()
        .dial(
            "conn-1",
            "+18005550199",
            vec!["+18005550100", "+18005550101"],
        )
        .client_state("c3RhdGU=")
        .await
        .expect("dial");
    assert_command_body(
        &server.only_request(),
        json!({
            "connection_id": "conn-1",
            "from": "+18005550199",
            "to": ["+18005550100", "+18005550101"],
            "client_state": "c3RhdGU="
        }),
        None,
    );
}

#[tokio::test]
async fn answer_posts_client_state_and_a_command_id() {
    let server = serve(|_, _| {
        Reply::json(
            200,
            json!({"data": {"result": "ok", "recording_id": "rec-9"}}),
        )
        .header("x-request-id", "req-answer")
    })
    .await;
    let response = server
        .client
        .calls()
        .actions()
        .answer("v3:abc")
        .client_state("aGF2ZQ==")
        .await
        .expect("answer");
    assert_eq!(response.data.result.as_deref(), Some("ok"));
    assert_eq!(response.data.recording_id.as_deref(), Some("rec-9"));
    assert_eq!(response.request_id(), Some("req-answer"));

    let recorded = server.only_request();
    assert_eq!(recorded.method, "POST");
    // `:` is outside the unreserved set, so the path segment carries it as `%3A`.
    assert_eq!(recorded.uri, "/v2/calls/v3%3Aabc/actions/answer");
    assert_eq!(decode(&recorded.uri), "/v2/calls/v3:abc/actions/answer");
    assert_common_headers(&recorded, true);
    assert_command_body(&recorded, json!({"client_state": "aGF2ZQ=="}), None);
}

#[tokio::test]
async fn every_send_gets_its_own_command_id_and_a_given_one_is_kept() {
    let server = serve(|_, _| command_ok()).await;
    let actions = server.client.calls().actions();
    actions.answer("v3:abc").await.expect("first");
    actions.answer("v3:abc").await.expect("second");
    actions
        .answer("v3:abc")
        .command_id("mine")
        .await
        .expect("third");
    let requests = server.requests();
    let first = assert_command_body(&requests[0], json!({}), None);
    let second = assert_command_body(&requests[1], json!({}), None);
    assert_ne!(
        first, second,
        "two separate commands must not share a command_id"
    );
    assert_command_body(&requests[2], json!({}), Some("mine"));
}

#[tokio::test]
async fn a_retry_resends_the_same_command_id() {
    let server = serve(|index, _| {
        if index == 0 {
            Reply::json(
                503,
                json!({"errors": [{"code": "90001", "title": "Service unavailable"}]}),
            )
            .header("retry-after-ms", "0")
        } else {
            command_ok()
        }
    })
    .await;
    let response = server
        .client
        .calls()
        .actions()
        .hangup("v3:abc")
        .await
        .expect("hangup after retry");
    assert_eq!(response.status(), 200);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].uri, "/v2/calls/v3%3Aabc/actions/hangup");
    assert_eq!(requests[1].uri, requests[0].uri);
    let first = assert_command_body(&requests[0], json!({}), None);
    let second = assert_command_body(&requests[1], json!({}), None);
    assert_eq!(first, second);
    assert_eq!(
        requests[0].body, requests[1].body,
        "retry must resend the same bytes"
    );
}

#[tokio::test]
async fn bridge_transfer_hangup_and_reject_send_exact_bodies() {
    let server = serve(|_, _| command_ok()).await;
    let actions = server.client.calls().actions();
    actions
        .bridge("v3:abc", "v3:other")
        .park_after_unbridge("self")
        .await
        .expect("bridge");
    actions
        .transfer("v3:abc", "+18005550111")
        .timeout_secs(30)
        .await
        .expect("transfer");
    actions
        .hangup("v3:abc")
        .client_state("Ynll")
        .command_id("hang-1")
        .await
        .expect("hangup");
    actions
        .reject("v3:abc", RejectRequestCause::UserBusy)
        .await
        .expect("reject");
    actions
        .reject("v3:abc", RejectRequestCause::from("CALL_REJECTED"))
        .await
        .expect("reject from str");

    let requests = server.requests();
    let uris: Vec<&str> = requests.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(
        uris,
        [
            "/v2/calls/v3%3Aabc/actions/bridge",
            "/v2/calls/v3%3Aabc/actions/transfer",
            "/v2/calls/v3%3Aabc/actions/hangup",
            "/v2/calls/v3%3Aabc/actions/reject",
            "/v2/calls/v3%3Aabc/actions/reject",
        ]
    );
    assert!(requests.iter().all(|r| r.method == "POST"));
    assert_command_body(
        &requests[0],
        json!({"call_control_id": "v3:other", "park_after_unbridge": "self"}),
        None,
    );
    assert_command_body(
        &requests[1],
        json!({"to": "+18005550111", "timeout_secs": 30}),
        None,
    );
    assert_command_body(
        &requests[2],
        json!({"client_state": "Ynll"}),
        Some("hang-1"),
    );
    assert_command_body(&requests[3], json!({"cause": "USER_BUSY"}), None);
    assert_command_body(&requests[4], json!({"cause": "CALL_REJECTED"}), None);
}

#[tokio::test]
async fn path_parameters_are_encoded_as_one_segment() {
    let server = serve(|_, _| command_ok()).await;
    let actions = server.client.calls().actions();
    actions.answer("a/b").await.expect("slash");
    actions.answer("x y?z#%[]").await.expect("reserved");
    let uris: Vec<String> = server.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(
        uris,
        [
            "/v2/calls/a%2Fb/actions/answer",
            "/v2/calls/x%20y%3Fz%23%25%5B%5D/actions/answer",
        ]
    );

    // Values that cannot be one segment are refused before anything is sent.
    for bad in ["", ".", ".."] {
        let err = actions.answer(bad).await.expect_err("invalid id");
        assert!(
            matches!(&err, Error::InvalidArgument { name, .. } if name == "call_control_id"),
            "{bad:?}: {err:?}"
        );
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retrieve_status_decodes_data_status_and_request_id() {
    let server = serve(|_, _| {
        Reply::json(
            200,
            json!({ "data": call_json("v3:abc"), "meta": {"unknown": true} }),
        )
        .header("x-request-id", "req-123")
    })
    .await;
    let response = server
        .client
        .calls()
        .retrieve_status("v3:abc")
        .await
        .expect("status");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.request_id(), Some("req-123"));
    assert_eq!(response.data.call_control_id, "v3:abc");
    assert_eq!(response.data.call_leg_id, "leg-1");
    assert_eq!(response.data.client_state.as_deref(), Some("aGF2ZQ=="));
    assert!(response.data.is_alive);
    assert_eq!(response.data.end_time, None);

    let recorded = server.only_request();
    assert_eq!(recorded.method, "GET");
    assert_eq!(recorded.uri, "/v2/calls/v3%3Aabc");
    assert_common_headers(&recorded, false);
}

#[tokio::test]
async fn deep_object_filters_are_encoded_exactly() {
    let server = serve(|_, _| {
        Reply::json(
            200,
            json!({"data": [], "meta": {"page_number": 1, "total_pages": 1}}),
        )
    })
    .await;

    let filter: CallControlFilterConsolidated = serde_json::from_value(json!({
        "application_name": {"contains": "sup port"},
        "outbound.outbound_voice_profile_id": "1293384261075731499"
    }))
    .expect("filter");
    server
        .client
        .call_control_applications()
        .list()
        .filter(filter)
        .sort("connection_name")
        .await
        .expect("list applications");

    let filter: CallControlFilterConsolidated = serde_json::from_value(json!({
        "occurred_at": {"gte": "2024-01-01T00:00:00Z", "lt": "2024-02-01T00:00:00Z"},
        "connection_id": "conn-1"
    }))
    .expect("filter");
    let page: CallControlPageConsolidated =
        serde_json::from_value(json!({"number": 2, "size": 10})).expect("page");
    server
        .client
        .conferences()
        .list()
        .region(ConferenceRegion::MiddleEast)
        .filter(filter)
        .page(page)
        .await
        .expect("list conferences");

    let requests = server.requests();
    assert_eq!(
        requests[0].uri,
        "/v2/call_control_applications?\
         filter%5Bapplication_name%5D%5Bcontains%5D=sup%20port&\
         filter%5Boutbound.outbound_voice_profile_id%5D=1293384261075731499&\
         sort=connection_name"
    );
    assert_eq!(
        requests[1].uri,
        "/v2/conferences?region=Middle%20East&\
         filter%5Bconnection_id%5D=conn-1&\
         filter%5Boccurred_at%5D%5Bgte%5D=2024-01-01T00%3A00%3A00Z&\
         filter%5Boccurred_at%5D%5Blt%5D=2024-02-01T00%3A00%3A00Z&\
         page%5Bnumber%5D=2&page%5Bsize%5D=10"
    );
    let pairs = requests[1].query_pairs();
    assert_eq!(
        pairs[2],
        (
            "filter[occurred_at][gte]".to_string(),
            "2024-01-01T00:00:00Z".to_string()
        )
    );
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_common_headers(request, false);
    }
}

fn active_call(id: &str) -> Value {
    json!({
        "call_control_id": id,
        "call_duration": 50,
        "call_leg_id": format!("leg-{id}"),
        "call_session_id": "s",
        "client_state": "",
        "record_type": "call",
        "something_new": 1
    })
}

#[tokio::test]
async fn active_calls_stream_follows_the_cursor_over_three_pages() {
    let server = serve(|index, _| {
        let (data, after) = match index {
            0 => (vec![active_call("a"), active_call("b")], Some("cur-2")),
            1 => (vec![active_call("c")], Some("cur-3")),
            2 => (vec![active_call("d"), active_call("e")], None),
            _ => panic!("a fourth page was requested"),
        };
        Reply::json(
            200,
            json!({"data": data, "meta": {"cursors": {"after": after, "before": "x"}, "total_items": 5}}),
        )
    })
    .await;
    let page: CallControlPageConsolidated =
        serde_json::from_value(json!({"limit": 2})).expect("page");
    let calls = server
        .client
        .connections()
        .list_active_calls("conn/1")
        .page(page)
        .into_stream()
        .collect_all()
        .await
        .expect("stream");
    let ids: Vec<&str> = calls.iter().map(|c| c.call_control_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(calls[0].call_duration, 50);
    assert_eq!(calls[2].call_leg_id, "leg-c");

    let uris: Vec<String> = server.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(
        uris,
        [
            "/v2/connections/conn%2F1/active_calls?page%5Blimit%5D=2",
            "/v2/connections/conn%2F1/active_calls?page%5Blimit%5D=2&page%5Bafter%5D=cur-2",
            "/v2/connections/conn%2F1/active_calls?page%5Blimit%5D=2&page%5Bafter%5D=cur-3",
        ]
    );
}

fn application(id: &str, dtmf: &str) -> Value {
    json!({
        "id": id,
        "application_name": format!("app {id}"),
        "active": true,
        "dtmf_type": dtmf,
        "record_type": "call_control_application",
        "webhook_event_url": "https://example.com/hooks",
        "not_in_the_spec": {"deep": [true]}
    })
}

#[tokio::test]
async fn applications_stream_follows_page_numbers_over_three_pages() {
    let server = serve(|index, _| {
        assert!(index < 3, "a fourth page was requested");
        let number = index + 1;
        Reply::json(
            200,
            json!({
                "data": [application(&format!("{number}a"), "Inband"), application(&format!("{number}b"), "RFC 2833")],
                "meta": {"page_number": number, "page_size": 2, "total_pages": 3, "total_results": 6}
            }),
        )
    })
    .await;
    let apps = server
        .client
        .call_control_applications()
        .list()
        .sort("active")
        .into_stream()
        .collect_all()
        .await
        .expect("stream");
    let ids: Vec<&str> = apps.iter().filter_map(|a| a.id.as_deref()).collect();
    assert_eq!(ids, ["1a", "1b", "2a", "2b", "3a", "3b"]);
    assert_eq!(apps[0].dtmf_type, Some(DtmfType::Inband));
    assert_eq!(apps[1].dtmf_type, Some(DtmfType::Rfc2833));

    let uris: Vec<String> = server.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(
        uris,
        [
            "/v2/call_control_applications?sort=active",
            "/v2/call_control_applications?sort=active&page%5Bnumber%5D=2",
            "/v2/call_control_applications?sort=active&page%5Bnumber%5D=3",
        ]
    );
}

#[tokio::test]
async fn a_single_page_list_decodes_items_and_meta() {
    let server = serve(|_, _| {
        Reply::json(
            200,
            json!({
                "data": [application("only", "SIP INFO")],
                "meta": {"page_number": 1, "page_size": 20, "total_pages": 1, "total_results": 1, "new_meta": 0}
            }),
        )
        .header("x-request-id", "req-list")
    })
    .await;
    let page = server
        .client
        .call_control_applications()
        .list()
        .await
        .expect("list");
    assert_eq!(page.request_id(), Some("req-list"));
    assert_eq!(page.data.len(), 1);
    let meta = page.meta.as_ref().expect("meta");
    assert_eq!(meta.total_pages, Some(1));
    assert_eq!(meta.total_results, Some(1));
    assert_eq!(server.only_request().uri, "/v2/call_control_applications");
}

#[tokio::test]
async fn a_204_operation_returns_ok() {
    let server = serve(|_, _| Reply::empty(204).header("x-request-id", "req-del")).await;
    let response = server
        .client
        .queues()
        .delete("support queue")
        .await
        .expect("delete");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.request_id(), Some("req-del"));
    let recorded = server.only_request();
    assert_eq!(recorded.method, "DELETE");
    assert_eq!(recorded.uri, "/v2/queues/support%20queue");
    assert_common_headers(&recorded, false);
}

#[tokio::test]
async fn a_422_becomes_an_api_error_with_its_details() {
    let server = serve(|_, _| {
        Reply::json(
            422,
            json!({"errors": [{
                "code": "90018",
                "title": "Call has already ended",
                "detail": "This call is no longer active and can't receive commands.",
                "source": {"pointer": "/call_control_id"},
                "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/90018"}
            }]}),
        )
        .header("x-request-id", "req-422")
    })
    .await;
    let err = server
        .client
        .calls()
        .actions()
        .answer("v3:gone")
        .await
        .expect_err("422");
    assert!(err.is_unprocessable(), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(err.request_id(), Some("req-422"));
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}");
    };
    let detail = api.first().expect("one error");
    assert_eq!(detail.code.as_deref(), Some("90018"));
    assert_eq!(detail.title.as_deref(), Some("Call has already ended"));
    assert_eq!(
        detail.detail.as_deref(),
        Some("This call is no longer active and can't receive commands.")
    );
    assert_eq!(
        detail.source.as_ref().and_then(|s| s.pointer.as_deref()),
        Some("/call_control_id")
    );
    // A 422 is final: it is not retried.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_enum_values_and_fields_in_responses_are_kept_or_ignored() {
    let server = serve(|_, _| {
        Reply::json(
            200,
            json!({"data": application("app-1", "Quantum DTMF"), "extra_top_level": [1]}),
        )
    })
    .await;
    let response = server
        .client
        .call_control_applications()
        .retrieve("app-1")
        .await
        .expect("retrieve");
    let dtmf = response.data.dtmf_type.clone().expect("dtmf_type");
    assert_eq!(dtmf, DtmfType::Unknown("Quantum DTMF".into()));
    assert!(dtmf.is_unknown());
    assert_eq!(dtmf.as_str(), "Quantum DTMF");
    assert_eq!(
        serde_json::to_value(&dtmf).expect("ser"),
        json!("Quantum DTMF")
    );
    assert_eq!(DtmfType::from(dtmf.as_str()), dtmf, "as_str round-trips");
    assert_eq!(response.data.id.as_deref(), Some("app-1"));
    assert_eq!(response.data.active, Some(true));
    assert_eq!(
        server.only_request().uri,
        "/v2/call_control_applications/app-1"
    );

    // The model re-serializes without the unknown field and with the unknown enum value.
    let value = serde_json::to_value(&response.data).expect("ser");
    assert_eq!(value["dtmf_type"], "Quantum DTMF");
    assert!(value.get("not_in_the_spec").is_none());
}

#[tokio::test]
async fn send_sip_info_puts_its_body_argument_in_the_body_field() {
    let server = serve(|_, _| command_ok()).await;
    server
        .client
        .calls()
        .actions()
        .send_sip_info("v3:abc", "{\"key\":\"value\"}", "application/json")
        .await
        .expect("send_sip_info");
    let recorded = server.only_request();
    assert_eq!(recorded.uri, "/v2/calls/v3%3Aabc/actions/send_sip_info");
    assert_command_body(
        &recorded,
        json!({"body": "{\"key\":\"value\"}", "content_type": "application/json"}),
        None,
    );
}
