import { Injectable, Pipe, type PipeTransform, inject, signal } from '@angular/core';
import { NzI18nService, en_US, zh_CN } from 'ng-zorro-antd/i18n';

/** English for the interface's Chinese text; Chinese is the source and the default. */
const EN: Record<string, string> = {
  'Excel 导入': 'Import from Excel',
  下载导入模板: 'Download the template',
  下载模板并填写: 'Download and fill the template',
  下载问题清单: 'Save the problem list',
  业务科室: 'Business section',
  '从 Excel 导入项目': 'Import projects from Excel',
  代理机构: 'Agent',
  修改: 'Edit',
  修改项目: 'Edit the project',
  公告日期: 'Notice date',
  共: 'Total',
  列: 'Column',
  发起时间: 'Started',
  合同签订日期: 'Contract date',
  定标日期: 'Award date',
  导入: 'Import',
  尚未归档: 'Not archived yet',
  开标时间: 'Bid opening',
  '招标人/采购人': 'Tenderer / purchaser',
  搜索项目: 'Search projects',
  暂停: 'Paused',
  暂无流程: 'No flows yet',
  最后修改: 'Last changed',
  查询: 'Search',
  登记日期: 'Registered on',
  登记项目: 'Register a project',
  '编号、名称、招标人、代理机构': 'Number, name, tenderer, agent',
  行: 'Row',
  '选择填好的 Excel 表（.xlsx）': 'Choose the filled sheet (.xlsx)',
  选择表格并检查: 'Choose the sheet and check it',
  逐行问题: 'Problems, row by row',
  问题: 'Problem',
  阶段: 'Stage',
  项目名称: 'Project name',
  项目已暂停: 'The project is paused',
  项目登记簿: 'Project register',
  项目类型: 'Kind',
  项目编号: 'Project number',
  '预算金额（元）': 'Budget (yuan)',
  '预算（万元）': 'Budget (10k yuan)',
  登记: 'Register',
  '湘西州公共资源交易中心 · 流程系统': 'Xiangxi Public Resource Trading Center · Workflows',
  主菜单: 'Main menu',
  '湘西州公共资源交易中心 · “12345” 流程系统':
    'Xiangxi Public Resource Trading Center · "12345" workflows',
  工作台: 'Inbox',
  发起: 'Start',
  档案调阅: 'Archives',
  流程设计: 'Process design',
  表单设计: 'Form design',
  审计: 'Audit',
  '每条记录都串在哈希链上，并定期由数据库之外保管的密钥签名存证；校验会走完整条链并与存证核对。':
    'Every event is on a hash chain, and checkpoints of it are signed with a key kept outside the database; verification walks the whole chain and holds it to them.',
  校验审计链: 'Verify the audit trail',
  审计链完整: 'The audit trail is intact',
  审计链被破坏: 'The audit trail has been tampered with',
  记录数: 'Events',
  哈希算法: 'Hash',
  签名存证: 'Signed checkpoints',
  条: '',
  未启用: 'not enabled',
  最近吻合的存证: 'Last checkpoint matched',
  链头哈希: 'Head hash',
  时间: 'Time',
  操作人: 'Actor',
  工作人员: 'Staff',
  修改密码: 'Change password',
  通知: 'Notifications',
  调阅记录: 'View log',
  监督记录: 'Supervision records',
  '现场监督执法过程记录（表六）': 'On-site supervision records (Form 6)',
  年度: 'Year',
  编号: 'No.',
  类别: 'Kind',
  监督时间: 'When',
  在场人员: 'Present',
  监督措施及过程: 'Measures taken',
  地点: 'Place',
  办理结果: 'Outcome',
  申请单位: 'Requesting unit',
  档案调阅记录: 'Who read the archives',
  选择档案: 'Choose an archive',
  导出: 'Export',
  调阅时间: 'Read at',
  调阅人: 'Reader',
  来源地址: 'From address',
  授权: 'Grant',
  全部标为已读: 'Mark all read',
  暂无通知: 'No notifications',
  '初始密码（至少 10 位，首次登录须修改）':
    'Initial password (10+ characters, changed at first sign-in)',
  '您的密码由管理员设置，请先修改为只有您知道的密码。':
    'An admin set your password: choose one only you know before going on.',
  当前密码: 'Current password',
  新密码: 'New password',
  再次输入新密码: 'New password again',
  '至少 10 个字符，不含用户名或姓名；常用词、键盘连续键、日期不够安全。':
    'At least 10 characters, without your username or name; common words, keyboard runs and dates are not safe.',
  保存新密码: 'Save the new password',
  创建首个管理员: 'Create the first admin',
  '系统中还没有用户。请输入服务器启动日志中的一次性设置码，创建第一个管理员账号。':
    'There are no users yet. Enter the one-time setup code from the server log to create the first admin account.',
  设置码: 'Setup code',
  创建并登录: 'Create and sign in',
  系统: 'System',
  动作: 'Action',
  流程实例: 'Instance',
  哈希: 'Hash',
  管理员重绘: 'Redrawn by an admin',
  流程文件: 'Process file',
  更新人: 'Updated by',
  流程监控: 'Monitor',
  人员管理: 'People',
  工作日历: 'Calendar',
  退出: 'Sign out',
  登录: 'Sign in',
  用户名: 'Username',
  密码: 'Password',
  我的待办: 'My tasks',
  科室待认领: 'Section queue',
  已办: 'Done',
  我发起的: 'Started by me',
  抄送我的: 'CC to me',
  全部流程: 'All processes',
  只看超期: 'Overdue only',
  事项: 'Matter',
  当前环节: 'Step',
  流程: 'Process',
  项目: 'Project',
  '办理人 / 候选': 'Assignee / candidates',
  期限: 'Due',
  状态: 'Status',
  要情: 'Escalation',
  超期: 'Overdue',
  即将到期: 'Due soon',
  已退回: 'Returned',
  已办结: 'Completed',
  已取消: 'Canceled',
  委派中: 'Delegated',
  办理中: 'In progress',
  待认领: 'Unclaimed',
  '← 返回工作台': '← Back to inbox',
  发起人: 'Started by',
  办理人: 'Assignee',
  认领: 'Claim',
  释放: 'Release',
  提交: 'Submit',
  办理后交回: 'Answer and return',
  退回: 'Return',
  转办: 'Transfer',
  委派: 'Delegate',
  加签: 'Add signer',
  抄送: 'CC',
  催办: 'Urge',
  撤回: 'Withdraw',
  确定: 'OK',
  取消: 'Cancel',
  表单: 'Form',
  附件: 'Attachments',
  评论: 'Comments',
  发表: 'Post',
  办理过程: 'Timeline',
  流程图: 'Diagram',
  下载: 'Download',
  暂无附件: 'No attachments',
  发起流程: 'Start a flow',
  返回: 'Back',
  '您没有可发起的流程。': 'There is no flow you may start.',
  我的档案调阅: 'My archive access',
  English: 'English',
  部署为新版本: 'Deploy as a new version',
  保存为新版本: 'Save as a new version',
  '← 表单列表': '← Forms',
  '← 流程列表': '← Processes',
  '← 流程监控': '← Monitor',
  '← 我的档案调阅': '← My archive access',
  新增人员: 'Add a person',
  新增: 'Add',
  姓名: 'Name',
  科室: 'Sections',
  角色: 'Roles',
  启用: 'Active',
  调整某日: 'Set a day',
  保存: 'Save',
  日期: 'Date',
  安排: 'Kind',
  名称: 'Name',
  来源: 'Source',
  终止流程: 'Cancel the instance',
  修复后重试: 'Retry after fixing',
  变量: 'Variables',
  检查结果: 'Checks',
  标识: 'Id',
  版本: 'Version',
  部署时间: 'Deployed',
  编辑: 'Edit',
  更新时间: 'Updated',
  开通时间: 'Granted',
  有效期至: 'Valid until',
  档案: 'Archive',
  附件类别: 'Attachment category',
  上传附件: 'Upload an attachment',
  选择同事: 'Choose colleagues',
  上一年: 'Previous year',
  下一年: 'Next year',
};

@Injectable({ providedIn: 'root' })
export class I18nService {
  private readonly nz = inject(NzI18nService);
  readonly lang = signal<'zh' | 'en'>(localStorage.getItem('ggzy.lang') === 'en' ? 'en' : 'zh');

  constructor() {
    this.apply(this.lang());
  }

  toggle(): void {
    const next = this.lang() === 'zh' ? 'en' : 'zh';
    this.lang.set(next);
    localStorage.setItem('ggzy.lang', next);
    this.apply(next);
  }

  /** ng-zorro's texts and the page's `lang`, which screen readers pronounce by. */
  private apply(lang: 'zh' | 'en'): void {
    this.nz.setLocale(lang === 'en' ? en_US : zh_CN);
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  }

  t(zh: string): string {
    return this.lang() === 'en' ? (EN[zh] ?? zh) : zh;
  }

  /** The API's message in the current language. */
  message(e: { message: string; messageEn?: string }): string {
    return this.lang() === 'en' && e.messageEn ? e.messageEn : e.message;
  }
}

/** `{{ '工作台' | t }}` — re-evaluated when the language changes. */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly i18n = inject(I18nService);
  transform(zh: string): string {
    return this.i18n.t(zh);
  }
}
