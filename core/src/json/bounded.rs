//! The typed read that keeps the input bounds as it goes.
//!
//! A serde deserializer around serde_json's that holds every value to the bounds the moment the
//! typed read meets it: the depth, the characters of a string, the entries of a list by the key
//! above it. So ordinary input is read once, typed, with no pass over the text before it. Past a
//! bound it only stops; [`super::read`] then lets the careful reader say which bound and where.
//! It may stop where the careful reader would not (a variant name is held to the string bound,
//! a key given twice is walked twice), never the other way round; read again without the bounds
//! (the same code, so a binary carries one reader per type), it is serde_json's plain typed read.
//!
//! Its layers are marked for inlining, except in WebAssembly: natively that saves about 5 % of a
//! check's instructions; in the browser build it would cost 10 KB gzipped of its size budget.

use super::KeyKind;
use crate::rulebook::Limits;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Visitor};
use std::cell::Cell;
use std::fmt;

/// A read that gave no value.
pub(super) struct Failed {
    pub(super) error: serde_json::Error,
    /// Whether it stopped at a bound rather than at an error of the text or its type.
    pub(super) past_bounds: bool,
}

/// Reads `text` as `T`, stopping at the first value past `bounds` when they are given.
pub(super) fn read<T: DeserializeOwned>(text: &str, bounds: Option<&Limits>) -> Result<T, Failed> {
    let anywhere = bounds.map_or(KeyKind::WholeFile, |limits| KeyKind::of("", limits));
    let walk = Walk { bounds, anywhere, key: Cell::new(anywhere), past_bounds: Cell::new(false) };
    let mut de = serde_json::Deserializer::from_str(text);
    let at = Place { depth: 0, kind: anywhere, role: Role::Value };
    let value = T::deserialize(Bounded { inner: &mut de, at, walk: &walk }).and_then(|value| de.end().map(|()| value));
    match value {
        // A type may turn an error into a value of its own; a stop stays a stop.
        Ok(_) if walk.past_bounds.get() => Err(Failed { error: de::Error::custom(PAST_BOUNDS), past_bounds: true }),
        Ok(value) => Ok(value),
        Err(error) => Err(Failed { error, past_bounds: walk.past_bounds.get() }),
    }
}

/// The message of a stop; never shown, since the careful reader reports the bound instead.
const PAST_BOUNDS: &str = "past the input bounds";

/// What the whole read shares.
struct Walk<'a> {
    /// The bounds kept, if any.
    bounds: Option<&'a Limits>,
    /// The bounds under an ordinary key.
    anywhere: KeyKind,
    /// The bounds under the key (or variant name) read last, for the value that follows it.
    key: Cell<KeyKind>,
    past_bounds: Cell<bool>,
}

impl Walk<'_> {
    /// Stops the read where `past` says a bound is passed.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn stop_if<E: de::Error>(&self, past: impl FnOnce(&Limits) -> bool) -> Result<(), E> {
        match self.bounds {
            Some(limits) if past(limits) => {
                self.past_bounds.set(true);
                Err(E::custom(PAST_BOUNDS))
            }
            _ => Ok(()),
        }
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn within_depth<E: de::Error>(&self, depth: usize) -> Result<(), E> {
        self.stop_if(|limits| depth > limits.max_depth)
    }

    /// Notes the bounds `key` sets for what follows it.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn key_read(&self, key: &str) {
        if let Some(limits) = self.bounds {
            self.key.set(KeyKind::of(key, limits));
        }
    }
}

/// What a piece of text is to the bounds.
#[derive(Clone, Copy)]
enum Role {
    Value,
    /// An object key: it sets the bounds of its value and has none of its own.
    Key,
    /// The name of an enum's variant: a key in `{"variant": ...}`, a string value in `"variant"`,
    /// so both: it sets the bounds of what follows and is held to the string bound.
    Variant,
}

/// Where a value sits.
#[derive(Clone, Copy)]
struct Place {
    depth: usize,
    kind: KeyKind,
    role: Role,
}

