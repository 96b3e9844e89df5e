import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { JsonSchema } from './components';
import { inferRecordSchema, inferValueSchema } from './infer-schema';

/**
 * A strict validator: an unknown keyword or a questionable type combination throws. `ownProperties`, as JSON Schema
 * means: without it ajv reads `properties.toString` off `{}`'s prototype and refuses the object (fast-check found it).
 */
function makeAjv() {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, ownProperties: true });
  addFormats(ajv);
  return ajv;
}
const ajv = makeAjv();

/** Whether a value validates against a schema (compiling it throws when the schema is not valid JSON Schema). */
function validates(schema: JsonSchema, value: unknown): boolean {
  return ajv.compile(schema)(value) as boolean;
}

const record = (records: unknown[]) => inferRecordSchema(records, { idField: 'id' });

describe('inferValueSchema: types', () => {
  it.each<[unknown[], JsonSchema]>([
    [['a', 'b'], { type: 'string' }],
    [[1, 2, -3], { type: 'integer' }],
    [[1.5, 2], { type: 'number' }],
    [[0.25], { type: 'number' }],
    [[true, false], { type: 'boolean' }],
    [[null], { type: 'null' }],
    [['a', null], { type: ['string', 'null'] }],
    [[null, 1], { type: ['integer', 'null'] }],
    [[1, 'a', true, 2.5], { type: ['string', 'number', 'boolean'] }],
    [[[], []], { type: 'array' }],
    [[{}], { type: 'object' }],
    [[], {}],
    [[undefined, () => 1], {}],
  ])('%j → %j', (values, schema) => {
    expect(inferValueSchema(values)).toEqual(schema);
  });

  it('an object and null share one schema with a type list, as generators read `T | null`', () => {
    expect(inferValueSchema([{ a: 1 }, null])).toEqual({ type: ['object', 'null'], properties: { a: { type: 'integer' } }, required: ['a'] });
    expect(inferValueSchema([null, ['x']])).toEqual({ type: ['array', 'null'], items: { type: 'string' } });
  });

  it('an object or array mixed with another kind is anyOf, one branch per kind', () => {
    expect(inferValueSchema(['2024-01-02', { a: 1 }, null])).toEqual({
      anyOf: [{ type: 'string', format: 'date' }, { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, { type: 'null' }],
    });
    expect(inferValueSchema([[1], { a: true }])).toEqual({
      anyOf: [
        { type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'] },
        { type: 'array', items: { type: 'integer' } },
      ],
    });
  });
});

describe('inferValueSchema: objects and arrays', () => {
  it('merges properties over all objects in first-seen order; required = present in every one, in that order', () => {
    const schema = inferValueSchema([
      { z: 1, a: 'x', m: null },
      { a: 'y', z: 2, late: true },
    ]);
    expect(schema).toEqual({
      type: 'object',
      properties: { z: { type: 'integer' }, a: { type: 'string' }, m: { type: 'null' }, late: { type: 'boolean' } },
      required: ['z', 'a'],
    });
    expect(Object.keys(schema.properties as object)).toEqual(['z', 'a', 'm', 'late']);
  });

  it('no `required` when no key is in every object, and a key whose value is undefined is absent', () => {
    expect(inferValueSchema([{ a: 1 }, { b: 2 }])).toEqual({ type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer' } } });
    expect(
      inferValueSchema([
        { a: 1, b: undefined },
        { a: 2, b: 3 },
      ]),
    ).toEqual({
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
      required: ['a'],
    });
  });

  it('nested objects and arrays of objects, with their own required', () => {
    const schema = inferValueSchema([
      { author: { name: 'Ann', email: 'ann@example.com' }, tags: ['a'], comments: [{ body: 'hi', likes: 1 }] },
      { author: { name: 'Bob' }, tags: [], comments: [{ body: 'yo' }, { body: 'ok', likes: 2.5 }] },
    ]);
    expect(schema).toEqual({
      type: 'object',
      properties: {
        author: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['name'] },
        tags: { type: 'array', items: { type: 'string' } },
        comments: { type: 'array', items: { type: 'object', properties: { body: { type: 'string' }, likes: { type: 'number' } }, required: ['body'] } },
      },
      required: ['author', 'tags', 'comments'],
    });
  });

  it('items merge the elements of all arrays; an array of arrays nests', () => {
    expect(inferValueSchema([[1, 2], ['a'], []])).toEqual({ type: 'array', items: { type: ['string', 'integer'] } });
    expect(inferValueSchema([[[1], []], [[null]]])).toEqual({ type: 'array', items: { type: 'array', items: { type: ['integer', 'null'] } } });
  });

  it('a key named __proto__ is a property like any other, not a prototype', () => {
    const schema = inferValueSchema([JSON.parse('{"__proto__": {"x": 1}, "a": 1}')]);
    const properties = schema.properties as Record<string, JsonSchema>;
    expect(Object.keys(properties)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(properties, '__proto__')?.value).toEqual({
      type: 'object',
      properties: { x: { type: 'integer' } },
      required: ['x'],
    });
  });

  it('is deterministic: the same data gives the same schema, whatever the key order of later records', () => {
    const data = [
      { b: 1, a: [{ y: 1, x: 'a' }] },
      { a: [{ x: 'b' }], b: 2 },
    ];
    expect(JSON.stringify(inferValueSchema(data))).toBe(JSON.stringify(inferValueSchema(structuredClone(data))));
  });
});

describe('inferValueSchema: formats', () => {
  it.each<[string, string[]]>([
    ['date-time', ['2024-01-02T03:04:05Z', '2024-02-29T23:59:59.123+05:30', '1999-12-31t00:00:00z', '2000-01-01T00:00:00-08:00']],
    ['date', ['2024-01-02', '2024-02-29', '2000-02-29', '1999-12-31']],
    ['email', ['ann@example.com', 'first.last+tag@mail.example.co.uk', "o'brien@x-y.io"]],
    ['uri', ['https://example.com', 'http://localhost:3000/posts?_page=2#top', 'https://user:pw@example.com/a%20b/c', 'http://127.0.0.1/']],
  ])('%s when every string fits', (format, values) => {
    expect(inferValueSchema(values)).toEqual({ type: 'string', format });
    expect(inferValueSchema([...values, null])).toEqual({ type: ['string', 'null'], format });
    for (const value of values) expect(validates({ type: 'string', format }, value)).toBe(true);
  });

  it.each<[string, string[], string]>([
    ['date-time', ['2024-01-02T03:04:05Z'], '2024-01-02 03:04:05Z'], // RFC 3339's T
    ['date-time', ['2024-01-02T03:04:05Z'], '2024-01-02T03:04:05'], // no offset
    ['date-time', ['2024-01-02T03:04:05Z'], '2023-02-29T00:00:00Z'], // not a leap year (Date.parse takes it)
    ['date-time', ['2024-01-02T03:04:05Z'], '2024-01-02T24:00:00Z'],
    ['date-time', ['2024-01-02T03:04:05Z'], '2024-01-02T03:04:05+24:00'],
    ['date-time', ['2024-01-02T03:04:05Z'], '2024-01-02'], // a date among date-times
    ['date', ['2024-01-02'], '2024-02-30'],
    ['date', ['2024-01-02'], '1900-02-29'],
    ['date', ['2024-01-02'], '2024-13-01'],
    ['date', ['2024-01-02'], '24-01-02'],
    ['date', ['2024-01-02'], '2024-01-02T00:00:00Z'], // a date-time among dates
    ['email', ['ann@example.com'], 'not an email'],
    ['email', ['ann@example.com'], 'ann@localhost'],
    ['email', ['ann@example.com'], 'a..b@example.com'],
    ['email', ['ann@example.com'], 'ü@example.com'],
    ['email', ['ann@example.com'], 'ann@-example.com'],
    ['email', ['ann@example.com'], 'a@b@example.com'],
    ['uri', ['https://example.com'], 'ftp://example.com'],
    ['uri', ['https://example.com'], 'mailto:ann@example.com'],
    ['uri', ['https://example.com'], '/relative/path'],
    ['uri', ['https://example.com'], 'http://exa mple.com'],
    ['uri', ['https://example.com'], 'https://example.com/a b'],
    ['uri', ['https://example.com'], 'https://example.com/#a#b'],
    ['uri', ['https://example.com'], 'https://例え.jp/'],
    ['uri', ['https://example.com'], 'https://example.com/%zz'],
    ['uri', ['https://example.com'], 'http://'],
  ])('one value that does not fit drops %s: %j + %j', (format, fitting, misfit) => {
    expect(inferValueSchema(fitting)).toEqual({ type: 'string', format });
    expect(inferValueSchema([...fitting, misfit])).toEqual({ type: 'string' });
  });

  it('no format for plain or empty strings, and none on non-strings', () => {
    expect(inferValueSchema(['', 'hello'])).toEqual({ type: 'string' });
    expect(inferValueSchema([20240102, 1])).toEqual({ type: 'integer' });
  });

  it('a format sits beside other kinds in a type list, where it applies to the strings only', () => {
    const schema = inferValueSchema(['2024-01-02', 7, null]);
    expect(schema).toEqual({ type: ['string', 'integer', 'null'], format: 'date' });
    expect([7, null, '2024-01-02'].every((value) => validates(schema, value))).toBe(true);
    expect(validates(schema, 'tomorrow')).toBe(false);
  });

  it('a long hostile string is checked in linear time', () => {
    const hostile = [
      'a'.repeat(50_000) + '!',
      'a@' + 'a-'.repeat(25_000) + '!',
      'http://' + '%41'.repeat(20_000) + ' ',
      '2024-01-02T00:00:00.' + '1'.repeat(50_000),
    ];
    const started = Date.now();
    for (const value of hostile) inferValueSchema(['ann@example.com', 'https://example.com', value]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('inferRecordSchema', () => {
  it('an empty collection is an object, with no example', () => {
    expect(record([])).toEqual({ schema: { type: 'object' } });
  });

  it('describes the id field as seen, with a description, and keeps required as observed', () => {
    const { schema } = record([{ id: 1, title: 'a' }, { id: 2 }]);
    expect(schema.required).toEqual(['id']);
    expect((schema.properties as Record<string, JsonSchema>).id).toEqual({ type: 'integer', description: expect.stringContaining('`id`') });
    const { schema: byUuid } = inferRecordSchema([{ uuid: 'x-1' }], { idField: 'uuid' });
    expect((byUuid.properties as Record<string, JsonSchema>).uuid).toMatchObject({ type: 'string' });
  });

  it('the example is a deep copy of the first record', () => {
    const records = [{ id: 1, author: { name: 'Ann' }, tags: ['a'] }, { id: 2 }];
    const { example } = record(records);
    expect(example).toEqual(records[0]);
    (example as any).author.name = 'changed';
    (example as any).tags.push('b');
    expect(records[0]).toEqual({ id: 1, author: { name: 'Ann' }, tags: ['a'] });
  });

  it('the example leaves out password, hash, secret and token keys at any depth', () => {
    const first = {
      id: 1,
      email: 'ann@example.com',
      password: 'hunter2',
      passwordHash: '$2a$10$abc',
      hash: 'x',
      salt: 'y',
      apiSecret: 'z',
      refresh_token: 't',
      profile: { name: 'Ann', Password: 'p', sessions: [{ token: 't', at: '2024-01-02' }] },
    };
    const { schema, example } = record([first]);
    expect(example).toEqual({ id: 1, email: 'ann@example.com', profile: { name: 'Ann', sessions: [{ at: '2024-01-02' }] } });
    expect(JSON.stringify(example)).not.toMatch(/hunter2|\$2a\$/);
    // the schema still describes the fields: the data holds them
    expect(Object.keys(schema.properties as object)).toContain('passwordHash');
  });

  it('a non-object record adds no properties, and is described as it is', () => {
    const { schema } = record([{ id: 1 }, 'stray']);
    expect(schema).toEqual({
      anyOf: [{ type: 'string' }, { type: 'object', properties: { id: expect.objectContaining({ type: 'integer' }) }, required: ['id'] }],
    });
  });
});

describe('bounds', () => {
  it('looks at the first 1000 records only', () => {
    const records = [...Array.from({ length: 1000 }, (_, index) => ({ id: index + 1 })), { id: 'late', extra: true }];
    expect(record(records).schema).toEqual({ type: 'object', properties: { id: expect.objectContaining({ type: 'integer' }) }, required: ['id'] });
    expect(record(records.slice(1)).schema.properties).toHaveProperty('extra');
  });

  it('looks at the first 1000 elements of a field’s arrays', () => {
    const first = { list: Array.from({ length: 600 }, () => 1) };
    const second = { list: [...Array.from({ length: 400 }, () => 2), 'late'] };
    expect(inferValueSchema([first, second])).toMatchObject({ properties: { list: { type: 'array', items: { type: 'integer' } } } });
    expect(inferValueSchema([first, { list: [...second.list.slice(1)] }])).toMatchObject({ properties: { list: { items: { type: ['string', 'integer'] } } } });
  });

  it('describes 8 levels of nesting; deeper values are {}', () => {
    let deep: unknown = { leaf: 'x' };
    for (let level = 0; level < 11; level++) deep = { next: deep };
    let schema = inferValueSchema([deep]);
    for (let level = 1; level <= 8; level++) {
      schema = (schema.properties as Record<string, JsonSchema>).next;
      expect(schema.type).toBe('object');
    }
    expect((schema.properties as Record<string, JsonSchema>).next).toEqual({});
    expect(validates(inferValueSchema([deep]), deep)).toBe(true);
  });

  it('describes at most 200 keys per object; the others stay allowed', () => {
    const wide = Object.fromEntries(Array.from({ length: 250 }, (_, index) => [`k${index}`, index]));
    const schema = inferValueSchema([wide]);
    const keys = Object.keys(schema.properties as object);
    expect(keys).toHaveLength(200);
    expect(keys.at(-1)).toBe('k199');
    expect(schema.required).toHaveLength(200);
    expect(validates(schema, wide)).toBe(true);
  });
});

describe('the inferred schemas are valid JSON Schema 2020-12 that the data validates against', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  const formatted = fc.oneof(
    fc.emailAddress(),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  );
  const field = fc.oneof(json, formatted, fc.constant(null));
  const records = fc.array(fc.dictionary(fc.oneof(fc.constantFrom('id', 'email', 'at', 'tags'), fc.string()), field, { maxKeys: 6 }), { maxLength: 12 });

  it('any array of JSON objects validates against the schema inferred from it, and so does its example', () => {
    fc.assert(
      fc.property(records, (data) => {
        const { schema, example } = record(data);
        const validate = ajv.compile(schema);
        expect(data.filter((item) => !validate(item))).toEqual([]);
        if (data.length > 0 && !Object.keys(data[0]).some((key) => /pass|hash|salt|secret|token|credential/i.test(key))) expect(validate(example)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('any JSON values validate against the schema inferred from them', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(json, formatted), { maxLength: 8 }), (values) => {
        const validate = ajv.compile(inferValueSchema(values));
        expect(values.filter((value) => !validate(value))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a format is inferred only for strings a validator accepts in that format', () => {
    const strings = fc.oneof(
      formatted,
      fc.string(),
      fc.stringMatching(/^[\w.%@:/#?-]{1,30}$/),
      fc.webUrl().map((url) => url.replace('.', '..')),
    );
    fc.assert(
      fc.property(strings, (value) => {
        const schema = inferValueSchema([value]);
        if (schema.format !== undefined) expect(validates(schema, value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
