/** A payload value (typed JSON), pretty-printed; long values scroll. Blobs it names get a preview and a download link. */
import { toJsonText } from '../format';
import { blobRefsIn } from '../blob-refs';
import { BlobPayloads } from './blob-payloads';

export function JsonView({ value, label }: { value: unknown; label?: string }) {
  const blobs = blobRefsIn(value);
  return (
    <>
      <pre className="json" aria-label={label}>
        {toJsonText(value)}
      </pre>
      {blobs.length === 0 ? null : <BlobPayloads refs={blobs} {...(label === undefined ? {} : { label })} />}
    </>
  );
}
