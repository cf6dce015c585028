/** A benchmark's progress line: rewritten in place on a terminal, one line each otherwise (a log); null clears it. */
export function progress(text: string | null): void {
  if (process.stdout.isTTY) process.stdout.write(text === null ? '\r\x1b[K' : `\r  ${text}\x1b[K`);
  else if (text !== null) process.stdout.write(`  ${text}\n`);
}
