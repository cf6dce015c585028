/**
 * The one rule for the ids people draw in diagrams and forms: BPMN ids are XML NCNames, and
 * bpmn-js, the Camunda Modeler and the deploy gate (all on bpmn-moddle) take the ASCII ones: a
 * letter or `_` first, then letters, digits, `_`, `.`, `-`; here at most 100 characters.
 * kebab-case, camelCase and the modeler's `Process_0abc123` pass; whatever the deploy gate accepts
 * can be started, listed and viewed.
 */
export const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;

export function isNcName(id: unknown): id is string {
  return typeof id === 'string' && NCNAME.test(id);
}

/**
 * A sign-in name as the system knows it, however it was typed: full-width letters and digits
 * folded (NFKC), spaces around it dropped, lower-case (account names are made lower-case).
 */
export function normalizeUsername(typed: string): string {
  return typed.normalize('NFKC').trim().toLowerCase();
}
