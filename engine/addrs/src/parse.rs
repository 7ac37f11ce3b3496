//! Parsing addresses typed on the command line: `-target`, `-replace`, `state show`.

use crate::{
    AbsResource, AbsResourceInstance, InstanceKey, ModuleInstance, ModuleInstanceStep, Resource,
    ResourceMode,
};
use std::fmt;

/// What a `-target` names: a module instance, a whole resource, or one instance.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Everything in a module instance.
    Module(ModuleInstance),
    /// Every instance of a resource.
    Resource(AbsResource),
    /// One resource instance.
    Instance(AbsResourceInstance),
}

impl Target {
    /// Whether the target covers the given instance.
    pub fn contains(&self, addr: &AbsResourceInstance) -> bool {
        match self {
            Target::Module(m) => addr.module.is_within(m),
            Target::Resource(r) => addr.module == r.module && addr.resource.resource == r.resource,
            Target::Instance(i) => i == addr,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Module(m) => write!(f, "{m}"),
            Target::Resource(r) => write!(f, "{r}"),
            Target::Instance(i) => write!(f, "{i}"),
        }
    }
}

/// A malformed address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid address {input:?}: {reason}")]
pub struct ParseError {
    /// The text given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

struct Cursor<'a> {
    input: &'a str,
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn fail<T>(&self, reason: &str) -> Result<T, ParseError> {
        Err(ParseError {
            input: self.input.to_string(),
            reason: reason.to_string(),
        })
    }

    fn ident(&mut self) -> Result<&'a str, ParseError> {
        let end = self
            .rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(self.rest.len(), |(i, _)| i);
        if end == 0 {
            return self.fail("expected a name");
        }
        let (id, rest) = self.rest.split_at(end);
        self.rest = rest;
        Ok(id)
    }

    fn eat(&mut self, s: &str) -> bool {
        if let Some(r) = self.rest.strip_prefix(s) {
            self.rest = r;
            true
        } else {
            false
        }
    }

    fn key(&mut self) -> Result<InstanceKey, ParseError> {
        if !self.eat("[") {
            return Ok(InstanceKey::None);
        }
        let key = if self.eat("\"") {
            let mut out = String::new();
            let mut chars = self.rest.char_indices();
            loop {
                match chars.next() {
                    None => return self.fail("unterminated string key"),
                    Some((i, '"')) => {
                        self.rest = &self.rest[i + 1..];
                        break;
                    }
                    Some((_, '\\')) => match chars.next() {
                        Some((_, 'n')) => out.push('\n'),
                        Some((_, c)) => out.push(c),
                        None => return self.fail("unterminated string key"),
                    },
                    Some((_, c)) => out.push(c),
                }
            }
            InstanceKey::Str(out)
        } else {
            let end = self.rest.find(']').unwrap_or(self.rest.len());
            let n: i64 = match self.rest[..end].trim().parse() {
                Ok(n) => n,
                Err(_) => {
                    return self.fail("an instance key must be a whole number or a quoted string");
                }
            };
            self.rest = &self.rest[end..];
            InstanceKey::Int(n)
        };
        if !self.eat("]") {
            return self.fail("expected `]`");
        }
        Ok(key)
    }
}

/// Parses a target address: `module.a`, `module.a[0].null_resource.x`, `null_resource.x["k"]`.
pub fn parse_target(s: &str) -> Result<Target, ParseError> {
    let mut c = Cursor {
        input: s,
        rest: s.trim(),
    };
    let mut module = Vec::new();
    loop {
        let save = c.rest;
        if c.eat("module.") {
            let name = c.ident()?.to_string();
            let key = c.key()?;
            module.push(ModuleInstanceStep { name, key });
            if c.rest.is_empty() {
                return Ok(Target::Module(ModuleInstance(module)));
            }
            if !c.eat(".") {
                return c.fail("expected `.` after the module");
            }
            continue;
        }
        c.rest = save;
        break;
    }
    let mode = if c.eat("data.") {
        ResourceMode::Data
    } else {
        ResourceMode::Managed
    };
    let ty = c.ident()?.to_string();
    if !c.eat(".") {
        return c.fail("a resource address needs a type and a name");
    }
    let name = c.ident()?.to_string();
    let resource = Resource { mode, ty, name };
    let module = ModuleInstance(module);
    if c.rest.is_empty() {
        return Ok(Target::Resource(AbsResource { module, resource }));
    }
    let key = c.key()?;
    if !c.rest.is_empty() {
        return c.fail("unexpected text after the address");
    }
    Ok(Target::Instance(AbsResourceInstance {
        module,
        resource: resource.instance(key),
    }))
}

/// Parses the address of one resource instance (a resource without a key means its single instance).
pub fn parse_resource_instance(s: &str) -> Result<AbsResourceInstance, ParseError> {
    match parse_target(s)? {
        Target::Instance(i) => Ok(i),
        Target::Resource(r) => Ok(r.instance(InstanceKey::None)),
        Target::Module(_) => Err(ParseError {
            input: s.to_string(),
            reason: "a resource instance address is required".into(),
        }),
    }
}
