import { jsonErrorOffset } from './json-error';
import { parseJson } from './json-file';

const parse = (text: string) => parseJson('db.json', text, (message) => new Error(message));

describe('parseJson', () => {
  it('accepts a UTF-8 byte order mark, as json-server does', () => {
    expect(parse('\uFEFF{ "posts": [] }')).toEqual({ posts: [] });
  });

  it.each([
    ['a trailing comma', '{\n  "posts": [],\n}', 3, 1],
    ['two commas', '{\n  "posts": [1,,2]\n}', 2, 15],
    ['a missing colon', '{\n  "posts" []\n}', 2, 11],
    ['a word', '{\n  "posts": nope\n}', 2, 12],
    ['an unclosed string', '{\n  "posts": "abc\n}', 2, 16],
    ['text that ends too early', '{\n  "posts": [', 2, 13],
    ['a second value', '{}\n{}', 2, 1],
  ])('says the line and column of %s, never a position', (_name, text, line, column) => {
    expect(() => parse(text)).toThrow(`db.json: not valid JSON at line ${line}, column ${column} (`);
    expect(() => parse(text)).not.toThrow(/position/);
  });

  it('counts lines and columns after a byte order mark from the first character of the text', () => {
    expect(() => parse('\uFEFF{\n  "a": 1,\n}')).toThrow('at line 3, column 1');
  });
});

describe('jsonErrorOffset', () => {
  it('finds nothing wrong in what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', ' 1 ', '"a\\u00e9\\n"', '{"a":[1,-2.5e+3,true,false,null,{"b":"c"}]}']) expect(jsonErrorOffset(text)).toBeUndefined();
  });
});
