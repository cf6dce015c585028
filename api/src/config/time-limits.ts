/**
 * Time limits (限时办结) of the human steps, named in the diagrams' due dates
 * (`limits.<name>`). Configuration may scale them all (TIME_SCALE) or override one (TIME_LIMITS).
 */
export const DEFAULT_LIMITS: Record<string, string> = {
  ack: 'PT2H',
  verify: 'P1D',
  draft: 'P2D',
  review: 'P1D',
  sign: 'P1D',
  classify: 'P2D',
  supplement: 'P5D',
  register: 'P1D',
  audit: 'P2D',
  approve: 'P2D',
  work: 'P5D',
  check: 'P2D',
  // 一站式项目服务 (2.8, 6.5.1)
  intakeCheck: 'P1D',
  intakeSupplement: 'P3D',
  bookVenue: 'P1D',
  publishNotice: 'P2D',
  nameWitness: 'P1D',
  witnessRecord: 'P1D',
  recordContract: 'P30D',
  collectArchive: 'P5D',
  // 投诉建议和主任信箱 (2.6.1)
  complaintDraft: 'P3D',
  complaintReview: 'P1D',
  complaintApprove: 'P1D',
  mailboxCheck: 'P1D',
  // 信息安全 (5.2)
  securityPatrol: 'P1D',
  incidentHandle: 'PT4H',
  incidentFeedback: 'P1D',
  // 考评与回访 (4.1, 4.2, 4.3.2)
  agentEvaluation: 'P5D',
  expertEvaluation: 'P5D',
  returnVisit: 'P10D',
};

const RE = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function durationMs(iso: string): number {
  const m = RE.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T')) throw new Error(`not an ISO 8601 duration (days/hours/minutes/seconds): ${iso}`);
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number];
  return ((d * 24 + h) * 60 + min) * 60_000 + s * 1000;
}

export function msToDuration(ms: number): string {
  return `PT${Math.max(0.001, Math.round(ms) / 1000)}S`;
}

export function effectiveLimits(scale: number, overrides: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...DEFAULT_LIMITS, ...overrides })) out[k] = scale === 1 ? v : msToDuration(durationMs(v) * scale);
  return out;
}
