import { normalizeArgs } from './argv';

describe('normalizeArgs', () => {
  it.each([
    [['--ro'], ['--read-only']],
    [
      ['--nc', '--ng'],
      ['--no-cors', '--no-gzip'],
    ],
    [['--no-cors=true'], ['--no-cors']],
    [['--no-cors=false'], []],
    [
      ['--read-only', 'true', 'db.json'],
      ['--read-only', 'db.json'],
    ],
    [['--watch', 'false', 'db.json'], ['db.json']],
    [
      ['--fks', '_id'],
      ['--foreignKeySuffix', '_id'],
    ],
    [['--fks=_id'], ['--foreignKeySuffix=_id']],
    [
      ['-d', '1000', '--port=3001'],
      ['-d', '1000', '--port=3001'],
    ],
    [
      ['--readOnly', '--noCors'],
      ['--read-only', '--no-cors'],
    ],
    [['--quiet=maybe'], ['--quiet=maybe']],
    [
      ['--', '--ro'],
      ['--', '--ro'],
    ],
  ])('%j → %j', (input, output) => {
    expect(normalizeArgs(input)).toEqual(output);
  });
});
