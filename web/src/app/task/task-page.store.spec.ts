import type { UserDto } from '../core/api.types';
import type { TaskPageStore } from './task-page.store';
import {
  aDetail,
  aTask,
  refusal,
  storeUnderTest,
  type StoreUnderTest,
} from './testing/task-page.fixtures';

describe('the task page store', () => {
  let api: StoreUnderTest['api'];
  let user: StoreUnderTest['user'];
  let navigate: StoreUnderTest['navigate'];
  let store: TaskPageStore;

  beforeEach(() => ({ api, user, navigate, store } = storeUnderTest()));

  it('loads the task, its flow, and the colleagues it may be handed to, not oneself', async () => {
    // when
    await store.load('t1');

    // then
    expect(api.task).toHaveBeenCalledWith('t1');
    expect(api.instance).toHaveBeenCalledWith('i1');
    expect(store.detail()?.task.id).toBe('t1');
    expect(store.instance()).not.toBeNull();
    expect(store.colleagues().map((c) => c.id)).toEqual(['sup2']);
  });

  it('lists no colleagues to an external applicant', async () => {
    // given
    user.set({ id: 'external1', name: '吴监管', roles: ['external'] } as UserDto);

    // when
    await store.load('t1');

    // then
    expect(api.users).not.toHaveBeenCalled();
    expect(store.colleagues()).toEqual([]);
  });

  it('keeps the task when its flow cannot be read, and says why when the task cannot', async () => {
    // given
    api.instance.mockRejectedValueOnce(new Error('gone'));

    // when
    await store.load('t1');

    // then
    expect(store.detail()).not.toBeNull();
    expect(store.instance()).toBeNull();
    expect(store.error()).toBeNull();

    // given
    api.task.mockRejectedValueOnce(refusal('TASK_NOT_FOUND'));

    // when
    await store.load('t2');

    // then
    expect(store.error()?.code).toBe('TASK_NOT_FOUND');
  });

  it('offers the acts the server allows, the people acts in the bar’s order', async () => {
    // given
    api.task.mockResolvedValue(aDetail(['cc', 'claim', 'add-signer', 'transfer']));

    // when
    await store.load('t1');

    // then
    expect(store.can('claim')).toBe(true);
    expect(store.can('complete')).toBe(false);
    expect(store.can('withdraw')).toBe(false);
    expect(store.peopleActions()).toEqual(['transfer', 'add-signer', 'cc']);
    expect(store.completeLabel()).toBe('提交');
  });

  it('offers nothing before the task is loaded', () => {
    expect(store.can('claim')).toBe(false);
    expect(store.peopleActions()).toEqual([]);
    expect(store.canUpload()).toBe(false);
    expect(store.candidates()).toBe('');
  });

  it('hands a delegated task back to its owner instead of submitting it', async () => {
    // given
    api.task.mockResolvedValue(
      aDetail(['complete'], { task: aTask({ assignee: 'sup2', delegationState: 'pending' }) }),
    );

    // when
    await store.load('t1');

    // then
    expect(store.completeLabel()).toBe('办理后交回');
  });

  it('names candidate groups the way the staff do while nobody holds the task', async () => {
    // given
    api.task.mockResolvedValue(
      aDetail(['claim'], {
        task: aTask({
          assignee: null,
          candidateGroups: ['supervision', 'leader.deputy'],
          candidateUsers: ['gen1'],
        }),
      }),
    );

    // when
    await store.load('t1');

    // then
    expect(store.candidates()).toMatch(/^.+、分管领导、gen1$/);
    expect(store.candidates()).not.toContain('supervision');
  });

  it('shows the draft over the flow’s variables in the form', async () => {
    // given
    api.task.mockResolvedValue(aDetail(['complete'], { draft: { verdict: 'true' } }));

    // when
    await store.load('t1');

    // then
    expect(store.formData()).toEqual({ title: '开标现场投标文件雷同', verdict: 'true' });
  });

  it('claims, says so, and reloads the task', async () => {
    // given
    await store.load('t1');
    api.task.mockClear();

    // when
    await store.act('claim');

    // then
    expect(api.act).toHaveBeenCalledWith('t1', 'claim', {});
    expect(store.notice()).toBe('已认领');
    expect(api.task).toHaveBeenCalledWith('t1');
    expect(navigate).not.toHaveBeenCalled();
  });

  it('goes back to the inbox after a withdrawal', async () => {
    // given
    await store.load('t1');
    api.task.mockClear();

    // when
    await store.act('withdraw');

    // then
    expect(navigate).toHaveBeenCalledWith('/inbox');
    expect(api.task).not.toHaveBeenCalled();
  });

  it('shows the server’s refusal of an act', async () => {
    // given
    await store.load('t1');
    api.act.mockRejectedValueOnce(refusal('TASK_CLAIMED'));

    // when
    await store.act('claim');

    // then
    expect(store.error()?.code).toBe('TASK_CLAIMED');
    expect(store.notice()).toBeNull();
  });

  it('submits only the form’s own fields and goes back to the inbox', async () => {
    // given
    await store.load('t1');

    // when
    const problems = await store.complete({ verdict: 'true', notes: '属实', title: 'changed' });

    // then
    expect(api.act).toHaveBeenCalledWith('t1', 'complete', {
      variables: { verdict: 'true', notes: '属实' },
    });
    expect(navigate).toHaveBeenCalledWith('/inbox');
    expect(problems).toBeNull();
  });

  it('gives back the fields the server finds invalid, with the form’s labels for the alert', async () => {
    // given
    await store.load('t1');
    api.act.mockRejectedValueOnce(
      refusal('FORM_INVALID', [{ field: 'notes', code: 'required', message: '必填' }]),
    );

    // when
    const problems = await store.complete({ verdict: 'true' });

    // then
    expect(problems).toEqual([{ field: 'notes', message: '必填' }]);
    expect(store.error()?.code).toBe('FORM_INVALID');
    expect(store.fieldLabel('notes')).toBe('核实及协调处置情况');
    expect(store.fieldLabel('other')).toBe('other');
    expect(navigate).not.toHaveBeenCalled();
  });

  it('gives back no field problems when the refusal is about something else', async () => {
    // given
    await store.load('t1');
    api.act.mockRejectedValueOnce(refusal('TASK_NOT_ASSIGNED'));

    // when
    const problems = await store.complete({ verdict: 'true' });

    // then
    expect(problems).toBeNull();
    expect(store.error()?.code).toBe('TASK_NOT_ASSIGNED');
  });

  it('returns the task with the opinion and goes back to the inbox', async () => {
    // given
    await store.load('t1');
    store.pending.set('return');

    // when
    await store.confirm('return', null, '处理过程请写明时间节点');

    // then
    expect(api.act).toHaveBeenCalledWith('t1', 'return', { opinion: '处理过程请写明时间节点' });
    expect(navigate).toHaveBeenCalledWith('/inbox');
  });

  it('copies to several colleagues with a note, then closes the panel', async () => {
    // given
    await store.load('t1');
    store.pending.set('cc');

    // when
    await store.confirm('cc', ['sup2', 'gen1'], '请知悉');

    // then
    expect(api.act).toHaveBeenCalledWith('t1', 'cc', { userIds: ['sup2', 'gen1'], note: '请知悉' });
    expect(store.pending()).toBeNull();
    expect(store.notice()).toBe('已抄送');
  });

  it('transfers to one colleague, with a comment only when one was written', async () => {
    // given
    await store.load('t1');
    store.pending.set('transfer');

    // when
    await store.confirm('transfer', 'sup2', '');

    // then
    expect(api.act).toHaveBeenCalledWith('t1', 'transfer', { userId: 'sup2' });
    expect(store.notice()).toBe('已转办');
  });

  it('keeps the panel open when the server refuses the hand-over', async () => {
    // given
    await store.load('t1');
    store.pending.set('delegate');
    api.act.mockRejectedValueOnce(refusal('USER_NOT_FOUND'));

    // when
    await store.confirm('delegate', 'nobody', '');

    // then
    expect(store.pending()).toBe('delegate');
    expect(store.error()?.code).toBe('USER_NOT_FOUND');
  });
});
