import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A package's version, found by walking up from its entry (some packages do not export package.json). */
function versionOf(pkg: string): string {
  try {
    let dir = path.dirname(require.resolve(pkg));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      if (existsSync(file)) {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
        if (json.name === pkg) return json.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    /* not installed */
  }
  return 'unknown';
}

let cached: Record<string, string> | undefined;

/** Versions reported by the health endpoint. */
export function versions(): Record<string, string> {
  cached ??= {
    app: versionOf('@ggzy/api'),
    node: process.versions.node,
    'bpmn-engine': versionOf('bpmn-engine'),
    'bpmn-elements': versionOf('bpmn-elements'),
    feelin: versionOf('feelin'),
    mongoose: versionOf('mongoose'),
    express: versionOf('express'),
  };
  return cached;
}
