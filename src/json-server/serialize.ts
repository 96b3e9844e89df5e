/**
 * db.json's bytes, exactly as `JSON.stringify(state, null, 2)` writes them, but reusing each record's encoded
 * text from the previous write while the record is unchanged. Serialising and encoding a 6 MB db blocks the event
 * loop for tens of milliseconds per write; most writes add or change one record, so the rest is a copy of cached
 * bytes.
 *
 * A record's bytes are cached by the record object itself. json-server changes records in place only through PUT
 * and PATCH on one item, in the data layer (json-server/data-layer.ts), which calls `forget(record)` right as the
 * record changes: forgetting it any earlier would let a write in between cache the old text again, for good. Every
 * other change (a create, a delete, a singular resource, the accounts' profiles) brings new objects, or is not
 * cached at all.
 */
export class DbSerializer {
  private records = new WeakMap<object, Buffer>();

  /** The record changed in place: its text must be made anew at the next write. */
  forget(record: object): void {
    this.records.delete(record);
  }

  /** The bytes of `state`, followed by `end` (a file's final newline) without copying them twice. */
  serialize(state: Record<string, unknown>, end = ''): Buffer {
    const entries = Object.entries(state).filter(([, value]) => value !== undefined && typeof value !== 'function');
    if (entries.length === 0) return Buffer.from(`{}${end}`);
    const parts: Buffer[] = [Buffer.from('{\n')];
    entries.forEach(([key, value], index) => {
      parts.push(Buffer.from(`${index === 0 ? '' : ',\n'}  ${JSON.stringify(key)}: `));
      if (Array.isArray(value)) this.collection(value, parts);
      else parts.push(Buffer.from(indent(JSON.stringify(value, null, 2), '  ')));
    });
    parts.push(Buffer.from(`\n}${end}`));
    return Buffer.concat(parts);
  }

  private collection(records: unknown[], parts: Buffer[]): void {
    if (records.length === 0) {
      parts.push(Buffer.from('[]'));
      return;
    }
    parts.push(Buffer.from('[\n'));
    records.forEach((record, index) => {
      if (index > 0) parts.push(SEPARATOR);
      parts.push(this.record(record));
    });
    parts.push(Buffer.from('\n  ]'));
  }

  private record(record: unknown): Buffer {
    if (record === null || typeof record !== 'object') return Buffer.from(`    ${JSON.stringify(record ?? null, null, 2) ?? 'null'}`);
    let bytes = this.records.get(record);
    if (bytes === undefined) {
      bytes = Buffer.from(`    ${indent(JSON.stringify(record, null, 2), '    ')}`);
      this.records.set(record, bytes);
    }
    return bytes;
  }
}

const SEPARATOR = Buffer.from(',\n');

function indent(text: string, prefix: string): string {
  return text.replace(/\n/g, `\n${prefix}`);
}
