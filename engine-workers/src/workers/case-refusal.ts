/** Why a case request was refused: the reason given at the step that refused it (登记, 审核 or 审批). */
export function caseRefusalReason(v: Record<string, unknown>): string {
  const pick = (x: unknown) => (typeof x === 'string' ? x : '');
  if (v.registerDecision === 'refuse') return pick(v.registerOpinion);
  if (v.auditDecision === 'refuse') return pick(v.auditOpinion);
  return pick(v.approveOpinion);
}
