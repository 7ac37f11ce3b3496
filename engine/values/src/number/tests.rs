//! Number tests; expected texts are what Go's math/big (and so Terraform) prints.

use super::*;

fn n(s: &str) -> Number {
    Number::parse(s).unwrap()
}

#[test]
fn decimal_sums_print_like_terraform() {
    assert_eq!(n("0.1").add(&n("0.2")).unwrap().to_string(), "0.3");
    assert!(n("0.1").add(&n("0.2")).unwrap().equals(&n("0.3")));
    assert_eq!(n("1.0").to_string(), "1");
    assert_eq!(n("10").div(&n("4")).unwrap().to_string(), "2.5");
    assert_eq!(n("1e3").to_string(), "1000");
    assert_eq!(n("-0.5").to_string(), "-0.5");
    assert_eq!(n("12.50").to_string(), "12.5");
}

#[test]
fn one_third_has_512_bits_of_digits() {
    let third = n("1").div(&n("3")).unwrap().to_string();
    assert_eq!(
        third,
        "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335"
    );
}

#[test]
fn large_and_tiny_values_stay_exact() {
    let huge = n("1e40").mul(&n("1e40")).unwrap().to_string();
    assert_eq!(huge, format!("1{}", "0".repeat(80)));
    assert_eq!(
        n("1").div(&n("1e30")).unwrap().to_string(),
        "0.000000000000000000000000000001"
    );
    assert_eq!(
        n("123456789012345678901").to_string(),
        "123456789012345678901"
    );
    let c = n("1e20").add(&n("0.5")).unwrap();
    assert_eq!(c.ceil().to_string(), "100000000000000000001");
    assert_eq!(c.floor().to_string(), "100000000000000000000");
}

#[test]
fn precision_follows_go() {
    assert_eq!(Number::from_f64(0.1).unwrap().to_string(), "0.1");
    let a = Number::from_i64(1);
    let b = Number::from_i64(3);
    // Two 64-bit integers divide at 64-bit precision.
    assert_eq!(a.div(&b).unwrap().to_string(), "0.33333333333333333334");
    assert_eq!(
        Number::from_f64(1.0 / 3.0).unwrap().to_string(),
        "0.3333333333333333"
    );
}

#[test]
fn modulo_and_signs() {
    assert_eq!(n("5").modulo(&n("0")).unwrap().to_string(), "5");
    assert_eq!(n("10").modulo(&n("3")).unwrap().to_string(), "1");
    assert_eq!(n("-7").modulo(&n("3")).unwrap().to_string(), "-1");
    assert_eq!(n("10.5").modulo(&n("3")).unwrap().to_string(), "1.5");
    assert_eq!(n("-0").to_string(), "-0");
    assert!(n("-0").equals(&n("0")));
    assert_eq!(n("1").div(&n("0")).unwrap().to_string(), "+Inf");
    assert!(n("0").div(&n("0")).is_err());
}

#[test]
fn ordering() {
    assert_eq!(n("-1").cmp_value(&n("0.5")), Ordering::Less);
    assert_eq!(n("100").cmp_value(&n("99.999")), Ordering::Greater);
    assert_eq!(n("-100").cmp_value(&n("-99.999")), Ordering::Less);
    assert_eq!(n("2").cmp_value(&Number::from_i64(2)), Ordering::Equal);
}

#[test]
fn set_key_text_is_ten_significant_digits() {
    assert_eq!(n("100").to_set_key(), "100");
    assert_eq!(n("1e20").to_set_key(), "1e+20");
    assert_eq!(n("0.5").to_set_key(), "0.5");
    assert_eq!(n("12345678901").to_set_key(), "1.23456789e+10");
    assert_eq!(n("0.00001").to_set_key(), "1e-05");
    assert_eq!(n("-1").to_set_key(), "-1");
}

#[test]
fn parse_rejects_garbage() {
    for bad in ["", "abc", "1e", "1.2.3", " 1", "--1", "0x10"] {
        assert!(Number::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(n("+Inf").to_string(), "+Inf");
    assert_eq!(n(".5").to_string(), "0.5");
    assert_eq!(n("5.").to_string(), "5");
}

#[test]
fn conversions() {
    assert_eq!(n("42").to_i64(), Some(42));
    assert_eq!(n("4.2").to_i64(), None);
    assert_eq!(n("0.1").to_f64(), 0.1);
    assert_eq!(n("2.5").to_text('f', 2), "2.50");
    assert_eq!(n("2.5").to_text('e', -1), "2.5e+00");
}
