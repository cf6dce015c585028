/** The task page store and the flow's files: who is offered the picker, adding, and saving one. */
import type { TaskPageStore } from './task-page.store';
import { aDetail, aTask, storeUnderTest, type StoreUnderTest } from './testing/task-page.fixtures';

describe('the task page store and files', () => {
  let api: StoreUnderTest['api'];
  let store: TaskPageStore;

  beforeEach(() => ({ api, store } = storeUnderTest()));

  it('takes files while the task is open, from those who act on the flow, not from those who only read it', async () => {
    // given a task one may only comment on (an overseer)
    api.task.mockResolvedValueOnce(aDetail(['comment'], { task: aTask({ starter: 'ext1' }) }));
    await store.load('t1');
    expect(store.canUpload()).toBe(false);

    // given a task one is offered (may claim)
    api.task.mockResolvedValueOnce(aDetail(['claim'], { task: aTask({ starter: 'ext1' }) }));
    await store.load('t1');
    expect(store.canUpload()).toBe(true);

    // given a step of a flow one started
    api.task.mockResolvedValueOnce(aDetail(['comment'], { task: aTask({ starter: 'sup1' }) }));
    await store.load('t1');
    expect(store.canUpload()).toBe(true);

    // given a finished task
    api.task.mockResolvedValueOnce(
      aDetail(['comment'], { task: aTask({ status: 'completed', starter: 'sup1' }) }),
    );
    await store.load('t1');
    expect(store.canUpload()).toBe(false);
  });

  it('adds a file and a comment to this task, and reloads', async () => {
    // given
    await store.load('t1');
    api.task.mockClear();
    const file = new File(['%PDF'], '投诉质疑书.pdf', { type: 'application/pdf' });

    // when
    await store.upload(file, 'complaint');
    const posted = await store.addComment('材料已补齐');

    // then
    expect(api.upload).toHaveBeenCalledWith(file, 'complaint', 't1');
    expect(api.act).toHaveBeenCalledWith('t1', 'comments', { text: '材料已补齐' });
    expect(posted).toBe(true);
    expect(api.task).toHaveBeenCalledTimes(2);
  });

  it('saves an attachment fetched with the session’s header, through a local URL (no token in any URL)', async () => {
    // given
    const blob = new Blob(['%PDF'], { type: 'application/pdf' });
    api.file = vi.fn().mockResolvedValue(blob);
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(`${this.download} ${this.href}`);
    });
    URL.createObjectURL = vi.fn().mockReturnValue('blob:local/1');
    URL.revokeObjectURL = vi.fn();

    // when
    await store.openFile('a 1', '证明.pdf', false);

    // then
    expect(api.file).toHaveBeenCalledWith('a 1', false);
    expect(clicked).toEqual(['证明.pdf blob:local/1']);
    click.mockRestore();
  });
});
