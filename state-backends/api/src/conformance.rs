//! The conformance suite every backend runs: `conformance::run(&store)` in a backend's tests.

use crate::{LockInfo, StateError, StateStore, VersionMeta};

fn meta(cmd: &str) -> VersionMeta {
    VersionMeta {
        command: cmd.into(),
        who: "tester@host".into(),
        started: "2026-01-01T00:00:00Z".into(),
    }
}

/// A lock description for tests.
pub fn lock_info(id: &str, pid: u32) -> LockInfo {
    LockInfo {
        id: id.into(),
        operation: "apply".into(),
        who: "tester@host".into(),
        created: "2026-01-01T00:00:00Z".into(),
        pid,
        hostname: "host".into(),
    }
}

/// Runs every check against an empty store. Panics with a description on the first failure.
pub fn run(store: &dyn StateStore) {
    empty_store_reads_none(store);
    writes_are_visible_immediately(store);
    versions_are_kept(store);
    snapshots_replace_everything(store);
    locks_exclude_others(store);
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
}

fn writes_are_visible_immediately(store: &dyn StateStore) {
    let mut w = store.begin("lineage-1", meta("apply")).expect("begin");
    assert_eq!(w.serial(), 1, "the first version is serial 1");
    w.put("a", b"one").expect("put");
    let snap = store
        .read()
        .expect("read")
        .expect("state exists after the first put");
    assert_eq!(
        snap.entries.get("a").map(Vec::as_slice),
        Some(&b"one"[..]),
        "a put is visible before finish"
    );
    assert_eq!(snap.lineage, "lineage-1");
    w.put("b", b"two").expect("put");
    w.put("a", b"uno").expect("overwrite within a version");
    w.finish().expect("finish");
    let snap = store.read().expect("read").expect("state");
    assert_eq!(snap.serial, 1);
    assert_eq!(snap.entries.len(), 2);
    assert_eq!(snap.entries["a"], b"uno");
}

fn versions_are_kept(store: &dyn StateStore) {
    let mut w = store
        .begin("ignored-lineage", meta("destroy"))
        .expect("begin");
    assert_eq!(w.serial(), 2);
    w.delete("a").expect("delete");
    w.put("c", b"three").expect("put");
    w.finish().expect("finish");
    let snap = store.read().expect("read").expect("state");
    assert_eq!(snap.lineage, "lineage-1", "the stored lineage is kept");
    assert_eq!(snap.serial, 2);
    assert!(!snap.entries.contains_key("a"), "deleted entries are gone");
    let v1 = store.read_version(1).expect("read v1").expect("v1 exists");
    assert_eq!(v1.entries["a"], b"uno", "old versions stay readable");
    assert!(!v1.entries.contains_key("c"));
    let versions = store.versions().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].meta.command, "destroy");
    assert!(versions[1].finished);
    let mut keys = versions[1].changed_keys.clone();
    keys.sort();
    assert_eq!(keys, ["a", "c"]);
}

fn snapshots_replace_everything(store: &dyn StateStore) {
    let mut snap = store.read().expect("read").expect("state");
    snap.entries.clear();
    snap.entries.insert("z".into(), b"last".to_vec());
    let serial = store
        .write_snapshot(&snap, meta("state push"))
        .expect("write snapshot");
    assert_eq!(serial, 3);
    let now = store.read().expect("read").expect("state");
    assert_eq!(now.entries.len(), 1);
    assert_eq!(now.entries["z"], b"last");
    assert_eq!(
        store
            .read_version(2)
            .expect("v2")
            .expect("exists")
            .entries
            .len(),
        2
    );
}

fn locks_exclude_others(store: &dyn StateStore) {
    let me = std::process::id();
    store.lock(&lock_info("lock-1", me)).expect("first lock");
    match store.lock(&lock_info("lock-2", me)) {
        Err(StateError::Locked(holder)) => {
            assert_eq!(holder.id, "lock-1", "the error names the holder")
        }
        other => panic!("a second lock must fail with the holder, got {other:?}"),
    }
    assert_eq!(
        store.lock_holder().expect("holder").map(|l| l.id),
        Some("lock-1".into())
    );
    assert!(
        matches!(store.unlock("wrong"), Err(StateError::LockMismatch { .. })),
        "unlock needs the right id"
    );
    store.unlock("lock-1").expect("unlock");
    assert!(store.lock_holder().expect("holder").is_none());
    // A lock left by a process that no longer exists on this host is taken over.
    let dead = lock_info("stale", 0x7fff_fff0);
    store.lock(&dead).expect("stale lock recorded");
    store
        .lock(&lock_info("lock-3", me))
        .expect("a dead process's lock is taken over");
    store.unlock("lock-3").expect("unlock");
}
