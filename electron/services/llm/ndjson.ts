import { ClawbarError } from '../../../common/errors';

/** A line longer than this is not progress: the stream is not what it claims to be. */
const maxLineLength = 1024 * 1024;

/**
 * Reads newline-delimited JSON (`application/x-ndjson`) as it arrives: one parsed value per
 * non-empty line. A line that is not JSON, or a runaway line without a newline, is an
 * `ollama-api-error`; the caller's abort surfaces as the stream's own error.
 */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line !== '') yield parseLine(line);
        newline = buffer.indexOf('\n');
      }
      if (buffer.length > maxLineLength) {
        throw new ClawbarError('ollama-api-error', 'Ollama sent a line longer than 1 MiB; stopped reading.');
      }
      if (done) break;
    }
    const rest = buffer.trim();
    if (rest !== '') yield parseLine(rest);
  } finally {
    // Stops the download when the consumer leaves early (error line, cancel).
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    const shown = line.length > 120 ? `${line.slice(0, 120)}…` : line;
    throw new ClawbarError('ollama-api-error', `Ollama sent a line that is not JSON: ${shown}`);
  }
}
