import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { liveProject, makeProject, type Project, type ProjectFiles } from './project';
import { useCleanup } from './server';

/** The repository, and the command line as built into dist/ (`npm run build` first: the e2e lane does). */
export const ROOT = path.join(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'fake-jwt-api.js');

export interface CliProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  output(): string;
  stop(): Promise<number | null>;
}

/** Spawns the built command line on port 0 and waits for the banner's URL. */
export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliProcess> {
  const child = spawn(process.execPath, [BIN, ...args, '--port', '0', '--host', '127.0.0.1'], { cwd, env: { ...process.env, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 20000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /·\s+(https?:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        child,
        output: () => output,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

/** Runs the command line to completion: for usage errors, --help, and other short runs. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The stable code that ends the command line's one-line error (README "Command line"), like ERR_ROUTES_FILE. */
export function errorCodeOf(stderr: string): string | undefined {
  return /^fake-jwt-api: .+ \[(ERR_[A-Z_]+)\]\n$/.exec(stderr)?.[1];
}

/**
 * A project per test for tests that spawn the command line: `start()` runs it in the project (as startCli), and
 * every process started is stopped before the project is removed, whatever the test did.
 */
export function useCliProject(files?: ProjectFiles): { project: Project; start(args: string[], env?: NodeJS.ProcessEnv): Promise<CliProcess> } {
  let current: Project | undefined;
  beforeEach(() => (current = makeProject(files)));
  const track = useCleanup({
    afterEach: () => {
      current?.cleanup();
      current = undefined;
    },
  });
  const project = liveProject(() => current);
  return {
    project,
    async start(args, env = {}) {
      const cli = await startCli(args, project.dir, env);
      track({ close: async () => void (await cli.stop()) });
      return cli;
    },
  };
}
