import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebSocket } from 'ws';

import { expect, test } from './devhost';

/** Opens a raw WebSocket as a non-browser client would, and reports how the handshake ended. */
function handshake(url: string, origin?: string): Promise<{ opened: boolean; status?: number }> {
  return new Promise(resolve => {
    const socket = new WebSocket(url, origin ? { headers: { Origin: origin } } : {});
    socket.once('open', () => {
      socket.close();
      resolve({ opened: true });
    });
    socket.once('unexpected-response', (_request, response) =>
      resolve({ opened: false, status: response.statusCode }),
    );
    socket.once('error', () => resolve({ opened: false }));
  });
}

test('a wrong token is refused before any channel runs', async ({ devhost }) => {
  const socket = `ws://127.0.0.1:${devhost.port}/api`;
  expect(await handshake(`${socket}?token=${'0'.repeat(64)}`, devhost.origin)).toEqual({
    opened: false,
    status: 401,
  });
  expect(await handshake(socket, devhost.origin)).toEqual({ opened: false, status: 401 });
  expect(await handshake(`${socket}?token=${devhost.token}`, devhost.origin)).toEqual({ opened: true });
});

test('a foreign Origin is refused even with the right token', async ({ devhost }) => {
  const socket = `ws://127.0.0.1:${devhost.port}/api?token=${devhost.token}`;
  expect(await handshake(socket, 'https://evil.example')).toEqual({ opened: false, status: 403 });
  expect(await handshake(socket, 'http://127.0.0.1:1')).toEqual({ opened: false, status: 403 });
  expect(await handshake(socket)).toEqual({ opened: false, status: 403 });
});

test('a page on another origin cannot drive the devhost from the browser', async ({ page, devhost }) => {
  // A hostile page served from another local port that somehow learned the token.
  const evil = createServer((_request, response) =>
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>evil</title>'),
  );
  await new Promise<void>(resolve => evil.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    const outcome = await page.evaluate(
      url =>
        new Promise<string>(resolve => {
          const socket = new WebSocket(url);
          socket.onopen = () => resolve('opened');
          socket.onerror = () => resolve('refused');
        }),
      `ws://127.0.0.1:${devhost.port}/api?token=${devhost.token}`,
    );
    expect(outcome).toBe('refused');
  } finally {
    evil.close();
  }
});

test('the UI opened with a wrong token says it cannot connect, and shows no data', async ({
  page,
  devhost,
}) => {
  await page.goto(`${devhost.origin}/#token=${'0'.repeat(64)}`);
  await expect(page.getByText(/Cannot reach Clawbar/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('region', { name: 'Virtual machine' })).toHaveCount(0);
});
