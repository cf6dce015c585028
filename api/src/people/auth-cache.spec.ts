/**
 * A request's sign-in costs no read of the person's record while it is cached: the record is read
 * once for all of a person's sessions, and a change to it (rights, disabled) holds at the next
 * request, cache or not.
 */
import { freshDbEach } from '@ggzy/engine-workers/testing';
import { AuthService } from './auth.service';
import { peopleModels } from './user.model';

const t = freshDbEach('auth_cache');
const PASSWORD = 'Xx-12345678-Yy';

/** A person of 监督科 (staff) and a sign-in service on the test database. */
async function person(id: string) {
  const { User } = peopleModels(t.db);
  await User.create({
    _id: id,
    name: id,
    sections: ['supervision'],
    roles: ['staff'],
    oversees: [],
    passwordHash: await AuthService.hashPassword(PASSWORD),
    active: true,
    createdAt: new Date(),
  });
  return { User, auth: new AuthService(t.db) };
}

test('the record is read once for two sessions; a change to it holds at the next request', async () => {
  const { User, auth } = await person('sup9');
  const [a, b] = [await auth.login('sup9', PASSWORD), await auth.login('sup9', PASSWORD)];
  const reads = jest.spyOn(User, 'findById');

  expect((await auth.authenticate(a.token))?.roles).toEqual(['staff']);
  expect((await auth.authenticate(b.token))?.roles).toEqual(['staff']);
  expect(reads).toHaveBeenCalledTimes(1);

  // new rights, told as the admin's page tells them
  await User.updateOne({ _id: 'sup9' }, { $set: { roles: ['head'] } });
  auth.userChanged('sup9');
  expect((await auth.authenticate(a.token))?.roles).toEqual(['head']);
  expect((await auth.authenticate(b.token))?.roles).toEqual(['head']);
  expect(reads).toHaveBeenCalledTimes(2);

  // disabled
  await User.updateOne({ _id: 'sup9' }, { $set: { active: false } });
  auth.userChanged('sup9');
  expect(await auth.authenticate(a.token)).toBeNull();
});

test('a record read while the person changed is not kept: the next request reads the change', async () => {
  const { User, auth } = await person('sup8');
  const { token } = await auth.login('sup8', PASSWORD);
  const real = User.findById.bind(User);
  // the admin's change lands while the first request's read of the record is under way
  jest.spyOn(User, 'findById').mockImplementationOnce(((id: string) => ({
    lean: async () => {
      const before = await real(id).lean();
      await User.updateOne({ _id: 'sup8' }, { $set: { roles: ['head'] } });
      auth.userChanged('sup8');
      return before;
    },
  })) as never);
  expect((await auth.authenticate(token))?.roles).toEqual(['staff']);
  expect((await auth.authenticate(token))?.roles).toEqual(['head']);
});

test('a session a minute old is answered at once and read behind the request; a signed-out one ends there', async () => {
  const { auth } = await person('sup7');
  const { token } = await auth.login('sup7', PASSWORD);
  const { Session } = peopleModels(t.db);
  expect((await auth.authenticate(token))?.id).toBe('sup7');
  const reads = jest.spyOn(Session, 'findById');
  const clock = jest.spyOn(Date, 'now');
  const start = Date.now();

  // past a minute: answered from memory while the session is read (the read is held back here)
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const real = Session.findById.bind(Session);
  reads.mockImplementationOnce(((id: string) => ({ lean: async () => (await held, real(id).lean()) })) as never);
  clock.mockReturnValue(start + 61_000);
  expect((await auth.authenticate(token))?.id).toBe('sup7');
  expect(reads).toHaveBeenCalledTimes(1);
  // (one read behind the requests, however many come meanwhile)
  expect((await auth.authenticate(token))?.id).toBe('sup7');
  expect(reads).toHaveBeenCalledTimes(1);

  // the session was ended where this replica was not told: the read behind finds it gone
  await Session.deleteOne({ _id: AuthService.sessionOf(token) });
  release();
  let user = await auth.authenticate(token);
  for (let i = 0; user && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    user = await auth.authenticate(token);
  }
  expect(user).toBeNull();
  clock.mockRestore();
});

test('a session twice that old waits for its read', async () => {
  const { auth } = await person('sup6');
  const { token } = await auth.login('sup6', PASSWORD);
  const { Session } = peopleModels(t.db);
  expect((await auth.authenticate(token))?.id).toBe('sup6');
  await Session.deleteOne({ _id: AuthService.sessionOf(token) });
  const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 121_000);
  expect(await auth.authenticate(token)).toBeNull();
  clock.mockRestore();
});
