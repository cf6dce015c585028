/**
 * Demo people, projects and archives, loaded on first start (when there are no users yet) so a
 * newcomer can sign in at once. Password for all: demo1234. Listed in the README.
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { AuthService } from '../people/auth.service';
import { peopleModels } from '../people/user.model';
import { linkToProject, projectModel } from '../projects/project.model';
import { archiveModels } from '../archives/archive.model';
import { ArchiveCatalog } from '../archives/archive-catalog';

export const DEMO_PASSWORD = 'demo1234';

export const DEMO_USERS = [
  { _id: 'witness1', name: '张见证', sections: ['engineering'], roles: ['staff', 'witness'] },
  { _id: 'eng_head', name: '李工程', sections: ['engineering'], roles: ['staff', 'head'] },
  { _id: 'proc1', name: '黄采购', sections: ['procurement'], roles: ['staff', 'witness'] },
  { _id: 'sup1', name: '王监督', sections: ['supervision'], roles: ['staff'] },
  { _id: 'sup2', name: '田监督', sections: ['supervision'], roles: ['staff'] },
  { _id: 'sup_head', name: '赵监督', sections: ['supervision'], roles: ['staff', 'head'] },
  { _id: 'office1', name: '陈办公', sections: ['office'], roles: ['staff'] },
  { _id: 'office_head', name: '杨办公', sections: ['office'], roles: ['staff', 'head'] },
  { _id: 'gen1', name: '刘综合', sections: ['general'], roles: ['staff'] },
  { _id: 'it1', name: '何信息', sections: ['it'], roles: ['staff'] },
  { _id: 'expert1', name: '罗专家', sections: ['experts'], roles: ['staff'] },
  { _id: 'data1', name: '邓数据', sections: ['bigdata'], roles: ['staff'] },
  { _id: 'deputy', name: '孙分管', sections: [], roles: ['deputy'], oversees: ['supervision', 'engineering', 'general', 'office', 'it', 'experts', 'bigdata'] },
  { _id: 'director', name: '周主任', sections: [], roles: ['principal'] },
  { _id: 'admin', name: '系统管理员', sections: ['it'], roles: ['admin'] },
  { _id: 'external1', name: '吴监管', sections: [], roles: ['external'], unit: '湘西州住房和城乡建设局' },
  // the e-trading system's account: pushes projects to the register (PUT /api/projects/{id})
  { _id: 'etrade', name: '电子交易系统', sections: [], roles: ['integration'] },
] as const;

export const DEMO_PROJECTS = [
  {
    _id: 'XXGC-2026-001',
    name: '湘西州人民医院门诊综合楼建设工程施工',
    section: 'engineering',
    kind: '工程建设',
    tenderer: '湘西州人民医院',
    agent: '湖南湘西建设工程咨询有限公司',
    budget: 86_500_000,
    registeredOn: '2026-09-02',
    noticeOn: '2026-09-10',
    stage: 'announced',
  },
  {
    _id: 'XXGC-2026-002',
    name: '吉首市乾州大道提质改造工程',
    section: 'engineering',
    kind: '工程建设',
    tenderer: '吉首市住房和城乡建设局',
    agent: '湖南德信项目管理有限公司',
    budget: 32_000_000,
    registeredOn: '2026-10-12',
    stage: 'accepted',
  },
  {
    _id: 'XXCG-2026-010',
    name: '州教育局中小学教学设备采购',
    section: 'procurement',
    kind: '政府采购',
    tenderer: '湘西州教育和体育局',
    agent: '湘西众诚招标代理有限公司',
    budget: 4_680_000,
    registeredOn: '2026-05-20',
    noticeOn: '2026-06-03',
    stage: 'contracted',
    contractOn: '2026-07-10',
  },
  {
    _id: 'XXTD-2026-003',
    name: '吉首经开区工业用地使用权挂牌出让',
    section: 'resources',
    kind: '土地矿产',
    tenderer: '湘西州自然资源和规划局',
    agent: null,
    budget: 15_600_000,
    registeredOn: '2026-08-15',
    stage: 'announced',
  },
] as const;

const ARCHIVES = [
  {
    _id: 'DA-XXGC-2025-031',
    projectId: 'XXGC-2026-001',
    title: '湘西州人民医院门诊综合楼建设工程施工 交易档案',
    content:
      '一、项目登记：2025年9月2日受理。\n二、招标公告：2025年9月10日发布于湘西州公共资源交易网。\n三、开标：2025年10月9日9时30分，第一开标室，投标人12家。\n四、评标：评标委员会7人，推荐中标候选人3名。\n五、中标公示：2025年10月11日至14日。\n六、合同签订：2025年10月28日。',
  },
  {
    _id: 'DA-XXCG-2025-012',
    projectId: 'XXCG-2026-010',
    title: '州教育局中小学教学设备采购 交易档案',
    content: '一、采购公告：2025年6月3日。\n二、开标：2025年6月24日，投标人5家。\n三、成交公告：2025年6月27日。',
  },
];

/** Loads the demo data when the database has no users; returns whether it did. */
export async function loadDemoData(db: Connection): Promise<boolean> {
  const { User } = peopleModels(db);
  if (await User.exists({})) return false;
  const passwordHash = await AuthService.hashPassword(DEMO_PASSWORD);
  for (const u of DEMO_USERS) {
    await User.updateOne(
      { _id: u._id },
      { $setOnInsert: { ...u, oversees: 'oversees' in u ? [...u.oversees] : [], passwordHash, active: true, createdAt: new Date() } },
      { upsert: true },
    );
  }
  const Project = projectModel(db);
  for (const p of DEMO_PROJECTS)
    await Project.updateOne({ _id: p._id }, { $setOnInsert: { ...p, source: 'demo', version: 1, status: 'active', createdAt: new Date() } }, { upsert: true });
  const { Archive } = archiveModels(db);
  for (const a of ARCHIVES) {
    const sha256 = createHash('sha256').update(a.content).digest('hex');
    const archivedAt = new Date('2025-11-05T08:00:00Z');
    await Archive.updateOne({ _id: a._id }, { $setOnInsert: { ...a, sha256, archivedAt } }, { upsert: true });
    await new ArchiveCatalog(db).add({ id: a._id, projectId: a.projectId, title: a.title, sha256, archivedAt });
    await linkToProject(db, a.projectId, { archiveId: a._id });
  }
  return true;
}
