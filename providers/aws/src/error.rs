//! AWS errors: what an SDK call failed with (operation, AWS's code and message, HTTP status), how it
//! is classified (not found, throttled, retryable while AWS catches up), and how it reaches the user
//! as a diagnostic.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::fmt;
use terrane_diagnostics::{Diagnostic, Diagnostics};

/// One failed AWS API call.
#[derive(Clone, Debug)]
pub struct AwsError {
    /// The API operation, e.g. `CreateSubnet`.
    pub op: &'static str,
    /// AWS's error code, e.g. `InvalidVpcID.NotFound`; empty when the answer had none.
    pub code: String,
    /// AWS's message, or a description of a failure that never reached AWS.
    pub message: String,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
}

impl AwsError {
    /// Classifies an SDK error.
    pub fn from_sdk<E>(op: &'static str, err: SdkError<E, HttpResponse>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        let code = err.code().unwrap_or_default().to_string();
        let message = match err.message() {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => match (&err, status) {
                (SdkError::ServiceError(_), Some(s)) if code.is_empty() => format!(
                    "the endpoint answered HTTP {s} without an AWS error code (it may not implement {op})"
                ),
                _ => aws_smithy_types::error::display::DisplayErrorContext(&err).to_string(),
            },
        };
        AwsError {
            op,
            code,
            message,
            status,
        }
    }

    /// An error made up by the provider (a wait that failed, an answer missing something).
    pub fn other(op: &'static str, message: impl Into<String>) -> AwsError {
        AwsError {
            op,
            code: String::new(),
            message: message.into(),
            status: None,
        }
    }

    /// Whether the object the call was about does not exist.
    pub fn is_not_found(&self) -> bool {
        let c = self.code.as_str();
        c.ends_with(".NotFound")
            || c.ends_with("NotFound")
            || c.ends_with("NotFoundFault")
            || c.ends_with("NotFoundException")
            || c == "NoSuchEntity"
            || c == "InvalidAllocationID.NotFound"
            || c == "InvalidAssociationID.NotFound"
    }

    /// Whether AWS asked the caller to slow down.
    pub fn is_throttling(&self) -> bool {
        matches!(
            self.code.as_str(),
            "Throttling"
                | "ThrottlingException"
                | "ThrottledException"
                | "RequestLimitExceeded"
                | "RequestThrottled"
                | "TooManyRequestsException"
                | "ProvisionedThroughputExceededException"
                | "RequestThrottledException"
                | "SlowDown"
                | "PriorRequestNotComplete"
                | "EC2ThrottledException"
        )
    }

    /// Whether the code is one of `codes`.
    pub fn is(&self, codes: &[&str]) -> bool {
        codes.contains(&self.code.as_str())
    }

    /// The error as a diagnostic: `summary` says what was being done (`creating EC2 Subnet`).
    pub fn diag(&self, summary: impl Into<String>) -> Diagnostics {
        Diagnostics::from(Diagnostic::error(summary, self.to_string()))
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "operation {}", self.op)?;
        if let Some(s) = self.status {
            write!(f, " (HTTP {s})")?;
        }
        if self.code.is_empty() {
            write!(f, " failed: {}", self.message)
        } else {
            write!(f, " failed: {}: {}", self.code, self.message)
        }
    }
}

/// Shorthand: maps an SDK error of operation `op` to an [`AwsError`].
pub fn sdk<E>(op: &'static str) -> impl FnOnce(SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    move |e| AwsError::from_sdk(op, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str) -> AwsError {
        AwsError {
            op: "DescribeSubnets",
            code: code.into(),
            message: "m".into(),
            status: Some(400),
        }
    }

    #[test]
    fn classification() {
        assert!(err("InvalidSubnetID.NotFound").is_not_found());
        assert!(err("DBInstanceNotFound").is_not_found());
        assert!(err("ResourceNotFoundException").is_not_found());
        assert!(err("NoSuchEntity").is_not_found());
        assert!(!err("DependencyViolation").is_not_found());
        assert!(err("RequestLimitExceeded").is_throttling());
        assert!(err("Throttling").is_throttling());
    }

    #[test]
    fn diagnostics_name_operation_code_and_message() {
        let d = err("InvalidSubnetID.NotFound").diag("reading EC2 Subnet (subnet-1)");
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "reading EC2 Subnet (subnet-1)");
        assert_eq!(
            d.detail,
            "operation DescribeSubnets (HTTP 400) failed: InvalidSubnetID.NotFound: m"
        );
    }
}