impl Place {
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn value(depth: usize, kind: KeyKind) -> Place {
        Place { depth, kind, role: Role::Value }
    }
}

/// The deserializer of one value at its place.
struct Bounded<'a, D> {
    inner: D,
    at: Place,
    walk: &'a Walk<'a>,
}

impl<'a, D> Bounded<'a, D> {
    /// The inner deserializer, and `visitor` wrapped to keep the bounds, once the depth is kept.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn enter<V, E: de::Error>(self, visitor: V) -> Result<(D, Visit<'a, V>), E> {
        self.walk.within_depth(self.at.depth)?;
        Ok((self.inner, Visit { visitor, at: self.at, walk: self.walk }))
    }
}

macro_rules! forward_deserialize {
    ($($method:ident)*) => {$(
        #[cfg_attr(not(target_family = "wasm"), inline)]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            let (inner, visit) = self.enter(visitor)?;
            inner.$method(visit)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Bounded<'_, D> {
    type Error = D::Error;

    forward_deserialize!(
        deserialize_any deserialize_bool deserialize_char deserialize_str deserialize_string
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map deserialize_identifier
    );

    /// A value the type ignores is walked all the same: the careful reader bounds it too.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visit) = self.enter(visitor)?;
        inner.deserialize_any(visit)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visit) = self.enter(visitor)?;
        inner.deserialize_unit_struct(name, visit)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visit) = self.enter(visitor)?;
        inner.deserialize_newtype_struct(name, visit)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visit) = self.enter(visitor)?;
        inner.deserialize_tuple(len, visit)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visit) = self.enter(visitor)?;
        inner.deserialize_tuple_struct(name, len, visit)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visit) = self.enter(visitor)?;
        inner.deserialize_struct(name, fields, visit)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visit) = self.enter(visitor)?;
        inner.deserialize_enum(name, variants, visit)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The caller's visitor, holding what it is shown to the bounds.
struct Visit<'a, V> {
    visitor: V,
    at: Place,
    walk: &'a Walk<'a>,
}

impl<V> Visit<'_, V> {
    /// Takes a key's bounds, or holds a string to the character bound: the bytes bound the
    /// characters from above, so they are counted only when the bytes exceed it.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn text<E: de::Error>(&self, text: &str) -> Result<(), E> {
        match self.at.role {
            Role::Key => {
                self.walk.key_read(text);
                return Ok(());
            }
            Role::Variant => self.walk.key_read(text),
            Role::Value if matches!(self.at.kind, KeyKind::WholeFile) => return Ok(()),
            Role::Value => {}
        }
        self.walk.stop_if(|limits| {
            let max = limits.max_string_chars;
            text.len() > max && text.chars().count() > max
        })
    }

    /// A string read as bytes (a type may ask for them): held to the bound as its text, or, not
    /// being text, refused.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn bytes<E: de::Error>(&self, bytes: &[u8]) -> Result<(), E> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.text(text),
            Err(_) => self.walk.stop_if(|_| true),
        }
    }
}

macro_rules! forward_visit {
    ($($method:ident: $ty:ty)*) => {$(
        #[cfg_attr(not(target_family = "wasm"), inline)]
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.visitor.$method(v)
        }
    )*};
}

