//! Answers as compact JSON text, byte for byte as `serde_json::to_string` writes them.
//!
//! An answer is mostly text (names, descriptions, messages in Chinese and English), and
//! serde_json looks at a string's bytes one at a time for the few it must escape. This writer
//! looks at eight at a time and copies the runs between them whole. Everything else is written as
//! serde_json writes it: integers through the same `itoa`, and a float or a map key that is not
//! text by serde_json itself. The tests hold the two writers to the same bytes.

use serde::ser::{self, Error as _, Impossible, Serialize};
use serde_json::{Error, Result};

/// `value` as compact JSON text.
pub fn write<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut out = String::with_capacity(1024);
    value.serialize(Writer { out: &mut out })?;
    Ok(out)
}

/// Writes `text` as a JSON string.
fn string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut run = 0;
    while let Some(at) = next_to_escape(text.as_bytes(), run) {
        // `at` is an ASCII byte, so both slices end on character boundaries.
        out.push_str(text.get(run..at).unwrap_or_default());
        let byte = text.as_bytes().get(at).copied().unwrap_or_default();
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0C => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
        run = at + 1;
    }
    out.push_str(text.get(run..).unwrap_or_default());
    out.push('"');
}

/// The index of the first byte from `from` on that JSON escapes: a quote, a backslash or a
/// control character. Eight bytes at a time; the last eight of the text are read again as one
/// window, with the bytes already looked at masked off.
fn next_to_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let found = to_escape(chunk);
        if found != 0 {
            return Some(i + found.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    let Some(last) = bytes.len().checked_sub(8) else {
        // A text shorter than eight bytes, padded with spaces, which JSON does not escape.
        let rest = bytes.get(i..)?;
        let mut padded = [b' '; 8];
        padded.get_mut(..rest.len())?.copy_from_slice(rest);
        let found = to_escape(&padded);
        return (found != 0).then(|| i + found.trailing_zeros() as usize / 8);
    };
    let seen = i.checked_sub(last)?;
    let found = to_escape(bytes.get(last..)?) & u64::MAX.checked_shl(8 * seen as u32).unwrap_or(0);
    (found != 0).then(|| last + found.trailing_zeros() as usize / 8)
}

/// The high bit of each of the eight bytes of `chunk` that JSON escapes, exactly: no carry
/// crosses from one byte to the next.
fn to_escape(chunk: &[u8]) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const LOW7: u64 = ONES * 0x7F;
    const HIGH: u64 = ONES << 7;
    let Ok(bytes) = <[u8; 8]>::try_from(chunk) else { return 0 };
    let x = u64::from_le_bytes(bytes);
    // Bytes below `n` (n ≤ 128): the low seven bits plus 128 - n carry into the high bit
    // exactly when they are at least n.
    let below = |y: u64, n: u8| !(((y & LOW7) + ONES * u64::from(0x80 - n)) | y) & HIGH;
    below(x, 0x20) | below(x ^ (ONES * u64::from(b'"')), 1) | below(x ^ (ONES * u64::from(b'\\')), 1)
}

fn integer(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// What values and keys write alike: text (a character, a unit variant's name) as a JSON string,
/// and an `Option`'s or newtype's content as itself.
macro_rules! text_and_wrappers {
    () => {
        fn serialize_char(self, v: char) -> Result<()> {
            string(self.out, v.encode_utf8(&mut [0; 4]));
            Ok(())
        }

        fn serialize_str(self, v: &str) -> Result<()> {
            string(self.out, v);
            Ok(())
        }

        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
            value.serialize(self)
        }

        fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
            self.serialize_str(variant)
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<()> {
            value.serialize(self)
        }
    };
}

/// The writer of one value.
struct Writer<'a> {
    out: &'a mut String,
}

impl<'a> Writer<'a> {
    /// A value serde_json writes in its own way, written by it.
    fn by_serde_json<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        self.out.push_str(&serde_json::to_string(value)?);
        Ok(())
    }

    /// Opens `{"variant":` around what follows.
    fn variant(self, variant: &str) -> Writer<'a> {
        self.out.push('{');
        string(self.out, variant);
        self.out.push(':');
        self
    }

    fn open(self, bracket: char, close: &'static str) -> Compound<'a> {
        self.out.push(bracket);
        Compound { out: self.out, first: true, close }
    }
}

