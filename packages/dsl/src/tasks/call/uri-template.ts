/**
 * The DSL's URI templates: only RFC 6570 simple string expansion (`{name}`), filled from the
 * top-level properties of the task input. A missing variable expands to the empty string; an object
 * or array is an expression fault (400), as the spec's "URI Template" section says.
 */
import { standardFault } from '../../runtime/workflow-fault.js';
import { isRecord } from './call-context.js';

const VARIABLE = /\{([^{}]+)\}/g;

/** Expands `{name}` variables of `template` from `values` (the task input). */
export function expandUriTemplate(template: string, values: unknown, instance: string): string {
  return template.replace(VARIABLE, (_match, name: string) => {
    const value = isRecord(values) ? values[name] : undefined;
    if (value === undefined || value === null) return '';
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return encodeURIComponent(String(value));
    throw standardFault(
      'expression',
      `URI template variable {${name}} of ${template} is ${Array.isArray(value) ? 'an array' : 'an object'}; only strings, numbers, booleans and null can be substituted`,
      {
        instance,
      },
    );
  });
}
