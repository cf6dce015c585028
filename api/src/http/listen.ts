/** The HTTP server of an Express app, as the server process runs it. */
import type { Server } from 'node:http';
import type { Express } from 'express';

/**
 * Listen on `port` and `host`, keeping an idle keep-alive connection open `keepAliveS` seconds: a
 * person's browser sends a request every few seconds to minutes, and at node's default of 5 s
 * nearly each one would wait for a new connection.
 */
export function listen(app: Express, o: { port: number; host: string; keepAliveS: number }, ready: () => void): Server {
  const server = app.listen(o.port, o.host, ready);
  server.keepAliveTimeout = o.keepAliveS * 1000;
  return server;
}
