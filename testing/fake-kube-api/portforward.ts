import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type WebSocket } from 'ws';

import type { Kubelet, PodRef } from './kubelet';

/**
 * `…/pods/NAME/portforward?ports=N` over WebSocket, as the kubelet serves it with the
 * `v4.channel.k8s.io` subprotocol: for the i-th port, channel 2i carries data and 2i+1 errors;
 * each channel's first frame is the port number (2 bytes, little-endian). One WebSocket is one
 * TCP connection to the pod's port: it closes when either side does; a refused connection is
 * reported on the error channel before the close.
 */
const protocol = 'v4.channel.k8s.io';

const server = new WebSocketServer({
  noServer: true,
  handleProtocols: offered => (offered.has(protocol) ? protocol : false),
});

function portFrame(channel: number, port: number): Buffer {
  const frame = Buffer.alloc(3);
  frame.writeUInt8(channel, 0);
  frame.writeUInt16LE(port, 1);
  return frame;
}

function channelFrame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

export function parsePorts(params: URLSearchParams): number[] {
  return params
    .getAll('ports')
    .flatMap(value => value.split(','))
    .map(value => value.trim())
    .filter(value => value !== '')
    .map(Number);
}

export function servePortForward(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  kubelet: Kubelet,
  ref: PodRef,
  ports: number[],
): void {
  server.handleUpgrade(request, socket, head, (ws: WebSocket) => {
    const upstreams: Duplex[] = [];
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      for (const upstream of upstreams) upstream.destroy();
      if (ws.readyState === ws.OPEN) ws.close(1000);
    };
    ws.on('close', close);
    ws.on('error', close);
    ports.forEach((port, index) => {
      const data = index * 2;
      const error = data + 1;
      ws.send(portFrame(data, port));
      ws.send(portFrame(error, port));
      const buffered: Buffer[] = [];
      let upstream: Duplex | undefined;
      ws.on('message', (message: Buffer, isBinary: boolean) => {
        const bytes = isBinary ? message : Buffer.from(message.toString(), 'utf8');
        if (bytes[0] !== data) return;
        const payload = bytes.subarray(1);
        if (upstream) upstream.write(payload);
        else buffered.push(payload);
      });
      kubelet.connectPort(ref, port).then(
        connection => {
          if (closed) {
            connection.destroy();
            return;
          }
          upstream = connection;
          upstreams.push(connection);
          for (const chunk of buffered.splice(0)) connection.write(chunk);
          connection.on('data', (chunk: Buffer) => {
            if (ws.readyState === ws.OPEN) ws.send(channelFrame(data, chunk));
          });
          connection.on('end', close);
          connection.on('close', close);
          connection.on('error', close);
        },
        (failure: unknown) => {
          if (ws.readyState === ws.OPEN)
            ws.send(channelFrame(error, Buffer.from((failure as Error).message, 'utf8')));
          close();
        },
      );
    });
  });
}
