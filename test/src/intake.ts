/** The one-stop intake (一站式项目服务) carried, as its real roles, to the archive step — for the tests that start there. */
import { chinaToday } from '../../api/src/venues/venue-calendar';
import { claimAndComplete, PDF, taskAt, type Client, type TestServer } from './harness';

const today = chinaToday();

const registration = (projectId: string) => ({
  projectId,
  projectName: `泸溪县人民医院改扩建工程（${projectId}）`,
  kind: '工程建设',
  section: 'engineering',
  tenderer: '泸溪县人民医院',
  agent: '湖南某工程咨询有限公司',
  budget: 38_000_000,
  plannedOpening: `${today}T14:00`,
});

/** Start the intake as the agent and carry it to the archive step; what each step showed along the way. */
export async function intakeToArchiveStep(srv: TestServer, projectId: string, start: string, opts: { clashFirst?: boolean } = {}) {
  const ext = await srv.login('external1');
  const gen = await srv.login('gen1');
  const eng = await srv.login('eng_head');
  const witness = await srv.login('witness1');
  const started = await ext.post('/api/process-instances', { processId: 'project-intake', variables: registration(projectId) });
  expect(started.status).toBe(201);
  const id: string = started.body.id;
  expect(started.body.title).toContain('泸溪县人民医院改扩建工程');

  // 综合科 checks completeness and names every gap at once (一次性告知); the agent supplies them
  const check = await taskAt(gen, id, 'check');
  await claimAndComplete(gen, check.id, { checkDecision: 'supplement', missingItems: '1. 招标文件（盖章版）\n2. 项目审批文件' });
  const supplement = await taskAt(ext, id, 'supplement', 'mine');
  expect((await ext.upload('招标文件.pdf', PDF, { category: 'other', taskId: supplement.id })).status).toBe(201);
  expect((await ext.post(`/api/tasks/${supplement.id}/complete`, { variables: { supplementNote: '已补齐招标文件和审批文件' } })).status).toBe(200);
  const again = await taskAt(gen, id, 'check');
  await claimAndComplete(gen, again.id, { checkDecision: 'pass', checkOpinion: '资料齐全' });

  // the room: a slot taken meanwhile sends the step back, saying by whom
  const book = await taskAt(gen, id, 'book_venue');
  const session = {
    room: 'kb1',
    sessionDay: today,
    sessionStart: `${start}:00`,
    sessionEnd: `${String(Number(start) + 2).padStart(2, '0')}:00`,
    purpose: '开标',
  };
  let problem: string | null = null;
  if (opts.clashFirst) {
    expect(
      (await gen.post('/api/venues/bookings', { room: 'kb1', day: today, start: '08:00', end: '10:00', purpose: '评标', projectId: 'XXGC-2026-002' })).status,
    ).toBe(201);
    await claimAndComplete(gen, book.id, { ...session, sessionStart: '09:00', sessionEnd: '11:00' });
    const back = await taskAt(gen, id, 'book_venue');
    const detail = (await gen.get(`/api/tasks/${back.id}`)).body;
    problem = detail.variables.bookingProblem;
    await claimAndComplete(gen, back.id, session);
  } else await claimAndComplete(gen, book.id, session);

  // the business section publishes the notice; its head names the witness
  const notice = await taskAt(eng, id, 'publish_notice');
  await claimAndComplete(eng, notice.id, { noticeOn: today, noticeUrl: 'https://ggzy.xxz.gov.cn/notice/1' });
  const name = await taskAt(eng, id, 'name_witness');
  await claimAndComplete(eng, name.id, { witness: 'witness1' });

  // the witness's step: the day's witness record
  const witnessing = await taskAt(witness, id, 'witness', 'mine');
  const done = await witness.post(`/api/tasks/${witnessing.id}/complete`, {
    variables: {
      witnessMode: 'offline',
      witnessCourse: '14:00 准时开标，投标人 9 家，唱标无异议。',
      witnessAnomaly: true,
      witnessAnomalyDesc: '一家投标人授权委托书过期，已当场记录。',
    },
  });
  expect(done.status).toBe(200);

  // the contract date opens the archive step
  const contract = await taskAt(eng, id, 'record_contract');
  await claimAndComplete(eng, contract.id, { awardOn: today, contractOn: today });
  const archive = await taskAt(eng, id, 'collect_archive');
  return { id, problem, archive, eng: eng as Client };
}
