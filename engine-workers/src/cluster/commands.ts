/** Commands to the cluster over gRPC: create, look at, cancel an instance, set variables, retry an incident, publish a message. */
import { conflict, notFound, userError } from '@ggzy/shared';
import type { CreateInstanceRequest, CreateInstanceResult, InstanceView, PublishMessageRequest, PublishMessageResult, Variables } from '../port/engine-port';
import type { ClusterContext, JSONDoc } from './cluster-context';

/** The variable that carries a start's request key, so that a start made again finds the first. */
export const START_REQUEST_VARIABLE = 'ggzyStartRequest';

export async function createInstance(ctx: ClusterContext, req: CreateInstanceRequest): Promise<CreateInstanceResult> {
  if (req.requestKey && req.repeat) {
    const first = await findStarted(ctx, req.requestKey, req.variables ?? {});
    if (first) return first;
  }
  const variables = { ...req.variables, ...(req.requestKey && { [START_REQUEST_VARIABLE]: req.requestKey }) };
  let res: { processInstanceKey: string | number; bpmnProcessId: string; version: number; processDefinitionKey: string | number };
  try {
    res = (await ctx.grpc.createProcessInstance({
      bpmnProcessId: req.processId,
      variables: variables as JSONDoc,
      ...(req.version ? { version: req.version } : {}),
    })) as unknown as typeof res;
  } catch (err) {
    if (/NOT_FOUND/.test(String((err as Error).message))) throw notFound('Process definition', '流程定义', req.processId);
    throw err;
  }
  const key = String(res.processInstanceKey);
  const definitionKey = String(res.processDefinitionKey);
  await ctx.models.Instance.create({
    _id: key,
    processId: res.bpmnProcessId,
    version: Number(res.version),
    definitionKey,
    status: 'active',
    variables: JSON.stringify(variables),
    startedAt: new Date(),
  });
  return { key, processId: res.bpmnProcessId, version: Number(res.version), definitionKey };
}

/**
 * The instance a start with this request key made, found through the cluster's search (its
 * secondary storage trails the broker by a moment: waited for up to `startSearchWaitMs`), and
 * mirrored here as `createInstance` would have; null when the cluster has none.
 */
async function findStarted(ctx: ClusterContext, requestKey: string, variables: Variables): Promise<CreateInstanceResult | null> {
  let found: { items?: Array<{ processInstanceKey: string }> };
  try {
    const consistency = { waitUpToMs: ctx.opts.startSearchWaitMs ?? 5_000, predicate: (r: { items?: unknown[] }) => (r.items?.length ?? 0) > 0 };
    found = (await ctx.rest.searchVariables(
      { filter: { name: START_REQUEST_VARIABLE, value: JSON.stringify(requestKey) } } as never,
      { consistency } as never,
    )) as typeof found;
  } catch (err) {
    if ((err as Error).name === 'EventualConsistencyTimeoutError') return null;
    throw err;
  }
  const hit = found.items?.[0];
  if (!hit) return null;
  const key = String(hit.processInstanceKey);
  const pi = (await ctx.rest.getProcessInstance({ processInstanceKey: key } as never, { consistency: { waitUpToMs: 0 } } as never)) as {
    processDefinitionId: string;
    processDefinitionVersion: number;
    processDefinitionKey: string;
    state?: string;
    startDate?: string;
  };
  const status = pi.state === 'COMPLETED' ? 'completed' : pi.state === 'TERMINATED' ? 'canceled' : 'active';
  const definitionKey = String(pi.processDefinitionKey);
  await ctx.models.Instance.updateOne(
    { _id: key },
    {
      $setOnInsert: {
        processId: pi.processDefinitionId,
        version: Number(pi.processDefinitionVersion),
        definitionKey,
        status,
        variables: JSON.stringify(variables),
        startedAt: pi.startDate ? new Date(pi.startDate) : new Date(),
      },
    },
    { upsert: true },
  );
  return { key, processId: pi.processDefinitionId, version: Number(pi.processDefinitionVersion), definitionKey };
}

export async function getInstance(ctx: ClusterContext, key: string): Promise<InstanceView> {
  const doc = await ctx.models.Instance.findById(key).lean();
  if (!doc) throw notFound('Process instance', '流程实例', key);
  const [tasks, incidents] = await Promise.all([
    ctx.models.UserTask.find({ instanceKey: key, status: 'created' }).select('elementId').lean(),
    ctx.models.Incident.find({ instanceKey: key }).sort({ createdAt: 1 }).lean(),
  ]);
  const open = incidents.filter((i) => i.status === 'open');
  return {
    key,
    processId: doc.processId,
    version: doc.version,
    definitionKey: doc.definitionKey,
    status: doc.status,
    variables: JSON.parse(doc.variables) as Variables,
    startedAt: doc.startedAt.toISOString(),
    endedAt: doc.endedAt?.toISOString(),
    // What the adapter sees: open user tasks and elements stopped by an incident.
    activeElements: doc.status === 'active' ? [...tasks.map((t) => t.elementId), ...open.map((i) => i.elementId)] : [],
    incidents: incidents.map((i) => ({
      key: i._id,
      instanceKey: i.instanceKey,
      elementId: i.elementId,
      type: 'JOB_NO_RETRIES' as const,
      message: i.message,
      jobKey: i.jobKey,
      status: i.status,
      createdAt: i.createdAt.toISOString(),
    })),
  };
}

