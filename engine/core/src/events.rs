//! Progress events: what the engine tells the user interface while it works. Only the CLI renders.

use std::time::Duration;
use terrane_addrs::AbsResourceInstance;

/// What kind of operation an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Creating a new object.
    Create,
    /// Changing an object in place.
    Update,
    /// Destroying an object.
    Destroy,
    /// Reading a data source.
    Read,
    /// Refreshing an object during planning.
    Refresh,
}

/// A progress event.
#[derive(Clone, Debug)]
pub enum Event {
    /// An operation started.
    Started {
        /// The instance.
        addr: AbsResourceInstance,
        /// The operation.
        op: Operation,
    },
    /// An operation finished successfully.
    Completed {
        /// The instance.
        addr: AbsResourceInstance,
        /// The operation.
        op: Operation,
        /// How long it took.
        elapsed: Duration,
        /// The object's id attribute, if it has one.
        id: Option<String>,
    },
    /// An object is being refreshed during planning.
    Refreshing {
        /// The instance.
        addr: AbsResourceInstance,
        /// Its id attribute, if it has one.
        id: Option<String>,
    },
    /// An operation failed.
    Failed {
        /// The instance.
        addr: AbsResourceInstance,
        /// The operation.
        op: Operation,
    },
}

/// Receives progress events. Implementations must be cheap: events arrive from many tasks.
pub trait Observer: Send + Sync {
    /// Handles one event.
    fn event(&self, e: Event);
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {
    fn event(&self, _e: Event) {}
}
