//! Reading the spec and the manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

/// The parsed spec (one YAML document).
pub(crate) struct Spec {
    pub(crate) root: Yaml,
}

pub(crate) fn load(path: &Path) -> Result<Spec, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut docs = YamlLoader::load_from_str(&text)
        .map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
    if docs.len() != 1 {
        return Err(format!("{}: expected one YAML document", path.display()));
    }
    Ok(Spec {
        root: docs.remove(0),
    })
}

impl Spec {
    /// Follow `$ref`s (`#/components/<kind>/<name>`) until a non-reference node.
    pub(crate) fn resolve<'a>(&'a self, mut node: &'a Yaml) -> &'a Yaml {
        for _ in 0..16 {
            match ref_target(node) {
                Some((kind, name)) => node = &self.root["components"][kind][name],
                None => return node,
            }
        }
        node
    }

    /// The component schema a `$ref` names, if `node` is one.
    pub(crate) fn schema_ref(node: &Yaml) -> Option<&str> {
        match ref_target(node) {
            Some(("schemas", name)) => Some(name),
            _ => None,
        }
    }

    /// Every operation: (path, method, operation object), in spec order.
    pub(crate) fn operations(&self) -> Vec<(&str, &str, &Yaml)> {
        let mut out = Vec::new();
        if let Some(paths) = self.root["paths"].as_hash() {
            for (path, item) in paths {
                let Some(item_map) = item.as_hash() else {
                    continue;
                };
                for (method, op) in item_map {
                    let method = method.as_str().unwrap_or_default();
                    if ["get", "post", "put", "patch", "delete"].contains(&method) {
                        out.push((path.as_str().unwrap_or_default(), method, op));
                    }
                }
            }
        }
        out
    }

    /// Path-level plus operation-level parameters, resolved.
    pub(crate) fn parameters<'a>(&'a self, path: &str, op: &'a Yaml) -> Vec<&'a Yaml> {
        let mut out = Vec::new();
        for list in [&self.root["paths"][path]["parameters"], &op["parameters"]] {
            if let Some(v) = list.as_vec() {
                out.extend(v.iter().map(|p| self.resolve(p)));
            }
        }
        out
    }
}

fn ref_target(node: &Yaml) -> Option<(&str, &str)> {
    let r = node["$ref"].as_str()?;
    let rest = r.strip_prefix("#/components/")?;
    rest.split_once('/')
}

/// A string field of a YAML mapping, or "".
pub(crate) fn text<'a>(node: &'a Yaml, key: &str) -> &'a str {
    node[key].as_str().unwrap_or_default()
}

/// Whether a YAML mapping has `key`.
pub(crate) fn has(node: &Yaml, key: &str) -> bool {
    !node[key].is_badvalue()
}

/// One resource group of the manifest.
pub(crate) struct Group {
    pub(crate) handle: String,
    pub(crate) accessor: String,
    pub(crate) existing: bool,
    pub(crate) doc: String,
    /// operationId -> method name, in manifest order.
    pub(crate) operations: Vec<(String, String)>,
}

pub(crate) struct Manifest {
    pub(crate) handwritten: BTreeSet<String>,
    pub(crate) models: BTreeMap<String, String>,
    pub(crate) redact: BTreeMap<String, Vec<String>>,
    /// Sample values (for the generated conformance cases) by string `pattern`.
    pub(crate) samples: BTreeMap<String, String>,
    pub(crate) groups: Vec<Group>,
}

impl Manifest {
    pub(crate) fn load(path: &Path) -> Result<Manifest, String> {
        let doc = load(path)?.root;
        let strings = |node: &Yaml| -> Vec<String> {
            node.as_vec()
                .map(|v| {
                    v.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let pairs = |node: &Yaml| -> Vec<(String, String)> {
            node.as_hash()
                .map(|h| {
                    h.iter()
                        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut redact = BTreeMap::new();
        if let Some(h) = doc["redact"].as_hash() {
            for (k, v) in h {
                redact.insert(k.as_str().unwrap_or_default().to_owned(), strings(v));
            }
        }
        let mut groups = Vec::new();
        for g in doc["groups"].as_vec().ok_or("manifest: no groups")? {
            groups.push(Group {
                handle: text(g, "handle").to_owned(),
                accessor: text(g, "accessor").to_owned(),
                existing: g["existing"].as_bool().unwrap_or(false),
                doc: text(g, "doc").to_owned(),
                operations: pairs(&g["operations"]),
            });
        }
        Ok(Manifest {
            handwritten: strings(&doc["handwritten"]).into_iter().collect(),
            models: pairs(&doc["models"]).into_iter().collect(),
            redact,
            samples: pairs(&doc["samples"]).into_iter().collect(),
            groups,
        })
    }
}
