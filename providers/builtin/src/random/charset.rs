//! The characters of `random_string` and `random_password`: the classes, and generation honouring
//! each class's minimum count.

use super::{int_attr, str_attr};
use rand::Rng;
use rand::seq::SliceRandom;
use terrane_values::Value;

const NUMERIC: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

/// What to generate.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pub length: usize,
    pub upper: bool,
    pub min_upper: usize,
    pub lower: bool,
    pub min_lower: usize,
    pub numeric: bool,
    pub min_numeric: usize,
    pub special: bool,
    pub min_special: usize,
    pub override_special: String,
}

impl Params {
    /// The parameters of a planned `random_string` or `random_password`.
    pub fn from_value(v: &Value) -> Params {
        let flag = |name: &str| {
            terrane_provider_sdk::attr(v, name)
                .and_then(Value::as_bool)
                .unwrap_or(true)
        };
        let count = |name: &str| int_attr(v, name).unwrap_or(0).max(0) as usize;
        Params {
            length: count("length"),
            upper: flag("upper"),
            min_upper: count("min_upper"),
            lower: flag("lower"),
            min_lower: count("min_lower"),
            numeric: flag("numeric"),
            min_numeric: count("min_numeric"),
            special: flag("special"),
            min_special: count("min_special"),
            override_special: str_attr(v, "override_special").to_string(),
        }
    }
}

/// Generates a string: the required minimum of each class (whether or not the class is enabled, as
/// the provider does), the rest from the enabled classes, all shuffled.
pub fn generate(p: &Params, rng: &mut impl Rng) -> Result<String, String> {
    let special: Vec<char> = if p.override_special.is_empty() {
        SPECIAL.chars().collect()
    } else {
        p.override_special.chars().collect()
    };
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let mut pool = Vec::new();
    for (on, class) in [
        (p.upper, chars(UPPER)),
        (p.lower, chars(LOWER)),
        (p.numeric, chars(NUMERIC)),
        (p.special, special.clone()),
    ] {
        if on {
            pool.extend(class);
        }
    }
    let mut out: Vec<char> = Vec::with_capacity(p.length);
    let minimums = [
        (p.min_numeric, chars(NUMERIC)),
        (p.min_lower, chars(LOWER)),
        (p.min_upper, chars(UPPER)),
        (p.min_special, special),
    ];
    for (n, class) in &minimums {
        out.extend((0..*n).map(|_| class[rng.gen_range(0..class.len())]));
    }
    let rest = p.length.saturating_sub(out.len());
    if rest > 0 && pool.is_empty() {
        return Err("no character class is enabled: at least one of `upper`, `lower`, `numeric` and `special` must be true".to_string());
    }
    out.extend((0..rest).map(|_| pool[rng.gen_range(0..pool.len())]));
    out.shuffle(rng);
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(s: &str, class: &str) -> usize {
        s.chars().filter(|c| class.contains(*c)).count()
    }

    fn params(length: usize) -> Params {
        Params {
            length,
            upper: true,
            lower: true,
            numeric: true,
            special: true,
            ..Params::default()
        }
    }

    #[test]
    fn length_and_default_classes() {
        let s = generate(&params(64), &mut rand::thread_rng()).unwrap();
        assert_eq!(s.chars().count(), 64);
        assert!(s.chars().all(|c| UPPER.contains(c)
            || LOWER.contains(c)
            || NUMERIC.contains(c)
            || SPECIAL.contains(c)));
    }

    #[test]
    fn disabled_classes_are_absent() {
        let p = Params {
            special: false,
            upper: false,
            ..params(200)
        };
        let s = generate(&p, &mut rand::thread_rng()).unwrap();
        assert_eq!(count(&s, UPPER) + count(&s, SPECIAL), 0);
        assert_eq!(count(&s, LOWER) + count(&s, NUMERIC), 200);
    }

    #[test]
    fn minimums_are_honoured() {
        for _ in 0..50 {
            let p = Params {
                min_upper: 3,
                min_lower: 2,
                min_numeric: 4,
                min_special: 5,
                ..params(14)
            };
            let s = generate(&p, &mut rand::thread_rng()).unwrap();
            assert_eq!(s.chars().count(), 14);
            assert_eq!(
                (
                    count(&s, UPPER),
                    count(&s, LOWER),
                    count(&s, NUMERIC),
                    count(&s, SPECIAL)
                ),
                (3, 2, 4, 5)
            );
        }
    }

    #[test]
    fn minimums_apply_even_to_disabled_classes() {
        let p = Params {
            numeric: false,
            min_numeric: 3,
            ..params(10)
        };
        let s = generate(&p, &mut rand::thread_rng()).unwrap();
        assert_eq!(count(&s, NUMERIC), 3);
    }

    #[test]
    fn override_special_replaces_the_special_set() {
        let p = Params {
            upper: false,
            lower: false,
            numeric: false,
            override_special: "_-".into(),
            min_special: 2,
            ..params(30)
        };
        let s = generate(&p, &mut rand::thread_rng()).unwrap();
        assert!(s.chars().all(|c| c == '_' || c == '-'), "{s}");
    }

    #[test]
    fn no_class_enabled_is_an_error() {
        let p = Params {
            length: 4,
            ..Params::default()
        };
        assert!(generate(&p, &mut rand::thread_rng()).is_err());
    }
}