macro_rules! integers {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method(self, v: $ty) -> Result<()> {
            integer(self.out, v);
            Ok(())
        }
    )*};
}

// serde's serializer names floats; serde_json writes them, with no arithmetic here.
#[allow(clippy::disallowed_types)]
impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    text_and_wrappers!();

    integers!(
        serialize_i8: i8 serialize_i16: i16 serialize_i32: i32 serialize_i64: i64 serialize_i128: i128
        serialize_u8: u8 serialize_u16: u16 serialize_u32: u32 serialize_u64: u64 serialize_u128: u128
    );

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        self.by_serde_json(&v)
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        self.by_serde_json(&v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.by_serde_json(v)
    }

    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }

    fn serialize_unit(self) -> Result<()> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        self.serialize_unit()
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        let inner = self.variant(variant);
        let out = &mut *inner.out;
        value.serialize(Writer { out: &mut *out })?;
        out.push('}');
        Ok(())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>> {
        Ok(self.open('[', "]"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>> {
        Ok(self.open('[', "]"))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>> {
        Ok(self.open('[', "]"))
    }

    fn serialize_tuple_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Compound<'a>> {
        Ok(self.variant(variant).open('[', "]}"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>> {
        Ok(self.open('{', "}"))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>> {
        Ok(self.open('{', "}"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>> {
        Ok(self.variant(variant).open('{', "}}"))
    }
}

/// An array or object being written: a comma before every entry but the first.
struct Compound<'a> {
    out: &'a mut String,
    first: bool,
    close: &'static str,
}

impl Compound<'_> {
    fn next(&mut self) -> Writer<'_> {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        Writer { out: self.out }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<()> {
        let writer = self.next();
        string(writer.out, key);
        writer.out.push(':');
        value.serialize(writer)
    }

    fn close(self) -> Result<()> {
        self.out.push_str(self.close);
        Ok(())
    }
}

macro_rules! elements {
    ($($trait:ident: $method:ident)*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                value.serialize(self.next())
            }

            fn end(self) -> Result<()> {
                self.close()
            }
        }
    )*};
}

elements!(
    SerializeSeq: serialize_element SerializeTuple: serialize_element
    SerializeTupleStruct: serialize_field SerializeTupleVariant: serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        key.serialize(Key { out: self.next().out })
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.out.push(':');
        value.serialize(Writer { out: self.out })
    }

    fn end(self) -> Result<()> {
        self.close()
    }
}

macro_rules! fields {
    ($($trait:ident)*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;

            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
                self.field(key, value)
            }

            fn end(self) -> Result<()> {
                self.close()
            }
        }
    )*};
}

fields!(SerializeStruct SerializeStructVariant);

/// The writer of an object key: text as text; anything else (a number, a truth value) as
/// serde_json writes it as a key, or refused as serde_json refuses it.
struct Key<'a> {
    out: &'a mut String,
}

impl Key<'_> {
    fn by_serde_json<T: Serialize>(self, key: T) -> Result<()> {
        /// `{key: null}`, for serde_json to write the key.
        struct Entry<T>(T);
        impl<T: Serialize> Serialize for Entry<T> {
            fn serialize<S: ser::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                use ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(&self.0, &())?;
                map.end()
            }
        }
        let text = serde_json::to_string(&Entry(key))?;
        let key = text.strip_prefix('{').and_then(|t| t.strip_suffix(":null}"));
        self.out.push_str(key.ok_or_else(|| Error::custom("key must be a string"))?);
        Ok(())
    }
}

fn not_a_key<T>() -> Result<T> {
    Err(Error::custom("key must be a string"))
}

macro_rules! keys_by_serde_json {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method(self, v: $ty) -> Result<()> {
            self.by_serde_json(v)
        }
    )*};
}

