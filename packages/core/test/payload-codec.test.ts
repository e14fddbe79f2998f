/** The typed JSON payload codec: round trips, escaping, limits and bad values. */
import { describe, expect, it } from 'vitest';
import { ErrorCode, PayloadCodec, seededRandom } from '@baton/core';

const codec = new PayloadCodec();

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 9 : 13));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 1e9) - 5e8;
    case 3:
      return random() * 1e6;
    case 4:
      return String.fromCharCode(...Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * 0xd7ff)));
    case 5:
      return BigInt(Math.floor(random() * 1e15)) * 1000003n;
    case 6:
      return new Date(Math.floor(random() * 4e12));
    case 7:
      return new Uint8Array(Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * 256)));
    case 8:
      return undefined;
    case 9:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    case 10:
      return new Map(Array.from({ length: Math.floor(random() * 3) }, (_, i) => [`k${i}`, randomValue(random, depth + 1)]));
    case 11:
      return new Set(Array.from({ length: Math.floor(random() * 3) }, (_, i) => i * 7));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(random() * 4); i++) {
        const value = randomValue(random, depth + 1);
        if (value !== undefined) out[random() < 0.1 ? '$baton' : `f${i}`] = value;
      }
      return out;
    }
  }
}

describe('PayloadCodec', () => {
  it('round-trips 2,000 random values of every supported type', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(random, 0);
      expect(codec.decode(codec.encode(value))).toEqual(value);
    }
  });

  it('keeps errors with name, message, code, fields and cause', () => {
    const cause = new RangeError('inner');
    const error = Object.assign(new Error('outer', { cause }), { code: 'E_OUTER', details: { n: 1n } });
    const back = codec.decode(codec.encode(error)) as Error & { code: string; details: { n: bigint } };
    expect(back).toBeInstanceOf(Error);
    expect([back.message, back.code, back.details.n]).toEqual(['outer', 'E_OUTER', 1n]);
    expect((back.cause as Error).name).toBe('RangeError');
  });

  it('encodes non-finite numbers, -0, invalid dates, and escapes objects that look like tags', () => {
    const value = [Number.NaN, Number.POSITIVE_INFINITY, -0, new Date(Number.NaN), { $baton: 'date', v: 'x' }];
    const back = codec.decode(codec.encode(value)) as unknown[];
    expect(back[0]).toBeNaN();
    expect(back[1]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(back[2], 0)).toBe(true);
    expect(Number.isNaN((back[3] as Date).getTime())).toBe(true);
    expect(back[4]).toEqual({ $baton: 'date', v: 'x' });
  });

  it('refuses functions, symbols, circular values and other typed arrays with BATON_PAYLOAD_ENCODING', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const bad of [() => 1, Symbol('s'), circular, new Float64Array(2), { deep: [new Int8Array(1)] }]) {
      expect(() => codec.encode(bad, 'test value')).toThrow(expect.objectContaining({ code: ErrorCode.PayloadEncoding }));
    }
  });

  it('refuses a value nested more than 1,000 levels deep (it could not be read back), and round-trips one nested 1,000 levels', () => {
    const nested = (levels: number): unknown => {
      let value: unknown = 'bottom';
      for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
      return value;
    };
    expect(codec.decode(codec.encode(nested(1000)))).toEqual(nested(1000));
    for (const levels of [1001, 20_000])
      expect(() => codec.encode(nested(levels), 'data of event t')).toThrow(
        expect.objectContaining({ code: ErrorCode.PayloadEncoding, message: expect.stringContaining('more than 1000 levels deep') }),
      );
  });

  it('enforces the size limit in UTF-8 bytes with BATON_PAYLOAD_TOO_LARGE', () => {
    const small = new PayloadCodec({ maxPayloadBytes: 100 });
    expect(() => small.encode('x'.repeat(90))).not.toThrow();
    expect(() => small.encode('é'.repeat(60))).toThrow(expect.objectContaining({ code: ErrorCode.PayloadTooLarge }));
    const error = (() => {
      try {
        small.encode('x'.repeat(500), "output of step 'big'");
      } catch (e) {
        return e as Error & { details: { bytes: number; limit: number } };
      }
      throw new Error('expected a throw');
    })();
    expect(error.message).toContain("output of step 'big'");
    expect(error.details).toEqual({ bytes: 502, limit: 100 });
  });
});
