//! Rust types for spec schemas: the models an operation answers, generated on demand.

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::Yaml;

use crate::naming::{doc_line, snake, upper_camel};
use crate::spec::{Spec, has, text};

/// A generated model.
#[derive(Debug, PartialEq)]
pub(crate) enum Def {
    Struct {
        doc: String,
        fields: Vec<Field>,
        /// Fields `Debug` must not show.
        redact: Vec<String>,
    },
    /// A string enum (values on the wire).
    Enum { doc: String, values: Vec<String> },
}

#[derive(Debug, PartialEq)]
pub(crate) struct Field {
    pub(crate) rust: String,
    pub(crate) wire: String,
    pub(crate) ty: String,
    pub(crate) doc: String,
}

pub(crate) struct Models<'a> {
    spec: &'a Spec,
    existing: &'a BTreeMap<String, String>,
    redact: &'a BTreeMap<String, Vec<String>>,
    samples: &'a BTreeMap<String, String>,
    /// Rust name -> definition.
    pub(crate) defs: BTreeMap<String, Def>,
    /// Spec schema name -> Rust name.
    by_schema: BTreeMap<String, String>,
    in_progress: BTreeSet<String>,
}

/// A property of an object schema: wire name, schema, required.
type Prop<'y> = (String, &'y Yaml, bool);

impl<'a> Models<'a> {
    pub(crate) fn new(
        spec: &'a Spec,
        existing: &'a BTreeMap<String, String>,
        redact: &'a BTreeMap<String, Vec<String>>,
        samples: &'a BTreeMap<String, String>,
    ) -> Self {
        Self {
            spec,
            existing,
            redact,
            samples,
            defs: BTreeMap::new(),
            by_schema: BTreeMap::new(),
            in_progress: BTreeSet::new(),
        }
    }

