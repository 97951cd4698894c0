//! The OpenAPI 3.1 description of the service, generated from the same request schemas the JSON
//! layer reads with (`Entry::request_schema`), so it cannot drift from the operations.
//!
//! Answers are described by the schemas the library publishes for them (`Entry::answer_schema`),
//! the drawn documents by their media types.

use origo::api::{self, Entry, OPERATIONS};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The OpenAPI document of the service over a rulebook of version `rulebook_version`.
pub fn openapi(rulebook_version: &str) -> Value {
    let mut schemas = Map::new();
    let error = add(&mut schemas, "error", schemars::schema_for!(origo::Error).to_value());
    let mut paths = Map::new();
    for entry in OPERATIONS {
        let request = add(&mut schemas, entry.name, entry.request_schema().to_value());
        let answer = answer(entry, &mut schemas);
        for (name, deprecated) in std::iter::once((entry.name, false)).chain(entry.aliases.iter().map(|a| (*a, true))) {
            let mut post = json!({
                "operationId": name,
                "summary": entry.doc,
                "requestBody": { "required": true, "content": { "application/json": { "schema": request } } },
                "responses": {
                    "200": answer,
                    "4XX": { "$ref": "#/components/responses/Error" },
                    "500": { "$ref": "#/components/responses/Error" },
                },
            });
            if deprecated {
                post["deprecated"] = json!(true);
                post["description"] = json!(format!("Former name of `{}`, accepted for one release.", entry.name));
            }
            paths.insert(format!("/v1/{name}"), json!({ "post": post }));
        }
    }
    let get = |summary: &str, schema: Value| {
        json!({ "get": {
            "summary": summary,
            "responses": { "200": { "description": summary, "content": { "application/json": { "schema": schema } } } },
        } })
    };
    let text = json!({ "type": "string" });
    paths.insert(
        "/v1/health".into(),
        get("The server is up.", json!({ "type": "object", "properties": { "status": text } })),
    );
    paths.insert(
        "/v1/version".into(),
        get(
            "Versions of origo and of the rulebook in force.",
            json!({ "type": "object", "properties": { "origo": text, "rulebook": text } }),
        ),
    );
    paths.insert("/v1/openapi.json".into(), get("This document.", json!({ "type": "object" })));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "origo",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Rules and documents for Chinese certificates of origin: every operation of the library at POST /v1/<operation>. \
                 Rulebook {rulebook_version}. Errors are {{\"error\": {{code, path, message: {{zh, en}}}}}} with a 4xx status; \
                 5xx only for a bug in origo."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": { "Error": {
                "description": "The request could not be read or used: the library's coded error.",
                "content": { "application/json": { "schema": {
                    "type": "object", "required": ["error"], "properties": { "error": error },
                } } },
            } },
        },
    })
}

/// The `200` response of an operation.
fn answer(entry: &Entry, schemas: &mut Map<String, Value>) -> Value {
    #[cfg(feature = "render")]
    {
        use api::Operation as _;
        if [api::render::Render::NAME, api::render_reply_letter::RenderReplyLetter::NAME].contains(&entry.name) {
            let binary = json!({ "type": "string", "contentMediaType": "application/octet-stream" });
            return json!({
                "description": "The document; with `Accept: application/json`, `{media_type, data_base64}` instead.",
                "content": {
                    "application/pdf": { "schema": binary },
                    "image/svg+xml": { "schema": { "type": "string" } },
                    "image/png": { "schema": binary },
                    "application/json": { "schema": {
                        "type": "object",
                        "properties": { "media_type": { "type": "string" }, "data_base64": { "type": "string", "contentEncoding": "base64" } },
                    } },
                },
            });
        }
    }
    let schema = add(schemas, entry.name, entry.answer_schema().to_value());
    json!({ "description": entry.doc, "content": { "application/json": { "schema": schema } } })
}

