/**
 * What a notice is about, as people choose what reaches them and filter their list: every kind a
 * flow or the system sends belongs to one category (by the kind's prefix), and each category has
 * the channels it takes when the person has not chosen (催办 and 督办 go everywhere the person can
 * be reached; the rest stays in the app).
 */
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'robot'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const CHANNEL_NAMES: Record<NotificationChannel, string> = {
  email: '电子邮件',
  sms: '短信',
  robot: '企业微信/钉钉群机器人',
};

export interface NotificationCategory {
  code: string;
  name: string;
  /** Kinds starting with one of these belong here (the first category that matches wins). */
  prefixes: string[];
  defaults: NotificationChannel[];
}

export const NOTIFICATION_CATEGORIES: NotificationCategory[] = [
  { code: 'urge', name: '催办', prefixes: ['task.urged', 'task.due'], defaults: ['email', 'sms', 'robot'] },
  { code: 'supervise', name: '督办', prefixes: ['task.overdue', 'task.supervised'], defaults: ['email', 'sms', 'robot'] },
  { code: 'alert', name: '要情与安全', prefixes: ['anomaly.', 'security.', 'rating.poor'], defaults: ['sms', 'robot'] },
  { code: 'task', name: '待办与流转', prefixes: ['task.'], defaults: [] },
  { code: 'result', name: '办理结果', prefixes: ['archive.', 'case.', 'complaint.'], defaults: [] },
  { code: 'venue', name: '场地与见证', prefixes: ['venue.', 'witness.'], defaults: [] },
  { code: 'project', name: '项目', prefixes: ['project.'], defaults: [] },
  { code: 'other', name: '其他', prefixes: [''], defaults: [] },
];

export const NOTIFICATION_CATEGORY_CODES = NOTIFICATION_CATEGORIES.map((c) => c.code) as [string, ...string[]];

export function notificationCategory(kind: string): NotificationCategory {
  return NOTIFICATION_CATEGORIES.find((c) => c.prefixes.some((p) => kind.startsWith(p)))!;
}

/** Which channels a category takes for someone: their choice, or the category's default. */
export function channelsFor(kind: string, routes: Partial<Record<string, NotificationChannel[]>>): NotificationChannel[] {
  const c = notificationCategory(kind);
  return routes[c.code] ?? c.defaults;
}
