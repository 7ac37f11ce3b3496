//! The conformance suite every backend runs: `conformance::run(&|| Arc::new(open_client()))` in a
//! backend's tests, where each call opens a new client of the same, initially empty, storage (a second
//! connection, a second handle on the file), so that what one client does is checked from another.
//!
//! Stores that keep only the latest version ([`StateStore::keeps_history`] false) skip the history
//! checks but must still report the latest version.

use crate::document::SnapshotCodec;
use crate::{LockInfo, Snapshot, StateError, StateStore, VersionMeta};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Opens a new client of the storage under test.
pub type Open<'a> = &'a dyn Fn() -> Arc<dyn StateStore>;

fn meta(cmd: &str) -> VersionMeta {
    VersionMeta {
        command: cmd.into(),
        who: "tester@host".into(),
        started: "2026-01-01T00:00:00Z".into(),
    }
}

/// A lock description for tests, held by process `pid` on this machine's host name.
pub fn lock_info(id: &str, pid: u32) -> LockInfo {
    LockInfo {
        id: id.into(),
        operation: "apply".into(),
        who: "tester@host".into(),
        created: "2026-01-01T00:00:00Z".into(),
        pid,
        hostname: "host".into(),
        version: "terrane test".into(),
    }
}

/// Runs every check. Panics with a description on the first failure.
pub fn run(open: Open<'_>) {
    let a = open();
    let b = open();
    empty_store_reads_none(a.as_ref());
    writes_are_visible_immediately(a.as_ref(), b.as_ref());
    versions_are_kept(a.as_ref(), b.as_ref());
    unfinished_versions_are_reported(a.as_ref());
    snapshots_replace_everything(a.as_ref(), b.as_ref());
    locks_exclude_others(a.as_ref(), b.as_ref());
    drop((a, b));
    abandoned_locks_are_taken_over(open);
    another_client_can_force_unlock(open);
}

fn empty_store_reads_none(store: &dyn StateStore) {
    assert!(
        store.read().expect("read").is_none(),
        "a new store must be empty"
    );
    assert!(
        store.versions().expect("versions").is_empty(),
        "a new store has no versions"
    );
    assert!(store.lock_holder().expect("holder").is_none());
}

fn writes_are_visible_immediately(store: &dyn StateStore, other: &dyn StateStore) {
    let mut w = store.begin("lineage-1", meta("apply")).expect("begin");
    assert_eq!(w.serial(), 1, "the first version is serial 1");
    w.put("a", b"one").expect("put");
    for s in [store, other] {
        let snap = s
            .read()
            .expect("read")
            .expect("state exists after the first put");
        assert_eq!(
            snap.entries.get("a").map(Vec::as_slice),
            Some(&b"one"[..]),
            "a put is visible before finish, to every client"
        );
        assert_eq!(snap.lineage, "lineage-1");
    }
    w.put("b", b"two").expect("put");
    w.put("a", b"uno").expect("overwrite within a version");
    w.put_many(&[
        ("m1".into(), Some(b"x".to_vec())),
        ("m2".into(), Some(b"y".to_vec())),
        ("m1".into(), None),
    ])
    .expect("put_many");
    w.finish().expect("finish");
    let snap = other.read().expect("read").expect("state");
    assert_eq!(snap.serial, 1);
    assert_eq!(
        snap.entries.keys().collect::<Vec<_>>(),
        ["a", "b", "m2"],
        "put_many applies in order"
    );
    assert_eq!(snap.entries["a"], b"uno");
}

fn versions_are_kept(store: &dyn StateStore, other: &dyn StateStore) {
    let mut w = store
        .begin("ignored-lineage", meta("destroy"))
        .expect("begin");
    assert_eq!(w.serial(), 2);
    w.delete("a").expect("delete");
    w.put("c", b"three").expect("put");
    // Added and removed within the version (a create's intent): no change of the version.
    w.put("passing", b"through").expect("put");
    w.delete("passing").expect("delete");
    w.finish().expect("finish");
    let snap = other.read().expect("read").expect("state");
    assert_eq!(snap.lineage, "lineage-1", "the stored lineage is kept");
    assert_eq!(snap.serial, 2);
    assert!(!snap.entries.contains_key("a"), "deleted entries are gone");
    assert!(!snap.entries.contains_key("passing"));
    let versions = other.versions().expect("versions");
    assert_eq!(
        versions.last().map(|v| v.serial),
        Some(2),
        "the latest version is listed"
    );
    assert_eq!(
        other.read_version(2).expect("v2").map(|s| s.entries),
        Some(snap.entries.clone()),
        "the latest version can be read by its serial"
    );
    assert!(other.read_version(99).expect("v99").is_none());
    if !store.keeps_history() {
        return;
    }
    let v1 = other.read_version(1).expect("read v1").expect("v1 exists");
    assert_eq!(v1.entries["a"], b"uno", "old versions stay readable");
    assert!(!v1.entries.contains_key("c"));
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].meta, meta("apply"), "the metadata is kept");
    assert_eq!(versions[1].meta.command, "destroy");
    assert!(versions[1].finished);
    let mut keys = versions[1].changed_keys.clone();
    keys.sort();
    assert_eq!(
        keys,
        ["a", "c"],
        "a version lists the keys it changed, not those it added and removed again"
    );
}

fn unfinished_versions_are_reported(store: &dyn StateStore) {
    let mut w = store.begin("x", meta("apply")).expect("begin");
    assert_eq!(w.serial(), 3);
    w.put("d", b"four").expect("put");
    drop(w); // the process died before finishing
    let snap = store.read().expect("read").expect("state");
    assert_eq!(
        snap.entries["d"], b"four",
        "what was written before a crash is kept"
    );
    assert_eq!(snap.serial, 3);
    if store.keeps_history() {
        let versions = store.versions().expect("versions");
        assert!(
            !versions.last().expect("v3").finished,
            "an unfinished version is reported as such"
        );
    }
}

