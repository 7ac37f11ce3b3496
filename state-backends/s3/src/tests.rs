//! Tests against moto's S3 (tests/support/moto.rs starts it, installing moto into a virtualenv when
//! needed).

#[path = "../../../tests/support/moto.rs"]
mod moto;

use crate::{S3Backend, S3Config, resolve_credentials};
use std::sync::Arc;
use terrane_state_api::conformance::{self, LinesCodec, lock_info};
use terrane_state_api::{Backend, StateError};

fn backend(m: &moto::Moto, bucket: &str, encrypt: bool) -> S3Backend {
    let config = S3Config {
        bucket: bucket.into(),
        key: "stacks/network/terraform.tfstate".into(),
        region: moto::REGION.into(),
        endpoint: Some(m.url.clone()),
        use_path_style: true,
        use_lockfile: true,
        encrypt,
        workspace_key_prefix: "env:".into(),
        credentials: resolve_credentials(Some(("testing".into(), "testing".into())), None, None)
            .unwrap(),
    };
    S3Backend::new(config, Arc::new(LinesCodec)).unwrap()
}

fn bucket(m: &moto::Moto) -> String {
    let name = moto::unique("state");
    m.aws_ok(&["s3api", "create-bucket", "--bucket", &name]);
    name
}

#[test]
fn passes_the_backend_conformance_suite_on_moto() {
    let m = moto::Moto::shared();
    let b = backend(m, &bucket(m), true);
    conformance::run(&|| b.open("default").unwrap());
    conformance::run(&|| b.open("staging").unwrap());
    assert_eq!(b.workspaces().unwrap(), ["default", "staging"]);
    let head = m.aws_ok(&[
        "s3api",
        "head-object",
        "--bucket",
        &b.config.bucket,
        "--key",
        "env:/staging/stacks/network/terraform.tfstate",
    ]);
    assert_eq!(
        head["ServerSideEncryption"], "AES256",
        "encrypt asks S3 to encrypt"
    );
    b.delete_workspace("staging").unwrap();
    assert_eq!(b.workspaces().unwrap(), ["default"]);
}

#[test]
fn the_lock_object_is_created_only_once() {
    let m = moto::Moto::shared();
    let b = backend(m, &bucket(m), false);
    let one = b.open("default").unwrap();
    let two = b.open("default").unwrap();
    one.lock(&lock_info("first", std::process::id())).unwrap();
    match two.lock(&lock_info("second", std::process::id())) {
        Err(StateError::Locked(h)) => assert_eq!(h.id, "first"),
        other => panic!("the conditional write must refuse a second lock: {other:?}"),
    }
    let obj = m.aws_ok(&[
        "s3api",
        "get-object-attributes",
        "--bucket",
        &b.config.bucket,
        "--key",
        "stacks/network/terraform.tfstate.tflock",
        "--object-attributes",
        "ObjectSize",
    ]);
    assert!(obj["ObjectSize"].as_u64().unwrap() > 0);
    one.unlock("first").unwrap();
    two.lock(&lock_info("second", std::process::id())).unwrap();
}

#[test]
fn bad_credentials_are_an_error() {
    let m = moto::Moto::shared();
    let mut b = backend(m, "no-such-bucket-anywhere", false);
    b.config.use_lockfile = false;
    let store = b.open("default").unwrap();
    assert!(
        store.read().is_err(),
        "a missing bucket is an error, not an empty state"
    );
}
