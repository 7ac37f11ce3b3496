//! Lock descriptions as JSON, in the shape Terraform writes to lock files (`ID`, `Operation`, `Who`,
//! `Created` ...), plus the holder's process id and host so that a crashed holder can be recognized.

use crate::{LockInfo, StateError};
use serde_json::{Value as Json, json};

/// The JSON text of a lock description, as stored in lock files and lock objects.
pub fn lock_to_json(info: &LockInfo, path: &str) -> Vec<u8> {
    let j = json!({
        "ID": info.id,
        "Operation": info.operation,
        "Info": "",
        "Who": info.who,
        "Version": info.version,
        "Created": info.created,
        "Path": path,
        "Pid": info.pid,
        "Hostname": info.hostname,
    });
    serde_json::to_vec_pretty(&j).expect("lock JSON serializes")
}

/// Reads a lock description written by [`lock_to_json`] or by Terraform (which records no process id:
/// such locks are never taken over, only force-unlocked).
pub fn lock_from_json(data: &[u8]) -> Result<LockInfo, StateError> {
    let j: Json = serde_json::from_slice(data)
        .map_err(|e| StateError::Corrupt(format!("the lock description is not valid JSON: {e}")))?;
    let s = |k: &str| {
        j.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let who = s("Who");
    let hostname = match j.get("Hostname").and_then(Json::as_str) {
        Some(h) => h.to_string(),
        None => who
            .rsplit_once('@')
            .map(|(_, h)| h.to_string())
            .unwrap_or_default(),
    };
    Ok(LockInfo {
        id: s("ID"),
        operation: s("Operation"),
        who,
        created: s("Created"),
        // Without a process id the holder cannot be checked, so the lock counts as alive (pid 1).
        pid: j.get("Pid").and_then(Json::as_u64).map_or(1, |p| p as u32),
        hostname,
        version: s("Version"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_terraform_locks() {
        let info = crate::conformance::lock_info("abc", 42);
        assert_eq!(lock_from_json(&lock_to_json(&info, "p")).unwrap(), info);
        let tf = br#"{"ID":"x","Operation":"OperationTypeApply","Info":"","Who":"me@box","Version":"1.0.3","Created":"2021-01-01T00:00:00Z","Path":"terraform.tfstate"}"#;
        let l = lock_from_json(tf).unwrap();
        assert_eq!((l.id.as_str(), l.hostname.as_str(), l.pid), ("x", "box", 1));
        assert_eq!(l.version, "1.0.3");
        assert!(lock_from_json(b"{not json").is_err());
    }
}
