/**
 * JSON Schema validation of inputs, outputs and exported contexts (Ajv, with formats). Each schema
 * is compiled once per interpreter. A value that does not conform is the DSL's validation error (400).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { standardFault } from './workflow-fault.js';

// ajv-formats is CommonJS: its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Validate = ((value: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

/** A DSL schema: `{ format: 'json', document: {...} }` (an external `resource` is not supported). */
interface DslSchema {
  format?: string;
  document?: unknown;
  resource?: unknown;
}

export class SchemaValidator {
  readonly #ajv: Ajv2020;
  readonly #compiled = new WeakMap<object, Validate>();

  constructor() {
    this.#ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(this.#ajv);
  }

  /** Throws a validation fault when `value` does not conform to `schema`; `what` names the value (e.g. 'the task input'). */
  check(schema: unknown, value: unknown, what: string): void {
    if (schema === undefined || schema === null) return;
    const validate = this.#validator(schema as DslSchema, what);
    if (validate(value)) return;
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ');
    throw standardFault('validation', `${what} does not conform to its schema: ${problems}`);
  }

  #validator(schema: DslSchema, what: string): Validate {
    const cached = this.#compiled.get(schema);
    if (cached !== undefined) return cached;
    if (schema.format !== undefined && !schema.format.startsWith('json')) {
      throw standardFault('configuration', `The schema of ${what} has format '${schema.format}': only JSON Schema ('json') is supported.`);
    }
    if (schema.document === undefined || typeof schema.document !== 'object') {
      throw standardFault('configuration', `The schema of ${what} must be inline (schema.document): external schema resources are not supported.`);
    }
    let validate: Validate;
    try {
      validate = this.#ajv.compile(schema.document as object) as Validate;
    } catch (error) {
      throw standardFault('configuration', `The schema of ${what} is not a valid JSON Schema: ${(error as Error).message}`);
    }
    this.#compiled.set(schema, validate);
    return validate;
  }
}
