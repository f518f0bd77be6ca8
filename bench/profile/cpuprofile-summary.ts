import fs from 'node:fs';
import path from 'node:path';

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per file, so
 * "where does the time go" is a table instead of a flame graph.
 *
 *   npx tsx bench/profile/cpuprofile-summary.ts /tmp/prof/CPU.*.cpuprofile [top=25]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const where = shortUrl(node.callFrame.url);
    const key = `${node.callFrame.functionName || '(anonymous)'} ${where}${where ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    file.set(where || '(native/vm)', (file.get(where || '(native/vm)') ?? 0) + us);
  }
  const table = (title: string, m: Map<string, number>) =>
    [
      `${title}`,
      ...[...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`),
    ].join('\n');
  return [`total sampled ${(total / 1000).toFixed(0)} ms`, table('self time by function', fn), table('self time by file', file)].join('\n\n');
}

function shortUrl(url: string): string {
  if (!url) return '';
  const at = url.indexOf('/node_modules/');
  if (at >= 0) return url.slice(at + 1);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  const bench = url.indexOf('/bench/');
  if (bench >= 0) return url.slice(bench + 1);
  return url.replace(/^file:\/\//, '');
}

const [file, top] = process.argv.slice(2);
if (file && path.resolve(process.argv[1] ?? '').endsWith('cpuprofile-summary.ts')) {
  console.log(summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 25)));
}
