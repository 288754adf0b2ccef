/** Choices an operator makes about what a signal keeps; the defaults keep the least. */
export interface NormalizeOptions {
  /**
   * Execution input/output are reduced to size and SHA-256 unless this is above 0: then their first
   * this-many characters are kept too (flagged as truncated when cut). They may hold customer data, so
   * this is opt-in (STORE_EXECUTION_PAYLOAD_CHARS in Lambda, --payload-chars on the CLI).
   */
  readonly payloadPreviewChars: number;
}

export const DEFAULT_NORMALIZE_OPTIONS: NormalizeOptions = { payloadPreviewChars: 0 };

/** Even opted in, a preview stays small enough for an incident item. */
export const MAX_PAYLOAD_PREVIEW_CHARS = 4096;
