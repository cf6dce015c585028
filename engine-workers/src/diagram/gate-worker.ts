/**
 * The deploy gate's thread: lints a diagram and reads it as the embedded engine would, away from
 * the server's main thread (see diagram-gate.ts). Answers `{ problems, refusal }`, or the error
 * that stopped the check (a diagram that cannot be parsed is a user error, told as one).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lintDiagram } from './compat-lint';
import { readDiagram } from './diagram-reader';

type Failure = { code?: string; message?: string; messageZh?: string; status?: number; kind?: string; details?: unknown; hint?: string; name?: string };

function failure(err: unknown): Failure {
  const e = err as Failure;
  return { code: e.code, message: e.message, messageZh: e.messageZh, status: e.status, kind: e.kind, details: e.details, hint: e.hint, name: e.name };
}

async function check(xml: string): Promise<void> {
  try {
    const problems = await lintDiagram(xml);
    const refusal = await readDiagram(xml).then(
      () => null,
      (err: unknown) => failure(err),
    );
    parentPort!.postMessage({ problems, refusal });
  } catch (err) {
    parentPort!.postMessage({ error: failure(err) });
  }
}

void check((workerData as { xml: string }).xml);
