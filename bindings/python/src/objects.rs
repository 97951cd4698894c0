//! Python objects read straight into a typed request, exactly as their JSON text would be read.
//!
//! A serde deserializer over JSON-shaped objects (`dict` with `str` keys, `list`, `tuple`, `str`,
//! `int`, `float`, `bool`, `None`) that proves the rulebook's input bounds in the same walk. It
//! takes no liberty the JSON text would not: `True` is not the number 1, `1` is not a truth value,
//! a number is not a string. Anything else (a `Decimal`, a `date`, a subclass of `dict`, `list` or
//! `tuple`, whose own methods `json.dumps` would call, a value out of bounds, a value of the wrong
//! type) is [`Refused`] without a message: the caller then encodes the objects as compact JSON text
//! for the core's reader, which accepts or gives the error its code, path and message.

use origo::rulebook::Limits;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

/// The objects cannot be read directly; the JSON layer decides.
#[derive(Debug)]
pub(crate) struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("read through the JSON layer instead")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Refused
    }
}

impl From<PyErr> for Refused {
    fn from(_: PyErr) -> Self {
        Refused
    }
}

type Result<T> = std::result::Result<T, Refused>;

/// Reads `object` as `T` within `limits`, or refuses.
pub(crate) fn read<T: DeserializeOwned>(object: &Bound<'_, PyAny>, limits: &Limits) -> Result<T> {
    let (max_list, strings_bounded) = origo::json::bounds_under("", limits);
    let mut budget = Budget { limits, size: 0 };
    let at = Place { depth: 0, max_list, strings_bounded };
    let value = T::deserialize(Objects { object, at, budget: &mut budget })?;
    if budget.size > limits.max_input_bytes {
        return Err(Refused);
    }
    Ok(value)
}

/// Where a value sits, as far as the bounds are concerned.
#[derive(Debug, Clone, Copy)]
struct Place {
    depth: usize,
    /// The most entries a list here may hold.
    max_list: usize,
    /// Whether a string here is held to the character bound (whole-file fields are not).
    strings_bounded: bool,
}

impl Place {
    /// The place of the value under `key` in a map here.
    fn under_key(self, key: &str, limits: &Limits) -> Place {
        let (max_list, strings_bounded) = origo::json::bounds_under(key, limits);
        Place { depth: self.depth + 1, max_list, strings_bounded }
    }

    /// The place of an entry of a list here.
    fn in_list(self) -> Place {
        Place { depth: self.depth + 1, ..self }
    }
}

/// The longest JSON text of one character: `\u00XX`. The input size is counted from above: no
/// compact JSON text of the objects (as the caller encodes them) is longer than the count.
const ESCAPED: usize = 6;

/// The longest JSON text of a number, a truth value or `null` the reader takes: an `i64` or `u64`
/// has at most 20 characters, a float's shortest form at most 24.
const SCALAR: usize = 40;

/// The bounds, and the size of the request's JSON text so far, counted from above.
struct Budget<'l> {
    limits: &'l Limits,
    size: usize,
}

