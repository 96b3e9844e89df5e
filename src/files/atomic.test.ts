import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeJsonAtomic, writeTextAtomic } from './atomic';

describe('writeTextAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const modeOf = (file: string) => statSync(file).mode & 0o777;

  it('writes a new file, and writes JSON as users edit it by hand', async () => {
    await writeJsonAtomic(path.join(dir, 'db.json'), { posts: [] });
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe('{\n  "posts": []\n}\n');
    expect(readdirSync(dir)).toEqual(['db.json']);
  });

  it("keeps an existing file's permissions, and sets the ones asked for", async () => {
    const file = path.join(dir, 'db.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o640);
    await writeTextAtomic(file, '{"a":1}');
    expect(modeOf(file)).toBe(0o640);
    await writeTextAtomic(file, '{"a":2}', 0o600);
    expect(modeOf(file)).toBe(0o600);
  });

  it('replaces the file a symlink points to, and leaves the symlink one', async () => {
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'db.json'), '{}');
    symlinkSync(path.join('data', 'db.json'), path.join(dir, 'db.json'));
    await writeTextAtomic(path.join(dir, 'db.json'), '{"a":1}');
    expect(readFileSync(path.join(dir, 'data', 'db.json'), 'utf8')).toBe('{"a":1}');
    expect(lstatSync(path.join(dir, 'db.json')).isSymbolicLink()).toBe(true);
    expect(readdirSync(path.join(dir, 'data'))).toEqual(['db.json']);
  });

  it('applies writes to one file in the order they were asked for', async () => {
    const file = path.join(dir, 'db.json');
    await Promise.all(Array.from({ length: 20 }, (_, index) => writeTextAtomic(file, String(index))));
    expect(readFileSync(file, 'utf8')).toBe('19');
    expect(readdirSync(dir)).toEqual(['db.json']);
  });

  it('leaves what was there and no temporary file when a write fails', async () => {
    // Renaming a file over a folder fails after the temporary file is written.
    mkdirSync(path.join(dir, 'taken'));
    await expect(writeTextAtomic(path.join(dir, 'taken'), '{}')).rejects.toThrow();
    expect(statSync(path.join(dir, 'taken')).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
