/**
 * FEEL that could run away — iterations (`for`, `some`, `every`, ranges) and user-defined
 * functions — is evaluated in a worker thread with a time limit and a small heap, waited for
 * synchronously (the engine evaluates expressions inside its synchronous steps). An expression
 * that takes longer, needs more memory or yields a larger value fails like any FEEL error (an
 * incident on its element), and the thread is replaced; the server goes on. Everything else is
 * evaluated in place, as before: the sandbox costs a round trip only where it is needed.
 */
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export const FEEL_LIMITS = { timeMs: 250, memoryMb: 64, valueBytes: 1_000_000 };

const RISKY = /\b(?:for|some|every|function)\b|\.\./;

/** Whether an expression body can iterate or recurse (and so is evaluated in the sandbox). */
export function mayRunAway(body: string): boolean {
  return RISKY.test(body);
}

export interface SandboxAnswer {
  json?: string;
  missing?: string[];
  error?: string;
}

/** Signal slots: [0] an answer is there, [1] the thread is ready. */
const ANSWERED = 0;
const READY = 1;
const START_BUDGET_MS = 10_000;

function workerFile(): string {
  return __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/diagram/feel-sandbox-worker.js') : path.join(__dirname, 'feel-sandbox-worker.js');
}

class Sandbox {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private signal = new Int32Array(new SharedArrayBuffer(8));
  private next = 0;

  private start(): void {
    this.signal = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(workerFile(), {
      workerData: { signal: this.signal, port: port2, valueBytes: FEEL_LIMITS.valueBytes },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: FEEL_LIMITS.memoryMb, maxYoungGenerationSizeMb: 16 },
    });
    this.worker.unref();
    this.worker.on('error', () => this.drop()); // out of memory: the next expression starts a new one
    port1.unref();
    this.port = port1;
  }

  private drop(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = null;
    this.port = null;
  }

  /** Evaluate in the thread; `null` when it did not answer within the limits (it is then replaced). */
  evaluate(body: string, context: Record<string, unknown>): SandboxAnswer | null {
    if (!this.worker) this.start();
    if (Atomics.load(this.signal, READY) === 0) Atomics.wait(this.signal, READY, 0, START_BUDGET_MS);
    const id = ++this.next;
    Atomics.store(this.signal, ANSWERED, 0);
    this.port!.postMessage({ id, body, context });
    const waited = Atomics.wait(this.signal, ANSWERED, 0, FEEL_LIMITS.timeMs);
    const reply = receiveMessageOnPort(this.port!)?.message as (SandboxAnswer & { id: number }) | undefined;
    if (waited === 'timed-out' || !reply || reply.id !== id) {
      this.drop();
      return null;
    }
    return reply;
  }
}

let sandbox: Sandbox | null = null;

export function evaluateInSandbox(body: string, context: Record<string, unknown>): SandboxAnswer | null {
  sandbox ??= new Sandbox();
  return sandbox.evaluate(body, context);
}
