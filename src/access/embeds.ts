import type { Request } from 'express';
import pluralize from 'pluralize';
import { isOwnedBy } from './owner';
import type { Verdict } from './decide';

/** The read verdict for a collection, as the caller would get it asking for `/<name>` directly. */
export type ReadVerdict = (collection: string) => Verdict;

/** Cuts embedded and expanded records down to what the caller may read; run on json-server's answer. */
export type EmbeddedFilter = (data: unknown) => void;

interface Restriction {
  property: string;
  ownerField: string;
  many: boolean;
}

function namesIn(value: unknown): string[] {
  return ([] as unknown[]).concat(value ?? []).filter((name): name is string => typeof name === 'string');
}

/**
 * `_embed=comments` and `_expand=user` make json-server read other collections. Each is kept only when the caller
 * may read that collection directly: named exactly as a collection (json-server hands the name to lodash's
 * `get`, which would follow paths like `a.b`), and passing its read rule. Where the caller passes as owner, the
 * embedded records are filtered to theirs once json-server has answered.
 */
export function restrictEmbeds(
  req: Request,
  collections: ReadonlySet<string>,
  readVerdict: ReadVerdict,
  ownerField: (collection: string) => string,
): EmbeddedFilter | undefined {
  const query = req.query as Record<string, unknown>;
  const restrictions: Restriction[] = [];
  let callerId = '';
  for (const [parameter, many] of [['_embed', true], ['_expand', false]] as const) {
    if (query[parameter] === undefined) continue;
    const kept = namesIn(query[parameter]).filter((name) => {
      const collection = many ? name : pluralize(name);
      if (!collections.has(collection)) return false;
      const verdict = readVerdict(collection);
      if (verdict.pass === 'none') return false;
      if (verdict.pass === 'owner') {
        callerId = verdict.callerId;
        restrictions.push({ property: name, ownerField: ownerField(collection), many });
      }
      return true;
    });
    if (kept.length > 0) query[parameter] = kept;
    else delete query[parameter];
  }
  if (restrictions.length === 0) return undefined;
  return function filterEmbedded(data) {
    for (const record of Array.isArray(data) ? data : [data]) {
      if (record === null || typeof record !== 'object') continue;
      const fields = record as Record<string, unknown>;
      for (const { property, ownerField: field, many } of restrictions) {
        const value = fields[property];
        if (many && Array.isArray(value)) fields[property] = value.filter((item) => isOwnedBy(item, field, callerId));
        else if (!many && value !== undefined && !isOwnedBy(value, field, callerId)) delete fields[property];
      }
    }
  };
}
