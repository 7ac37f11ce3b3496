//! A scriptable in-memory provider for the engine's lifecycle tests.
//!
//! It manages `scripted_thing` resources in an in-memory "real world" that tests can inspect and
//! change behind the engine's back, logs every call in order, can be told to fail chosen operations or
//! to take time, and records how many operations ran at once. It also offers a `scripted_echo` data
//! source. It is a test double for the engine's own behaviour; it never replaces a real provider where
//! users meet one.
#![deny(missing_docs)]

use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_provider_api::Schema;
use terrane_provider_api::schema::{Attribute, Block};
use terrane_provider_sdk::{DataSourceType, ResourceType, SdkProvider, attr_str, error, with_attr};
use terrane_values::{Type, Value};

/// What the provider does and has done, shared between a test and the provider instances it creates.
#[derive(Default)]
pub struct Script {
    /// Every call, in order: `create a`, `update a`, `delete a`, `read a`.
    pub log: Vec<String>,
    /// Operations that fail, as `create:NAME`, `update:NAME`, `delete:NAME`, `read:NAME`.
    pub fail: BTreeSet<String>,
    /// Operations that fail after the object was created (the provider returns it with an error).
    pub fail_after_create: BTreeSet<String>,
    /// The real world: objects by name.
    pub remote: BTreeMap<String, Value>,
    /// How long each create, update or delete takes.
    pub delay: Duration,
    /// Operations running now, and the most that ever ran at once.
    pub in_flight: usize,
    /// The most operations that ran at once.
    pub max_in_flight: usize,
}

/// A handle on a script; clones share it.
#[derive(Clone, Default)]
pub struct Scripted(Arc<Mutex<Script>>);

impl Scripted {
    /// A new, empty script.
    pub fn new() -> Scripted {
        Scripted::default()
    }

    /// Runs `f` on the script.
    pub fn with<T>(&self, f: impl FnOnce(&mut Script) -> T) -> T {
        f(&mut self.0.lock().expect("script lock"))
    }

    /// The calls made so far.
    pub fn log(&self) -> Vec<String> {
        self.with(|s| s.log.clone())
    }

    /// A provider instance backed by this script.
    pub fn provider(&self) -> SdkProvider {
        SdkProvider::new()
            .resource("scripted_thing", Thing(self.clone()))
            .data_source("scripted_echo", Echo(self.clone()))
    }

    async fn operation(&self, what: &str, name: &str) -> Result<(), Diagnostics> {
        let delay = self.with(|s| {
            s.log.push(format!("{what} {name}"));
            s.in_flight += 1;
            s.max_in_flight = s.max_in_flight.max(s.in_flight);
            s.delay
        });
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let failed = self.with(|s| {
            s.in_flight -= 1;
            s.fail.contains(&format!("{what}:{name}"))
        });
        if failed {
            return Err(error(
                "Scripted failure",
                format!("the script says {what} of {name} fails"),
            ));
        }
        Ok(())
    }
}

struct Thing(Scripted);

fn name_of(v: &Value) -> String {
    attr_str(v, "name").unwrap_or("?").to_string()
}

#[async_trait]
impl ResourceType for Thing {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("id", Attribute::computed(Type::String))
                .attr("name", Attribute::required(Type::String).force_new())
                .attr("value", Attribute::optional(Type::String))
                .attr("replace_key", Attribute::optional(Type::String).force_new())
                .attr("tags", Attribute::optional(Type::map(Type::String)))
                .attr("password", Attribute::optional(Type::String).sensitive())
                .attr("computed", Attribute::computed(Type::String)),
        }
    }

    async fn create(&self, planned: &Value) -> Result<Value, Diagnostics> {
        match self.create_partial(planned).await {
            (Some(v), d) if !d.has_errors() => Ok(v),
            (_, d) => Err(d),
        }
    }

    async fn create_partial(&self, planned: &Value) -> (Option<Value>, Diagnostics) {
        let name = name_of(planned);
        if let Err(d) = self.0.operation("create", &name).await {
            return (None, d);
        }
        let v = with_attr(planned, "id", Value::string(format!("id-{name}")));
        let v = with_attr(&v, "computed", Value::string(format!("computed-{name}")));
        self.0.with(|s| s.remote.insert(name.clone(), v.clone()));
        if self
            .0
            .with(|s| s.fail_after_create.contains(&format!("create:{name}")))
        {
            return (
                Some(v),
                error(
                    "Scripted failure after create",
                    format!("{name} was created but then failed"),
                ),
            );
        }
        (Some(v), Diagnostics::new())
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        let name = name_of(state);
        self.0.with(|s| s.log.push(format!("read {name}")));
        if self.0.with(|s| s.fail.contains(&format!("read:{name}"))) {
            return Err(error(
                "Scripted failure",
                format!("the script says read of {name} fails"),
            ));
        }
        Ok(self.0.with(|s| s.remote.get(&name).cloned()))
    }

    async fn read_many(&self, states: &[Value]) -> Vec<Result<Option<Value>, Diagnostics>> {
        self.0
            .with(|s| s.log.push(format!("read_many {}", states.len())));
        states
            .iter()
            .map(|st| {
                let name = name_of(st);
                if self.0.with(|s| s.fail.contains(&format!("read:{name}"))) {
                    return Err(error(
                        "Scripted failure",
                        format!("the script says read of {name} fails"),
                    ));
                }
                Ok(self.0.with(|s| s.remote.get(&name).cloned()))
            })
            .collect()
    }

    async fn update(&self, _prior: &Value, planned: &Value) -> Result<Value, Diagnostics> {
        let name = name_of(planned);
        self.0.operation("update", &name).await?;
        self.0.with(|s| s.remote.insert(name, planned.clone()));
        Ok(planned.clone())
    }

    async fn import(&self, id: &str) -> Result<Value, Diagnostics> {
        self.0.with(|s| s.log.push(format!("import {id}")));
        Ok(Value::object_from([
            ("name", Value::string(id)),
            ("id", Value::string(format!("id-{id}"))),
            ("value", Value::null(Type::String)),
            ("replace_key", Value::null(Type::String)),
            ("tags", Value::null(Type::map(Type::String))),
            ("password", Value::null(Type::String)),
            ("computed", Value::null(Type::String)),
        ]))
    }

    async fn delete(&self, state: &Value) -> Result<(), Diagnostics> {
        let name = name_of(state);
        self.0.operation("delete", &name).await?;
        self.0.with(|s| s.remote.remove(&name));
        Ok(())
    }
}

struct Echo(Scripted);

#[async_trait]
impl DataSourceType for Echo {
    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::default()
                .attr("input", Attribute::optional(Type::String))
                .attr("output", Attribute::computed(Type::String)),
        }
    }

    async fn read(&self, config: &Value) -> Result<Value, Diagnostics> {
        let input = attr_str(config, "input").unwrap_or_default().to_string();
        self.0.with(|s| s.log.push(format!("echo {input}")));
        Ok(with_attr(
            config,
            "output",
            Value::string(input.to_uppercase()),
        ))
    }
}
