import { DomainError } from '../errors';
import { IdLedger } from './ids';

const open = (data: Record<string, unknown>) => IdLedger.open(undefined, undefined, data, 'id');

describe('IdLedger', () => {
  it('counts on from the greatest whole id, its text ("7") included, when the ids are numbers', async () => {
    const records = [{ id: 2 }, { id: '7' }, { id: 'abc' }];
    const ledger = await open({ posts: records });
    expect(ledger.nextNumericId('posts', records)).toBe(8);
    expect(ledger.nextNumericId('posts', [])).toBe(8);
    expect(ledger.nextNumericId('tags', [])).toBe(1);
  });

  it('leaves string ids to json-server when no id of the collection is a number', async () => {
    const records = [{ id: 'a' }, { id: '3' }, {}];
    const ledger = await open({ posts: records });
    expect(ledger.nextNumericId('posts', records)).toBeUndefined();
  });

  it('never counts below an id given before, deleted since', async () => {
    const ledger = await open({ posts: [{ id: 1 }, { id: 5 }] });
    ledger.retire('posts', 5, [{ id: 1 }, { id: 5 }]);
    expect(ledger.nextNumericId('posts', [{ id: 1 }])).toBe(6);
  });

  it('refuses a client id that is no id, or was used, with a stable code', async () => {
    const ledger = await open({ posts: [{ id: 3 }], notes: [{ id: 'x' }] });
    ledger.retire('notes', 'x', [{ id: 'x' }]);
    const codeOf = (collection: string, id: unknown) => {
      try {
        ledger.checkClientId(collection, id);
        return undefined;
      } catch (error) {
        return (error as DomainError).code;
      }
    };
    expect(codeOf('posts', 1.5)).toBe('ERR_RECORD_ID_INVALID');
    expect(codeOf('posts', 3)).toBe('ERR_RECORD_ID_USED');
    expect(codeOf('posts', '2')).toBe('ERR_RECORD_ID_USED');
    expect(codeOf('notes', 'x')).toBe('ERR_RECORD_ID_USED');
    expect(codeOf('posts', 4)).toBeUndefined();
    expect(codeOf('posts', 0)).toBeUndefined();
  });
});
