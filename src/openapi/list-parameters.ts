/**
 * json-server 0.17's query parameters on a list (its README "Routes"), as OpenAPI parameters: paging, slicing,
 * sorting, full-text search, embeds, and a filter per field the records have.
 */
import type { JsonSchema } from './components';

const query = (name: string, description: string, schema: JsonSchema = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

/** The same for every list: json-server reads them whatever the records hold. */
export const LIST_PARAMETERS = [
  query('_page', 'Page number, from 1; sets `X-Total-Count` and `Link` (first, prev, next, last).', { type: 'integer', minimum: 1 }),
  query('_limit', 'Records per page (default 10 with `_page`), or how many from `_start`.', { type: 'integer', minimum: 0 }),
  query('_start', 'Index of the first record, from 0 (with `_end` or `_limit`).', { type: 'integer', minimum: 0 }),
  query('_end', 'Index after the last record.', { type: 'integer', minimum: 0 }),
  query('_sort', 'Field(s) to sort by, comma-separated: `_sort=views,title`.'),
  query('_order', '`asc` or `desc`, one per `_sort` field, comma-separated.'),
  query('q', 'Full-text search: records with a value containing it (case-insensitive).'),
  query('_embed', 'A child collection to embed by its foreign key: `_embed=comments`.'),
  query('_expand', 'A parent resource to expand by this record’s foreign key: `_expand=user`.'),
];

/** Operators json-server appends to a field name: `views_gte=10`, `title_like=^intro`. */
const OPERATORS: Array<[string, string]> = [
  ['', 'equal to (repeat for any of several values)'],
  ['_gte', 'greater than or equal to'],
  ['_lte', 'less than or equal to'],
  ['_ne', 'not equal to'],
  ['_like', 'matching this regular expression (case-insensitive)'],
];

/**
 * A filter per top-level field of the records and per operator. Query strings are strings whatever the field's
 * type: json-server compares their text. Field names that clash with json-server's own parameters are left out.
 * The description never holds the field's name: anyone who may write a record names fields, and descriptions are
 * Markdown that /docs renders (a name with a backtick would end the code span and bring its own links). The
 * parameter's `name` carries it, which Swagger UI shows as text.
 */
export function fieldFilters(fields: readonly string[]): unknown[] {
  const own = new Set(LIST_PARAMETERS.map(({ name }) => name));
  return fields
    .filter((field) => !field.startsWith('_') && !own.has(field))
    .flatMap((field) =>
      OPERATORS.map(([suffix, meaning]) =>
        query(`${field}${suffix}`, `Records whose field (${suffix ? `the name before \`${suffix}\`` : 'this name'}) is ${meaning}.`),
      ),
    );
}

/** The headers of a paged or sliced list. */
export const LIST_HEADERS = {
  'X-Total-Count': { description: 'With `_page`, `_limit` or `_end`: how many records match, before paging.', schema: { type: 'integer' } },
  Link: { description: 'With `_page`: RFC 8288 links to the first, prev, next and last pages.', schema: { type: 'string' } },
};

export const LOCATION_HEADER = { Location: { description: 'The URL of the created record.', schema: { type: 'string' } } };
