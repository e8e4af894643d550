import type { LineSource } from './line-store';
import { linesAsText } from './line-text';

/** `<pod>-<container>-<UTC time>.log`, e.g. `openclaw-gateway-7d9f-gateway-20261203T100000Z.log`. */
export function exportFileName(pod: string, container: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${pod}-${container}-${stamp}.log`;
}

export function exportBlob(source: LineSource, withTime: boolean): Blob {
  return new Blob(linesAsText(source, source.firstOrdinal, source.endOrdinal, withTime), {
    type: 'text/plain;charset=utf-8',
  });
}

/** Saves a blob as a download through a temporary link (the browser or Electron asks where). */
export function downloadBlob(blob: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  doc.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The download has its own reference by now; revoking later frees the memory.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
