//! Instance keys: the `[0]` of `count` and the `["a"]` of `for_each`.

use std::cmp::Ordering;
use std::fmt;

/// Which instance of a resource or module: none (single), an index, or a string key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InstanceKey {
    /// No `count` or `for_each`.
    None,
    /// A `count` index.
    Int(i64),
    /// A `for_each` key.
    Str(String),
}

impl InstanceKey {
    /// Whether this is [`InstanceKey::None`].
    pub fn is_none(&self) -> bool {
        matches!(self, InstanceKey::None)
    }
}

impl Ord for InstanceKey {
    fn cmp(&self, other: &Self) -> Ordering {
        use InstanceKey::*;
        match (self, other) {
            (None, None) => Ordering::Equal,
            (None, _) => Ordering::Less,
            (_, None) => Ordering::Greater,
            (Int(a), Int(b)) => a.cmp(b),
            (Int(_), Str(_)) => Ordering::Less,
            (Str(_), Int(_)) => Ordering::Greater,
            (Str(a), Str(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for InstanceKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for InstanceKey {
    /// `""`, `[0]` or `["a"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => {
                f.write_str("[\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"]")
            }
        }
    }
}
