import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { jsonErrorOffset } from './json-error';

/** Makes the error a bad file raises: a ConfigError (exit 2) for configuration, a RuntimeError (exit 1) for data. */
export type FileErrorFactory = (message: string) => Error;

/** Editors on Windows start UTF-8 files with a byte order mark, which JSON.parse refuses; json-server accepts it. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Line and column (both from 1) of `offset` in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/**
 * JSON.parse's reason without the parts that name an offset or repeat the text: V8 says `at position 40`, or
 * quotes the start of the file, neither of which helps someone looking at the file in an editor.
 */
function reasonOf(error: Error): string {
  return error.message.replace(/ (?:in JSON )?at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*$/s, '');
}

export function parseJson(file: string, text: string, fail: FileErrorFactory): unknown {
  const content = withoutBom(text);
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    const offset = jsonErrorOffset(content);
    const where = offset === undefined ? '' : (({ line, column }) => ` at line ${line}, column ${column}`)(lineAndColumn(content, offset));
    throw fail(`${file}: not valid JSON${where} (${reasonOf(error as Error)})`);
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Reads a JSON file's text, undefined when there is no such file (parse it with parseJson). */
export async function readJsonText(file: string, fail: FileErrorFactory): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw fail(`${file}: cannot be read (${(error as Error).message})`);
  }
}

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
