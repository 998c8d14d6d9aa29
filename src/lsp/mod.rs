//! `monocle lsp`: a language server over stdio. It checks the whole spec
//! folder of a document (the document's folder: a team file is checked
//! with its siblings) on open, change and save, with the editor's unsaved
//! texts, and publishes monocle's own diagnostics for every file of it; it
//! answers hover, completion and go-to-definition from the schema and the
//! names the folder defines. The JSON-RPC framing and handshake are
//! `lsp-server`'s (rust-analyzer's); messages are plain JSON.

pub mod analysis;
mod packs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Response};
use serde_json::{Value, json};

use analysis::Position;

/// Runs the server until the editor shuts it down.
///
/// # Errors
/// When the connection to the editor fails.
pub fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (connection, io) = Connection::stdio();
    connection.initialize(json!({
        "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
        "hoverProvider": true,
        "completionProvider": {"triggerCharacters": [":", " ", "-"]},
        "definitionProvider": true,
    }))?;
    let mut server = Server::default();
    while let Ok(message) = connection.receiver.recv() {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    break;
                }
                let result = server.request(&request.method, &request.params);
                connection
                    .sender
                    .send(Response::new_ok(request.id, result).into())?;
            }
            Message::Notification(notification) => {
                server.notification(&notification.method, &notification.params);
            }
            Message::Response(_) => {}
        }
        // Check once the editor has said all it had to say: a burst of
        // keystrokes is one check, not one each.
        if connection.receiver.is_empty() {
            for (uri, diagnostics) in server.check_dirty() {
                let params = json!({"uri": uri, "diagnostics": diagnostics});
                let notification =
                    Notification::new("textDocument/publishDiagnostics".to_owned(), params);
                connection.sender.send(notification.into())?;
            }
        }
    }
    io.join()?;
    Ok(())
}

#[derive(Default)]
struct Server {
    /// Open documents and their texts.
    open: BTreeMap<PathBuf, String>,
    /// Spec folders changed since they were last checked.
    dirty: BTreeSet<PathBuf>,
}

impl Server {
    fn notification(&mut self, method: &str, params: &Value) {
        let Some(path) = params["textDocument"]["uri"].as_str().and_then(path_of) else {
            return;
        };
        match method {
            "textDocument/didOpen" => {
                let text = params["textDocument"]["text"].as_str().unwrap_or_default();
                self.open.insert(path.clone(), text.to_owned());
            }
            "textDocument/didChange" => {
                // Full sync: the last change holds the whole text.
                let changes = params["contentChanges"].as_array();
                if let Some(text) = changes
                    .and_then(|c| c.last())
                    .and_then(|c| c["text"].as_str())
                {
                    self.open.insert(path.clone(), text.to_owned());
                }
            }
            "textDocument/didClose" => {
                self.open.remove(&path);
            }
            "textDocument/didSave" => {}
            _ => return,
        }
        if let Some(folder) = path.parent() {
            self.dirty.insert(folder.to_owned());
        }
    }

    /// Checks every dirty folder: (document URI, its diagnostics).
    fn check_dirty(&mut self) -> Vec<(String, Vec<Value>)> {
        let mut published = Vec::new();
        for folder in std::mem::take(&mut self.dirty) {
            // The folder's expressions are mostly the ones parsed last time.
            crate::promql::remember_parses();
            let open = self.open_in(&folder);
            for (path, diagnostics) in analysis::diagnostics(&folder, &open) {
                published.push((uri_of(&path), diagnostics));
            }
        }
        published
    }

    /// The open documents of a spec folder.
    fn open_in(&self, folder: &Path) -> BTreeMap<PathBuf, String> {
        self.open
            .iter()
            .filter(|(path, _)| path.starts_with(folder))
            .map(|(path, text)| (path.clone(), text.clone()))
            .collect()
    }

    fn request(&self, method: &str, params: &Value) -> Value {
        let Some(path) = params["textDocument"]["uri"].as_str().and_then(path_of) else {
            return Value::Null;
        };
        let at = Position {
            line: params["position"]["line"].as_u64().unwrap_or_default() as usize,
            character: params["position"]["character"].as_u64().unwrap_or_default() as usize,
        };
        let text = match self.open.get(&path) {
            Some(text) => text.clone(),
            None => std::fs::read_to_string(&path).unwrap_or_default(),
        };
        let folder = path.parent().unwrap_or(Path::new("."));
        match method {
            "textDocument/hover" => match analysis::hover(&path, &text, at) {
                Some(value) => json!({"contents": {"kind": "markdown", "value": value}}),
                None => Value::Null,
            },
            "textDocument/completion" => {
                let sources = analysis::load(folder, &self.open_in(folder)).unwrap_or_default();
                Value::Array(analysis::completion(&sources, &text, at))
            }
            "textDocument/definition" => {
                let Ok(sources) = analysis::load(folder, &self.open_in(folder)) else {
                    return Value::Null;
                };
                match analysis::definition(&sources, &path, at) {
                    Some((file, range)) => json!({"uri": uri_of(&file), "range": range}),
                    None => Value::Null,
                }
            }
            _ => Value::Null,
        }
    }
}

/// The path of a `file://` URI (percent-escapes decoded).
fn path_of(uri: &str) -> Option<PathBuf> {
    let encoded = uri.strip_prefix("file://")?;
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'%')
            .then(|| encoded.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escape {
            decoded.push(byte);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok().map(PathBuf::from)
}

/// The `file://` URI of a path (characters URIs reserve are escaped).
fn uri_of(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/my specs/team é.yaml");
        assert_eq!(path_of(&uri_of(path)).as_deref(), Some(path));
        assert_eq!(
            path_of("file:///a/b.yaml"),
            Some(PathBuf::from("/a/b.yaml"))
        );
        assert_eq!(path_of("untitled:1"), None);
    }
}
