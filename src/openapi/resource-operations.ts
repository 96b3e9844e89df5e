/**
 * json-server's routes in the OpenAPI document: for each collection its list and item paths, nested routes, for
 * each singular resource its path, and /db; each operation with the access its rule gives (resource-access.ts) and
 * schemas inferred from the records (infer-schema.ts), as the data is now.
 */
import pluralize from 'pluralize';
import type { Who } from '../access/rules/who';
import type { Resource } from '../json-server/resolve';
import { itemPath } from '../json-server/resolve';
import { ref, type JsonSchema, type Operation, type Paths } from './components';
import { inferRecordSchema, inferShapeSchema, inferValueSchema } from './infer-schema';
import { fieldFilters, LIST_HEADERS, LIST_PARAMETERS, LOCATION_HEADER } from './list-parameters';
import { jsonResponse, pathParameter, shared } from './operation-parts';
import { andParentRead, operationAccess, withAccess, withRecordRules, type OperationAccess } from './resource-access';

export interface ResourceInput {
  /** json-server's routes, as they were registered at start. */
  resources: readonly Resource[];
  /** The data now: the schemas and examples come from it. */
  data: Record<string, unknown>;
  /** The policy the guard enforces (access/policy.ts). */
  whoMay(method: string, canonicalPath: string): readonly Who[];
  /** Whether some records of the collection have rules of their own (`/posts/1`), which the item path's rule does not show. */
  hasItemRules(collection: string): boolean;
  /** Fields only some callers see (the accounts' emails: README "What other users see of an account"): never required, never in an example. */
  hiddenFields(collection: string): readonly string[];
  /** Why nobody may write a resource whatever its rule (--read-only, the accounts' profiles). */
  writeBan(resource: string): { who: string } | undefined;
  ownerField(resource: string): string;
  idField: string;
  foreignKeySuffix: string;
  /** The security schemes a token may come by (bearerAuth, and openId when the provider is on). */
  schemes: readonly string[];
  /** Schema names already used (the auth API's): a resource's never takes one. */
  takenNames: ReadonlySet<string>;
}

/** `blog-posts` → `BlogPosts`: a name fit for a schema or an operationId. */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('') || 'Resource';
  return /^[0-9]/.test(joined) ? `R${joined}` : joined;
}

const singular = (name: string) => pascalCase(pluralize.singular(name));

/** A record as json-server returns it when it has none to show (a missing id, a delete): `{}`; or our `{ error, message }`. */
const EMPTY_OR_ERROR = { type: 'object' };
const notFound = { description: 'No record with this id: json-server answers `{}`.', content: { 'application/json': { schema: EMPTY_OR_ERROR } } };
const ID = (idField: string) => pathParameter('id', `The record's \`${idField}\`.`);

// The document is public: of data anyone may not read, it shows the shape, never the data (infer-schema.ts inferShapeSchema).
const SHAPE_OF_RECORDS =
  'Not every caller may read these records (routes.json), so this is their shape, not their data: only the fields most records share, nested objects and arrays by their type alone. A record may hold other fields.';
const SHAPE_OF_OBJECT =
  'Not every caller may read this (routes.json), so this is its shape, not its data: its top-level fields, nested objects and arrays by their type alone.';

interface Described {
  summary: string;
  description: string;
  operationId: string;
  responses: Record<string, unknown>;
  parameters?: unknown[];
  requestBody?: unknown;
}

/** Names unique in the document: a second `Post` becomes `PostRecord`, then `PostRecord2`. */
function namer(taken: ReadonlySet<string>) {
  const used = new Set(taken);
  return (wanted: string) => {
    let name = used.has(wanted) ? `${wanted}Record` : wanted;
    for (let n = 2; used.has(name); n++) name = `${wanted}Record${n}`;
    used.add(name);
    return name;
  };
}

/** A request body: the record's fields, none required (json-server stores whatever object it is sent). */
function inputSchema(record: JsonSchema): JsonSchema {
  const properties = record.properties as Record<string, JsonSchema> | undefined;
  return { type: 'object', ...(properties ? { properties } : {}), description: 'Any JSON object: the fields below are those the records have now.' };
}

const jsonBody = (schema: JsonSchema) => ({ required: true, content: { 'application/json': { schema } } });

