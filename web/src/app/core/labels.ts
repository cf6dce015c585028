/** Chinese labels for codes the API uses; sections and roles come from the shared definitions. */
import { ATTACHMENT_CATEGORIES, ROLE_NAMES as SHARED_ROLE_NAMES, SECTIONS } from '@ggzy/shared';

export const SECTION_NAMES: Record<string, string> = Object.fromEntries(
  SECTIONS.map((s) => [s.code, s.name]),
);

export const ROLE_NAMES: Record<string, string> = SHARED_ROLE_NAMES;

export function groupName(g: string): string {
  if (g === 'leader.deputy') return '分管领导';
  if (g === 'leader.principal') return '主要领导';
  if (g.endsWith('.head')) return `${SECTION_NAMES[g.slice(0, -5)] ?? g}负责人`;
  return SECTION_NAMES[g] ?? g;
}

/**
 * Who did something, as the timeline names them: the system, a person, or — to an external
 * applicant, who is not told staff names — '' for "staff".
 */
export function actorLabel(actor: string): string {
  if (actor === 'system') return '系统';
  return actor === '' ? '工作人员' : actor;
}

export const ACTION_LABELS: Record<string, string> = {
  'instance.started': '发起',
  'task.claimed': '认领',
  'task.unclaimed': '释放',
  'task.completed': '办理',
  'task.returned': '退回',
  'task.transferred': '转办',
  'task.delegated': '委派',
  'task.delegation-resolved': '委派办结',
  'task.signer-added': '加签',
  'task.signed': '加签意见',
  'task.cc': '抄送',
  'task.urged': '催办',
  'task.supervised': '督办',
  'task.commented': '评论',
  'instance.withdrawn': '撤回',
  'instance.canceled': '终止',
  'instance.failed': '异常终止',
  'project.paused': '暂停项目',
  'report.dispatched': '印发报送',
  'report.published': '公开发布',
  'archive.access-granted': '开通调阅',
  'archive.viewed': '调阅',
  'archive.access-revoked': '收回调阅',
  'attachment.added': '上传附件',
  'task.completion-void': '办理未生效',
};

/** Attachment categories (工作证, 公函, 证明材料…), as the server names them. */
export const CATEGORIES = ATTACHMENT_CATEGORIES;
