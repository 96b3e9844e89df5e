import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileChangedOnDiskError } from './errors';
import { GroupCommitFile } from './group-commit';

describe('GroupCommitFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'group-commit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets changes asked for together share a write, and resolves each once it is on disk', async () => {
    const file = path.join(dir, 'data.json');
    let writes = 0;
    const writer = new GroupCommitFile(file, () => {
      writes += 1;
      return String(writes);
    });
    await Promise.all(Array.from({ length: 10 }, () => writer.commit()));
    expect(writes).toBeLessThanOrEqual(2);
    expect(readFileSync(file, 'utf8')).toBe(String(writes));
  });

  it('refuses to write over a hand edit with a FileChangedOnDiskError, and the edit stands', async () => {
    const file = path.join(dir, 'db.json');
    writeFileSync(file, '{}');
    let noticed = 0;
    const writer = new GroupCommitFile(file, () => '{"a":1}', { keepExternalEdits: { message: 'edited by hand', noticed: () => (noticed += 1) } });
    await writer.adoptCurrentFile(undefined, '{}');
    writeFileSync(file, '{"edited":true,"longer":1}');
    const refused = await writer.commit().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FileChangedOnDiskError);
    expect(refused).toMatchObject({ code: 'ERR_FILE_CHANGED_ON_DISK', file, message: 'edited by hand' });
    await expect(writer.commit()).rejects.toMatchObject({ code: 'ERR_FILE_CHANGED_ON_DISK' });
    expect(noticed).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('{"edited":true,"longer":1}');
  });

  it('writes the start text back over a hand edit when restoring', async () => {
    const file = path.join(dir, 'db.json');
    writeFileSync(file, '{}');
    const writer = new GroupCommitFile(file, () => '{"a":1}', { keepExternalEdits: { message: 'edited by hand' } });
    await writer.adoptCurrentFile(undefined, '{}');
    writeFileSync(file, '{"edited":true,"longer":1}');
    await writer.restore('{}');
    expect(readFileSync(file, 'utf8')).toBe('{}');
  });
});
