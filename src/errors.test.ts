import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI_ERROR_CODES, ConfigError, RuntimeError, type CliErrorCode } from './errors';

/** The text of every source file of src/ but the tests and errors.ts itself (where the codes are declared). */
function sources(): string[] {
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' });
  return files
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts') && file !== 'errors.ts')
    .map((file) => readFileSync(path.join(__dirname, file), 'utf8'));
}

const codes = Object.keys(CLI_ERROR_CODES) as CliErrorCode[];

describe('the command line error codes', () => {
  it('are each in the README, with the exit code they give', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    for (const code of codes) expect(readme).toContain(`| \`${code}\` | ${CLI_ERROR_CODES[code].exitCode} |`);
  });

  it('are documented: each with its exit code and what it means', () => {
    for (const code of codes) {
      expect(code).toMatch(/^ERR_[A-Z_]+$/);
      expect([1, 2]).toContain(CLI_ERROR_CODES[code].exitCode);
      expect(CLI_ERROR_CODES[code].means.length).toBeGreaterThan(10);
    }
  });

  it('are a closed set: every error site names a documented code, and every documented code is raised somewhere', () => {
    const text = sources().join('\n');
    const sites = [...text.matchAll(/new (?:ConfigError|RuntimeError)\(\s*([^,)]*)/g)].map(([, first]) => first.trim());
    expect(sites.length).toBeGreaterThan(50);
    expect(sites.filter((first) => !codes.some((code) => first === `'${code}'`))).toEqual([]);
    expect(codes.filter((code) => !text.includes(`'${code}'`))).toEqual([]);
  });

  it('each end the command line with their exit code: ConfigError 2, RuntimeError 1', () => {
    expect(new ConfigError('ERR_ROUTES_FILE', 'why')).toMatchObject({ name: 'ConfigError', code: 'ERR_ROUTES_FILE', exitCode: 2, message: 'why' });
    expect(new RuntimeError('ERR_PORT_IN_USE', 'why')).toMatchObject({ name: 'RuntimeError', code: 'ERR_PORT_IN_USE', exitCode: 1, message: 'why' });
  });
});
