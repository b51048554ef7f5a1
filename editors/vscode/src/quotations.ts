// The quotations of a document from the server's `textDocument/documentSymbol` answer (no `vscode` import, so
// that `node --test` runs it). The outline's shape is documented in src/lsp/symbols.rs of the server: groups of
// kind Namespace, the quotations group holding one symbol of kind String per quotation (name = its first words,
// detail = the speaker, range = the quotation with its marks, selectionRange = its content).

/** An LSP position (0-based line, UTF-16 character for VS Code). */
export interface LspPosition {
  line: number;
  character: number;
}

/** An LSP range. */
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** LSP `SymbolKind.String`: qalam's kind for a quotation. */
export const QUOTE_KIND = 15;

/** One quotation for the quick pick. */
export interface Quotation {
  /** Its first words, as the outline shows them. */
  text: string;
  /** The speaker's name, when qalam found one. */
  speaker?: string;
  /** The quotation with its marks. */
  range: LspRange;
  /** Its content, without the marks (where the cursor goes). */
  selectionRange: LspRange;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRange(value: unknown): value is LspRange {
  const isPosition = (p: unknown): boolean =>
    isRecord(p) && typeof p.line === 'number' && typeof p.character === 'number';
  return isRecord(value) && isPosition(value.start) && isPosition(value.end);
}

function compare(a: LspPosition, b: LspPosition): number {
  return a.line - b.line || a.character - b.character;
}

/**
 * The quotations in a `textDocument/documentSymbol` result, in document order: every symbol of kind String at any
 * depth of a hierarchical answer (`DocumentSymbol[]`), or every entry of kind String of a flat one
 * (`SymbolInformation[]`, whose `containerName` is the group). Malformed entries are skipped; `null` gives `[]`.
 */
export function quotations(result: unknown): Quotation[] {
  const found: Quotation[] = [];
  const visit = (symbols: unknown): void => {
    if (!Array.isArray(symbols)) {
      return;
    }
    for (const s of symbols) {
      if (!isRecord(s) || typeof s.name !== 'string') {
        continue;
      }
      if (s.kind === QUOTE_KIND) {
        const range = isRange(s.range) ? s.range : isRecord(s.location) && isRange(s.location.range) ? s.location.range : undefined;
        if (range !== undefined) {
          const selectionRange = isRange(s.selectionRange) ? s.selectionRange : range;
          const speaker = typeof s.detail === 'string' && s.detail.trim() !== '' ? s.detail : undefined;
          found.push({ text: s.name, speaker, range, selectionRange });
        }
      }
      visit(s.children);
    }
  };
  visit(result);
  return found.sort((a, b) => compare(a.range.start, b.range.start));
}