export async function cancelInstance(ctx: ClusterContext, key: string): Promise<void> {
  try {
    await ctx.grpc.cancelProcessInstance(key);
  } catch (err) {
    if (/NOT_FOUND/.test(String((err as Error).message))) throw notFound('Active process instance', '运行中的流程实例', key);
    throw err;
  }
  const doc = await ctx.models.Instance.findOneAndUpdate({ _id: key, status: 'active' }, { $set: { status: 'canceled', endedAt: new Date() } }).lean();
  await ctx.emit('instance.canceled', { key, processId: doc?.processId ?? '' });
}

export async function setVariables(ctx: ClusterContext, instanceKey: string, variables: Variables): Promise<void> {
  await ctx.grpc.setVariables({ elementInstanceKey: instanceKey, variables: variables as JSONDoc, local: false });
  await ctx.mergeVariables(instanceKey, variables);
}

export async function resolveIncident(ctx: ClusterContext, incidentKey: string, opts: { retries?: number } = {}): Promise<void> {
  const inc = await ctx.models.Incident.findOne({ _id: incidentKey, status: 'open' }).lean();
  if (!inc) throw notFound('Open incident', '未解决的故障', incidentKey);
  // Zeebe's own incident key is not in the job record: find it by the job first (the search reads
  // secondary storage, which trails the broker by a moment), and change nothing until it is found.
  let zeebeKey: string | undefined;
  try {
    const consistency = {
      waitUpToMs: ctx.opts.incidentSearchWaitMs ?? 10_000,
      predicate: (r: { items?: unknown[] }) => (r.items?.length ?? 0) > 0,
    };
    const found = (await ctx.rest.searchIncidents({ filter: { jobKey: inc.jobKey, state: 'ACTIVE' } } as never, { consistency } as never)) as {
      items?: Array<{ incidentKey: string }>;
    };
    zeebeKey = found.items?.[0]?.incidentKey;
  } catch (err) {
    // Waiting ran out without the incident showing: handled below as not found.
    if ((err as Error).name !== 'EventualConsistencyTimeoutError') {
      throw userError(
        'INCIDENT_LOOKUP_FAILED',
        `无法向流程集群查询此故障（需要二级存储），未做任何更改：${(err as Error).message}`,
        `The cluster could not be searched for this incident (it needs secondary storage); nothing was changed: ${(err as Error).message}`,
      );
    }
  }
  if (!zeebeKey) {
    throw conflict(
      'INCIDENT_NOT_FOUND',
      '流程集群中没有找到此故障（可能已处理），未做任何更改',
      'The cluster shows no open incident for this job (perhaps already resolved); nothing was changed',
    );
  }
  await ctx.grpc.updateJobRetries({ jobKey: inc.jobKey, retries: opts.retries ?? 3 });
  await ctx.rest.resolveIncident({ incidentKey: zeebeKey });
  await ctx.models.Incident.updateOne({ _id: incidentKey }, { $set: { status: 'resolved' } });
}

export async function publishMessage(ctx: ClusterContext, req: PublishMessageRequest): Promise<PublishMessageResult> {
  if (!req.name || req.correlationKey === undefined || req.correlationKey === null) {
    throw userError('INVALID_MESSAGE', '消息需要名称和关联键', 'A message needs a name and a correlation key');
  }
  try {
    const res = await ctx.grpc.publishMessage({
      name: req.name,
      correlationKey: String(req.correlationKey),
      variables: (req.variables ?? {}) as JSONDoc,
      timeToLive: req.timeToLive ?? 0,
      ...(req.messageId ? { messageId: req.messageId } : {}),
    });
    // Zeebe does not say whether the message met a subscription at once.
    return { key: String((res as { key: string | number }).key), buffered: (req.timeToLive ?? 0) > 0 };
  } catch (err) {
    if (/ALREADY_EXISTS/.test(String((err as Error).message))) {
      throw conflict('MESSAGE_ALREADY_PUBLISHED', '相同 messageId 的消息已在缓冲中', `A message with id ${req.messageId} is already buffered`);
    }
    throw err;
  }
}