/**
 * What json-server answers a create or a replace with: the object sent, as stored, with `required` (its id), not
 * every field the records have (the request requires none of them). A nested create's foreign key is the path's id.
 */
function storedSchema(input: JsonSchema, required: string[], foreignKey?: string): JsonSchema {
  const properties = { ...(input.properties as Record<string, JsonSchema> | undefined) };
  // json-server's nested route stamps the id as the URL has it: text, whatever type the parents' ids have.
  if (foreignKey) properties[foreignKey] = { type: 'string', description: 'The id in the path, as text: json-server stores the URL’s.' };
  const withProperties = Object.keys(properties).length > 0 ? { properties } : {};
  return { type: 'object', ...withProperties, ...(required.length > 0 ? { required } : {}), description: 'The object sent, as stored.' };
}

class ResourcePaths {
  readonly paths: Paths = {};
  readonly schemas: Record<string, JsonSchema> = {};
  /** Per path, the methods left out and why: the path's description. */
  readonly leftOut: Record<string, string[]> = {};
  private readonly name: (wanted: string) => string;

  constructor(private readonly input: ResourceInput) {
    this.name = namer(input.takenNames);
  }

  /** Who may call `method` on a path; on an item path of a collection with item rules, the callers of each record's rule too. */
  private access(method: string, canonicalPath: string, resource: string): OperationAccess | undefined {
    const { input } = this;
    const who = [...input.whoMay(method.toUpperCase(), canonicalPath)];
    const recordRules = canonicalPath !== `/${resource}` && input.hasItemRules(resource);
    if (recordRules) for (const id of this.idsOf(resource)) who.push(...input.whoMay(method.toUpperCase(), itemPath(resource, id)));
    const access = operationAccess(who, input.ownerField(resource), input.schemes);
    return access && recordRules ? withRecordRules(access, input.schemes) : access;
  }

  private idsOf(collection: string): string[] {
    const records = Array.isArray(this.input.data[collection]) ? (this.input.data[collection] as unknown[]) : [];
    return records.slice(0, 1000).flatMap((record) => {
      const id = (record as Record<string, unknown> | null)?.[this.input.idField];
      return typeof id === 'string' || typeof id === 'number' ? [String(id)] : [];
    });
  }

  /**
   * Adds the operation when someone may call it; says in the path's description who may not. A nested route's
   * caller must also be allowed to read the `parent` record.
   */
  private add(path: string, method: string, canonicalPath: string, resource: string, op: Described, parent?: string): void {
    const banned = !['get'].includes(method) && this.input.writeBan(resource);
    let access = banned ? undefined : this.access(method, canonicalPath, resource);
    const parentRead = parent === undefined ? undefined : this.access('get', itemPath(parent, '{id}'), parent);
    if (access && parent !== undefined) access = parentRead && andParentRead(access, parentRead, pluralize.singular(parent));
    if (!access) {
      const why = banned ? banned.who : parent !== undefined && !parentRead ? `routes.json: nobody may read a ${pluralize.singular(parent)}` : 'routes.json';
      (this.leftOut[path] ??= []).push(`${method.toUpperCase()} is left out: nobody may call it (${why}).`);
      return;
    }
    (this.paths[path] ??= {})[method] = withAccess(access, { tags: [resource], ...op } as Operation & Described);
  }

  /**
   * The record schema of a collection, under a unique name, with an example from the data when it is whole and
   * anyone may read the collection anyway: the document is public, and must not show a record its rule hides. Nor
   * its keys: when anyone may not read every record, the schema is the collection's shape (SHAPE_OF_RECORDS).
   */
  private recordSchema(name: string, records: readonly unknown[]): { ref: JsonSchema; input: JsonSchema; fields: string[] } {
    // An item rule (`/posts/1`) may hide the very record the example would show.
    const readByAnyone = this.readByAnyone(name) && !this.input.hasItemRules(name);
    const shapeOnly = readByAnyone ? undefined : { always: [this.input.ownerField(name)] };
    const { schema, example } = inferRecordSchema(records, { idField: this.input.idField, shapeOnly });
    if (shapeOnly) schema.description = SHAPE_OF_RECORDS;
    const hidden = this.input.hiddenFields(name);
    if (hidden.length > 0) {
      const shown = ((schema.required as string[] | undefined) ?? []).filter((key) => !hidden.includes(key));
      if (shown.length > 0) schema.required = shown;
      else delete schema.required;
      if (example && typeof example === 'object') for (const key of hidden) delete (example as Record<string, unknown>)[key];
    }
    const required = (schema.required as string[] | undefined) ?? [];
    // An example with password-like keys dropped (infer-schema.ts) may lack a required one: then none, not a wrong one.
    const whole = readByAnyone && typeof example === 'object' && example !== null && required.every((key) => key in example);
    const schemaName = this.name(singular(name));
    this.schemas[schemaName] = { ...schema, ...(whole ? { examples: [example] } : {}) };
    const fields = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
    return { ref: ref('schemas', schemaName), input: inputSchema(schema), fields };
  }

