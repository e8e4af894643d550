import { describe, expect, it } from 'vitest';

import { readNdjson } from './ndjson';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of readNdjson(stream)) values.push(value);
  return values;
}

describe('readNdjson', () => {
  it('reassembles lines split across chunks, including a multi-byte character', async () => {
    const text = '{"status":"pulling manifest"}\n{"status":"caf\u00e9","total":10}\n\n{"status":"success"}';
    const bytes = new TextEncoder().encode(text);
    const chunks = [bytes.slice(0, 7), bytes.slice(7, 45), bytes.slice(45, 46), bytes.slice(46)];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    expect(await collect(stream)).toEqual([
      { status: 'pulling manifest' },
      { status: 'café', total: 10 },
      { status: 'success' },
    ]);
  });

  it('fails with a typed error on a line that is not JSON', async () => {
    await expect(collect(streamOf(['{"status":"ok"}\n<html>oops</html>\n']))).rejects.toMatchObject({
      code: 'ollama-api-error',
      message: expect.stringContaining('<html>oops</html>') as string,
    });
  });

  it('refuses a runaway line', async () => {
    await expect(collect(streamOf(['x'.repeat(1024 * 1024 + 10)]))).rejects.toMatchObject({
      code: 'ollama-api-error',
    });
  });
});
