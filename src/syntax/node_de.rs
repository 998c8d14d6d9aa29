//! The spec types read straight from a [`Node`], as `serde_json` reads
//! them from [`Node::to_json`]'s value: the same visitor calls for the
//! same values, without building the JSON value (at fleet scale a map per
//! item, each key hashed and copied) and dropping it again. The caller
//! falls back to `serde_json::from_value(node.to_json())` on any error, so
//! messages stay serde_json's; a test compares both on the repository's
//! specs.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::{Key, Node, NodeKind};

/// Why the direct reading failed; only ever replaced by serde_json's error.
#[derive(Debug)]
pub struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Refused
    }
}

/// `T` from `node`, as `serde_json::from_value(node.to_json())` gives it.
pub fn from_node<'de, T: serde::Deserialize<'de>>(node: &'de Node) -> Result<T, Refused> {
    T::deserialize(NodeDeserializer(node))
}

struct NodeDeserializer<'de>(&'de Node);

impl NodeDeserializer<'_> {
    /// `to_json` turns non-finite floats into null.
    fn is_null(&self) -> bool {
        match &self.0.kind {
            NodeKind::Null => true,
            NodeKind::Float(f) => !f.is_finite(),
            _ => false,
        }
    }
}

impl<'de> Deserializer<'de> for NodeDeserializer<'de> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        if self.is_null() {
            return visitor.visit_unit();
        }
        match &self.0.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            // serde_json keeps non-negative integers unsigned.
            NodeKind::Int(i) => match u64::try_from(*i) {
                Ok(u) => visitor.visit_u64(u),
                Err(_) => visitor.visit_i64(*i),
            },
            NodeKind::Float(f) => visitor.visit_f64(*f),
            NodeKind::Str(s) => visitor.visit_str(s),
            NodeKind::Seq(items) => {
                let mut seq = Items(items.iter());
                let value = visitor.visit_seq(&mut seq)?;
                if seq.0.len() == 0 {
                    Ok(value)
                } else {
                    Err(Refused)
                }
            }
            NodeKind::Map(entries) => {
                let mut map = Entries {
                    entries: entries.iter(),
                    value: None,
                };
                let value = visitor.visit_map(&mut map)?;
                if map.entries.len() == 0 {
                    Ok(value)
                } else {
                    Err(Refused)
                }
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        if self.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        if self.is_null() {
            visitor.visit_unit()
        } else {
            Err(Refused)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refused> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        match &self.0.kind {
            NodeKind::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            NodeKind::Map(entries) if entries.len() == 1 => {
                let (key, value) = &entries[0];
                visitor.visit_enum(Variant { key, value })
            }
            _ => Err(Refused),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct Items<'de>(std::slice::Iter<'de, Node>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Refused;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Refused> {
        self.0
            .next()
            .map(|node| seed.deserialize(NodeDeserializer(node)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de> {
    entries: std::slice::Iter<'de, (Key, Node)>,
    value: Option<&'de Node>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Refused;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refused> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(key_deserializer(&key.name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refused> {
        let value = self.value.take().ok_or(Refused)?;
        seed.deserialize(NodeDeserializer(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A map key: a string. (serde_json also reads numbers and booleans out
/// of keys, and newtypes around them; those go the fallback way.)
fn key_deserializer(key: &str) -> de::value::BorrowedStrDeserializer<'_, Refused> {
    de::value::BorrowedStrDeserializer::new(key)
}

struct Variant<'de> {
    key: &'de Key,
    value: &'de Node,
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Refused;
    type Variant = NodeDeserializer<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, NodeDeserializer<'de>), Refused> {
        let variant = seed.deserialize(key_deserializer(&self.key.name))?;
        Ok((variant, NodeDeserializer(self.value)))
    }
}

impl<'de> VariantAccess<'de> for NodeDeserializer<'de> {
    type Error = Refused;

    fn unit_variant(self) -> Result<(), Refused> {
        if self.is_null() { Ok(()) } else { Err(Refused) }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Refused> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Refused> {
        // serde_json visits an empty array here as a unit: left to it.
        match &self.0.kind {
            NodeKind::Seq(items) if !items.is_empty() => self.deserialize_any(visitor),
            _ => Err(Refused),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        match &self.0.kind {
            NodeKind::Map(_) => self.deserialize_any(visitor),
            _ => Err(Refused),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;
    use crate::spec::SpecFile;

    /// Both ways on a tree: wherever this one reads it, serde_json reads
    /// the same. Whether this one read it.
    fn agrees(name: &str, node: &Node) -> bool {
        let ours: Result<SpecFile, Refused> = from_node(node);
        let theirs: Result<SpecFile, _> = serde_json::from_value(node.to_json());
        match (ours, theirs) {
            (Err(Refused), _) => false,
            (Ok(ours), Ok(theirs)) => {
                assert!(ours == theirs, "{name}: the readings differ");
                true
            }
            (Ok(_), Err(e)) => panic!("{name}: serde_json refuses what this took: {e}"),
        }
    }

    fn tree(path: &std::path::Path, text: &str) -> Option<Node> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => super::super::yaml::parse(SourceId(0), text).ok(),
            Some("kdl") => super::super::kdl::parse(SourceId(0), text).ok(),
            _ => None,
        }
    }

    #[test]
    fn every_spec_file_of_the_repository_reads_as_serde_json_reads_it() {
        crate::check::on_check_stack(compare_every_spec_file);
    }

    fn compare_every_spec_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut read, mut trees) = (0, 0);
        for entry in walkdir::WalkDir::new(root)
            .into_iter()
            .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | ".git")))
            .filter_map(Result::ok)
        {
            let path = entry.path();
            let Some(node) = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| tree(path, &text))
            else {
                continue;
            };
            trees += 1;
            read += usize::from(agrees(&path.display().to_string(), &node));
        }
        assert!(read > 50 && trees > read, "{read} of {trees} trees read");
        let spec = std::fs::read_to_string(root.join("specs/fleet.yaml")).unwrap();
        let node = tree(std::path::Path::new("fleet.yaml"), &spec).unwrap();
        assert!(
            agrees("specs/fleet.yaml", &node),
            "the reference spec is read here"
        );
    }
}
