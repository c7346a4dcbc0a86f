//! The development portal's routing table. axum cannot list the routes of a
//! router, so every route is added through [`Routes`], which records its
//! (method, path) next to the handler. `openapi.rs` tests that this table and
//! the OpenAPI document name exactly the same operations, and that no module
//! adds a route to an axum `Router` itself.

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::routing::{self, MethodRouter};

use super::PortalState;

/// One operation the router serves: a lower-case method as the OpenAPI
/// document spells it, and the path in axum's (= OpenAPI's) `{param}` syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Served {
    pub method: &'static str,
    pub path: &'static str,
}

impl std::fmt::Display for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method.to_ascii_uppercase(), self.path)
    }
}

type S = Arc<PortalState>;

/// A router under construction and the operations it serves so far.
pub(super) struct Routes {
    router: Router<S>,
    served: Vec<Served>,
}

impl Routes {
    pub(super) fn new() -> Routes {
        Routes {
            router: Router::new(),
            served: Vec::new(),
        }
    }

    fn add(mut self, method: &'static str, path: &'static str, route: MethodRouter<S>) -> Self {
        // axum merges a second method on a path that is there already.
        self.router = self.router.route(path, route);
        self.served.push(Served { method, path });
        self
    }

    pub(super) fn get<H: Handler<T, S>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("get", path, routing::get(h))
    }

    pub(super) fn post<H: Handler<T, S>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("post", path, routing::post(h))
    }

    pub(super) fn put<H: Handler<T, S>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("put", path, routing::put(h))
    }

    pub(super) fn delete<H: Handler<T, S>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("delete", path, routing::delete(h))
    }

    /// Changes the router of the routes added so far (a layer for a group).
    pub(super) fn map(mut self, f: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = f(self.router);
        self
    }

    pub(super) fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.served.extend(other.served);
        self
    }

    pub(super) fn into_parts(self) -> (Router<S>, Vec<Served>) {
        (self.router, self.served)
    }
}
