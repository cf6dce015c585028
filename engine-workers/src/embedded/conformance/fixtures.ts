import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A BPMN fixture beside the conformance specs. */
export function fixture(name: string): { name: string; content: string } {
  return { name, content: readFileSync(path.join(__dirname, name), 'utf8') };
}