// serde's serializer names floats; serde_json writes them, with no arithmetic here.
#[allow(clippy::disallowed_types)]
impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    text_and_wrappers!();

    keys_by_serde_json!(
        serialize_bool: bool serialize_f32: f32 serialize_f64: f64
        serialize_i8: i8 serialize_i16: i16 serialize_i32: i32 serialize_i64: i64 serialize_i128: i128
        serialize_u8: u8 serialize_u16: u16 serialize_u32: u32 serialize_u64: u64 serialize_u128: u128
    );

    fn serialize_bytes(self, _: &[u8]) -> Result<()> {
        not_a_key()
    }

    fn serialize_none(self) -> Result<()> {
        not_a_key()
    }

    fn serialize_unit(self) -> Result<()> {
        not_a_key()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        not_a_key()
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        not_a_key()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        not_a_key()
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        not_a_key()
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
        not_a_key()
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        not_a_key()
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        not_a_key()
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        not_a_key()
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        not_a_key()
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types)] // floats, to hold them to serde_json's writing
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// Both writers give the same bytes, or both refuse.
    fn same<T: Serialize + ?Sized>(value: &T) {
        match (write(value), serde_json::to_string(value)) {
            (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs),
            (Err(_), Err(_)) => {}
            (ours, theirs) => panic!("ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn every_escape_is_written_as_serde_json_writes_it() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for text in [
            "",
            "plain",
            "\"",
            "\\",
            "a\"b\\c",
            "0123456\"",
            "01234567\"",
            "012345678\\",
            "汉字 \u{7f} \u{1f} é \u{2028}",
            "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1e}",
            &every_ascii,
            &every_ascii.repeat(3),
        ] {
            same(text);
            // At every offset from an eight-byte chunk's start.
            for pad in 0..9 {
                same(&format!("{}{text}", "x".repeat(pad)));
            }
        }
    }

    #[derive(Serialize)]
    #[allow(dead_code)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(i32, String),
        Struct { a: Option<u8>, b: Vec<Shape> },
    }

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum KeyVariant {
        First,
        Second,
    }

    #[derive(Serialize)]
    struct Zoo {
        unit: (),
        none: Option<u8>,
        some: Option<&'static str>,
        shapes: Vec<Shape>,
        empty: Vec<u8>,
        empty_map: BTreeMap<String, u8>,
        tuple: (bool, char, i128, u128, f32, f64),
        not_finite: [f64; 3],
        #[serde(with = "serde_bytes_as_bytes")]
        bytes: Vec<u8>,
        by_int: BTreeMap<i64, u8>,
        by_bool: BTreeMap<bool, u8>,
        by_char: BTreeMap<char, u8>,
        by_variant: BTreeMap<KeyVariant, u8>,
    }

    /// Bytes as serde's bytes, not as a sequence.
    mod serde_bytes_as_bytes {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn every_kind_of_value_is_written_as_serde_json_writes_it() {
        let zoo = Zoo {
            unit: (),
            none: None,
            some: Some("x\ny"),
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(7),
                Shape::Tuple(-3, "t".into()),
                Shape::Struct { a: None, b: vec![Shape::Unit, Shape::Struct { a: Some(1), b: vec![] }] },
            ],
            empty: vec![],
            empty_map: BTreeMap::new(),
            tuple: (true, '"', i128::MIN, u128::MAX, 1.5, -0.1),
            not_finite: [f64::NAN, f64::INFINITY, 1e300],
            bytes: vec![0, 1, 255],
            by_int: [(-1, 1), (20, 2)].into(),
            by_bool: [(false, 1), (true, 2)].into(),
            by_char: [('\\', 1), ('汉', 2)].into(),
            by_variant: [(KeyVariant::First, 1), (KeyVariant::Second, 2)].into(),
        };
        same(&zoo);
        let by_small_int: BTreeMap<i8, u8> = [(1, 1)].into();
        same(&by_small_int);
        // Keys serde_json refuses are refused.
        let by_list: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        same(&by_list);
        assert!(write(&by_list).is_err());
        let by_unit: BTreeMap<(), u8> = [((), 1)].into();
        assert!(write(&by_unit).is_err());
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::from),
            "[\\x00-\\x7f]{0,20}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_value_is_written_as_serde_json_writes_it(v in any_json()) {
            prop_assert_eq!(write(&v).ok(), serde_json::to_string(&v).ok());
        }

        #[test]
        fn any_string_is_written_as_serde_json_writes_it(text in any::<String>(), ascii in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(write(&text).ok(), serde_json::to_string(&text).ok());
            prop_assert_eq!(write(&ascii).ok(), serde_json::to_string(&ascii).ok());
        }
    }
}
