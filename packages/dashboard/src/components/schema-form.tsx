/**
 * A form generated from a JSON Schema (a workflow's input, a signal's data): an object's properties
 * become fields, nested objects fieldsets, lists of primitives comma lists, anything else a JSON
 * text area. The values are checked in the browser against the schema's constraints, with the
 * message next to its field, before `onSubmit` gets them; the server checks them again.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import {
  asSchema,
  childPath,
  describeConstraints,
  initialValues,
  kindOf,
  readValues,
  type FieldErrors,
  type FieldValues,
  type JsonSchema,
} from '../schema-values';

export interface FormAction {
  label: string;
  tone?: 'primary' | 'danger';
  /** Top-level values this action sets (Approve sets `approved: true`), over what the fields hold. */
  set?: Record<string, unknown>;
}

export interface SchemaFormProps {
  schema: unknown;
  /** The form's accessible name. */
  label: string;
  actions: readonly FormAction[];
  /** Top-level properties the actions set, not shown as fields. */
  hidden?: readonly string[];
  /** Fields of the caller's shown before the schema's (a run id, tags). */
  children?: ReactNode;
  /** Values the fields start with, by path, over the schema's defaults (an approver's name). */
  initial?: FieldValues;
  onSubmit(value: unknown, action: FormAction): void;
}

export function SchemaForm({ schema: raw, label, actions, hidden = [], children, initial, onSubmit }: SchemaFormProps) {
  const schema = asSchema(raw);
  const prefix = useId();
  const [values, setValues] = useState<FieldValues>(() => ({ ...initialValues(schema), ...initial }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (path: string, value: string | boolean): void => {
    setValues((current) => ({ ...current, [path]: value }));
    setErrors((current) => {
      if (current[path] === undefined) return current;
      const next = { ...current };
      delete next[path];
      return next;
    });
  };

  const submit = (action: FormAction): void => {
    const read = readValues(schema, values);
    for (const name of hidden) delete read.errors[name];
    setErrors(read.errors);
    if (Object.keys(read.errors).length > 0) return;
    const value = action.set === undefined ? read.value : { ...(read.value as Record<string, unknown>), ...action.set };
    onSubmit(value, action);
  };
  const onFormSubmit = (event: FormEvent): void => {
    event.preventDefault();
    const first = actions[0];
    if (first !== undefined) submit(first);
  };

  const context: FieldContext = { prefix, values, errors, set, hidden };
  return (
    <form className="schema-form" aria-label={label} noValidate onSubmit={onFormSubmit}>
      {children}
      {kindOf(schema) === 'object' ? (
        <ObjectFields schema={schema!} path="" context={context} />
      ) : (
        <Field
          name={schema === undefined ? 'Data (JSON, optional)' : 'Value (JSON)'}
          schema={schema}
          path=""
          required={schema !== undefined}
          context={context}
        />
      )}
      <div className="actions">
        {actions.map((action) => (
          <button
            key={action.label}
            type="button"
            className={action.tone === 'danger' ? 'button button-danger' : action.tone === 'primary' ? 'button button-primary' : 'button'}
            onClick={() => submit(action)}
          >
            {action.label}
          </button>
        ))}
      </div>
    </form>
  );
}

interface FieldContext {
  prefix: string;
  values: FieldValues;
  errors: FieldErrors;
  set(path: string, value: string | boolean): void;
  hidden: readonly string[];
}

function ObjectFields({ schema, path, context }: { schema: JsonSchema; path: string; context: FieldContext }) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {})
        .filter(([name]) => path !== '' || !context.hidden.includes(name))
        .map(([name, child]) => (
          <Field key={name} name={child.title ?? name} schema={child} path={childPath(path, name)} required={required.has(name)} context={context} />
        ))}
    </>
  );
}

function Field({
  name,
  schema,
  path,
  required,
  context,
}: {
  name: string;
  schema: JsonSchema | undefined;
  path: string;
  required: boolean;
  context: FieldContext;
}) {
  const kind = kindOf(schema);
  const id = `${context.prefix}-${path}`;
  const error = context.errors[path];
  const errorId = `${id}-error`;
  const hints = [...(schema?.description === undefined ? [] : [schema.description]), ...(schema === undefined ? [] : describeConstraints(schema))];
  if (kind === 'list') hints.push('separate items with commas');
  const note = (
    <>
      {hints.length === 0 ? null : <span className="field-hint">{hints.join(' · ')}</span>}
      {error === undefined ? null : (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      )}
    </>
  );
  const common = {
    id,
    name: path === '' ? 'value' : path,
    'aria-invalid': error === undefined ? undefined : true,
    'aria-describedby': error === undefined ? undefined : errorId,
  } as const;
  const caption = (
    <span>
      {name}
      {required || kind === 'boolean' ? '' : <span className="muted"> (optional)</span>}
    </span>
  );

  if (kind === 'object') {
    return (
      <fieldset className="schema-fieldset">
        <legend>
          {name}
          {required ? '' : <span className="muted"> (optional)</span>}
        </legend>
        <ObjectFields schema={schema!} path={path} context={context} />
      </fieldset>
    );
  }
  if (kind === 'boolean') {
    return (
      <div className="field field-check">
        <label htmlFor={id}>
          <input type="checkbox" {...common} checked={context.values[path] === true} onChange={(e) => context.set(path, e.target.checked)} /> {name}
        </label>
        {note}
      </div>
    );
  }
  const text = typeof context.values[path] === 'string' ? (context.values[path] as string) : '';
  let control: ReactNode;
  if (kind === 'enum') {
    control = (
      <select {...common} value={text} onChange={(e) => context.set(path, e.target.value)}>
        <option value="">{required ? 'choose…' : '—'}</option>
        {schema!.enum!.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'json') {
    control = (
      <textarea {...common} className="mono" rows={4} placeholder='{ "key": "value" }' value={text} onChange={(e) => context.set(path, e.target.value)} />
    );
  } else if (kind === 'string' && (schema?.maxLength ?? 0) > 200) {
    control = <textarea {...common} rows={3} value={text} onChange={(e) => context.set(path, e.target.value)} />;
  } else {
    control = (
      <input
        {...common}
        type="text"
        inputMode={kind === 'number' ? 'decimal' : kind === 'integer' ? 'numeric' : undefined}
        value={text}
        onChange={(e) => context.set(path, e.target.value)}
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{caption}</label>
      {control}
      {note}
    </div>
  );
}
