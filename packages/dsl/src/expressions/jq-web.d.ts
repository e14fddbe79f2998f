/** Types of `jq-web` (jq compiled to WebAssembly), which ships none. */
declare module 'jq-web' {
  interface JqWeb {
    /** Runs `filter` on `input` (JSON-encoded for jq) and parses jq's output. Throws on a non-zero exit. */
    json(input: unknown, filter: string): unknown;
    /** Runs `filter` on the JSON text `input` with jq's command-line `flags`; returns jq's stdout. */
    raw(input: string, filter: string, flags?: string[]): string;
  }
  const jq: Promise<JqWeb>;
  export default jq;
}
