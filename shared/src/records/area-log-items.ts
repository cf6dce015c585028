/** The items of 开评标区管理记录 (5.1.1, 表四), shared by the server and the web app (no schema library). */
/** The items 5.1.1 lists, in its order, with the paper table's headings. */
export const AREA_LOG_ITEMS = [
  ['discipline', '纪律与秩序（各方服从现场管理情况）'],
  ['clarifications', '澄清、答疑'],
  ['remoteEvaluation', '远程异地评标系统使用与调度'],
  ['venueDispatch', '场地调度及公示'],
  ['sampleRoom', '样品室使用'],
  ['entryExit', '评标区人员进出'],
  ['expertMeals', '专家用餐安排'],
  ['overnightRooms', '隔夜评标休息室使用'],
  ['anomalies', '异常情况、突发状况及处理'],
] as const;
export type AreaLogItem = (typeof AREA_LOG_ITEMS)[number][0];
