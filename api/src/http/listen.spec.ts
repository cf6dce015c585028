/**
 * An idle connection stays open past node's default of 5 s, so a person's next request a few
 * seconds later does not wait for a new connection (the same two requests to a server listening
 * with node's default find theirs closed).
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { loadConfig } from '../config/config';
import { listen } from './listen';

function app() {
  const a = express();
  a.get('/ping', (_req, res) => void res.json({ ok: true }));
  return a;
}

/** Two requests on one connection, `gapMs` apart: whether the second is answered on it. */
async function secondAnswered(server: Server, gapMs: number): Promise<boolean> {
  await new Promise((r) => server.once('listening', r));
  const socket: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  let closed = false;
  socket.on('close', () => (closed = true));
  const answer = () => new Promise<string>((r) => socket.once('data', (d) => r(d.toString())));
  const ask = () => socket.write('GET /ping HTTP/1.1\r\nhost: x\r\n\r\n');
  ask();
  expect(await answer()).toMatch(/^HTTP\/1.1 200/);
  await new Promise((r) => setTimeout(r, gapMs));
  if (closed) return false;
  ask();
  const second = await Promise.race([answer(), new Promise<string>((r) => socket.once('close', () => r('')))]);
  socket.destroy();
  return second.startsWith('HTTP/1.1 200');
}

test('a connection idle for 6 s is still open for the next request', async () => {
  const config = loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1/x', PORT: '0' });
  const ours = listen(app(), config, () => undefined);
  const nodeDefault = app().listen(0, '127.0.0.1');
  try {
    const [kept, closedByDefault] = await Promise.all([secondAnswered(ours, 6000), secondAnswered(nodeDefault, 6000)]);
    expect(kept).toBe(true);
    expect(closedByDefault).toBe(false);
  } finally {
    ours.close();
    nodeDefault.close();
  }
}, 20_000);
