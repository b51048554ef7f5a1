//! The language server (tower-lsp-server): converts between LSP and the analysis layers.

/// Serves LSP on stdin/stdout until `exit`.
pub fn serve_stdio() -> anyhow::Result<()> {
    todo!()
}
