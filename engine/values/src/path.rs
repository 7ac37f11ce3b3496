//! Paths to nested parts of a value: `triggers["a"]`, `ingress[0].cidr_blocks`.

use std::fmt;

/// One step of a path into a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute.
    Attr(String),
    /// A map key.
    Key(String),
    /// A list or tuple index.
    Index(i64),
}

/// A path from the top of a value to a nested part of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(pub Vec<PathStep>);

impl Path {
    /// The empty path, which is the value itself.
    pub fn root() -> Path {
        Path(Vec::new())
    }

    /// This path with one more attribute step.
    pub fn attr(&self, name: &str) -> Path {
        let mut p = self.clone();
        p.0.push(PathStep::Attr(name.to_string()));
        p
    }

    /// This path with one more map key step.
    pub fn key(&self, key: &str) -> Path {
        let mut p = self.clone();
        p.0.push(PathStep::Key(key.to_string()));
        p
    }

    /// This path with one more index step.
    pub fn index(&self, i: i64) -> Path {
        let mut p = self.clone();
        p.0.push(PathStep::Index(i));
        p
    }

    /// Whether `self` starts with `prefix`.
    pub fn starts_with(&self, prefix: &Path) -> bool {
        self.0.len() >= prefix.0.len() && self.0[..prefix.0.len()] == prefix.0[..]
    }

    /// Whether the path is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Path {
    /// The path in Terraform's syntax, without a leading dot: `triggers["a"]`, `tags[0].name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(a) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(a)?;
                }
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}
