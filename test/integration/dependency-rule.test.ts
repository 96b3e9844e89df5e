import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support';

// The one-way rule of .dependency-cruiser.js, shown failing: a tiny src/ in test/fixtures/ whose files/ imports app/.
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'dependency-rule');

async function cruise(): Promise<{ code: number; output: string }> {
  const depcruise = path.join(ROOT, 'node_modules', '.bin', 'depcruise');
  try {
    const { stdout } = await promisify(execFile)(depcruise, ['src', '--config', path.join(ROOT, '.dependency-cruiser.js'), '--output-type', 'err'], {
      cwd: FIXTURE,
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

it('fails on an import from a lower folder to a higher one, naming the rule and the import, and on nothing else', async () => {
  const { code, output } = await cruise();
  expect(code).not.toBe(0);
  expect(output).toContain('error files-imports-only-below: src/files/atomic.ts → src/app/banner.ts');
  expect(output).toMatch(/\b1 dependency violations \(1 errors?,/); // app/ → files/ is allowed
});
