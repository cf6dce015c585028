/** The HTTP server of an Express app, as the server process runs it. */
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from '../config/config';

/**
 * Listen on PORT and HOST, keeping an idle keep-alive connection open KEEP_ALIVE_S seconds: a
 * person's browser sends a request every few seconds to minutes, and at node's default of 5 s
 * nearly each one would wait for a new connection.
 */
export function listen(app: Express, config: Pick<Config, 'PORT' | 'HOST' | 'KEEP_ALIVE_S'>, ready: () => void): Server {
  const server = app.listen(config.PORT, config.HOST, ready);
  server.keepAliveTimeout = config.KEEP_ALIVE_S * 1000;
  return server;
}
