/**
 * The administrative supervisory department (行政监督部门) of each kind of trading project in the
 * prefecture, to whom a special report on such a project is copied (3.2.5).
 */
const BY_KIND: Record<string, string> = {
  工程建设: '湘西州住房和城乡建设局',
  交通工程: '湘西州交通运输局',
  水利工程: '湘西州水利局',
  政府采购: '湘西州财政局',
  土地矿产: '湘西州自然资源和规划局',
  国有产权: '湘西州国有资产监督管理委员会',
  // (kinds of earlier registers)
  土地使用权出让: '湘西州自然资源和规划局',
  矿业权出让: '湘西州自然资源和规划局',
  国有产权交易: '湘西州国有资产监督管理委员会',
};

export function supervisoryDepartment(kind: string | null | undefined): string | undefined {
  return kind ? BY_KIND[kind] : undefined;
}
