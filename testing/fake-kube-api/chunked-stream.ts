import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultStream } from './faults';

/** A long-lived chunked answer (a watch, a followed log) that the faults can drop. */
export interface ChunkedStream {
  /** What the faults count and drop. */
  readonly fault: FaultStream;
  /** True once the client went away, a fault dropped the stream or it was finished. */
  isClosed(): boolean;
  /** Ends the answer the way the API server does at the end of a stream. */
  finish(): void;
}

/**
 * Starts a chunked 200 answer registered with the faults, closing once whichever comes first: the
 * client leaving, a dropped stream (a clean end or a reset socket), or finish(). `onClose` runs once.
 */
export function openChunkedStream(
  request: IncomingMessage,
  response: ServerResponse,
  contentType: string,
  faults: { register(stream: FaultStream): () => void },
  onClose: () => void,
): ChunkedStream {
  response.writeHead(200, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  response.flushHeaders();

  let closed = false;
  const fault: FaultStream = {
    path: request.url ?? '',
    drop: how => {
      if (closed) return;
      if (how === 'end') finish();
      else {
        cleanup();
        response.socket?.destroy();
      }
    },
  };
  const unregister = faults.register(fault);
  const cleanup = () => {
    if (closed) return;
    closed = true;
    onClose();
    unregister();
  };
  const finish = () => {
    if (closed) return;
    cleanup();
    response.end();
  };
  request.on('close', cleanup);
  response.on('close', cleanup);
  return { fault, isClosed: () => closed, finish };
}