  private readByAnyone(resource: string): boolean {
    return this.input.whoMay('GET', `/${resource}`).some(({ kind }) => kind === 'public');
  }

  /** A collection's paths; the reference to its record schema and its request body, for its nested routes. */
  collection(name: string, records: readonly unknown[]): { record: JsonSchema; input: JsonSchema } {
    const { idField } = this.input;
    const { ref: record, input, fields } = this.recordSchema(name, records);
    const one = singular(name);
    const list = `/${name}`;
    const item = `/${name}/{id}`;
    const canonicalItem = itemPath(name, '{id}');
    this.add(list, 'get', list, name, {
      summary: `List ${name}`,
      description: `The ${name} the caller may read, filtered, sorted and paged as json-server does.`,
      operationId: `list${pascalCase(name)}`,
      parameters: [...LIST_PARAMETERS, ...fieldFilters(fields)],
      responses: { '200': jsonResponse(`The ${name}.`, { type: 'array', items: record }, LIST_HEADERS) },
    });
    this.add(list, 'post', list, name, {
      summary: `Create a ${pluralize.singular(name)}`,
      description: `Stores the object as a new record; json-server gives it an id (\`${idField}\`) when it has none.`,
      operationId: `create${one}`,
      requestBody: jsonBody(input),
      responses: {
        '201': jsonResponse('The record as stored.', storedSchema(input, [idField]), LOCATION_HEADER),
        '400': shared('BadRequest'),
        '409': shared('Conflict'),
      },
    });
    const itemOperation = (method: string, verb: string, summary: string, description: string, response: unknown, body?: JsonSchema) =>
      this.add(item, method, canonicalItem, name, {
        summary,
        description,
        operationId: `${verb}${one}`,
        parameters: [ID(idField)],
        ...(body ? { requestBody: jsonBody(body) } : {}),
        responses: { '200': response, '404': notFound, ...(body ? { '400': shared('BadRequest') } : {}) },
      });
    itemOperation('get', 'get', `Read a ${pluralize.singular(name)}`, 'One record.', jsonResponse('The record.', record));
    const replaced = jsonResponse('The record: the object sent, with its id.', storedSchema(input, [idField]));
    itemOperation('put', 'replace', `Replace a ${pluralize.singular(name)}`, 'Replaces the record’s fields, keeping its id.', replaced, input);
    itemOperation(
      'patch',
      'update',
      `Update a ${pluralize.singular(name)}`,
      'Merges the fields sent into the record.',
      jsonResponse('The record.', record),
      input,
    );
    itemOperation(
      'delete',
      'delete',
      `Delete a ${pluralize.singular(name)}`,
      'Removes the record (and, as json-server does, the records of other collections that name it).',
      {
        description: 'Deleted: json-server answers `{}`.',
        content: { 'application/json': { schema: EMPTY_OR_ERROR } },
      },
    );
    return { record, input };
  }

