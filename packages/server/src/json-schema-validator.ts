/**
 * A JSON Schema validator (Ajv, draft 2020-12, the draft zod writes) for core's client: it checks
 * signal data against the schemas the store's workflow catalog keeps, for processes that do not
 * have the workflow's code (`baton start` without --workflows, `baton signal --db`).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { JsonSchemaValidator, SchemaIssue } from '@baton/core';

/** Compiled schemas kept at most; past it the cache (and Ajv's own) starts again. */
const MAX_COMPILED = 500;

/** ajv-formats is CommonJS: its plugin is the module itself or its `default`, depending on the loader. */
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

function newAjv(): Ajv2020 {
  // Not strict: schemas come from zod and may use keywords or formats Ajv does not know; those are ignored.
  // JavaScript regular expressions (zod's patterns) are compiled as JavaScript would, without the u flag.
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false, unicodeRegExp: false, validateSchema: false });
  addFormats(ajv);
  return ajv;
}

/**
 * A validator that compiles each schema once (by its JSON text). A schema Ajv cannot compile throws,
 * which leaves the data unchecked by the client (the run's wait still checks it).
 */
export function createJsonSchemaValidator(): JsonSchemaValidator {
  let ajv = newAjv();
  const compiled = new Map<string, ValidateFunction>();
  return (schema: unknown, value: unknown): SchemaIssue[] => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (validate === undefined) {
      if (compiled.size >= MAX_COMPILED) {
        compiled.clear();
        ajv = newAjv();
      }
      validate = ajv.compile(JSON.parse(key) as object | boolean);
      compiled.set(key, validate);
    }
    if (validate(value) === true) return [];
    return (validate.errors ?? []).map(issueOf);
  };
}

/** An Ajv error as a field path in dots (the missing or extra property named for `required` and `additionalProperties`) and a message. */
function issueOf(error: ErrorObject): SchemaIssue {
  const segments =
    error.instancePath === ''
      ? []
      : error.instancePath
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { path: [...segments, params.missingProperty].join('.'), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { path: [...segments, params.additionalProperty].join('.'), message: 'is not a known field' };
  }
  return { path: segments.join('.'), message: error.message ?? `fails '${error.keyword}'` };
}
