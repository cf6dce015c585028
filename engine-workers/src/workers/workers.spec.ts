/**
 * The diagrams and the code agree: every job type in processes/*.bpmn has a worker, every worker
 * has a task in some diagram, every form a diagram names exists, and every diagram passes the
 * Camunda 8.8 compatibility gate and the embedded engine's compiler.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { readDiagram } from '../diagram/diagram-reader';
import { lintDiagram } from '../diagram/compat-lint';
import { WORKERS } from './index';

const DIR = path.resolve(__dirname, '../../../processes');
const diagrams = readdirSync(DIR)
  .filter((f) => f.endsWith('.bpmn'))
  .map((f) => ({ file: f, xml: readFileSync(path.join(DIR, f), 'utf8') }));

test('there are diagrams for the three first-class flows', () => {
  expect(diagrams.map((d) => d.file)).toEqual(expect.arrayContaining(['anomaly-escalation.bpmn', 'case-assistance.bpmn', 'archive-lending.bpmn']));
});

test('every task type has a worker and every worker has a task', async () => {
  const types = new Set<string>();
  for (const d of diagrams) for (const t of (await readDiagram(d.xml)).info.taskTypes) types.add(t);
  const workerTypes = new Set(WORKERS.map((w) => w.taskType));
  expect([...types].filter((t) => !workerTypes.has(t))).toEqual([]);
  expect([...workerTypes].filter((t) => !types.has(t))).toEqual([]);
});

test('every process id matches its file name and every form it names exists', async () => {
  for (const d of diagrams) {
    const c = (await readDiagram(d.xml)).info;
    expect(c.processes.map((p) => `${p.id}.bpmn`)).toEqual([d.file]);
    const forms = [...d.xml.matchAll(/formId="([^"]+)"/g)].map((m) => m[1]!);
    for (const f of forms) expect({ form: f, exists: existsSync(path.join(DIR, 'forms', `${f}.form`)) }).toEqual({ form: f, exists: true });
  }
});

test.each(diagrams.map((d) => [d.file, d.xml]))('%s passes bpmnlint with camunda-compat 8.8', async (_file, xml) => {
  const errors = (await lintDiagram(xml)).filter((p) => p.severity === 'error');
  expect(errors).toEqual([]);
});

test('the gate catches what Camunda 8.8 cannot run', async () => {
  const bad = `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="d" targetNamespace="x" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
    <bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"><bpmn:outgoing>f</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="t" name="无类型"><bpmn:incoming>f</bpmn:incoming></bpmn:serviceTask><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t"/></bpmn:process></bpmn:definitions>`;
  const problems = await lintDiagram(bad);
  expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ elementId: 't', severity: 'error' })]));
});