fn snapshots_replace_everything(store: &dyn StateStore, other: &dyn StateStore) {
    let mut snap = store.read().expect("read").expect("state");
    let before = snap.entries.len();
    snap.entries.clear();
    snap.entries.insert("z".into(), b"last".to_vec());
    let serial = store
        .write_snapshot(&snap, meta("state push"))
        .expect("write snapshot");
    assert_eq!(serial, 4, "a snapshot is written as the next version");
    let now = other.read().expect("read").expect("state");
    assert_eq!(now.serial, 4);
    assert_eq!(now.entries.len(), 1);
    assert_eq!(now.entries["z"], b"last");
    if store.keeps_history() {
        assert_eq!(
            other
                .read_version(3)
                .expect("v3")
                .expect("exists")
                .entries
                .len(),
            before
        );
    }
    // A pushed state of another lineage with a higher serial keeps both.
    snap.lineage = "lineage-2".into();
    snap.serial = 40;
    assert_eq!(
        store
            .write_snapshot(&snap, meta("state push"))
            .expect("push"),
        40
    );
    let now = other.read().expect("read").expect("state");
    assert_eq!((now.serial, now.lineage.as_str()), (40, "lineage-2"));
    let mut w = other.begin("unused", meta("apply")).expect("begin");
    assert_eq!(w.serial(), 41, "serials keep growing after a push");
    w.put("y", b"after").expect("put");
    w.finish().expect("finish");
    assert_eq!(
        store.read().expect("read").expect("state").lineage,
        "lineage-2"
    );
}

fn locks_exclude_others(store: &dyn StateStore, other: &dyn StateStore) {
    let me = std::process::id();
    let first = lock_info("lock-1", me);
    store.lock(&first).expect("first lock");
    match store.lock(&lock_info("lock-2", me)) {
        Err(StateError::Locked(holder)) => {
            assert_eq!(holder.id, "lock-1", "the error names the holder")
        }
        other => panic!("a second lock by the same client must fail, got {other:?}"),
    }
    match other.lock(&lock_info("lock-2", me)) {
        Err(StateError::Locked(holder)) => assert_eq!(
            holder, first,
            "another client sees who holds the lock, since when and for what"
        ),
        other => panic!("a lock by another client must fail with the holder, got {other:?}"),
    }
    assert_eq!(other.lock_holder().expect("holder"), Some(first.clone()));
    assert!(
        matches!(store.unlock("wrong"), Err(StateError::LockMismatch { .. })),
        "unlock needs the right id"
    );
    store.unlock("lock-1").expect("unlock");
    assert!(other.lock_holder().expect("holder").is_none());
    other
        .lock(&lock_info("lock-2", me))
        .expect("free after unlock");
    other.unlock("lock-2").expect("unlock");
    assert!(store.lock_holder().expect("holder").is_none());
}

/// A lock left by a process that no longer exists on this host is taken over.
fn abandoned_locks_are_taken_over(open: Open<'_>) {
    let crashed = open();
    let dead = lock_info("stale", 0x7fff_fff0);
    crashed.lock(&dead).expect("stale lock recorded");
    let next = open();
    next.lock(&lock_info("lock-3", std::process::id()))
        .expect("a dead process's lock is taken over");
    assert_eq!(
        next.lock_holder().expect("holder").map(|l| l.id),
        Some("lock-3".into())
    );
    next.unlock("lock-3").expect("unlock");
}

/// `force-unlock`: another client releases a lock by its id.
fn another_client_can_force_unlock(open: Open<'_>) {
    let holder = open();
    holder
        .lock(&lock_info("stuck", std::process::id()))
        .expect("lock");
    let rescuer = open();
    assert!(matches!(
        rescuer.unlock("not-it"),
        Err(StateError::LockMismatch { .. })
    ));
    rescuer.unlock("stuck").expect("force-unlock by id");
    assert!(rescuer.lock_holder().expect("holder").is_none());
    rescuer
        .lock(&lock_info("after", std::process::id()))
        .expect("lock after force-unlock");
    rescuer.unlock("after").expect("unlock");
    drop(holder);
}

/// A document format for testing document backends without the state model: a `serial lineage`
/// line, then one `key=hex` line per entry.
pub struct LinesCodec;

impl SnapshotCodec for LinesCodec {
    fn encode(&self, s: &Snapshot) -> Result<Vec<u8>, StateError> {
        let mut out = format!("{} {}\n", s.serial, s.lineage);
        for (k, v) in &s.entries {
            let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
            out.push_str(&format!("{k}={hex}\n"));
        }
        Ok(out.into_bytes())
    }
    fn decode(&self, data: &[u8]) -> Result<Snapshot, StateError> {
        let text = std::str::from_utf8(data).map_err(|e| StateError::Corrupt(e.to_string()))?;
        let mut lines = text.lines();
        let head = lines
            .next()
            .ok_or_else(|| StateError::Corrupt("empty".into()))?;
        let (serial, lineage) = head
            .split_once(' ')
            .ok_or_else(|| StateError::Corrupt("bad header".into()))?;
        let mut entries = BTreeMap::new();
        for l in lines {
            let (k, hex) = l
                .split_once('=')
                .ok_or_else(|| StateError::Corrupt(l.into()))?;
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|e| StateError::Corrupt(e.to_string()))?;
            entries.insert(k.to_string(), bytes);
        }
        Ok(Snapshot {
            serial: serial
                .parse()
                .map_err(|_| StateError::Corrupt("serial".into()))?,
            lineage: lineage.into(),
            entries,
        })
    }
}