/// Moves a generated schema into `schemas` under its title, its `$defs` beside it, and returns
/// the `$ref` to it. A name already taken by a different schema is qualified by `owner`
/// (`owner.Name`), until no two schemas share a name.
fn add(schemas: &mut Map<String, Value>, owner: &str, mut schema: Value) -> Value {
    let mut parts: BTreeMap<String, Value> = BTreeMap::new();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
        if let Some(Value::Object(defs)) = object.remove("$defs") {
            parts.extend(defs);
        }
    }
    let title = schema.get("title").and_then(Value::as_str).map_or_else(|| owner.to_owned(), str::to_owned);
    parts.insert(title.clone(), schema);
    let mut names: BTreeMap<String, String> = parts.keys().map(|k| (k.clone(), k.clone())).collect();
    let placed = loop {
        let placed: BTreeMap<&String, Value> = parts.iter().map(|(k, v)| (k, relocated(v, &names))).collect();
        let clashes: Vec<String> = placed
            .iter()
            .filter(|(k, v)| schemas.get(&names[**k]).is_some_and(|existing| existing != *v))
            .map(|(k, _)| (*k).clone())
            .collect();
        if clashes.is_empty() {
            break placed;
        }
        for k in clashes {
            names.insert(k.clone(), format!("{owner}.{k}"));
        }
    };
    for (k, v) in placed {
        schemas.insert(names[k].clone(), v);
    }
    json!({ "$ref": format!("#/components/schemas/{}", names[&title]) })
}

/// `value` with every `#/$defs/X` reference pointing to `X`'s place among the components.
fn relocated(value: &Value, names: &BTreeMap<String, String>) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| {
                    let target = v.as_str().and_then(|r| r.strip_prefix("#/$defs/")).filter(|_| k == "$ref");
                    let v = match target {
                        Some(def) => {
                            json!(format!("#/components/schemas/{}", names.get(def).map_or(def, String::as_str)))
                        }
                        None => relocated(v, names),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| relocated(v, names)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
        match value {
            Value::Object(o) => {
                for (k, v) in o {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_operation_and_former_name_is_a_path_and_every_reference_resolves() {
        let doc = openapi("test");
        for entry in OPERATIONS {
            for name in std::iter::once(&entry.name).chain(entry.aliases) {
                let post = &doc["paths"][format!("/v1/{name}")]["post"];
                assert_eq!(post["operationId"], json!(name));
                assert!(post["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string(), "{name}");
            }
        }
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > OPERATIONS.len());
        for r in found {
            let pointer = r.strip_prefix('#').unwrap_or(r);
            assert!(doc.pointer(pointer).is_some(), "`{r}` resolves to nothing");
            let name = pointer.rsplit('/').next().unwrap_or_default();
            assert!(
                name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "`{name}`: not a component name"
            );
        }
    }

    /// Each request schema is the one the JSON layer reads with, only moved among the components.
    #[test]
    fn request_schemas_are_the_operations_schemas() {
        let doc = openapi("test");
        let components = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
        let placed = |name: &str, schema: &Value| {
            components
                .iter()
                .any(|(k, v)| (k == name || k.ends_with(&format!(".{name}"))) && strip_refs(v) == strip_refs(schema))
        };
        for entry in OPERATIONS {
            let mut generated = entry.request_schema().to_value();
            let defs = generated.as_object_mut().and_then(|o| o.remove("$defs"));
            generated.as_object_mut().map(|o| o.remove("$schema"));
            let reference = &doc["paths"][format!("/v1/{}", entry.name)]["post"]["requestBody"]["content"]
                ["application/json"]["schema"]["$ref"];
            let root = reference.as_str().and_then(|r| r.rsplit('/').next()).unwrap_or_default();
            assert_eq!(strip_refs(&components[root]), strip_refs(&generated), "{}", entry.name);
            for (name, def) in defs.as_ref().and_then(Value::as_object).into_iter().flatten() {
                assert!(placed(name, def), "{}: `{name}` is not among the components", entry.name);
            }
        }
    }

    /// A schema with its references reduced to the bare names they point at.
    fn strip_refs(value: &Value) -> Value {
        match value {
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => {
                            let name = r.rsplit('/').next().unwrap_or(r);
                            (k.clone(), json!(name.rsplit('.').next().unwrap_or(name)))
                        }
                        _ => (k.clone(), strip_refs(v)),
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(strip_refs).collect()),
            other => other.clone(),
        }
    }
}
