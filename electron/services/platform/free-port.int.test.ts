import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import { choosePort } from './free-port';

describe('choosePort', () => {
  it('gives a loopback port that can be listened on at once', async () => {
    const port = await choosePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise(resolve => server.close(resolve));
  });
});
