/**
 * The deploy gate run where it cannot stop the server: the size limits first (diagram-limits.ts,
 * on the text, at once), then the lint rules and the engine's reading in a worker thread with a
 * time and a memory limit. A diagram that would take longer or more is refused, naming the limit;
 * meanwhile the main thread answers everyone else.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError, userError } from '@ggzy/shared';
import { LintInternalError, type LintProblem } from './compat-lint';
import { checkDiagramLimits } from './diagram-limits';

export const GATE_LIMITS = { timeMs: 20_000, memoryMb: 384 };

export interface GateResult {
  /** Lint problems (errors and warnings). */
  problems: LintProblem[];
  /** Why the embedded engine would refuse it, when it would. */
  refusal: { code: string; message: string; messageZh?: string } | null;
}

type Failure = { code?: string; message?: string; messageZh?: string; status?: number; kind?: string; details?: unknown; hint?: string; name?: string };

/** The worker's file: beside this one when built; from a TypeScript run (the tests), the built one. */
function workerFile(): string {
  return __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/diagram/gate-worker.js') : path.join(__dirname, 'gate-worker.js');
}

function rebuild(f: Failure): Error {
  if (f.name === 'LintInternalError') return new LintInternalError([f.message ?? 'unknown']);
  if (f.code && f.kind)
    return new AppError({
      kind: f.kind as never,
      status: f.status,
      code: f.code,
      zh: f.messageZh ?? f.message ?? '',
      en: f.message ?? '',
      details: f.details,
      hint: f.hint,
    });
  return new Error(f.message ?? 'the diagram check failed');
}

function overLimit(what: 'time' | 'memory'): AppError {
  const { timeMs, memoryMb } = GATE_LIMITS;
  return userError(
    'DIAGRAM_CHECK_LIMIT',
    what === 'time' ? `流程图检查超过 ${timeMs / 1000} 秒仍未完成，已中止` : `流程图检查所需内存超过 ${memoryMb} MB，已中止`,
    what === 'time'
      ? `Checking the diagram took longer than ${timeMs / 1000} s and was stopped`
      : `Checking the diagram needed more than ${memoryMb} MB and was stopped`,
    {
      status: 413,
      details: { limit: what, max: what === 'time' ? timeMs : memoryMb },
      hint: 'Split the flow into called processes (call activities), or simplify its expressions',
    },
  );
}

/** Lint the diagram and read it as the engine would, in a worker thread within the limits. */
export async function checkDiagram(xml: string): Promise<GateResult> {
  checkDiagramLimits(xml);
  const worker = new Worker(workerFile(), {
    workerData: { xml },
    resourceLimits: { maxOldGenerationSizeMb: GATE_LIMITS.memoryMb, maxYoungGenerationSizeMb: 32 },
    stdout: true,
    stderr: true,
  });
  try {
    const answer = await new Promise<GateResult | { error: Failure }>((resolve, reject) => {
      const timer = setTimeout(() => reject(overLimit('time')), GATE_LIMITS.timeMs);
      worker.once('message', (m: GateResult | { error: Failure }) => (clearTimeout(timer), resolve(m)));
      worker.once('error', (err: Error & { code?: string }) => {
        clearTimeout(timer);
        reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? overLimit('memory') : err);
      });
      worker.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the diagram check ended without an answer (exit ${code})`))));
    });
    if ('error' in answer) throw rebuild(answer.error);
    return answer;
  } finally {
    void worker.terminate();
  }
}

/** The gate of a deploy: throws a 400 listing every error-level lint problem; warnings pass. */
export async function assertDeployable(xml: string): Promise<LintProblem[]> {
  const { problems } = await checkDiagram(xml);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    const first = errors[0]!;
    throw userError(
      'BPMN_LINT_FAILED',
      `流程图未通过检查（${errors.length} 处）：${first.elementId ?? ''} ${first.message}`,
      `The diagram fails ${errors.length} check(s): ${first.elementId ?? ''} ${first.message}`,
      { details: problems, hint: 'Fix the listed elements in the modeler and deploy again' },
    );
  }
  return problems;
}
