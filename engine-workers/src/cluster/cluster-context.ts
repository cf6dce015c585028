/**
 * What the parts of the cluster adapter share: the SDK's clients (gRPC for commands and
 * service-task workers, REST for user tasks and listener jobs), the adapter's own records in
 * MongoDB, the diagrams read once per version, and the events to the inbox.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Camunda8 } from '@camunda8/sdk';
import { readDiagram, type DiagramInfo } from '../diagram/diagram-reader';
import type { EngineEvents, Variables } from '../port/engine-port';
import { clusterModels, type ClusterModels } from './cluster-models';

/** Variables as the SDK types them (JSON values). */
export type JSONDoc = Parameters<GrpcClient['setVariables']>[0]['variables'];
type SdkConfig = NonNullable<ConstructorParameters<typeof Camunda8>[0]>;
export type GrpcClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>;
export type RestClient = ReturnType<Camunda8['getOrchestrationClusterApiClientLoose']>;
type Listener = (...args: unknown[]) => unknown;

export interface ZeebeEngineOptions {
  connection: Connection;
  logger: Logger;
  /**
   * SDK settings (ZEEBE_GRPC_ADDRESS, ZEEBE_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY, OAuth client…).
   * Anything not given here the SDK reads from the environment.
   */
  sdk?: SdkConfig;
  /** Take the inbox's listener jobs in this process (API processes do; worker-only processes do not). */
  inboxListeners?: boolean;
  /** Worker name reported to Zeebe. */
  workerName?: string;
  /** How long a REST job activation waits for jobs (long polling). */
  listenerRequestTimeoutMs?: number;
  /** Job lock time for activated jobs. */
  jobTimeoutMs?: number;
  /** How long a start made again waits for the cluster's search to show the first one (ms). */
  startSearchWaitMs?: number;
  /** How long retrying an incident waits for the cluster's search to show it. */
  incidentSearchWaitMs?: number;
  /** Pauses between attempts of a user-task command that Zeebe answers 409 or cannot take. */
  commandRetryDelaysMs?: number[];
  /** How long a completion answered 404 waits for the task's listener to say how it ended. */
  settleWaitMs?: number;
  /** How long Zeebe waits before offering again a listener job the inbox could not take (ms). */
  listenerRetryBackOffMs?: number;
}

export function httpStatus(err: unknown): number | undefined {
  const e = err as { status?: number; statusCode?: number; response?: { status?: number } };
  return e?.status ?? e?.statusCode ?? e?.response?.status;
}

export class ClusterContext {
  readonly models: ClusterModels;
  readonly logger: Logger;
  readonly events = new EventEmitter();
  private sdk?: Camunda8;
  readonly workerName: string;
  /** The service-task workers running in this process. */
  readonly workers = new Set<{ close(): Promise<unknown> }>();
  /** Diagrams read once per deployed version. */
  readonly compiled = new Map<string, Promise<DiagramInfo | null>>();
  private grpcClient?: GrpcClient;
  private restClient?: RestClient;

  constructor(readonly opts: ZeebeEngineOptions) {
    this.models = clusterModels(opts.connection);
    this.logger = opts.logger.child({ scope: 'zeebe' });
    this.workerName = opts.workerName ?? `ggzy-${hostname()}-${process.pid}`;
    this.events.setMaxListeners(50);
  }

  /** The SDK's worker log lines (JSON strings) into this system's log. */
  readonly sdkLog = {
    debug: (m: string) => this.logger.trace({ sdk: m }, 'zeebe worker'),
    info: (m: string) => this.logger.debug({ sdk: m }, 'zeebe worker'),
    error: (m: string) => this.logger.warn({ sdk: m }, 'zeebe worker'),
  };

  /**
   * The SDK, loaded at its first use: a quarter of a second of loading that the embedded engine
   * (which only names this adapter) does not pay. It reads the rest of its settings from the
   * environment; its own console logging is kept to errors unless asked for (this system logs
   * through pino).
   */
  get camunda(): Camunda8 {
    if (!this.sdk) {
      const { Camunda8: Sdk } = createRequire(__filename)('@camunda8/sdk') as typeof import('@camunda8/sdk');
      const env = process.env;
      this.sdk = new Sdk({
        CAMUNDA_AUTH_STRATEGY: env.CAMUNDA_AUTH_STRATEGY ?? 'NONE',
        ZEEBE_CLIENT_LOG_LEVEL: env.ZEEBE_CLIENT_LOG_LEVEL ?? 'ERROR',
        CAMUNDA_LOG_LEVEL: env.CAMUNDA_LOG_LEVEL ?? 'error',
        ...this.opts.sdk,
      } as SdkConfig);
    }
    return this.sdk;
  }

  get grpc(): GrpcClient {
    return (this.grpcClient ??= this.camunda.getZeebeGrpcApiClient());
  }

  get rest(): RestClient {
    return (this.restClient ??= this.camunda.getOrchestrationClusterApiClientLoose());
  }

  async closeClients(): Promise<void> {
    await this.grpcClient?.close().catch(() => undefined);
  }

  /**
   * Tell every listener and wait for them (the inbox stores the task). Every listener is told,
   * none held up by another; if any failed, the failure is passed on, so that the listener job is
   * failed and Zeebe offers it again (to all of them: they are idempotent).
   */
  async emit(event: keyof EngineEvents, payload: unknown): Promise<void> {
    const results = await Promise.allSettled((this.events.listeners(event) as Listener[]).map(async (l) => l(payload)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  compiledFor(definitionKey: string): Promise<DiagramInfo | null> {
    let entry = this.compiled.get(definitionKey);
    if (!entry) {
      entry = this.models.Definition.findById(definitionKey)
        .lean()
        .then(async (d) => (d ? (await readDiagram(d.xml)).info : null));
      this.compiled.set(definitionKey, entry);
      entry.catch(() => this.compiled.delete(definitionKey));
    }
    return entry;
  }

  /** The adapter's copy of an instance's variables, for the instance page. */
  async mergeVariables(instanceKey: string, variables: Variables): Promise<void> {
    const doc = await this.models.Instance.findById(instanceKey).select('variables').lean();
    if (doc)
      await this.models.Instance.updateOne({ _id: instanceKey }, { $set: { variables: JSON.stringify({ ...JSON.parse(doc.variables), ...variables }) } });
  }
}
