//! Sending generated requests from blocking code: the same [`Request`] builders
//! as the async client, finished with a blocking `send()`.

use super::{Client, PageIter};
use crate::error::Result;
use crate::operation::{sealed, ClientKind, Operation, PagedOperation, Request};
use crate::response::{RawResponse, Response};

impl ClientKind for Client {}
impl sealed::Sealed for Client {}

/// The same request bound to the async client underneath, and the blocking client.
fn into_async<O: Operation>(request: Request<O, Client>) -> (Client, Request<O>) {
    let inner = request.client().as_async().clone();
    request.with_client(inner)
}

impl<O: Operation> Request<O, Client> {
    /// Sends the request and waits for the answer, retrying as the client's
    /// policy allows (a command keeps its `command_id` on every attempt).
    pub fn send(self) -> Result<Response<O::Output>> {
        let (client, request) = into_async(self);
        client.block_on(request.send())
    }

    /// Sends the request like [`send`](Self::send) and returns the raw answer
    /// (status, headers, body bytes) without decoding it.
    pub fn send_raw(self) -> Result<RawResponse> {
        let (client, request) = into_async(self);
        client.block_on(request.send_raw())
    }
}

impl<O: PagedOperation> IntoIterator for Request<O, Client> {
    type Item = Result<O::Item>;
    type IntoIter = PageIter<O::Item>;

    /// Every item of the list, fetching further pages only as they are needed.
    fn into_iter(self) -> PageIter<O::Item> {
        let (client, request) = into_async(self);
        client.iter(request.into_stream())
    }
}
