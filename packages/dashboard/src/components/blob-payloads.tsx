/**
 * Payloads kept in the blob store: a value over the blob threshold reads `{ "$blob": { id, size,
 * contentType } }` in the API, and a BlobValue handle inside a value `{ "$baton": "blob", "v": { id,
 * size, type } }`. Under the value, each blob it names gets its size and type, a preview of its first
 * bytes, and a download link (fetched with the session's key, so the link works without a cookie).
 */
import { useEffect, useState } from 'react';
import type { ApiBlobPreview } from '@baton/server/client';
import { useSession } from '../api/session';
import { formatBytes, type BlobRef } from '../blob-refs';

export function BlobPayloads({ refs, label }: { refs: BlobRef[]; label?: string }) {
  return (
    <ul className="blob-list" aria-label={label === undefined ? 'Blobs' : `${label}: blobs`}>
      {refs.map((ref) => (
        <BlobCard key={ref.id} blob={ref} />
      ))}
    </ul>
  );
}

function BlobCard({ blob }: { blob: BlobRef }) {
  const { client } = useSession();
  const [preview, setPreview] = useState<ApiBlobPreview | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [downloading, setDownloading] = useState(false);

  useEffect(() => {
    let live = true;
    client.blobs.preview(blob.id).then(
      (p) => live && setPreview(p),
      (error: unknown) => live && setProblem(`No preview: ${(error as Error).message}`),
    );
    return () => {
      live = false;
    };
  }, [client, blob.id]);

  const download = async (): Promise<void> => {
    setDownloading(true);
    setProblem(undefined);
    try {
      const response = await client.blobs.download(blob.id);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName(blob);
      link.click();
      // The browser has taken the file once the click is handled; the URL can go a little later.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      setProblem(`Download failed: ${(error as Error).message}`);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <li className="blob-card" data-blob-id={blob.id}>
      <div className="blob-head">
        <span className="blob-kind">Blob</span>
        <code className="blob-id">{blob.id}</code>
        <span className="blob-meta">
          {formatBytes(preview?.size ?? blob.size)} · {preview?.contentType ?? blob.contentType}
        </span>
        <a
          className="button blob-download"
          href={`/api/blobs/${encodeURIComponent(blob.id)}`}
          aria-disabled={downloading}
          onClick={(event) => {
            event.preventDefault();
            if (!downloading) void download();
          }}
        >
          {downloading ? 'Downloading…' : 'Download'}
        </a>
      </div>
      {preview === undefined ? null : (
        <pre className="json blob-preview" aria-label={`Preview of blob ${blob.id}`}>
          {preview.previewEncoding === 'utf8' ? preview.preview : `base64: ${preview.preview}`}
          {preview.truncated ? `\n… (first ${formatBytes(previewBytes(preview))} of ${formatBytes(preview.size)})` : ''}
        </pre>
      )}
      {problem === undefined ? null : (
        <p className="blob-problem" role="alert">
          {problem}
        </p>
      )}
    </li>
  );
}

function previewBytes(preview: ApiBlobPreview): number {
  return preview.previewEncoding === 'utf8' ? new TextEncoder().encode(preview.preview).byteLength : Math.floor((preview.preview.length * 3) / 4);
}

function fileName(blob: BlobRef): string {
  const type = blob.contentType.split(';')[0]?.trim() ?? '';
  const ext = type === 'application/json' ? '.json' : type === 'text/csv' ? '.csv' : type.startsWith('text/') ? '.txt' : '.bin';
  return `${blob.id}${ext}`;
}
