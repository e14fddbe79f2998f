/** A page of the navigation that is not built yet: says what it will show. */
import type { ReactNode } from 'react';

export function PlaceholderPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="page">
      <h1>{title}</h1>
      <div className="placeholder">
        <strong>Coming next.</strong> {children}
      </div>
    </section>
  );
}