  /** `/posts/{id}/comments`: a child collection whose records name a parent by `postId`. */
  nested(parent: string, child: string, { record: childRecord, input }: { record: JsonSchema; input: JsonSchema }): void {
    const path = `/${parent}/{id}/${child}`;
    const field = `${pluralize.singular(parent)}${this.input.foreignKeySuffix}`;
    const parameters = [pathParameter('id', `The ${pluralize.singular(parent)}'s id.`)];
    this.add(
      path,
      'get',
      `/${child}`,
      child,
      {
        summary: `List the ${child} of a ${pluralize.singular(parent)}`,
        description: `The ${child} whose \`${field}\` is this id (the list's query parameters apply too).`,
        operationId: `list${pascalCase(child)}Of${singular(parent)}`,
        parameters: [...parameters, ...LIST_PARAMETERS],
        responses: { '200': jsonResponse(`The ${child}.`, { type: 'array', items: childRecord }, LIST_HEADERS) },
      },
      parent,
    );
    this.add(
      path,
      'post',
      `/${child}`,
      child,
      {
        summary: `Create a ${pluralize.singular(child)} of a ${pluralize.singular(parent)}`,
        description: `Stores the object as a new record of ${child}, its \`${field}\` set to this id.`,
        operationId: `create${singular(child)}In${singular(parent)}`,
        parameters,
        requestBody: jsonBody(input),
        responses: {
          '201': jsonResponse('The record as stored.', storedSchema(input, [this.input.idField, field], field), LOCATION_HEADER),
          '400': shared('BadRequest'),
          '409': shared('Conflict'),
        },
      },
      parent,
    );
  }

  singularResource(name: string, value: unknown): void {
    const schemaName = this.name(pascalCase(name));
    this.schemas[schemaName] = this.readByAnyone(name)
      ? inferValueSchema([value])
      : { ...inferShapeSchema([value], { sharedOnly: false }), description: SHAPE_OF_OBJECT };
    const input = inputSchema(this.schemas[schemaName]);
    const path = `/${name}`;
    // A POST or a PUT sets the whole object to the one sent; a PATCH merges into it.
    const op = (method: string, verb: string, summary: string, status: string, schema: JsonSchema, withBody: boolean) =>
      this.add(path, method, path, name, {
        summary,
        description: `\`${name}\` is one object, not a list.`,
        operationId: `${verb}${pascalCase(name)}`,
        ...(withBody ? { requestBody: jsonBody(input) } : {}),
        responses: {
          [status]: jsonResponse(`The ${name}.`, schema, status === '201' ? LOCATION_HEADER : undefined),
          ...(withBody ? { '400': shared('BadRequest') } : {}),
        },
      });
    const whole = ref('schemas', schemaName);
    op('get', 'get', `Read ${name}`, '200', whole, false);
    op('post', 'create', `Set ${name}`, '201', storedSchema(input, []), true);
    op('put', 'replace', `Replace ${name}`, '200', storedSchema(input, []), true);
    op('patch', 'update', `Update ${name}`, '200', whole, true);
  }

  /** GET /db: all the data, for admins (README "Access"). */
  database(): void {
    const access = operationAccess([{ kind: 'role', role: 'admin' }], '', this.input.schemes)!;
    this.paths['/db'] = {
      get: withAccess(access, {
        tags: ['db'],
        summary: 'All the data',
        description: 'Every resource, as db.json holds it.',
        operationId: 'getDatabase',
        responses: { '200': jsonResponse('The data.', { type: 'object' }) },
      }),
    };
  }
}

/** The resource paths of the document and the record schemas they refer to. */
export function resourcePaths(input: ResourceInput): { paths: Paths; schemas: Record<string, JsonSchema> } {
  const built = new ResourcePaths(input);
  const collections = input.resources.filter(({ kind }) => kind === 'collection');
  const recordsOf = (name: string) => (Array.isArray(input.data[name]) ? (input.data[name] as unknown[]) : []);
  const refs = new Map<string, { record: JsonSchema; input: JsonSchema }>();
  for (const { name, kind } of input.resources) {
    if (kind === 'singular') built.singularResource(name, input.data[name]);
    else refs.set(name, built.collection(name, recordsOf(name)));
  }
  for (const parent of collections)
    for (const child of collections) {
      const field = `${pluralize.singular(parent.name)}${input.foreignKeySuffix}`;
      if (parent !== child && recordsOf(child.name).some((record) => typeof record === 'object' && record !== null && field in record))
        built.nested(parent.name, child.name, refs.get(child.name)!);
    }
  built.database();
  // A path item's description says which methods are missing and why (OpenAPI 3.1 §4.8.9 allows it).
  for (const [path, notes] of Object.entries(built.leftOut)) if (built.paths[path]) Object.assign(built.paths[path], { description: notes.join(' ') });
  return { paths: built.paths, schemas: built.schemas };
}
