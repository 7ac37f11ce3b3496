//! What `terrane console` evaluates expressions in: the root module with every variable, local value,
//! output and module expansion evaluated, and resources and data sources as the state has them.
//!
//! The values come from a refresh-only walk without refreshing, so no provider is asked to plan or
//! read a managed resource: what the console shows is what the state holds, as in Terraform.

use crate::common::{Common, Context};
use crate::eval_state::Repetition;
use crate::plan::{PlanOptions, plan_walk};
use crate::variables::RawInput;
use std::collections::BTreeMap;
use terrane_addrs::ModuleInstance;
use terrane_config::ast::Expr;
use terrane_diagnostics::Diagnostics;
use terrane_plan::PlanMode;
use terrane_state::State;
use terrane_values::Value;

/// Evaluates expressions in the root module.
pub struct Evaluator {
    common: Option<Common>,
}

impl Evaluator {
    /// The value of an expression, with the problems found. References are checked against the
    /// root module's declarations first, as in configuration.
    pub fn evaluate(&self, expr: &Expr) -> (Value, Diagnostics) {
        let Some(common) = &self.common else {
            return (Value::dynamic_unknown(), Diagnostics::new());
        };
        let mut diags =
            terrane_config::validate::validate_expression(&common.ctx.config.root, expr);
        if diags.has_errors() {
            return (Value::dynamic_unknown(), diags);
        }
        let (v, d) = common.eval_in(&ModuleInstance::root(), expr, &Repetition::Single);
        diags.extend(d);
        (v, diags)
    }
}

/// Evaluates the configuration against the state, with the given root module variables.
pub async fn evaluator(
    ctx: &Context,
    state: &State,
    inputs: BTreeMap<String, RawInput>,
) -> (Evaluator, Diagnostics) {
    let opts = PlanOptions {
        mode: PlanMode::RefreshOnly,
        refresh: false,
        inputs,
        evaluate_only: true,
        ..PlanOptions::default()
    };
    let (_, diags, common) = plan_walk(ctx, state, &opts).await;
    (Evaluator { common }, diags)
}
