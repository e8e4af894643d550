import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake LM Studio server: the OpenAI-compatible `GET /v1/models` list and the native
 * `GET /api/v1/models` (with the `key` OpenClaw uses), on loopback.
 */
export interface FakeLmStudio {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const fakeLmStudioModels = ['qwen/qwen3-8b', 'openai/gpt-oss-20b'];

export async function startFakeLmStudio(
  options: { port?: number; models?: readonly string[] } = {},
): Promise<FakeLmStudio> {
  const models = options.models ?? fakeLmStudioModels;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    if (request.method === 'GET' && path === '/v1/models') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          data: models.map(id => ({ id, object: 'model', owned_by: 'organization_owner' })),
        }),
      );
      return;
    }
    if (request.method === 'GET' && path === '/api/v1/models') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          models: models.map(key => ({
            type: 'llm',
            key,
            display_name: key.split('/')[1] ?? key,
            loaded_instances: [],
          })),
        }),
      );
      return;
    }
    response
      .writeHead(404, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ error: `Unexpected endpoint or method. (${request.method ?? ''} ${path})` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(() => resolve()));
    },
  };
}
