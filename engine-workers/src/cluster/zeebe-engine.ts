/**
 * The cluster adapter of the engine port: the same port as the embedded engine, carried out by a
 * Zeebe (Camunda 8.8) cluster through `@camunda8/sdk`.
 *
 * - Commands (deploy, create instance, publish message, cancel, set variables, job retries) and
 *   the service-task job workers use the gateway's gRPC API, with the SDK's long-polling workers
 *   that reconnect by themselves (commands.ts, deployer.ts, job-workers.ts).
 * - User tasks use the Orchestration Cluster REST API: the inbox listener jobs (see
 *   inbox-listeners.ts, inbox-listener-loop.ts) are activated over REST because only its job
 *   record carries the user task's key and attributes, and completing, assigning and unassigning a
 *   Camunda user task is a REST-only command (user-task-commands.ts).
 * - No Tasklist, Operate or secondary storage is needed for the inbox; only retrying an incident
 *   asks the REST API to find Zeebe's incident key (a search, which needs secondary storage).
 */
import type { ProcessDefinitionSummary } from '@ggzy/shared';
import type {
  CreateInstanceRequest,
  CreateInstanceResult,
  DefinitionDetail,
  DeployResult,
  EngineEvents,
  EnginePort,
  InstanceView,
  PublishMessageRequest,
  PublishMessageResult,
  UserTaskRecord,
  Variables,
  WorkerOptions,
} from '../port/engine-port';
import { ClusterContext, type ZeebeEngineOptions } from './cluster-context';
import * as commands from './commands';
import * as deployer from './deployer';
import { InboxListenerLoop } from './inbox-listener-loop';
import { createWorker } from './job-workers';
import * as userTasks from './user-task-commands';

export type { ZeebeEngineOptions } from './cluster-context';

type Listener = (...args: unknown[]) => unknown;

export class ZeebeEngine implements EnginePort {
  readonly mode = 'cluster' as const;
  // Zeebe chooses the keys of its instances.
  private readonly ctx: ClusterContext;
  private readonly listeners: InboxListenerLoop;

  constructor(private readonly opts: ZeebeEngineOptions) {
    this.ctx = new ClusterContext(opts);
    this.listeners = new InboxListenerLoop(this.ctx);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.opts.inboxListeners) this.listeners.start();
  }

  async stop(): Promise<void> {
    await this.listeners.stop();
    await Promise.allSettled([...this.ctx.workers].map((w) => w.close()));
    this.ctx.workers.clear();
    await this.ctx.closeClients();
  }

  async health(): Promise<{ ok: boolean; [detail: string]: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const t = await Promise.race([
        this.ctx.grpc.topology(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the Zeebe gateway did not answer within 3 s')), 3000);
        }),
      ]);
      return { ok: true, brokers: t.brokers.length, partitions: t.partitionsCount, gatewayVersion: t.gatewayVersion };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  on<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.ctx.events.on(event, listener as Listener);
  }

  off<E extends keyof EngineEvents>(event: E, listener: EngineEvents[E]): void {
    this.ctx.events.off(event, listener as Listener);
  }

  // ---- the port, part by part ---------------------------------------------------------------

  deploy(resources: { name: string; content: string }[]): Promise<DeployResult> {
    return deployer.deploy(this.ctx, resources);
  }

  listDefinitions(): Promise<ProcessDefinitionSummary[]> {
    return deployer.listDefinitions(this.ctx);
  }

  getDefinition(key: string): Promise<DefinitionDetail> {
    return deployer.getDefinition(this.ctx, key);
  }

  createInstance(req: CreateInstanceRequest): Promise<CreateInstanceResult> {
    return commands.createInstance(this.ctx, req);
  }

  getInstance(key: string): Promise<InstanceView> {
    return commands.getInstance(this.ctx, key);
  }

  cancelInstance(key: string): Promise<void> {
    return commands.cancelInstance(this.ctx, key);
  }

  setVariables(instanceKey: string, variables: Variables): Promise<void> {
    return commands.setVariables(this.ctx, instanceKey, variables);
  }

  resolveIncident(incidentKey: string, opts: { retries?: number } = {}): Promise<void> {
    return commands.resolveIncident(this.ctx, incidentKey, opts);
  }

  publishMessage(req: PublishMessageRequest): Promise<PublishMessageResult> {
    return commands.publishMessage(this.ctx, req);
  }

  createWorker<V extends Variables = Variables>(opts: WorkerOptions<V>): { close(): void } {
    return createWorker(this.ctx, opts);
  }

  listOpenUserTasks(): Promise<UserTaskRecord[]> {
    return userTasks.listOpenUserTasks(this.ctx);
  }

  completeUserTask(key: string, variables: Variables = {}): Promise<void> {
    return userTasks.completeUserTask(this.ctx, key, variables);
  }

  assignUserTask(key: string, assignee: string | null): Promise<void> {
    return userTasks.assignUserTask(this.ctx, key, assignee);
  }
}
