import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 now, for a server a test or bench starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
