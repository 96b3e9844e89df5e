const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const LITERALS = ['true', 'false', 'null'];

/**
 * The offset of the first character that makes `text` invalid JSON (RFC 8259), its length when the text ends too
 * early; undefined when it is valid, or nested too deep to walk. V8's own message gives a position only for some
 * mistakes ("Unexpected token ','" has none), so the file is walked again, once it failed, to find where.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const walker = new JsonWalker(text);
  try {
    walker.value();
    walker.skipSpace();
    return walker.at < text.length ? walker.at : undefined;
  } catch (error) {
    if (error instanceof InvalidAt) return error.offset;
    return undefined; // a RangeError: nested deeper than the stack allows
  }
}

class InvalidAt {
  constructor(readonly offset: number) {}
}

/** Walks RFC 8259's grammar from `at`, and throws InvalidAt at the first character that breaks it. */
class JsonWalker {
  at = 0;

  constructor(private readonly text: string) {}

  value(): void {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === '{') return this.members('}', () => this.member());
    if (char === '[') return this.members(']', () => this.value());
    if (char === '"') return this.string();
    NUMBER.lastIndex = this.at;
    if (NUMBER.test(this.text)) {
      this.at = NUMBER.lastIndex;
      return;
    }
    const word = LITERALS.find((literal) => this.text.startsWith(literal, this.at));
    if (word === undefined) this.stop();
    this.at += word.length;
  }

  skipSpace(): void {
    while (this.at < this.text.length && WHITESPACE.has(this.text[this.at])) this.at += 1;
  }

  private stop(): never {
    throw new InvalidAt(this.at);
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.at] !== char) this.stop();
    this.at += 1;
  }

  private member(): void {
    this.skipSpace();
    if (this.text[this.at] !== '"') this.stop();
    this.string();
    this.expect(':');
    this.value();
  }

  /** An object's or an array's members, from its opening bracket to `close`. */
  private members(close: string, member: () => void): void {
    this.at += 1;
    this.skipSpace();
    if (this.text[this.at] === close) {
      this.at += 1;
      return;
    }
    for (;;) {
      member();
      this.skipSpace();
      if (this.text[this.at] !== ',') return this.expect(close);
      this.at += 1;
    }
  }

  private string(): void {
    this.at += 1; // the opening quote
    while (this.at < this.text.length) {
      const char = this.text[this.at];
      if (char === '"') {
        this.at += 1;
        return;
      }
      if (char < ' ') this.stop();
      this.at += char === '\\' ? this.escapeLength() : 1;
    }
    this.stop();
  }

  /** The length of the escape at `at` (its backslash included). */
  private escapeLength(): number {
    const next = this.text[this.at + 1];
    if (ESCAPES.has(next)) return 2;
    if (next === 'u' && /^[\da-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) return 6;
    this.at += 1;
    return this.stop();
  }
}
