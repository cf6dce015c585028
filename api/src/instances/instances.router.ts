/** Process definitions (list, diagram, deploy), forms, and process instances (start, list, detail, cancel, retry). */
import express, { Router } from 'express';
import { z } from 'zod';
import { assertDeployable, compileDefinition, lintDiagram, type EnginePort } from '@ggzy/engine-workers';
import { userError } from '@ggzy/shared';
import { currentUser, requireRole } from '../http/auth-context';
import { parseBody, parseParams, parseQuery } from '../http/validate';
import type { AuditService } from '../audit/audit.service';
import type { FormRegistry } from '../forms/form-registry';
import type { FlowCatalog } from './flow-catalog';
import type { InstancesService } from './instances.service';

export const startBody = z.strictObject({
  processId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,80}$/, 'not a process id'),
  variables: z.record(z.string(), z.unknown()).default({}),
  attachmentIds: z.array(z.string().uuid()).max(50).default([]),
});
export const deployJsonBody = z.strictObject({
  name: z
    .string()
    .regex(/^[\w.-]{1,100}\.bpmn$/)
    .optional(),
  xml: z.string().min(20).max(2_000_000),
});
const instanceListQuery = z.strictObject({
  processId: z.string().max(100).optional(),
  state: z.enum(['active', 'completed', 'canceled', 'withdrawn', 'incident']).optional(),
  mine: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
const idParam = z.object({ id: z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, 'not an id') });

export function definitionsRouter(engine: EnginePort, catalog: FlowCatalog, forms: FormRegistry, audit: AuditService, instances: InstancesService): Router {
  const r = Router();
  r.get('/process-definitions', async (req, res) => {
    const u = currentUser(req);
    const flows = await catalog.list(u);
    const versions = u.roles.includes('admin') ? await engine.listDefinitions() : [];
    res.json({ items: flows, ...(u.roles.includes('admin') && { versions }) });
  });
  r.get('/process-definitions/:id/xml', async (req, res) => {
    currentUser(req);
    const d = await engine.getDefinition(parseParams(idParam, req.params).id);
    res.type('application/xml').send(d.xml);
  });
  r.post('/process-definitions', express.text({ type: ['application/xml', 'text/xml'], limit: '2mb' }), async (req, res) => {
    const u = currentUser(req);
    requireRole(u, 'admin');
    const { name, xml } = typeof req.body === 'string' ? { name: undefined, xml: req.body } : parseBody(deployJsonBody, req.body);
    if (!xml.includes('<')) throw userError('BPMN_PARSE_ERROR', 'BPMN 内容为空', 'The BPMN body is empty');
    const warnings = await assertDeployable(xml);
    const result = await engine.deploy([{ name: name ?? 'diagram.bpmn', content: xml }]);
    await audit.append({
      actor: u.id,
      action: 'definition.deployed',
      data: { processes: result.processes.map((p) => ({ processId: p.processId, version: p.version })) },
    });
    res.status(201).json({ ...result, warnings });
  });
  r.post('/process-definitions/lint', async (req, res) => {
    requireRole(currentUser(req), 'admin');
    const { xml } = parseBody(deployJsonBody.pick({ xml: true }), req.body);
    const problems = await lintDiagram(xml);
    // The embedded engine's own refusals come on top of the lint rules.
    const refusal = await compileDefinition(xml).then(
      () => null,
      (err: { code?: string; message?: string; messageZh?: string }) => ({
        rule: err.code ?? 'engine',
        message: err.messageZh ?? err.message ?? String(err),
        severity: 'error' as const,
      }),
    );
    res.json({ problems: refusal ? [...problems, refusal] : problems });
  });
  r.get('/forms', async (req, res) => {
    requireRole(currentUser(req), 'admin');
    res.json({ items: await forms.list() });
  });
  r.put('/forms/:id', express.json({ limit: '1mb' }), async (req, res) => {
    const u = currentUser(req);
    requireRole(u, 'admin');
    const { id } = parseParams(idParam, req.params);
    const body = req.body as { id?: unknown };
    if (!body || typeof body !== 'object' || body.id !== id) {
      throw userError('FORM_ID_MISMATCH', '表单 id 必须与地址中的一致', 'The form id must match the one in the path');
    }
    const version = await forms.save(JSON.stringify(body), u.id);
    // On a cluster the form is also a Zeebe resource: tasks created from now on link the new version.
    if (version !== null && engine.mode === 'cluster') await engine.deploy([{ name: `${id}.form`, content: JSON.stringify(body) }]);
    await audit.append({ actor: u.id, action: 'form.saved', data: { formId: id, version } });
    res.json({ id, version: version ?? (await forms.get(id)).version, changed: version !== null });
  });
  r.get('/forms/:id', async (req, res) => {
    currentUser(req);
    const f = await forms.get(parseParams(idParam, req.params).id);
    res.json({ ...f, options: await instances.formOptions() });
  });
  return r;
}

export function instancesRouter(instances: InstancesService): Router {
  const r = Router();
  r.post('/process-instances', async (req, res) => {
    const b = parseBody(startBody, req.body);
    res.status(201).json(await instances.start(currentUser(req), b.processId, b.variables, b.attachmentIds));
  });
  r.get('/process-instances', async (req, res) => {
    const q = parseQuery(instanceListQuery, req.query);
    res.json(await instances.list(currentUser(req), { ...q, mine: q.mine === 'true' }));
  });
  r.get('/process-instances/:id', async (req, res) => {
    res.json(await instances.detail(currentUser(req), parseParams(idParam, req.params).id));
  });
  r.post('/process-instances/:id/cancel', async (req, res) => {
    const b = parseBody(z.strictObject({ reason: z.string().trim().min(1).max(500) }), req.body);
    await instances.cancel(currentUser(req), parseParams(idParam, req.params).id, b.reason);
    res.json({ canceled: true });
  });
  r.post('/process-instances/:id/incidents/:incidentKey/resolve', async (req, res) => {
    const b = parseBody(z.strictObject({ retries: z.number().int().min(1).max(10).default(1) }), req.body);
    const p = parseParams(z.object({ id: idParam.shape.id, incidentKey: idParam.shape.id }), req.params);
    await instances.resolveIncident(currentUser(req), p.id, p.incidentKey, b.retries);
    res.json({ resolved: true });
  });
  return r;
}
