/**
 * Reading a response body as the DSL's `content`: JSON when the response says JSON, text when it is
 * text (or says nothing), base64 when it is binary; no body is `null`.
 */
const TEXT_TYPES = /^(text\/|application\/(xml|x-www-form-urlencoded|javascript|yaml|x-yaml)|[^;]*\+xml)/i;
const JSON_TYPE = /^application\/([\w.-]+\+)?json\b|^[^;]*\+json\b/i;

export function readContent(bytes: Uint8Array, contentType: string | null): unknown {
  if (bytes.length === 0) return null;
  const text = (): string => Buffer.from(bytes).toString('utf8');
  if (contentType === null) return text();
  if (JSON_TYPE.test(contentType)) {
    try {
      return JSON.parse(text()) as unknown;
    } catch {
      return text();
    }
  }
  if (TEXT_TYPES.test(contentType)) return text();
  return Buffer.from(bytes).toString('base64');
}
