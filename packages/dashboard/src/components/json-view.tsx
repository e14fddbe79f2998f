/** A payload value (typed JSON), pretty-printed; long values scroll. */
import { toJsonText } from '../format';

export function JsonView({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre className="json" aria-label={label}>
      {toJsonText(value)}
    </pre>
  );
}
