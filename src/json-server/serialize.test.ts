import { DbSerializer } from './serialize';

describe('DbSerializer', () => {
  const samples: Array<Record<string, unknown>> = [
    {},
    { posts: [] },
    { posts: [{ id: 1, title: 'a', tags: ['x', 'y'], meta: { nested: { deep: [1, { two: 2 }] } } }, { id: 2 }], profile: { name: 'n' } },
    { 'odd "key"\n': [null, 1, 'text', [], {}, [[]]], empty: {}, list: [{}] },
    { unicode: [{ title: 'é ✓ \u2028 \\ "q"' }], numbers: [{ a: 1.5, b: -0, c: 1e21 }] },
  ];
  it.each(samples.map((sample) => [JSON.stringify(sample).slice(0, 60), sample]))(
    'writes %s byte for byte as JSON.stringify(state, null, 2)',
    (_name, sample) => {
      const serializer = new DbSerializer();
      expect(serializer.serialize(sample).toString()).toBe(JSON.stringify(sample, null, 2));
      expect(serializer.serialize(sample).toString()).toBe(JSON.stringify(sample, null, 2)); // from the cache
    },
  );

  it('reuses unchanged records and re-serialises forgotten ones', () => {
    const serializer = new DbSerializer();
    const record = { id: 1, title: 'before' };
    const state = { posts: [record, { id: 2 }] };
    serializer.serialize(state);
    record.title = 'after';
    expect(serializer.serialize(state).toString()).toContain('before'); // the cache, as intended: nobody said it changed
    serializer.forget(record);
    expect(serializer.serialize(state).toString()).toBe(JSON.stringify(state, null, 2));
    state.posts.push({ id: 3 });
    expect(serializer.serialize(state).toString()).toBe(JSON.stringify(state, null, 2));
  });
});
