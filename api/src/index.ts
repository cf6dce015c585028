export { createApp, type AppDeps } from './app';
export { buildSystem, DEFAULT_SETTINGS, type System, type SystemSettings } from './system';
export { loadConfig, type Config } from './config/config';
export { DEMO_USERS, DEMO_PASSWORD } from './demo/demo-data';
export { peopleModels } from './people/user.model';
export { AuthService } from './people/auth.service';
export { epochCollectionName } from './inbox/store/change-log';
export { hashOf as auditHashOf, seqId as auditSeqId, type AuditDoc } from './audit/audit-doc';
export { TRANSIENT_COLLECTIONS as BACKUP_LEAVES_OUT } from './backup/backup';
