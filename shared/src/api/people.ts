/** Sign-in, the signed-in user, colleagues, sections, user administration. */
import { z } from 'zod';
import { ROLES, SECTION_CODES, type SectionCode } from '../people/sections';
import { normalizeUsername } from '../ids';
import { isoDateTime, itemsOf } from './common';

const sectionCode = z.enum(SECTION_CODES as [SectionCode, ...SectionCode[]]);
const role = z.enum(ROLES);

export const userDto = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    sections: z.array(sectionCode),
    roles: z.array(role),
    /** Sections a deputy leader oversees. */
    oversees: z.array(sectionCode),
    /** Unit of an external applicant (行政监督部门 etc.). */
    unit: z.string().optional(),
    /** Candidate groups this user belongs to, derived from sections and roles. */
    groups: z.array(z.string()),
    /** Set when an admin gave the password: nothing but choosing a new one is allowed until then. */
    mustChangePassword: z.literal(true).optional(),
  })
  .meta({ id: 'User' });

export const loginBody = z.strictObject({
  username: z.string().max(200).transform(normalizeUsername).pipe(z.string().min(1).max(64)),
  password: z.string().min(1).max(200),
});
export const loginReply = z.strictObject({ token: z.string(), user: userDto, expiresAt: isoDateTime });

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
});

/** Whether the system has no users yet and waits for its first admin (DEMO_DATA off). */
export const setupStatus = z.strictObject({ needed: z.boolean() });
export const setupBody = z.strictObject({
  /** The one-time code the server printed to its log when it found no users. */
  code: z.string().trim().min(1).max(100),
  id: z.string().regex(/^[a-z][a-z0-9_.-]{1,31}$/, 'lowercase letters, digits, _ . -'),
  name: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(200),
});

export const sectionsReply = z.strictObject({
  sections: z.array(z.strictObject({ code: z.string(), name: z.string() })),
  roles: z.record(z.string(), z.string()),
});
export const usersReply = itemsOf(userDto);

const newUsername = z.string().regex(/^[a-z][a-z0-9_.-]{1,31}$/, 'lowercase letters, digits, _ . -');
const sections = z.array(sectionCode).max(13);
const roles = z.array(role).min(1).max(ROLES.length);
export const createUserBody = z.strictObject({
  id: newUsername,
  name: z.string().trim().min(1).max(40),
  sections: sections.default([]),
  roles,
  oversees: sections.default([]),
  unit: z.string().trim().max(100).optional(),
  password: z.string().min(1).max(200),
});
export const updateUserBody = z.strictObject({
  name: z.string().trim().min(1).max(40).optional(),
  sections: sections.optional(),
  roles: roles.optional(),
  oversees: sections.optional(),
  unit: z.string().trim().max(100).optional(),
  active: z.boolean().optional(),
  password: z.string().min(1).max(200).optional(),
});
export const userParams = z.object({ id: newUsername });
export const adminUser = userDto.extend({ active: z.boolean() }).meta({ id: 'AdminUser' });
export const adminUsersReply = itemsOf(adminUser);

export type UserDto = z.infer<typeof userDto>;
export type AdminUserDto = z.infer<typeof adminUser>;
