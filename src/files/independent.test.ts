import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// files/ is the bottom of the house: atomic writes, JSON files, locks, versions, group commit. It knows no domain:
// it may import Node's modules, its own files and the error classes, nothing else of ours.
it('src/files imports nothing of the domain', () => {
  const folder = __dirname;
  const offending: string[] = [];
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.ts'))) {
    const text = readFileSync(path.join(folder, name), 'utf8');
    for (const [, spec] of text.matchAll(/^(?:import|export)\b[^\n]*\bfrom '([^']+)'/gm)) {
      const allowed = spec.startsWith('node:') || spec.startsWith('./') || spec === '../errors';
      if (!allowed) offending.push(`${name} imports ${spec}`);
    }
  }
  expect(offending).toEqual([]);
});
