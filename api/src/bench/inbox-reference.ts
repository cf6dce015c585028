/**
 * The inbox benchmark's yardstick: a bare Express app (the framework the API is built on) that
 * answers the same requests with the same bytes (a list page and a claim answer taken from the
 * real server), from memory, with no database; a claim's JSON body is parsed by `express.json`
 * and answered one event-loop turn later, as a write would be. Its rate under the same load shows
 * what the machine and the framework allow at the moment, so runs on a machine whose speed varies
 * can be compared as ratios.
 */
import express from 'express';

process.once('message', (m: { page: string; claim: string }) => {
  const page = Buffer.from(m.page);
  const claim = Buffer.from(m.claim);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json());
  app.get('/api/tasks', (_req, res) => {
    res.type('application/json').send(page);
  });
  app.post('/api/tasks/:id/claim', (_req, res) => {
    setImmediate(() => res.type('application/json').send(claim));
  });
  const server = app.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
});
