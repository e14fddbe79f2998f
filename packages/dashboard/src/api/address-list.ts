/**
 * A list page's state in the address, so a filtered page can be shared: its filters (one query
 * parameter each, empty ones left out) and its page (a cursor parameter). Applying filters starts
 * again on the first page.
 */
import { useSearchParams } from 'react-router-dom';

export type AddressFilters<Field extends string> = Partial<Record<Field, string>>;

export interface AddressList<Field extends string> {
  filters: AddressFilters<Field>;
  /** The page's cursor; undefined on the first page. */
  cursor: string | undefined;
  /** Shows the first page with these filters (trimmed; empty ones dropped). */
  apply(next: AddressFilters<Field>): void;
  /** Shows the page at this cursor with the same filters; undefined for the first page. */
  goTo(cursor: string | number | undefined): void;
}

export function useAddressList<Field extends string>(fields: readonly Field[], cursorParam: string): AddressList<Field> {
  const [params, setParams] = useSearchParams();
  const filters: AddressFilters<Field> = {};
  for (const field of fields) {
    const value = params.get(field);
    if (value !== null && value !== '') filters[field] = value;
  }
  const apply = (next: AddressFilters<Field>): void => {
    const query = new URLSearchParams();
    for (const field of fields) {
      const value = next[field]?.trim();
      if (value !== undefined && value !== '') query.set(field, value);
    }
    setParams(query);
  };
  const goTo = (cursor: string | number | undefined): void => {
    const query = new URLSearchParams(params);
    if (cursor === undefined) query.delete(cursorParam);
    else query.set(cursorParam, String(cursor));
    setParams(query);
  };
  return { filters, cursor: params.get(cursorParam) ?? undefined, apply, goTo };
}
