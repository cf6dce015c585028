/**
 * The first admin of a system without users (DEMO_DATA off): at start the server makes a one-time
 * setup code, keeps only its hash, and prints the code to its log — so only whoever runs the server
 * can create the first admin (web: the sign-in page offers it; API: POST /api/setup). The code
 * works once; a restart while no users exist makes a new one.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { userError, type UserDto } from '@ggzy/shared';
import { modelOn } from '../db/model-on';
import type { AuditService } from '../audit/audit.service';
import { AuthService, toUserDto } from './auth.service';
import { checkPassword } from './password-policy';
import { peopleModels } from './user.model';

interface SetupDoc {
  _id: 'first-admin';
  codeHash: string;
  createdAt: Date;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export class FirstAdmin {
  private readonly Setup;
  private readonly people;

  constructor(
    db: Connection,
    private readonly audit: AuditService,
    private readonly logger: Logger,
  ) {
    this.people = peopleModels(db);
    this.Setup = modelOn<SetupDoc>(
      db,
      'Setup',
      new Schema<SetupDoc>({ _id: String, codeHash: String, createdAt: Date }, { versionKey: false, _id: false, collection: 'setup' }),
    );
  }

  /** At start: when there are no users, a new setup code (printed to the log). */
  async prepare(): Promise<void> {
    if (!(await this.needed())) return;
    const code = randomBytes(9).toString('base64url');
    await this.Setup.replaceOne({ _id: 'first-admin' }, { codeHash: sha256(code).toString('hex'), createdAt: new Date() }, { upsert: true });
    this.logger.warn({ setupCode: code }, `no users yet: create the first admin on the sign-in page with the one-time setup code ${code}`);
  }

  async needed(): Promise<boolean> {
    return !(await this.people.User.exists({}));
  }

  async complete(b: { code: string; id: string; name: string; password: string }): Promise<UserDto> {
    const invalid = () => userError('SETUP_CODE_INVALID', '设置码不正确或已使用', 'The setup code is wrong or has been used', { status: 403 });
    const doc = await this.Setup.findById('first-admin').lean();
    if (!doc || !(await this.needed())) throw invalid();
    const given = sha256(b.code);
    if (!timingSafeEqual(given, Buffer.from(doc.codeHash, 'hex'))) throw invalid();
    checkPassword(b.password, { id: b.id, name: b.name });
    const passwordHash = await AuthService.hashPassword(b.password);
    // The code is spent in one step: of two requests with it, one creates the admin.
    if (!(await this.Setup.findOneAndDelete({ _id: 'first-admin', codeHash: doc.codeHash }))) throw invalid();
    await this.people.User.create({ _id: b.id, name: b.name, sections: ['it'], roles: ['admin'], passwordHash, active: true, createdAt: new Date() });
    await this.audit.append({ actor: b.id, action: 'user.created', data: { userId: b.id, after: { name: b.name, roles: ['admin'] }, firstAdmin: true } });
    return toUserDto((await this.people.User.findById(b.id).lean())!);
  }
}
