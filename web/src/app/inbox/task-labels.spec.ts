import { candidates, dueSoon, statusName } from './task-labels';

describe('task labels in the inbox', () => {
  const now = Date.parse('2026-11-29T08:00:00Z');

  it('names the state the way the staff speak of it', () => {
    expect(
      statusName({ status: 'open', assignee: null, delegationState: null, outcome: null }),
    ).toBe('待认领');
    expect(
      statusName({ status: 'open', assignee: 'sup1', delegationState: null, outcome: null }),
    ).toBe('办理中');
    expect(
      statusName({ status: 'open', assignee: 'sup2', delegationState: 'pending', outcome: null }),
    ).toBe('委派中');
    expect(
      statusName({
        status: 'completed',
        assignee: 'office1',
        delegationState: null,
        outcome: 'return',
      }),
    ).toBe('已退回');
    expect(
      statusName({
        status: 'completed',
        assignee: 'office1',
        delegationState: null,
        outcome: 'approve',
      }),
    ).toBe('已办结');
    expect(
      statusName({ status: 'canceled', assignee: null, delegationState: null, outcome: null }),
    ).toBe('已取消');
  });

  it('marks open steps due within four hours, not overdue or finished ones', () => {
    expect(dueSoon({ status: 'open', overdue: false, dueDate: '2026-11-29T11:00:00Z' }, now)).toBe(
      true,
    );
    expect(dueSoon({ status: 'open', overdue: false, dueDate: '2026-11-29T13:00:00Z' }, now)).toBe(
      false,
    );
    expect(dueSoon({ status: 'open', overdue: true, dueDate: '2026-11-29T07:00:00Z' }, now)).toBe(
      false,
    );
    expect(
      dueSoon({ status: 'completed', overdue: false, dueDate: '2026-11-29T09:00:00Z' }, now),
    ).toBe(false);
    expect(dueSoon({ status: 'open', overdue: false, dueDate: null }, now)).toBe(false);
  });

  it('names candidate groups in Chinese', () => {
    expect(
      candidates({
        candidateGroups: ['engineering.head', 'leader.principal', 'supervision'],
        candidateUsers: [],
      }),
    ).toBe('工程科负责人、主要领导、监督科');
    expect(candidates({ candidateGroups: [], candidateUsers: [] })).toBe('—');
  });
});
