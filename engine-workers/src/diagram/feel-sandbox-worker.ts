/** The FEEL sandbox's thread (see feel-sandbox.ts): evaluates, answers, signals. */
import { workerData, type MessagePort } from 'node:worker_threads';
import { evaluateFeelHere } from './feel';

const { signal, port, valueBytes } = workerData as { signal: Int32Array; port: MessagePort; valueBytes: number };

port.on('message', ({ id, body, context }: { id: number; body: string; context: Record<string, unknown> }) => {
  let answer: { id: number; json?: string; missing?: string[]; error?: string };
  try {
    const { value, missing } = evaluateFeelHere(body, context);
    const json = JSON.stringify(value ?? null);
    answer = json.length > valueBytes ? { id, error: `the value of the expression is larger than ${valueBytes} bytes (limit)` } : { id, json, missing };
  } catch (err) {
    answer = { id, error: (err as Error).message };
  }
  port.postMessage(answer);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
Atomics.store(signal, 1, 1);
Atomics.notify(signal, 1);
