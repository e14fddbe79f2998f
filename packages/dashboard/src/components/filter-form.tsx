/**
 * The filter bar above a list: its fields edit a draft, which Apply (or Enter) puts in the address and
 * Clear empties. A field that should apply at once (a select) calls `onApply(set(field, value))`.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { AddressFilters } from '../api/address-list';

export interface FilterDraft<Field extends string> {
  draft: AddressFilters<Field>;
  /** Sets one field of the draft and returns the whole draft. */
  set(field: Field, value: string): AddressFilters<Field>;
  clear(): void;
  submit(event: FormEvent): void;
}

/** The draft of `filters` a filter bar edits; give the bar a `key` of the filters so it starts again when they change. */
export function useFilterDraft<Field extends string>(filters: AddressFilters<Field>, onApply: (filters: AddressFilters<Field>) => void): FilterDraft<Field> {
  const [draft, setDraft] = useState<AddressFilters<Field>>(filters);
  const set = (field: Field, value: string): AddressFilters<Field> => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    return next;
  };
  return {
    draft,
    set,
    clear: () => {
      setDraft({});
      onApply({});
    },
    submit: (event) => {
      event.preventDefault();
      onApply(draft);
    },
  };
}

export interface FilterFormProps {
  /** The form's accessible name: "Filter runs". */
  label: string;
  form: { submit(event: FormEvent): void; clear(): void };
  /** The fields. */
  children: ReactNode;
}

export function FilterForm({ label, form, children }: FilterFormProps) {
  return (
    <form className="filters" onSubmit={form.submit} role="search" aria-label={label}>
      {children}
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          Apply
        </button>
        <button type="button" className="button" onClick={form.clear}>
          Clear
        </button>
      </div>
    </form>
  );
}
