/**
 * The signals a definition's approvals wait for, with the schema of each one's data, declared on
 * the interpreter's workflow (`signals` of defineWorkflow): that is how the inbox, the API's signal
 * check and the forms it publishes know them. Found by walking the whole document for
 * `call: baton.approval` tasks; approvals that share a signal accept any of their forms there (each
 * wait still checks its own).
 */
import type { ZodType } from 'zod';
import { z } from 'zod';
import { standardFault } from '../../runtime/workflow-fault.js';
import { zodFromJsonSchema } from './json-schema.js';

/** The signal an approval waits for (`with.signal`, default 'approval'). */
export function approvalSignal(value: unknown): string {
  if (value === undefined) return 'approval';
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || value.startsWith('$')) {
    throw standardFault(
      'configuration',
      `with.signal of call: baton.approval is a signal name (1-200 characters, not starting with '$'), not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** The signal schemas of every approval in `document`; undefined when it has none. A form that is no JSON Schema is left out (its task faults when it runs). */
export function approvalSignals(document: unknown): Record<string, ZodType> | undefined {
  const forms = new Map<string, ZodType[]>();
  visit(document, (task) => {
    const args = (task.with ?? {}) as { signal?: unknown; form?: unknown; title?: unknown; description?: unknown };
    try {
      const name = approvalSignal(args.signal);
      let schema = zodFromJsonSchema(args.form, 'form');
      const meta: Record<string, string> = {};
      if (typeof args.title === 'string' && !args.title.includes('${')) meta.title = args.title;
      if (typeof args.description === 'string' && !args.description.includes('${')) meta.description = args.description;
      if (Object.keys(meta).length > 0) schema = schema.meta(meta);
      forms.set(name, [...(forms.get(name) ?? []), schema]);
    } catch {
      // Reported by the task itself, with its location, when it runs.
    }
  });
  if (forms.size === 0) return undefined;
  const signals: Record<string, ZodType> = {};
  for (const [name, schemas] of forms) signals[name] = schemas.length === 1 ? schemas[0]! : z.union(schemas as [ZodType, ZodType, ...ZodType[]]);
  return signals;
}

function visit(value: unknown, onApproval: (task: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, onApproval);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (record.call === 'baton.approval') onApproval(record);
  for (const child of Object.values(record)) visit(child, onApproval);
}

/**
 * The forms of every approval in `document` as written (JSON Schema), by signal: what a catalog shows
 * of the signals a definition's runs wait for. Approvals that share a signal give `anyOf` their forms;
 * an approval without a form, or with a signal name that is not one, is left out.
 */
export function approvalForms(document: unknown): Record<string, Record<string, unknown>> | undefined {
  const forms = new Map<string, Record<string, unknown>[]>();
  visit(document, (task) => {
    const args = (task.with ?? {}) as { signal?: unknown; form?: unknown };
    if (typeof args.form !== 'object' || args.form === null || Array.isArray(args.form)) return;
    let name: string;
    try {
      name = approvalSignal(args.signal);
    } catch {
      return;
    }
    forms.set(name, [...(forms.get(name) ?? []), args.form as Record<string, unknown>]);
  });
  if (forms.size === 0) return undefined;
  const signals: Record<string, Record<string, unknown>> = {};
  for (const [name, schemas] of forms) signals[name] = schemas.length === 1 ? schemas[0]! : { anyOf: schemas };
  return signals;
}