    pub(crate) fn spec(&self) -> &'a Spec {
        self.spec
    }

    /// The manifest's sample value for a string `pattern`.
    pub(crate) fn pattern_sample(&self, pattern: &str) -> Option<&'a str> {
        self.samples.get(pattern).map(String::as_str)
    }

    /// Every `redact` entry must name a generated model and its fields.
    pub(crate) fn check_redactions(&self) -> Result<(), String> {
        for (schema, fields) in self.redact {
            let Some(Def::Struct { fields: fs, .. }) = self.defs.get(schema) else {
                return Err(format!("manifest redact: {schema} is not a struct"));
            };
            for f in fields {
                if !fs.iter().any(|x| &x.wire == f) {
                    return Err(format!("manifest redact: {schema} has no field {f}"));
                }
            }
        }
        Ok(())
    }

    /// Whether a schema allows `null`.
    pub(crate) fn nullable(&self, node: &Yaml) -> bool {
        if node["nullable"].as_bool() == Some(true) {
            return true;
        }
        ["allOf", "oneOf", "anyOf"].iter().any(|k| {
            node[*k]
                .as_vec()
                .is_some_and(|parts| parts.iter().any(|p| self.nullable(p)))
        })
    }

    /// The Rust type of a schema, without `Option`; `hint` names inline structs and enums.
    pub(crate) fn ty(&mut self, node: &'a Yaml, hint: &str) -> Result<String, String> {
        if let Some(name) = Spec::schema_ref(node) {
            return self.named(name);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(parts) = node[key].as_vec() {
                let typed: Vec<&Yaml> = parts.iter().filter(|p| is_typed(p)).collect();
                if typed.len() == 1 && !has(node, "properties") {
                    return self.ty(typed[0], hint);
                }
                if typed.is_empty() && !has(node, "properties") {
                    continue;
                }
                let props = self.props(node);
                if props.is_empty() {
                    return Ok("Value".into());
                }
                let doc = text(node, "description").to_owned();
                return self.make_struct(hint, &doc, props, None);
            }
        }
        match text(node, "type") {
            "string" => {
                let values: Vec<String> = node["enum"]
                    .as_vec()
                    .map(|v| {
                        v.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if values.len() >= 2 {
                    let doc = text(node, "description").to_owned();
                    self.insert(hint, Def::Enum { doc, values })?;
                    Ok(hint.to_owned())
                } else {
                    Ok("String".into())
                }
            }
            "integer" => Ok("i64".into()),
            "number" => Ok("f64".into()),
            "boolean" => Ok("bool".into()),
            "array" => {
                let item = self.ty(&node["items"], &format!("{hint}Item"))?;
                Ok(format!("Vec<{item}>"))
            }
            _ => {
                let props = self.props(node);
                if !props.is_empty() {
                    let doc = text(node, "description").to_owned();
                    return self.make_struct(hint, &doc, props, None);
                }
                let extra = &node["additionalProperties"];
                if extra.as_hash().is_some_and(|h| !h.is_empty()) && is_typed(extra) {
                    let value = self.ty(extra, &format!("{hint}Value"))?;
                    return Ok(format!("BTreeMap<String, {value}>"));
                }
                Ok("Value".into())
            }
        }
    }

    /// The Rust type of a component schema.
    pub(crate) fn named(&mut self, name: &str) -> Result<String, String> {
        if let Some(rust) = self.existing.get(name) {
            return Ok(rust.clone());
        }
        if let Some(rust) = self.by_schema.get(name) {
            return Ok(rust.clone());
        }
        let node = &self.spec.root["components"]["schemas"][name];
        if node.is_badvalue() {
            return Err(format!("unknown schema {name}"));
        }
        let rust = upper_camel(name);
        let structish = !self.props(node).is_empty();
        if !structish {
            return self.ty(node, &rust);
        }
        self.by_schema.insert(name.to_owned(), rust.clone());
        let doc = text(node, "description").to_owned();
        let props = self.props(node);
        self.make_struct(&rust, &doc, props, Some(name))
    }

    /// The properties of an object schema, merged over `allOf` (required kept) and
    /// `oneOf`/`anyOf` (every variant's properties, optional).
    fn props(&self, node: &'a Yaml) -> Vec<Prop<'a>> {
        let mut out: Vec<Prop<'a>> = Vec::new();
        self.collect(node, true, &mut out);
        out
    }

    fn collect(&self, node: &'a Yaml, required_ok: bool, out: &mut Vec<Prop<'a>>) {
        let node = self.spec.resolve(node);
        let required: Vec<&str> = node["required"]
            .as_vec()
            .map(|v| v.iter().filter_map(Yaml::as_str).collect())
            .unwrap_or_default();
        if let Some(parts) = node["allOf"].as_vec() {
            for p in parts {
                self.collect(p, required_ok, out);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(parts) = node[key].as_vec() {
                for p in parts {
                    self.collect(p, false, out);
                }
            }
        }
        if let Some(props) = node["properties"].as_hash() {
            for (k, v) in props {
                let Some(k) = k.as_str() else { continue };
                let req = required_ok && required.contains(&k);
                if let Some(existing) = out.iter_mut().find(|p| p.0 == k) {
                    existing.2 |= req;
                    continue;
                }
                out.push((k.to_owned(), v, req));
            }
        }
    }

    fn make_struct(
        &mut self,
        rust: &str,
        doc: &str,
        props: Vec<Prop<'a>>,
        schema: Option<&str>,
    ) -> Result<String, String> {
        self.in_progress.insert(rust.to_owned());
        let mut fields = Vec::new();
        for (wire, node, required) in props {
            let hint = format!("{rust}{}", upper_camel(&wire));
            let mut ty = self.ty(node, &hint)?;
            if self.in_progress.contains(&ty) {
                ty = format!("Box<{ty}>");
            }
            let nullable = self.nullable(node) || self.nullable(self.spec.resolve(node));
            let ty = if ty == "Value" || (required && !nullable) {
                ty
            } else {
                format!("Option<{ty}>")
            };
            let described = self.spec.resolve(node);
            let mut doc = doc_line(text(node, "description"));
            if doc.is_empty() {
                doc = doc_line(text(described, "description"));
            }
            if doc.is_empty() {
                doc = format!("The `{wire}` field.");
            }
            fields.push(Field {
                rust: snake(&wire),
                wire,
                ty,
                doc,
            });
        }
        self.in_progress.remove(rust);
        let _ = schema;
        let redact = self.redact.get(rust).cloned().unwrap_or_default();
        self.insert(
            rust,
            Def::Struct {
                doc: doc.to_owned(),
                fields,
                redact,
            },
        )?;
        Ok(rust.to_owned())
    }

    fn insert(&mut self, rust: &str, def: Def) -> Result<(), String> {
        match self.defs.get(rust) {
            Some(old) if *old != def => Err(format!("two different models would be named {rust}")),
            Some(_) => Ok(()),
            None => {
                self.defs.insert(rust.to_owned(), def);
                Ok(())
            }
        }
    }
}

/// Whether a schema says something about the value's shape (not only `nullable` or
/// `required`).
fn is_typed(node: &Yaml) -> bool {
    [
        "$ref",
        "type",
        "properties",
        "allOf",
        "oneOf",
        "anyOf",
        "items",
        "enum",
    ]
    .iter()
    .any(|k| has(node, k))
}