impl Budget<'_> {
    /// Counts `chars` of text at `at`: whether the depth and the size so far keep the bounds.
    fn count(&mut self, at: Place, chars: usize) -> bool {
        self.size = self.size.saturating_add(chars);
        at.depth <= self.limits.max_depth && self.size <= self.limits.max_input_bytes
    }

    /// Counts a string at `at`: whether it keeps the bounds, its characters included.
    fn string(&mut self, text: &Bound<'_, PyString>, at: Place) -> bool {
        let Ok(chars) = text.len() else { return false };
        self.count(at, chars.saturating_mul(ESCAPED) + 2)
            && (!at.strings_bounded || chars <= self.limits.max_string_chars)
    }

    /// Counts an object key with its quotes, colon and comma.
    fn key(&mut self, key: &str) {
        self.size = self.size.saturating_add(key.len().saturating_mul(ESCAPED) + 4);
    }

    /// Counts a whole value without reading it: whether it is JSON-shaped and keeps the bounds.
    fn fits(&mut self, value: &Bound<'_, PyAny>, at: Place) -> bool {
        if let Ok(text) = value.cast::<PyString>() {
            self.string(text, at)
        } else if let Ok(map) = value.cast_exact::<PyDict>() {
            self.count(at, 2)
                && map.iter().all(|(key, child)| {
                    let Ok(key) = key.cast::<PyString>() else { return false };
                    let Ok(key) = key.to_cow() else { return false };
                    self.key(&key);
                    self.fits(&child, at.under_key(&key, self.limits))
                })
        } else if let Ok(list) = value.cast_exact::<PyList>() {
            self.count(at, 2 + list.len())
                && list.len() <= at.max_list
                && list.iter().all(|item| self.fits(&item, at.in_list()))
        } else if let Ok(tuple) = value.cast_exact::<PyTuple>() {
            self.fits(&tuple.to_list().into_any(), at)
        } else {
            Scalar::of(value).is_some() && self.count(at, SCALAR)
        }
    }
}

/// The JSON scalars the reader takes: `None`, a truth value, an integer of at most 64 bits, a
/// finite float (JSON has no NaN or infinity; `json.dumps` would write them, and the reader refuse
/// them).
// A float is handed to the typed read untouched, as the JSON reader would: no arithmetic.
#[allow(clippy::disallowed_types)]
enum Scalar {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
}

impl Scalar {
    /// `value` as a JSON scalar, if it is one.
    fn of(value: &Bound<'_, PyAny>) -> Option<Scalar> {
        if value.is_none() {
            Some(Scalar::Null)
        } else if let Ok(flag) = value.cast::<PyBool>() {
            Some(Scalar::Bool(flag.is_true()))
        } else if value.is_instance_of::<PyInt>() {
            value.extract().map(Scalar::U64).or_else(|_| value.extract().map(Scalar::I64)).ok()
        } else if let Ok(x) = value.cast::<PyFloat>() {
            let x = x.value();
            x.is_finite().then_some(Scalar::F64(x))
        } else {
            None
        }
    }
}

/// The kind of scalar a type asks for.
#[derive(Clone, Copy)]
enum Asked {
    Number,
    Any,
}

/// One Python value being read, with its place.
struct Objects<'b, 'l, 'py> {
    object: &'b Bound<'py, PyAny>,
    at: Place,
    budget: &'b mut Budget<'l>,
}

impl<'b, 'py> Objects<'b, '_, 'py> {
    /// Counts `chars` of text for this value, or refuses it past the bounds.
    fn entered(&mut self, chars: usize) -> Result<()> {
        if self.budget.count(self.at, chars) {
            Ok(())
        } else {
            Err(Refused)
        }
    }

    fn string(&mut self) -> Result<&'b Bound<'py, PyString>> {
        let text = self.object.cast::<PyString>().map_err(|_| Refused)?;
        if self.budget.string(text, self.at) {
            Ok(text)
        } else {
            Err(Refused)
        }
    }

    /// Visits this value as a JSON scalar of the kind `asked`: where a number is asked for, `null`
    /// and truth values are refused, as the JSON reader refuses them.
    fn scalar<'de, V: Visitor<'de>>(mut self, visitor: V, asked: Asked) -> Result<V::Value> {
        self.entered(SCALAR)?;
        match (Scalar::of(self.object), asked) {
            (Some(Scalar::Null), Asked::Any) => visitor.visit_unit(),
            (Some(Scalar::Bool(flag)), Asked::Any) => visitor.visit_bool(flag),
            (Some(Scalar::U64(n)), _) => visitor.visit_u64(n),
            (Some(Scalar::I64(n)), _) => visitor.visit_i64(n),
            (Some(Scalar::F64(x)), _) => visitor.visit_f64(x),
            _ => Err(Refused),
        }
    }

    fn sequence<'de, V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value> {
        let items = if let Ok(list) = self.object.cast_exact::<PyList>() {
            list.clone()
        } else if let Ok(tuple) = self.object.cast_exact::<PyTuple>() {
            tuple.to_list()
        } else {
            return Err(Refused);
        };
        self.entered(2 + items.len())?;
        if items.len() > self.at.max_list {
            return Err(Refused);
        }
        let mut entries = Entries { items, next: 0, at: self.at.in_list(), budget: self.budget };
        let value = visitor.visit_seq(&mut entries)?;
        if entries.next < entries.items.len() {
            return Err(Refused);
        }
        Ok(value)
    }

    fn map<'de, V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value> {
        let map = self.object.cast_exact::<PyDict>().map_err(|_| Refused)?;
        self.entered(2)?;
        visitor.visit_map(&mut Fields { entries: map.iter(), value: None, at: self.at, budget: self.budget })
    }
}

