//! Walking through list endpoints one page at a time.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::client::Client;
use crate::error::Result;
use crate::json_object::JsonObject;
use crate::request::{ApiRequest, RequestOptions};
use crate::response::Page;

/// How a list endpoint asks for the next page (see
/// [`RawRequest::into_stream`](crate::raw::RawRequest::into_stream)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageScheme {
    /// `page[number]=N`, with `meta.page_number` / `meta.total_pages`.
    PageNumber,
    /// `page[after]=<cursor>`, with `meta.cursors.after`.
    Cursor,
}

/// The parts of a list response's `meta` that paging needs.
#[derive(Default)]
struct RawMeta {
    page_number: Option<u64>,
    total_pages: Option<u64>,
    /// `meta.cursors.after`.
    after: Option<String>,
}

impl<'de> Deserialize<'de> for RawMeta {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let mut meta = JsonObject::read::<D>(serde_json::Value::deserialize(deserializer)?)?;
        let after = match meta.take("cursors") {
            Some(cursors) => JsonObject::read::<D>(cursors)?.string::<D>("after")?,
            None => None,
        };
        Ok(RawMeta {
            page_number: meta.decode::<D, u64>("page_number")?,
            total_pages: meta.decode::<D, u64>("total_pages")?,
            after,
        })
    }
}

/// Every item of a list endpoint, fetching further pages only as they are
/// needed (one page is held in memory at a time).
///
/// It is a [`Stream`] of `Result<T>`: use `futures_util::StreamExt::next` /
/// `TryStreamExt`, or the inherent [`PageStream::try_next`] and
/// [`PageStream::collect_all`]. After an error is yielded the stream ends.
pub struct PageStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>,
}

impl<T> PageStream<T> {
    /// The next item, `Ok(None)` once the list is exhausted.
    pub async fn try_next(&mut self) -> Result<Option<T>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx))
            .await
            .transpose()
    }

    /// Reads all remaining items (fetching every remaining page) into a `Vec`.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut items = Vec::new();
        while let Some(item) = self.try_next().await? {
            items.push(item);
        }
        Ok(items)
    }
}

impl<T> Stream for PageStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").finish_non_exhaustive()
    }
}

struct State<T> {
    client: Client,
    options: RequestOptions,
    scheme: PageScheme,
    next: Option<ApiRequest>,
    buffer: VecDeque<T>,
    /// Page number to assume when the server omits `meta.page_number`.
    page_number: u64,
}

/// Streams the items of the list request `first` and of the pages after it.
#[allow(dead_code)] // called by generated endpoint code
pub(crate) fn paginate<T: DeserializeOwned + Send + 'static>(
    client: Client,
    first: Result<ApiRequest>,
    options: RequestOptions,
    scheme: PageScheme,
) -> PageStream<T> {
    let (next, failure) = match first {
        Ok(req) => (Some(req), None),
        Err(err) => (None, Some(err)),
    };
    let page_number = next
        .as_ref()
        .and_then(|req| req.query_param("page[number]"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let state = State {
        client,
        options,
        scheme,
        next,
        buffer: VecDeque::new(),
        page_number,
    };
    let items = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            let req = state.next.take()?;
            match fetch_page(&mut state, req).await {
                Ok(()) => continue,
                Err(err) => return Some((Err(err), state)),
            }
        }
    });
    let inner: Pin<Box<dyn Stream<Item = Result<T>> + Send>> = match failure {
        Some(err) => Box::pin(futures_util::stream::once(async move { Err(err) })),
        None => Box::pin(items),
    };
    PageStream { inner }
}

