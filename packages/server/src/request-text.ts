/**
 * The API's edge for text no store can keep (NUL, lone surrogates; see core's util/text.ts): every
 * path segment, query parameter and JSON body string of an /api request is checked before a route
 * sees it, and the first bad one is a 400 BATON_INVALID_TEXT whose details name it (`path`,
 * `query.search`, `body.tags.1`). The payload members of a body, a top-level `input` or `data`, are
 * left alone: they are stored as JSON and round-trip exactly. A webhook's body is all payload.
 */
import { assertStorableText, unstorableCharacter } from '@baton/core';
import type { MiddlewareHandler } from 'hono';

/** Top-level body members that carry payloads (run and schedule input, signal and event data). */
const PAYLOAD_MEMBERS = new Set(['input', 'data']);

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Malformed escapes reach the routes as they are, which is storable text.
    return segment;
  }
}

interface Visit {
  value: unknown;
  /** The member name or index this value is at, and the visit of the value holding it. */
  at: string | undefined;
  parent: Visit | undefined;
}

/** `body.a.1.b` for a visit (built only for the one string reported: deep bodies stay linear). */
function pathOf(visit: Visit): string {
  const parts: string[] = [];
  for (let v: Visit | undefined = visit; v?.at !== undefined; v = v.parent) parts.push(v.at);
  return ['body', ...parts.reverse()].join('.');
}

/** The first string (key or value) outside the payload members holding an unstorable character, with its path. */
function firstUnstorable(body: unknown): { path: string; value: string } | undefined {
  const stack: Visit[] = [{ value: body, at: undefined, parent: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      if (unstorableCharacter(value) !== undefined) return { path: pathOf(visit), value };
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, at: String(index), parent: visit }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        if (unstorableCharacter(key) !== undefined) return { path: pathOf(visit), value: key };
        if (visit.parent === undefined && PAYLOAD_MEMBERS.has(key)) continue;
        stack.push({ value: member, at: key, parent: visit });
      }
    }
  }
  return undefined;
}

export function storableText(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    for (const segment of url.pathname.split('/')) assertStorableText(decoded(segment), 'path', 'A segment of the path');
    for (const [key, value] of url.searchParams) {
      assertStorableText(key, 'query', 'A query parameter name');
      assertStorableText(value, `query.${key}`, `The query parameter '${key}'`);
    }
    // An upload's body is bytes, streamed into the blob store: never read here.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && url.pathname.startsWith('/api/') && url.pathname !== '/api/blobs') {
      // The body limit has read the body already (a body over it never gets here); routes read it again from the cache.
      const text = await c.req.text();
      let body: unknown;
      try {
        body = text.length === 0 ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: the route answers that (400 or 415).
        body = undefined;
      }
      const found = firstUnstorable(body);
      if (found !== undefined) assertStorableText(found.value, found.path, `The request body's ${found.path.slice('body.'.length) || 'member name'}`);
    }
    return next();
  };
}
