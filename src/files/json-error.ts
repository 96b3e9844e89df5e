const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * The offset of the first character that makes `text` invalid JSON (RFC 8259), its length when the text ends too
 * early; undefined when it is valid, or nested too deep to walk. V8's own message gives a position only for some
 * mistakes ("Unexpected token ','" has none), so the file is walked again, once it failed, to find where.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let at = 0;
  const stop = (): never => {
    throw new InvalidAt(at);
  };
  const skipSpace = () => {
    while (at < text.length && WHITESPACE.has(text[at])) at += 1;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[at] !== char) stop();
    at += 1;
  };
  const string = () => {
    at += 1; // the opening quote
    while (at < text.length) {
      const char = text[at];
      if (char === '"') {
        at += 1;
        return;
      }
      if (char < ' ') stop();
      if (char === '\\') {
        at += 1;
        if (ESCAPES.has(text[at])) at += 1;
        else if (text[at] === 'u' && /^[\da-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) at += 5;
        else stop();
        continue;
      }
      at += 1;
    }
    stop();
  };
  const members = (close: string, member: () => void) => {
    at += 1; // the opening bracket
    skipSpace();
    if (text[at] === close) {
      at += 1;
      return;
    }
    for (;;) {
      member();
      skipSpace();
      if (text[at] === ',') at += 1;
      else return expect(close);
    }
  };
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      return members('}', () => {
        skipSpace();
        if (text[at] !== '"') stop();
        string();
        expect(':');
        value();
      });
    }
    if (char === '[') return members(']', value);
    if (char === '"') return string();
    NUMBER.lastIndex = at;
    if (NUMBER.test(text)) {
      at = NUMBER.lastIndex;
      return;
    }
    const word = ['true', 'false', 'null'].find((literal) => text.startsWith(literal, at));
    if (!word) stop();
    at += word!.length;
  };
  try {
    value();
    skipSpace();
    return at < text.length ? at : undefined;
  } catch (error) {
    if (error instanceof InvalidAt) return error.offset;
    return undefined; // a RangeError: nested deeper than the stack allows
  }
}

class InvalidAt {
  constructor(readonly offset: number) {}
}
