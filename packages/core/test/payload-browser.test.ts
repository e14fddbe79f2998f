/** The payload codec without Node's Buffer (it runs in browsers): the same bytes on the wire, the same sizes. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, PayloadCodec } from '@baton/core/browser';

const codec = new PayloadCodec();

describe('the payload codec, browser-safe', () => {
  it('writes bytes as the same base64 Buffer writes, and reads them back', () => {
    const bytes = new Uint8Array(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const encoded = JSON.parse(codec.encode(bytes)) as { v: string };
    expect(encoded.v).toBe(Buffer.from(bytes).toString('base64'));
    expect(codec.decode(codec.encode(bytes))).toEqual(bytes);
  });

  it('reads base64 written without padding or in the URL-safe alphabet', () => {
    const bytes = new Uint8Array([251, 255, 191, 1]);
    const urlSafe = Buffer.from(bytes).toString('base64url');
    expect(codec.decode(JSON.stringify({ $baton: 'bytes', v: urlSafe }))).toEqual(bytes);
  });

  it('measures payloads in UTF-8 bytes, as Buffer does', () => {
    for (const text of ['plain', 'é'.repeat(40), '€ and 😀 and 中文', 'lone \ud800 surrogate', '\udc00 trailing']) {
      const size = Buffer.byteLength(JSON.stringify(text), 'utf8');
      expect(() => new PayloadCodec({ maxPayloadBytes: size }).encode(text)).not.toThrow();
      expect(() => new PayloadCodec({ maxPayloadBytes: size - 1 }).encode(text)).toThrow(expect.objectContaining({ code: ErrorCode.PayloadTooLarge }));
    }
  });
});