/// Fetches the page for `req`, buffers its items and works out the request
/// for the following page (if any).
async fn fetch_page<T: DeserializeOwned>(state: &mut State<T>, req: ApiRequest) -> Result<()> {
    let page = state
        .client
        .execute::<Page<T, RawMeta>>(req.clone(), &state.options)
        .await?
        .into_inner();
    if page.data.is_empty() {
        return Ok(());
    }
    let meta = page.meta.unwrap_or_default();
    state.buffer.extend(page.data);
    match state.scheme {
        PageScheme::PageNumber => {
            let current = meta.page_number.unwrap_or(state.page_number);
            if let Some(total) = meta.total_pages {
                if current < total {
                    let mut next = req;
                    next.set_query_param("page[number]", (current + 1).to_string());
                    state.page_number = current + 1;
                    state.next = Some(next);
                }
            }
        }
        PageScheme::Cursor => {
            let after = meta.after;
            if let Some(after) = after.filter(|after| !after.is_empty()) {
                // A server repeating the cursor just used would loop forever.
                if req.query_param("page[after]") != Some(after.as_str()) {
                    let mut next = req;
                    next.set_query_param("page[after]", after);
                    state.next = Some(next);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::request::QueryStyle;
    use crate::test_support::{Reply, TestServer};
    use futures_util::StreamExt;
    use http::Method;

    fn list_request() -> ApiRequest {
        let mut req = ApiRequest::new(Method::GET, "/recordings".into());
        req.query("page[size]", &2, QueryStyle::Form)
            .expect("query");
        req
    }

    fn assert_stream_traits<S: Stream + Send + Unpin + 'static>(_: &S) {}

    #[tokio::test]
    async fn page_number_scheme_walks_three_pages() {
        let server = TestServer::start(vec![
            Reply::new(
                200,
                r#"{"data":[1,2],"meta":{"page_number":1,"page_size":2,"total_pages":3,"total_results":5}}"#,
            ),
            Reply::new(
                200,
                r#"{"data":[3,4],"meta":{"page_number":2,"page_size":2,"total_pages":3,"total_results":5}}"#,
            ),
            Reply::new(
                200,
                r#"{"data":[5],"meta":{"page_number":3,"page_size":2,"total_pages":3,"total_results":5}}"#,
            ),
        ]);
        let stream: PageStream<u32> = paginate(
            server.client(),
            Ok(list_request()),
            RequestOptions::default(),
            PageScheme::PageNumber,
        );
        assert_stream_traits(&stream);
        let items: Vec<u32> = stream
            .map(|item| item.expect("item"))
            .collect::<Vec<_>>()
            .await;
        assert_eq!(items, vec![1, 2, 3, 4, 5]);
        let uris: Vec<String> = server.requests().into_iter().map(|r| r.uri).collect();
        assert_eq!(
            uris,
            vec![
                "/v2/recordings?page%5Bsize%5D=2",
                "/v2/recordings?page%5Bsize%5D=2&page%5Bnumber%5D=2",
                "/v2/recordings?page%5Bsize%5D=2&page%5Bnumber%5D=3",
            ]
        );
    }

    #[tokio::test]
    async fn cursor_scheme_walks_three_pages() {
        let server = TestServer::start(vec![
            Reply::new(
                200,
                r#"{"data":["a","b"],"meta":{"cursors":{"after":"c1","before":null},"next":"/x"}}"#,
            ),
            Reply::new(
                200,
                r#"{"data":["c"],"meta":{"cursors":{"after":"c2/+=","before":"c1"}}}"#,
            ),
            Reply::new(200, r#"{"data":["d"],"meta":{"cursors":{"before":"c2"}}}"#),
            Reply::new(200, r#"{"data":["never"]}"#),
        ]);
        let items = paginate::<String>(
            server.client(),
            Ok(list_request()),
            RequestOptions::default(),
            PageScheme::Cursor,
        )
        .collect_all()
        .await
        .expect("all items");
        assert_eq!(items, vec!["a", "b", "c", "d"]);
        let uris: Vec<String> = server.requests().into_iter().map(|r| r.uri).collect();
        assert_eq!(
            uris,
            vec![
                "/v2/recordings?page%5Bsize%5D=2",
                "/v2/recordings?page%5Bsize%5D=2&page%5Bafter%5D=c1",
                "/v2/recordings?page%5Bsize%5D=2&page%5Bafter%5D=c2%2F%2B%3D",
            ]
        );
    }

    #[tokio::test]
    async fn stops_on_empty_page_or_missing_totals() {
        let server = TestServer::start(vec![
            Reply::new(
                200,
                r#"{"data":[],"meta":{"page_number":1,"total_pages":9}}"#,
            ),
            Reply::new(200, r#"{"data":[7],"meta":{"page_number":1}}"#),
        ]);
        let client = server.client();
        let empty = paginate::<u32>(
            client.clone(),
            Ok(list_request()),
            RequestOptions::default(),
            PageScheme::PageNumber,
        )
        .collect_all()
        .await
        .expect("empty");
        assert!(empty.is_empty());
        let one = paginate::<u32>(
            client,
            Ok(list_request()),
            RequestOptions::default(),
            PageScheme::PageNumber,
        )
        .collect_all()
        .await
        .expect("one page");
        assert_eq!(one, vec![7]);
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test]
    async fn repeated_cursor_does_not_loop() {
        let server = TestServer::start(vec![
            Reply::new(200, r#"{"data":[1],"meta":{"cursors":{"after":"same"}}}"#),
            Reply::new(200, r#"{"data":[2],"meta":{"cursors":{"after":"same"}}}"#),
            Reply::new(200, r#"{"data":[3],"meta":{"cursors":{"after":"same"}}}"#),
        ]);
        let items = paginate::<u32>(
            server.client(),
            Ok(list_request()),
            RequestOptions::default(),
            PageScheme::Cursor,
        )
        .collect_all()
        .await
        .expect("items");
        assert_eq!(items, vec![1, 2]);
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test]
    async fn error_is_yielded_once_then_stream_ends() {
        let server = TestServer::start(vec![
            Reply::new(
                200,
                r#"{"data":[1],"meta":{"page_number":1,"total_pages":2}}"#,
            ),
            Reply::new(404, r#"{"errors":[{"title":"gone"}]}"#),
        ]);
        let mut stream = paginate::<u32>(
            server.client(),
            Ok(list_request()),
            RequestOptions::default(),
            PageScheme::PageNumber,
        );
        assert_eq!(stream.try_next().await.expect("first"), Some(1));
        let err = stream.try_next().await.expect_err("second page fails");
        assert!(err.is_not_found());
        assert!(stream.next().await.is_none());
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test]
    async fn failed_first_request_is_reported_without_sending() {
        let server = TestServer::start(vec![]);
        let mut stream = paginate::<u32>(
            server.client(),
            Err(Error::invalid_argument("filter", "bad")),
            RequestOptions::default(),
            PageScheme::Cursor,
        );
        let first = stream.next().await.expect("one item");
        assert!(matches!(first, Err(Error::InvalidArgument { .. })));
        assert!(stream.next().await.is_none());
        assert!(server.requests().is_empty());
    }

    #[tokio::test]
    async fn fetches_lazily() {
        let server = TestServer::start(vec![
            Reply::new(
                200,
                r#"{"data":[1,2],"meta":{"page_number":1,"total_pages":3}}"#,
            ),
            Reply::new(
                200,
                r#"{"data":[3],"meta":{"page_number":2,"total_pages":3}}"#,
            ),
        ]);
        let mut stream = paginate::<u32>(
            server.client(),
            Ok(list_request()),
            RequestOptions::default(),
            PageScheme::PageNumber,
        );
        assert!(server.requests().is_empty(), "nothing sent before polling");
        assert_eq!(stream.try_next().await.expect("ok"), Some(1));
        assert_eq!(stream.try_next().await.expect("ok"), Some(2));
        assert_eq!(server.requests().len(), 1);
        assert_eq!(stream.try_next().await.expect("ok"), Some(3));
        assert_eq!(server.requests().len(), 2);
    }
}