// serde's visitor names floats; they pass through untouched, with no arithmetic.
#[allow(clippy::disallowed_types)]
impl<'de, V: Visitor<'de>> Visitor<'de> for Visit<'_, V> {
    type Value = V::Value;

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visit!(
        visit_bool: bool visit_char: char
        visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64 visit_i128: i128
        visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64 visit_u128: u128
        visit_f32: f32 visit_f64: f64
    );

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.bytes(v)?;
        self.visitor.visit_bytes(v)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.bytes(v)?;
        self.visitor.visit_borrowed_bytes(v)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.bytes(&v)?;
        self.visitor.visit_byte_buf(v)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.text(v)?;
        self.visitor.visit_str(v)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.text(v)?;
        self.visitor.visit_borrowed_str(v)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.text(&v)?;
        self.visitor.visit_string(v)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Bounded { inner, at: self.at, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(Bounded { inner, at: self.at, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_seq<A: de::SeqAccess<'de>>(self, inner: A) -> Result<V::Value, A::Error> {
        let at = Place::value(self.at.depth + 1, self.at.kind);
        self.visitor.visit_seq(Entries { inner, at, count: 0, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_map<A: de::MapAccess<'de>>(self, inner: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Fields { inner, depth: self.at.depth + 1, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn visit_enum<A: de::EnumAccess<'de>>(self, inner: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(Choice { inner, at: self.at, walk: self.walk })
    }
}

/// A seed whose value is read at its place.
struct Seed<'a, S> {
    seed: S,
    at: Place,
    walk: &'a Walk<'a>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn deserialize<D: Deserializer<'de>>(self, inner: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Bounded { inner, at: self.at, walk: self.walk })
    }
}

/// The entries of a list, counted against its bound.
struct Entries<'a, A> {
    inner: A,
    /// The place of the entries.
    at: Place,
    count: usize,
    walk: &'a Walk<'a>,
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Entries<'_, A> {
    type Error = A::Error;

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let entry = self.inner.next_element_seed(Seed { seed, at: self.at, walk: self.walk })?;
        if entry.is_some() {
            self.count += 1;
            let (count, kind) = (self.count, self.at.kind);
            self.walk.stop_if(|limits| count > kind.list_bound(limits).0)?;
        }
        Ok(entry)
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The fields of an object: each key sets the bounds of its value.
struct Fields<'a, A> {
    inner: A,
    /// The depth of the values.
    depth: usize,
    walk: &'a Walk<'a>,
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Fields<'_, A> {
    type Error = A::Error;

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        // A key that is not read as text (a number-keyed map) leaves the ordinary bounds.
        self.walk.key.set(self.walk.anywhere);
        let at = Place { depth: self.depth, kind: self.walk.anywhere, role: Role::Key };
        self.inner.next_key_seed(Seed { seed, at, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let at = Place::value(self.depth, self.walk.key.get());
        self.inner.next_value_seed(Seed { seed, at, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// An enum's value: its variant's name, then what the variant holds one level deeper.
struct Choice<'a, A> {
    inner: A,
    /// The place of the enum's value; for a variant, the kind its name sets.
    at: Place,
    walk: &'a Walk<'a>,
}

impl<A> Choice<'_, A> {
    /// The place of what the variant holds, once the depth is kept.
    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn content<E: de::Error>(&self) -> Result<Place, E> {
        let at = Place::value(self.at.depth + 1, self.at.kind);
        self.walk.within_depth(at.depth)?;
        Ok(at)
    }
}

impl<'a, 'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Choice<'a, A> {
    type Error = A::Error;
    type Variant = Choice<'a, A::Variant>;

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant), A::Error> {
        self.walk.key.set(self.walk.anywhere);
        let name = Place { role: Role::Variant, ..self.at };
        let (value, inner) = self.inner.variant_seed(Seed { seed, at: name, walk: self.walk })?;
        let at = Place::value(self.at.depth, self.walk.key.get());
        Ok((value, Choice { inner, at, walk: self.walk }))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Choice<'_, A> {
    type Error = A::Error;

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn unit_variant(self) -> Result<(), A::Error> {
        // In `{"variant": null}` the `null` lies one level deeper, read by serde_json alone.
        self.content::<A::Error>()?;
        self.inner.unit_variant()
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        let at = self.content()?;
        self.inner.newtype_variant_seed(Seed { seed, at, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        let at = self.content()?;
        self.inner.tuple_variant(len, Visit { visitor, at, walk: self.walk })
    }

    #[cfg_attr(not(target_family = "wasm"), inline)]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let at = self.content()?;
        self.inner.struct_variant(fields, Visit { visitor, at, walk: self.walk })
    }
}
