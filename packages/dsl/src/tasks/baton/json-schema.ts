/** JSON Schemas written in a definition (an answer's `schema`, an approval's `form`) as the zod schemas Baton's APIs take. */
import { z, type ZodType } from 'zod';
import { standardFault } from '../../runtime/workflow-fault.js';

/** The zod schema of a JSON Schema; a configuration fault that names `what` when it is not one zod can read. */
export function zodFromJsonSchema(schema: unknown, what: string): ZodType {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw standardFault('configuration', `${what} must be a JSON Schema (an object).`);
  }
  try {
    return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw standardFault('configuration', `${what} is not a JSON Schema Baton can use: ${error instanceof Error ? error.message : String(error)}`);
  }
}