/// The entries of a list or tuple.
struct Entries<'b, 'l, 'py> {
    items: Bound<'py, PyList>,
    next: usize,
    at: Place,
    budget: &'b mut Budget<'l>,
}

impl<'de> de::SeqAccess<'de> for &mut Entries<'_, '_, '_> {
    type Error = Refused;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Ok(item) = self.items.get_item(self.next) else { return Ok(None) };
        self.next += 1;
        seed.deserialize(Objects { object: &item, at: self.at, budget: self.budget }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// The fields of a dict: string keys only, as in JSON.
struct Fields<'b, 'l, 'py> {
    entries: pyo3::types::iter::BoundDictIterator<'py>,
    /// The value of the key just read, with its place.
    value: Option<(Bound<'py, PyAny>, Place)>,
    at: Place,
    budget: &'b mut Budget<'l>,
}

impl<'de> de::MapAccess<'de> for &mut Fields<'_, '_, '_> {
    type Error = Refused;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        let key = key.cast_into::<PyString>().map_err(|_| Refused)?;
        let key = key.to_cow()?;
        self.budget.key(&key);
        self.value = Some((value, self.at.under_key(&key, self.budget.limits)));
        seed.deserialize(key.as_ref().into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let (object, at) = self.value.take().ok_or(Refused)?;
        seed.deserialize(Objects { object: &object, at, budget: self.budget })
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            self.scalar(visitor, Asked::Number)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Objects<'_, '_, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let object = self.object;
        if object.is_instance_of::<PyString>() {
            self.deserialize_str(visitor)
        } else if object.is_exact_instance_of::<PyDict>() {
            self.map(visitor)
        } else if object.is_exact_instance_of::<PyList>() || object.is_exact_instance_of::<PyTuple>() {
            self.sequence(visitor)
        } else {
            self.scalar(visitor, Asked::Any)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value> {
        let flag = self.object.cast::<PyBool>().map_err(|_| Refused)?.is_true();
        self.entered(SCALAR)?;
        visitor.visit_bool(flag)
    }

    numbers!(
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    );

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value> {
        visitor.visit_str(&self.string()?.to_cow()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// JSON has no bytes.
    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(Refused)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(Refused)
    }

    fn deserialize_option<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value> {
        if self.object.is_none() {
            self.entered(SCALAR)?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value> {
        if !self.object.is_none() {
            return Err(Refused);
        }
        self.entered(SCALAR)?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.sequence(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.sequence(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, visitor: V) -> Result<V::Value> {
        self.sequence(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.map(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.map(visitor)
    }

    /// A unit variant, written as its name. A variant with data (`{"name": value}`) is left to the
    /// JSON layer: the contract's requests have none.
    fn deserialize_enum<V: Visitor<'de>>(
        mut self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let name = self.string()?.to_cow()?;
        visitor.visit_enum(name.as_ref().into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// A value the type ignores is not read, but its JSON text would still count toward the bounds.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if !self.budget.fits(self.object, self.at) {
            return Err(Refused);
        }
        visitor.visit_unit()
    }
}
