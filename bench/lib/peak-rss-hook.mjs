// Preloaded into a measured node process (NODE_OPTIONS=--import=<this file>): when the process
// exits, however it exits, writes its peak resident set size (VmHWM, kB) to
// $SD_BENCH_PEAK_DIR/<pid>.kb. Kept tiny, in plain JavaScript, so it adds next to nothing to the peak.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.SD_BENCH_PEAK_DIR;
if (dir) {
  process.on('exit', () => {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) writeFileSync(join(dir, `${process.pid}.kb`), match[1]);
  });
}
