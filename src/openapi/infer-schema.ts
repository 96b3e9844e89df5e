/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses them) inferred from the data in db.json (README "OpenAPI and typed
 * clients"): what a frontend reads back from each collection and singular resource. Pure: values in, schema out.
 *
 * What a schema says, and why:
 * - Types as seen. `integer` when every number is one, else `number`. `required` = the keys present in every object.
 * - Formats (`date-time`, `date`, `email`, `uri`) only when every string value fits, and only forms that a
 *   standard validator (ajv-formats, which the contract test uses) accepts too: the document must never promise a
 *   shape the server's own data breaks.
 * - No enums. db.json is a sample, not a spec: a fake API's data grows, and an enum read off three sample values
 *   (`status: draft|published`) would make a generated client or a validator refuse the fourth value a frontend
 *   legitimately sends. Nothing in the data tells a closed set from an open one.
 * - Mixed types: a `type` list (`['string', 'null']`) when the kinds need no keywords of their own or only one of
 *   them is an object or array besides `null` (`['object', 'null']` with its `properties`): the smallest schema, and
 *   the form code generators read as `T | null`. When an object or array mixes with another non-null kind, `anyOf`
 *   with one branch per kind: a single schema holding `properties`, `items` and `format` at once would be valid JSON
 *   Schema too (each keyword applies to its own type only), but reads as one type to generators and people.
 * - No `additionalProperties: false`: a record may hold keys the sample did not show (or past the bounds below).
 * - Bounds, so a huge db.json does not stall a (re)load: at most MAX_VALUES values per schema (records of a
 *   collection, elements of a field's arrays), MAX_DEPTH levels of nesting (deeper values get `{}`, anything), and
 *   MAX_KEYS properties per object (later keys are left undescribed, and still allowed).
 */
import type { JsonSchema } from './components';

const MAX_VALUES = 1000;
const MAX_DEPTH = 8;
const MAX_KEYS = 200;

/** Keys whose values never appear in an example (password material, hashes, secrets, tokens): left out of it. */
const SECRET_KEY = /pass|hash|salt|secret|token|credential/i;

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';
/** The order kinds are listed in a `type` list or `anyOf`: fixed, so the output is deterministic; null last. */
const KIND_ORDER: readonly Kind[] = ['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'];

type JsonObject = { [key: string]: unknown };

/**
 * The schema of a collection's records, and an example record from the data. With `shapeOnly` (a collection anyone
 * may not read), its shape and no example (inferShapeSchema); the id field and `shapeOnly.always` are kept whenever seen.
 */
export function inferRecordSchema(
  records: readonly unknown[],
  options: { idField: string; shapeOnly?: { always: readonly string[] } },
): { schema: JsonSchema; example?: unknown } {
  if (records.length === 0) return { schema: { type: 'object' } };
  // json-server collections hold objects; a non-object record adds no properties, and is described as it is.
  const { shapeOnly } = options;
  const schema = shapeOnly ? inferShapeSchema(records, { sharedOnly: true, always: [options.idField, ...shapeOnly.always] }) : inferValueSchema(records);
  describeIdField(schema, options.idField);
  return shapeOnly ? { schema } : { schema, example: withoutSecrets(records[0]) };
}

/** The schema of any JSON value seen (a singular resource's object, a field's values): merges what all values show. */
export function inferValueSchema(values: readonly unknown[]): JsonSchema {
  return schemaAt(values, 0);
}

/**
 * The shape of objects the document may not show (README "OpenAPI and typed clients": a collection or singular
 * resource anyone may not read): their top-level keys, and a nested object or array as a bare `object` or `array`
 * — the keys inside can be data (`apiKeys: { "sk_live_…": true }`). With `sharedOnly`, only the keys at least two
 * objects and half of them hold (and `always`): a key most records share is the collection's shape, a key of one
 * user's record is that user's data. `required` only among the keys kept.
 */
export function inferShapeSchema(values: readonly unknown[], options: { sharedOnly: boolean; always?: readonly string[] }): JsonSchema {
  const sample = values.slice(0, MAX_VALUES);
  const schema = schemaAt(sample, 0, 1);
  const counts = keyCounts(sample);
  const shared = (key: string) => (counts.get(key) ?? 0) >= 2 && (counts.get(key) ?? 0) * 2 >= sample.length;
  const kept = (key: string) => !options.sharedOnly || shared(key) || (options.always ?? []).includes(key);
  for (const branch of [schema, ...((schema.anyOf as JsonSchema[] | undefined) ?? [])]) keepKeys(branch, kept);
  return schema;
}

/** How many of the values are objects holding each key. */
function keyCounts(values: readonly unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) {
    if (kindOf(value) !== 'object') continue;
    for (const [key, field] of Object.entries(value as JsonObject)) if (field !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function keepKeys(schema: JsonSchema, kept: (key: string) => boolean) {
  const properties = schema.properties as { [key: string]: JsonSchema } | undefined;
  if (!properties) return;
  const keys = Object.keys(properties).filter(kept);
  const required = ((schema.required as string[] | undefined) ?? []).filter(kept);
  // Object.fromEntries keeps a key named `__proto__` a property (objectKeywords).
  if (keys.length > 0) schema.properties = Object.fromEntries(keys.map((key) => [key, properties[key]]));
  else delete schema.properties;
  if (required.length > 0) schema.required = required;
  else delete schema.required;
}

/** `bareFrom`: the depth from which an object or an array is described by its type alone. */
function schemaAt(values: readonly unknown[], depth: number, bareFrom = Infinity): JsonSchema {
  if (depth > MAX_DEPTH) return {};
  const groups = groupByKind(values);
  const kinds = [...groups.keys()];
  if (kinds.length === 0) return {};
  const isStructured = (kind: Kind) => kind === 'object' || kind === 'array';
  const structured = kinds.filter(isStructured);
  const scalars = kinds.filter((kind) => kind !== 'null' && !isStructured(kind));
  if (structured.length === 0 || (structured.length === 1 && scalars.length === 0)) {
    const keywords = kinds.map((kind) => keywordsFor(kind, groups.get(kind) ?? [], depth, bareFrom));
    return Object.assign({ type: kinds.length === 1 ? kinds[0] : kinds }, ...keywords);
  }
  return { anyOf: kinds.map((kind) => ({ type: kind, ...keywordsFor(kind, groups.get(kind) ?? [], depth, bareFrom) })) };
}

/** The JSON values among the first MAX_VALUES, by kind, in KIND_ORDER. An integer is a number too: both seen, all are numbers. */
function groupByKind(values: readonly unknown[]): Map<Kind, unknown[]> {
  const groups = new Map<Kind, unknown[]>();
  for (const value of values.slice(0, MAX_VALUES)) {
    const kind = kindOf(value);
    if (kind === undefined) continue;
    const group = groups.get(kind) ?? [];
    group.push(value);
    groups.set(kind, group);
  }
  const integers = groups.get('integer');
  const numbers = groups.get('number');
  if (integers && numbers) {
    numbers.push(...integers);
    groups.delete('integer');
  }
  return new Map(KIND_ORDER.filter((kind) => groups.has(kind)).map((kind) => [kind, groups.get(kind) ?? []]));
}

function kindOf(value: unknown): Kind | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'object':
      return 'object';
    default:
      return undefined; // undefined, functions, bigints, symbols: no JSON value, so nothing a response holds
  }
}

/** The keywords a kind adds to its schema: a string's format, an object's properties, an array's items. */
function keywordsFor(kind: Kind, values: readonly unknown[], depth: number, bareFrom: number): JsonSchema {
  if (kind === 'string') {
    const format = formatOf(values as readonly string[]);
    return format ? { format } : {};
  }
  if (depth >= bareFrom) return {};
  if (kind === 'object') return objectKeywords(values as readonly JsonObject[], depth, bareFrom);
  if (kind === 'array') return arrayKeywords(values as readonly unknown[][], depth, bareFrom);
  return {};
}

function objectKeywords(objects: readonly JsonObject[], depth: number, bareFrom: number): JsonSchema {
  const valuesByKey = new Map<string, unknown[]>(); // first-seen order
  for (const object of objects) {
    for (const [key, value] of Object.entries(object)) {
      if (value === undefined) continue; // JSON has no undefined: the key is absent
      let values = valuesByKey.get(key);
      if (!values) {
        if (valuesByKey.size >= MAX_KEYS) continue;
        values = [];
        valuesByKey.set(key, values);
      }
      values.push(value);
    }
  }
  if (valuesByKey.size === 0) return {};
  const entries = [...valuesByKey];
  // Object.fromEntries defines own properties, so a key named `__proto__` stays a property, not a prototype.
  const properties = Object.fromEntries(entries.map(([key, values]) => [key, schemaAt(values, depth + 1, bareFrom)]));
  const required = entries.filter(([, values]) => values.length === objects.length).map(([key]) => key);
  return required.length > 0 ? { properties, required } : { properties };
}

/** `items` merges the elements of all the arrays (the first MAX_VALUES of them); no `items` when every array is empty. */
function arrayKeywords(arrays: readonly unknown[][], depth: number, bareFrom: number): JsonSchema {
  const elements: unknown[] = [];
  for (const array of arrays) {
    elements.push(...array.slice(0, MAX_VALUES - elements.length));
    if (elements.length >= MAX_VALUES) break;
  }
  return elements.length > 0 ? { items: schemaAt(elements, depth + 1, bareFrom) } : {};
}

function describeIdField(schema: JsonSchema, idField: string) {
  const properties = schema.properties as { [key: string]: JsonSchema } | undefined;
  const id = properties && Object.hasOwn(properties, idField) ? properties[idField] : undefined;
  if (id)
    id.description = `The record's id (\`${idField}\`): unique in the collection, and in its URL. json-server assigns one on create when the body has none.`;
}

/** A deep copy of a value with every secret-looking key (SECRET_KEY) left out, at any depth. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  const kept = Object.entries(value).filter(([key]) => !SECRET_KEY.test(key));
  return Object.fromEntries(kept.map(([key, field]) => [key, withoutSecrets(field)]));
}

// Formats. Each check is linear (no nested quantifiers that backtrack) and accepts a subset of what ajv-formats'
// full mode accepts, so a value this calls an email is one a validator calls an email.

/** The first format every string fits; none when one string fits none. */
function formatOf(strings: readonly string[]): string | undefined {
  return FORMATS.find(([, fits]) => strings.every(fits))?.[0];
}

const FORMATS: ReadonlyArray<readonly [string, (value: string) => boolean]> = [
  ['date-time', isDateTime],
  ['date', isDate],
  ['email', isEmail],
  ['uri', isHttpUrl],
];

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** A real day: Date.parse alone takes 2023-02-30 (as 2 March). */
function isCalendarDate(year: number, month: number, day: number) {
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** RFC 3339 full-date. */
function isDate(value: string) {
  const match = DATE.exec(value);
  return match !== null && isCalendarDate(+match[1], +match[2], +match[3]);
}

/** RFC 3339 date-time, with the `T` and an offset it requires (no leap seconds: rare, and an offset moves them). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Also one `Date.parse` reads: `date-time` tells a frontend that `new Date(value)` works. */
function isDateTime(value: string) {
  const match = DATE_TIME.exec(value);
  if (match === null) return false;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match.slice(1).map((digits) => Number(digits ?? 0));
  const timeFits = hour <= 23 && minute <= 59 && second <= 59 && offsetHour <= 23 && offsetMinute <= 59;
  return timeFits && isCalendarDate(year, month, day) && !Number.isNaN(Date.parse(value));
}

/** A dot-atom local part (no leading, trailing or double dot) and a host name of two or more labels: ajv-formats' email, and the usual one. */
const EMAIL_LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

function isEmail(value: string) {
  const at = value.indexOf('@');
  const labels = value.slice(at + 1).split('.');
  return at > 0 && EMAIL_LOCAL_PART.test(value.slice(0, at)) && labels.length >= 2 && labels.every((label) => HOST_LABEL.test(label));
}

/**
 * An absolute http(s) URL in RFC 3986's characters (what a validator's `uri` takes: no spaces, no raw non-ASCII,
 * one `#`, `%` only before two hex digits), that `new URL` also reads with a host: what a frontend can fetch.
 */
const UNRESERVED_OR_SUB_DELIM = "A-Za-z0-9\\-._~!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const HTTP_URL = new RegExp(
  `^https?://(?:(?:[${UNRESERVED_OR_SUB_DELIM}:]|${PCT})*@)?(?:[${UNRESERVED_OR_SUB_DELIM}]|${PCT})+(?::\\d*)?` +
    `(?:/(?:[${UNRESERVED_OR_SUB_DELIM}:@]|${PCT})*)*(?:\\?(?:[${UNRESERVED_OR_SUB_DELIM}:@/?]|${PCT})*)?(?:#(?:[${UNRESERVED_OR_SUB_DELIM}:@/?]|${PCT})*)?$`,
);

function isHttpUrl(value: string) {
  if (!HTTP_URL.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}
