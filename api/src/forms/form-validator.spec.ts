/** The server's check of form data against the real forms in processes/forms. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateFormData, type FormSchema } from './form-validator';

const form = (id: string) => JSON.parse(readFileSync(path.resolve(__dirname, '../../../processes/forms', `${id}.form`), 'utf8')) as FormSchema;

function problems(f: FormSchema, data: Record<string, unknown>, ctx: Record<string, unknown> = {}): string[] {
  try {
    validateFormData(f, data, ctx);
    return [];
  } catch (err) {
    return (err as { details: { field: string; code: string }[] }).details.map((d) => `${d.field}:${d.code}`);
  }
}

test('a temporary classification needs its end date, in the future', () => {
  const f = form('anomaly-classify');
  expect(problems(f, { classification: 'temp-secret' })).toEqual(['declassifyAt:REQUIRED']);
  expect(problems(f, { classification: 'temp-secret', declassifyAt: '2020-01-01T00:00' })).toEqual(['declassifyAt:NOT_FUTURE']);
  expect(problems(f, { classification: 'temp-secret', declassifyAt: new Date(Date.now() + 86_400_000).toISOString() })).toEqual([]);
});

test('a refusal needs its reason: a field required only when its condition holds (properties.requiredWhen)', () => {
  const f = form('archive-check');
  expect(problems(f, { checkDecision: 'refuse' })).toEqual(['checkOpinion:REQUIRED']);
  expect(problems(f, { checkDecision: 'refuse', checkOpinion: '  ' })).toEqual(['checkOpinion:REQUIRED']);
  expect(problems(f, { checkDecision: 'refuse', checkOpinion: '借阅用途与本档案无关' })).toEqual([]);
  expect(problems(f, { checkDecision: 'pass' })).toEqual([]);
});

test('hidden fields are neither required nor kept', () => {
  const f = form('anomaly-classify');
  // declassifyAt is hidden unless temp-secret: not required, and dropped if sent
  expect(validateFormData(f, { classification: 'public', declassifyAt: '2030-01-01T00:00' })).toEqual({ classification: 'public' });
});

test('options come from the form or from the context (valuesKey)', () => {
  const f = form('anomaly-report');
  const base = { category: 'trade', title: 't', description: 'd' };
  const ctx = { projectOptions: [{ label: 'P1', value: 'P1' }] };
  expect(problems(f, { ...base, projectId: 'P1' }, ctx)).toEqual([]);
  expect(problems(f, { ...base, projectId: 'P2' }, ctx)).toEqual(['projectId:NOT_AN_OPTION']);
  expect(problems(f, { ...base, projectId: 'P1', category: 'weather' }, ctx)).toEqual(['category:NOT_AN_OPTION']);
});

test('numbers: whole days within range', () => {
  const f = form('archive-approve');
  expect(problems(f, { approveDecision: 'approve', approveOpinion: '同意', accessDays: 31 })).toEqual(['accessDays:MAX']);
  expect(problems(f, { approveDecision: 'approve', approveOpinion: '同意', accessDays: 2.5 })).toEqual(['accessDays:INTEGER']);
  expect(problems(f, { approveDecision: 'refuse', approveOpinion: '不同意' })).toEqual([]);
});
