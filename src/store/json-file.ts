import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Makes the error a bad file raises: a ConfigError (exit 2) for configuration, a RuntimeError (exit 1) for data. */
export type FileErrorFactory = (message: string) => Error;

export function parseJson(file: string, text: string, fail: FileErrorFactory): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw fail(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Reads and parses a JSON file; `missing` is returned for a file that does not exist, when given. */
export async function readJsonFile(file: string, fail: FileErrorFactory, missing?: () => unknown): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (missing && isMissing(error)) return missing();
    throw fail(`${file}: cannot be read (${(error as Error).message})`);
  }
  return parseJson(file, text, fail);
}

export function readJsonFileSync(file: string, fail: FileErrorFactory): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw fail(`${file}: cannot be read (${(error as Error).message})`);
  }
  return parseJson(file, text, fail);
}
