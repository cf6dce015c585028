/**
 * Diagrams as Camunda Modeler 5.x draws them for Camunda 8.8 (its default ids, unnamed start and
 * end events, DI, 8.8 extension elements): the gate judges them by its rules and never crashes on
 * them; what it refuses names the element and the rule; a rule that fails is an internal error,
 * not a problem of the diagram. Process ids follow BPMN's NCName, one rule everywhere.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isNcName } from '@ggzy/shared';
import { lintDiagram } from './compat-lint';
import { assertDeployable } from './diagram-gate';
import { readDiagram } from './diagram-reader';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'camunda-modeler', name), 'utf8');

describe('diagrams from Camunda Modeler for 8.8', () => {
  it('a single service task passes the gate (unnamed events are warnings) and the engine takes it', async () => {
    const xml = fixture('service-task.bpmn');
    const problems = await assertDeployable(xml);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems).toEqual(
      expect.arrayContaining([
        { rule: 'label-required', elementId: 'StartEvent_1', message: expect.any(String), severity: 'warning' },
        { rule: 'label-required', elementId: 'Event_1', message: expect.any(String), severity: 'warning' },
      ]),
    );
    const { info } = await readDiagram(xml);
    expect(info.processes.map((p) => p.id)).toEqual(['Process_0abc123']);
  });

  it('a user task with a linked form, priority and version tag passes; the form link is read', async () => {
    const xml = fixture('user-task-form.bpmn');
    expect((await assertDeployable(xml)).filter((p) => p.severity === 'error')).toEqual([]);
    const { info } = await readDiagram(xml);
    expect(info.processes.map((p) => p.id)).toEqual(['reviewProcess']);
    expect(info.zeebe.get('Activity_1')?.form).toMatchObject({ formId: 'Form_0x1y2z3' });
  });

  it('a message start event passes the 8.8 gate but the embedded engine refuses it, naming the element', async () => {
    const xml = fixture('message-start.bpmn');
    expect((await lintDiagram(xml)).filter((p) => p.severity === 'error')).toEqual([]);
    await expect(readDiagram(xml)).rejects.toMatchObject({ code: 'BPMN_UNSUPPORTED_ELEMENT', details: { elementId: 'StartEvent_1' } });
  });

  it('the gate finds its rules wherever the server was started from', async () => {
    const cwd = process.cwd();
    process.chdir('/');
    try {
      expect((await lintDiagram(fixture('service-task.bpmn'))).filter((p) => p.severity === 'error')).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('process ids', () => {
  it('are the NCNames bpmn-moddle takes: kebab-case, camelCase, the modeler default pass; others do not', () => {
    for (const ok of ['anomaly-escalation', 'reviewProcess', 'Process_0abc123', '_x.y-z']) expect(isNcName(ok)).toBe(true);
    for (const bad of ['1abc', '-x', 'a b', 'a/b', '', 'x'.repeat(101), 'a:b', '档案借阅']) expect(isNcName(bad)).toBe(false);
  });

  it('an id the rule refuses is refused at deploy with the element named', async () => {
    const xml = fixture('service-task.bpmn').replaceAll('Process_0abc123', 'a'.repeat(120));
    await expect(readDiagram(xml)).rejects.toMatchObject({ code: 'BPMN_INVALID_ID', details: { elementId: 'a'.repeat(120), rule: 'element-id' } });
  });

  it('an id moddle cannot read is refused by the gate as such (the rules never see half a diagram)', async () => {
    const xml = fixture('service-task.bpmn').replaceAll('Activity_1', '审核_1');
    for (const check of [lintDiagram(xml), readDiagram(xml)])
      await expect(check).rejects.toMatchObject({ code: 'BPMN_INVALID_ID', details: { elementId: '审核_1' } });
  });

  it('a BPMN element moddle cannot read is a parse error; unknown extension elements and attributes pass', async () => {
    const base = fixture('service-task.bpmn');
    const bogus = base.replace('<bpmn:incoming>Flow_2</bpmn:incoming>', '<bpmn:incoming>Flow_2</bpmn:incoming><bpmn:notAnElement id="X_1" />');
    for (const check of [lintDiagram(bogus), readDiagram(bogus)]) await expect(check).rejects.toMatchObject({ code: 'BPMN_PARSE_ERROR' });
    const future = base
      .replace('<zeebe:taskDefinition type="do-it" />', '<zeebe:taskDefinition type="do-it" /><zeebe:someFutureThing a="1" />')
      .replace('<bpmn:endEvent id="Event_1">', '<bpmn:endEvent id="Event_1" zeebe:futureAttribute="1">');
    expect((await lintDiagram(future)).filter((p) => p.severity === 'error')).toEqual([]);
    await expect(readDiagram(future)).resolves.toBeTruthy();
  });
});
