/** Process definitions (list, diagram, deploy), forms, and process instances (start, list, detail, cancel, retry). */
import express, { Router } from 'express';
import { assertDeployable, checkDiagram, type EnginePort } from '@ggzy/engine-workers';
import { userError } from '@ggzy/shared';
import { API } from '@ggzy/shared/api';
import { bind } from '../http/bind-route';
import { requireRole } from '../http/auth-context';
import { parseBody } from '../http/validate';
import type { AuditService } from '../audit/audit.service';
import type { FormRegistry } from '../forms/form-registry';
import type { DefinitionOrigins } from './definition-origins';
import type { FlowCatalog } from './flow-catalog';
import type { InstancesService } from './instances.service';

export function definitionsRouter(
  engine: EnginePort,
  catalog: FlowCatalog,
  forms: FormRegistry,
  audit: AuditService,
  instances: InstancesService,
  origins: DefinitionOrigins,
): Router {
  const r = Router();
  bind(r, API.flows, async ({ user }) => {
    const flows = await catalog.list(user);
    return { items: flows, ...(user.roles.includes('admin') && { versions: await origins.annotate(await engine.listDefinitions()) }) };
  });
  bind(r, API.definitionXml, async ({ params, res }) => {
    const d = await engine.getDefinition(params.id);
    res.type('application/xml').send(d.xml);
  });
  bind(
    r,
    API.deploy,
    async ({ user, body }) => {
      requireRole(user, 'admin');
      const { name, xml } = typeof body === 'string' ? { name: undefined, xml: body } : parseBody(API.deploy.body, body);
      if (!xml.includes('<')) throw userError('BPMN_PARSE_ERROR', 'BPMN 内容为空', 'The BPMN body is empty');
      const warnings = await assertDeployable(xml);
      const result = await engine.deploy([{ name: name ?? 'diagram.bpmn', content: xml }]);
      await origins.record(result.processes, { source: 'admin', by: user.id });
      await audit.append({
        actor: user.id,
        action: 'definition.deployed',
        data: { processes: result.processes.map((p) => ({ processId: p.processId, version: p.version })) },
      });
      return { ...result, warnings };
    },
    express.text({ type: ['application/xml', 'text/xml'], limit: '2mb' }),
  );
  bind(r, API.lint, async ({ user, body }) => {
    requireRole(user, 'admin');
    // In a worker thread, within limits; the embedded engine's own refusals come on top of the lint rules.
    const { problems, refusal: why } = await checkDiagram(body.xml);
    const refusal = why && { rule: why.code ?? 'engine', message: why.messageZh ?? why.message, severity: 'error' as const };
    return { problems: refusal ? [...problems, refusal] : problems };
  });
  bind(r, API.forms, async ({ user }) => {
    requireRole(user, 'admin');
    return { items: await forms.list() };
  });
  bind(r, API.saveForm, async ({ user, params, body }) => {
    requireRole(user, 'admin');
    const form = body as { id?: unknown } | undefined;
    if (!form || typeof form !== 'object' || form.id !== params.id) {
      throw userError('FORM_ID_MISMATCH', '表单 id 必须与地址中的一致', 'The form id must match the one in the path');
    }
    const version = await forms.save(JSON.stringify(form), user.id);
    // The engine gets the form too (Zeebe links it to user tasks created from now on).
    if (version !== null) await engine.deploy([{ name: `${params.id}.form`, content: JSON.stringify(form) }]);
    await audit.append({ actor: user.id, action: 'form.saved', data: { formId: params.id, version } });
    return { id: params.id, version: version ?? (await forms.get(params.id)).version, changed: version !== null };
  });
  bind(r, API.form, async ({ params, user }) => {
    const f = await forms.get(params.id);
    return { ...f, options: await instances.formOptions(user, f.form) };
  });
  return r;
}

export function instancesRouter(instances: InstancesService): Router {
  const r = Router();
  bind(r, API.start, ({ user, body, req }) =>
    instances.start(user, body.processId, body.variables, body.attachmentIds, idempotencyKey(req.get('idempotency-key'))),
  );
  bind(r, API.instances, ({ user, query }) => instances.list(user, { ...query, mine: query.mine === 'true' }));
  bind(r, API.instance, ({ user, params }) => instances.detail(user, params.id));
  bind(r, API.cancel, async ({ user, params, body }) => {
    await instances.cancel(user, params.id, body.reason);
    return { canceled: true };
  });
  bind(r, API.resolveIncident, async ({ user, params, body }) => {
    await instances.resolveIncident(user, params.id, params.incidentKey, body.retries);
    return { resolved: true };
  });
  return r;
}

/** The client's `Idempotency-Key` for a start (letters, digits, `-` `_` `.` `:`, at most 100). */
function idempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(raw))
    throw userError(
      'IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key 只能含字母、数字和 . _ : -，不超过 100 个字符',
      'Idempotency-Key: letters, digits and . _ : - only, at most 100 characters',
    );
  return raw;
}
