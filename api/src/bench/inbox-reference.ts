/**
 * The inbox benchmark's yardstick: a bare `node:http` server that answers the same requests with
 * the same bytes (a list page and a claim answer taken from the real server), from memory, with no
 * framework and no database; a claim is answered one event-loop turn later, as a write would be.
 * Its rate under the same load shows how fast the machine is at the moment, so runs on a machine
 * whose speed varies can be compared as ratios.
 */
import { createServer } from 'node:http';

process.once('message', (m: { page: string; claim: string }) => {
  const page = Buffer.from(m.page);
  const claim = Buffer.from(m.claim);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': page.length }).end(page);
        return;
      }
      JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      setImmediate(() => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': claim.length }).end(claim));
    });
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
});
