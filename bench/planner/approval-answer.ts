/**
 * A person's answer to an approval, shaped by the form the model wrote: a sample of the form with its
 * decision fields (booleans such as `approved`, enums such as `decision: [approve, reject]`) set to
 * approve or turn down. So a branch check works whatever the form's field names are, and the answer
 * still fits the form, as the real approval task requires.
 */
import { sampleFromSchema } from '@baton/ai/testing';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Field names whose `true` means no (`rejected`, `declined`). */
const NEGATIVE_NAME = /reject|declin|den(y|ied)|refus/i;
const POSITIVE_VALUE = /^(approv|accept|yes|grant|allow|ok|go)/i;
const NEGATIVE_VALUE = /^(reject|declin|den|no|refus|turn)/i;

/** The answer an approval with `form` gets when the person approves (`approve`) or turns it down. */
export function approvalAnswer(form: unknown, approve: boolean): unknown {
  if (!isObject(form)) return { approved: approve };
  const sample = sampleFromSchema(form, approve ? 'approved' : 'rejected');
  const answer: Json = isObject(sample) ? { ...sample } : {};
  const properties = isObject(form['properties']) ? form['properties'] : {};
  for (const [key, schema] of Object.entries(properties)) {
    if (!isObject(schema)) continue;
    if (schema['type'] === 'boolean') answer[key] = NEGATIVE_NAME.test(key) ? !approve : approve;
    else if (Array.isArray(schema['enum'])) {
      const wanted = approve ? POSITIVE_VALUE : NEGATIVE_VALUE;
      const value = schema['enum'].find((option) => typeof option === 'string' && wanted.test(option));
      if (value !== undefined) answer[key] = value;
    }
  }
  return answer;
}
