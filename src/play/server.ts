/**
 * The `play` command's server: the playground page on loopback. One page, built once
 * (bundled at start), served at `/` (and `/index.html`); every other path is 404, every
 * method but GET and HEAD 405. The page needs nothing else from the network.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlayServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPlayServer(html: string, port: number, host = '127.0.0.1'): Promise<PlayServer> {
  const page = Buffer.from(html, 'utf8');
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split(/[?#]/, 1)[0];
    const head = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...head, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path !== '/' && path !== '/index.html') {
      res.writeHead(404, { ...head, 'content-type': 'text/plain; charset=utf-8' }).end('not found: the playground is at /\n');
      return;
    }
    res.writeHead(200, { ...head, 'content-type': 'text/html; charset=utf-8', 'content-length': page.length });
    res.end(req.method === 'HEAD' ? undefined : page);
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolveP, rejectP) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      rejectP(new Error(e.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use (pick another with --port, or --port 0 for any free one)` : `cannot listen on ${host}:${port}: ${e.message}`)),
    );
    server.listen(port, host, () => resolveP());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
