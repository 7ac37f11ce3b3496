//! Tests against a real PostgreSQL server: `TERRANE_TEST_PG_CONN` names it (tests/run-all.sh starts
//! one with tests/support/postgres.sh); without it the tests say so and pass.

use crate::{PgBackend, PgConfig, PgStore};
use std::sync::Arc;
use terrane_state_api::conformance::{self, lock_info};
use terrane_state_api::{Backend, StateError, StateStore};

fn config() -> Option<PgConfig> {
    let Ok(conn_str) = std::env::var("TERRANE_TEST_PG_CONN") else {
        eprintln!(
            "SKIPPED: TERRANE_TEST_PG_CONN is not set (tests/support/postgres.sh starts a server)"
        );
        return None;
    };
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Some(PgConfig {
        conn_str,
        schema_name: format!("terrane_test_{}_{n}", std::process::id()),
        ..PgConfig::default()
    })
}

#[test]
fn passes_the_backend_conformance_suite() {
    let Some(cfg) = config() else { return };
    conformance::run(&|| Arc::new(PgStore::open(&cfg, "default").unwrap()));
    let other = PgBackend::new(cfg.clone());
    conformance::run(&|| other.open("staging").unwrap());
}

#[test]
fn a_crashed_clients_lock_ends_with_its_session() {
    let Some(cfg) = config() else { return };
    let a = PgStore::open(&cfg, "default").unwrap();
    a.lock(&lock_info("held", std::process::id())).unwrap();
    let b = PgStore::open(&cfg, "default").unwrap();
    assert!(matches!(
        b.lock(&lock_info("mine", std::process::id())),
        Err(StateError::Locked(_))
    ));
    drop(a); // the connection closes as a crashed process's would
    let start = std::time::Instant::now();
    loop {
        match b.lock(&lock_info("mine", std::process::id())) {
            Ok(()) => break,
            Err(_) if start.elapsed() < std::time::Duration::from_secs(10) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(e) => panic!("the lock of a closed session stays held: {e}"),
        }
    }
    assert_eq!(b.lock_holder().unwrap().unwrap().id, "mine");
}

#[test]
fn workspaces_share_the_tables() {
    let Some(cfg) = config() else { return };
    let b = PgBackend::new(cfg);
    assert_eq!(b.workspaces().unwrap(), ["default"]);
    let s = b.open("prod").unwrap();
    let mut w = s.begin("l", Default::default()).unwrap();
    w.put("k", b"v").unwrap();
    w.finish().unwrap();
    b.open("dev").unwrap();
    assert_eq!(b.workspaces().unwrap(), ["default", "dev", "prod"]);
    assert!(b.open("default").unwrap().read().unwrap().is_none());
    b.delete_workspace("prod").unwrap();
    assert_eq!(b.workspaces().unwrap(), ["default", "dev"]);
    assert!(b.open("prod").unwrap().read().unwrap().is_none());
}

#[test]
fn tables_of_a_newer_terrane_are_refused() {
    let Some(cfg) = config() else { return };
    let s = PgStore::open(&cfg, "default").unwrap();
    let t = s.tables.t("layout");
    s.conn
        .call(move |c| {
            c.execute(&format!("UPDATE {t} SET version = 99"), &[])
                .map(|_| ())
        })
        .unwrap();
    let err = PgStore::open(&cfg, "default").err().expect("refused");
    assert!(err.to_string().contains("newer terrane"), "{err}");
}
