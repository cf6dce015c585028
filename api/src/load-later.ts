/**
 * A library loaded at its first use rather than at start: the spreadsheet, PDF and password
 * libraries take half a second to load together, which every start (and every restart after a
 * stop) would pay for what only a few requests need.
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

export function loadLater<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(id) as T);
}
