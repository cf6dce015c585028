/** Zeebe's variable rules on their own: scopes, output mappings, multi-instance collections, call activities. */
import type { ZeebeInfo } from '../diagram/zeebe-model';
import { childInput, childOutput, mergeResult, scopeOf } from './variable-rules';

const info = (z: Partial<ZeebeInfo>): ZeebeInfo => ({ taskHeaders: {}, inputs: [], outputs: [], userTask: false, ...z });

describe('the scope of an element', () => {
  test('inputs are local to the element and see the ones before them', () => {
    // given
    const z = info({
      inputs: [
        { source: '=amount * 2', target: 'doubled' },
        { source: '=doubled + 1', target: 'next' },
      ],
    });
    // when
    const scope = scopeOf({ amount: 5 }, z, { id: 'task' });
    // then
    expect(scope).toEqual({ amount: 5, doubled: 10, next: 11 });
  });

  test('a multi-instance body sees its input element and a 1-based loopCounter', () => {
    const z = info({ loop: { inputCollection: '=items', inputElement: 'item' } });
    expect(scopeOf({ items: ['a', 'b'] }, z, { id: 'task', index: 1, item: 'b' })).toEqual({ items: ['a', 'b'], item: 'b', loopCounter: 2 });
  });

  test('literal inputs (no "=") are taken as they are', () => {
    expect(scopeOf({}, info({ inputs: [{ source: 'fixed', target: 'x' }] }), { id: 't' })).toEqual({ x: 'fixed' });
  });
});

describe('the result of an element', () => {
  test('without output mappings every result variable merges, overwriting', () => {
    expect(mergeResult({ a: 1, b: 1 }, info({}), { id: 't' }, { b: 2, c: 3 })).toEqual({ a: 1, b: 2, c: 3 });
  });

  test('with output mappings only the mapped values leave, computed from the result and the scope', () => {
    // given
    const z = info({ outputs: [{ source: '=price * qty', target: 'total' }] });
    // when
    const after = mergeResult({ qty: 3, keep: true }, z, { id: 't' }, { price: 4, internal: 'x' });
    // then
    expect(after).toEqual({ qty: 3, keep: true, total: 12 });
  });

  test('a multi-instance output collection gets each output element at its index', () => {
    const z = info({ loop: { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=item + "!"' } });
    const first = mergeResult({ items: ['a', 'b', 'c'] }, z, { id: 't', index: 2, item: 'c' }, {});
    expect(first.results).toEqual([null, null, 'c!']);
    const second = mergeResult(first, z, { id: 't', index: 0, item: 'a' }, {});
    expect(second.results).toEqual(['a!', null, 'c!']);
  });

  test("the output element sees the element's own output mappings", () => {
    const z = info({
      outputs: [{ source: '=price * 2', target: 'doubled' }],
      loop: { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=doubled' },
    });
    expect(mergeResult({ items: [1] }, z, { id: 't', index: 0, item: 1 }, { price: 5 }).results).toEqual([10]);
  });

  test('the variables given in are not changed', () => {
    const vars = { a: 1 };
    mergeResult(vars, info({}), { id: 't' }, { a: 2 });
    expect(vars).toEqual({ a: 1 });
  });
});

describe('call activities', () => {
  test('all parent variables go to the child unless propagateAllParentVariables is false', () => {
    const scope = { a: 1, b: 2, in: 3 };
    expect(childInput(info({ calledElement: { processId: 'c', propagateAllParentVariables: true, propagateAllChildVariables: true } }), scope)).toEqual(scope);
    const only = info({
      inputs: [{ source: '=a', target: 'in' }],
      calledElement: { processId: 'c', propagateAllParentVariables: false, propagateAllChildVariables: true },
    });
    expect(childInput(only, scope)).toEqual({ in: 3 });
  });

  test("the child's variables come back unless propagateAllChildVariables is false without output mappings", () => {
    const child = { r: 1 };
    expect(childOutput(info({ calledElement: { processId: 'c', propagateAllParentVariables: true, propagateAllChildVariables: true } }), child)).toEqual(child);
    expect(childOutput(info({ calledElement: { processId: 'c', propagateAllParentVariables: true, propagateAllChildVariables: false } }), child)).toEqual({});
    const mapped = info({
      outputs: [{ source: '=r', target: 'x' }],
      calledElement: { processId: 'c', propagateAllParentVariables: true, propagateAllChildVariables: false },
    });
    expect(childOutput(mapped, child)).toEqual(child);
  });
});
