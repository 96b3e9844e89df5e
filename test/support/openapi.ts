import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';

/** An OpenAPI 3.1 document, as parsed JSON: what the tests read of it. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any>; responses?: Record<string, any>; securitySchemes?: Record<string, any> };
}

/**
 * `SwaggerParser.validate` on each document, in a node of its own: swagger-parser 13 loads json-schema-ref-parser,
 * which is ESM-only, and Jest's CommonJS runtime cannot require it (Node 20 itself can). One child for all the
 * documents, since loading it is most of the cost. Each answer is 'valid', or the validator's message.
 */
const VALIDATE = `
const SwaggerParser = require('@apidevtools/swagger-parser');
let text = '';
process.stdin.on('data', (chunk) => (text += chunk)).on('end', async () => {
  const answers = [];
  for (const document of JSON.parse(text))
    answers.push(await SwaggerParser.validate(document).then(() => 'valid', (error) => error.message));
  console.log(JSON.stringify(answers));
});`;

export function validateOpenApi(documents: readonly object[]): string[] {
  const root = path.join(__dirname, '..', '..');
  const child = spawnSync(process.execPath, ['-e', VALIDATE], { input: JSON.stringify(documents), encoding: 'utf8', cwd: root });
  if (child.status !== 0) throw new Error(`swagger-parser did not run: ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

/** The value a local `$ref` (`#/components/...`) points at, following chains of them. */
export function resolveRef(document: object, value: any): any {
  for (let hops = 0; value && typeof value.$ref === 'string'; hops++) {
    if (hops > 20 || !value.$ref.startsWith('#/')) throw new Error(`cannot resolve ${value.$ref}`);
    const keys = value.$ref
      .slice(2)
      .split('/')
      .map((key: string) => key.replaceAll('~1', '/').replaceAll('~0', '~'));
    value = keys.reduce((node: any, key: string) => (node && Object.hasOwn(node, key) ? node[key] : undefined), document);
    if (value === undefined) throw new Error(`a $ref to nothing`);
  }
  return value;
}

/**
 * One validator for every document a test file sees. Each distinct set of components.schemas is added once, under
 * its own prefix (`openapi-3#/components/schemas/Post`), and each response schema is compiled once with its `$ref`s
 * pointed there: a document fetched again, or one whose data did not change, costs no compilation.
 */
// ownProperties: a property named `constructor` or `toString` is a property, not the prototype's.
const ajv = new Ajv2020({ strict: false, allErrors: true, ownProperties: true });
addFormats(ajv);
const prefixes = new Map<string, string>();
const compiled = new Map<string, ValidateFunction>();
const parsed = new Map<string, OpenApiDocument>();

interface Checker {
  /** The document, parsed once per text. */
  document: OpenApiDocument;
  prefix: string;
}

function checkerOf(document: OpenApiDocument): Checker {
  const text = JSON.stringify(document);
  const own = parsed.get(text) ?? (JSON.parse(text) as OpenApiDocument);
  if (parsed.size > 100) parsed.clear();
  parsed.set(text, own);
  const schemasText = JSON.stringify(own.components.schemas ?? {});
  let prefix = prefixes.get(schemasText);
  if (prefix === undefined) {
    prefix = `openapi-${prefixes.size + 1}`;
    for (const [name, schema] of Object.entries(own.components.schemas ?? {})) ajv.addSchema(schema, `${prefix}#/components/schemas/${name}`);
    prefixes.set(schemasText, prefix);
  }
  return { document: own, prefix };
}

function validatorOf(checker: Checker, schema: object): ValidateFunction {
  const key = `${checker.prefix} ${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    const pointed = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${checker.prefix}#/components/`)) as object;
    compiled.set(key, (validate = ajv.compile(pointed)));
  }
  return validate;
}

const mediaTypeOf = (response: Response) =>
  String(response.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();

function mediaMatches(declared: string, actual: string): boolean {
  const [type, subtype] = declared.toLowerCase().split('/');
  const [actualType, actualSubtype] = actual.split('/');
  return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
}

/** A header's text as its schema reads it: `X-Total-Count: 3` is the integer 3. */
function headerValue(schema: any, raw: string): unknown {
  const types = [schema?.type].flat();
  if ((types.includes('integer') || types.includes('number')) && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

const clip = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
};

function headerProblems(checker: Checker, declared: any, response: Response): string[] {
  const problems: string[] = [];
  for (const [name, declaredHeader] of Object.entries<any>(declared.headers ?? {})) {
    if (name.toLowerCase() === 'content-type') continue; // OpenAPI 3.1 §4.8.17.1: ignored
    const header = resolveRef(checker.document, declaredHeader);
    const raw = response.headers[name.toLowerCase()] as string | string[] | undefined;
    if (raw === undefined) {
      if (header.required) problems.push(`the required header ${name} is missing`);
      continue;
    }
    if (!header.schema) continue;
    const validate = validatorOf(checker, header.schema);
    const value = headerValue(resolveRef(checker.document, header.schema), [raw].flat().join(', '));
    if (!validate(value)) problems.push(`header ${name}: ${ajv.errorsText(validate.errors, { dataVar: name })} (it was ${JSON.stringify(value)})`);
  }
  return problems;
}

function bodyProblems(checker: Checker, declared: any, response: Response): string[] {
  const mediaType = mediaTypeOf(response);
  const hasBody = (response.text ?? '').length > 0;
  const content: Record<string, any> = declared.content ?? {};
  if (!hasBody) return Object.keys(content).length > 0 ? [`no body, but the response declares ${Object.keys(content).join(', ')}`] : [];
  const media = Object.keys(content).find((declaredType) => mediaMatches(declaredType, mediaType));
  if (media === undefined)
    return [`a body of type ${mediaType || 'none'}, but the response declares ${Object.keys(content).join(', ') || 'no body'}: ${clip(response.text)}`];
  const schema = content[media].schema;
  if (!schema || !/[/+]json$/.test(mediaType)) return [];
  const validate = validatorOf(checker, schema);
  if (validate(response.body)) return [];
  return [`the body does not fit ${JSON.stringify(schema)}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}\n    body: ${clip(response.body)}`];
}

/**
 * What is wrong with `response` as an answer to `method` on the OpenAPI path `template` (`/posts/{id}`): the path and
 * method are in the document, the status is one the operation declares (or `default`, or `4XX`), its required headers
 * came and fit their schemas, and the body's media type is declared and its JSON fits the declared schema.
 */
export function contractProblems(document: OpenApiDocument, response: Response, method: string, template: string): string[] {
  const checker = checkerOf(document);
  const item = checker.document.paths[template];
  if (!item) return [`the document has no path ${template}`];
  const operation = item[method.toLowerCase()];
  if (!operation) return [`the document has no ${method.toUpperCase()} on ${template} (it has ${Object.keys(item).join(', ')})`];
  const responses: Record<string, unknown> = operation.responses ?? {};
  const status = String(response.status);
  const key = [status, `${status[0]}XX`, 'default'].find((candidate) => Object.hasOwn(responses, candidate));
  if (key === undefined) return [`status ${status} is not declared (${Object.keys(responses).join(', ')}); body: ${clip(response.body ?? response.text)}`];
  const declared = resolveRef(checker.document, responses[key]);
  return [...headerProblems(checker, declared, response), ...bodyProblems(checker, declared, response)];
}

/** Throws, with the request, its status and every problem, when `response` breaks the document's promise. */
export function expectContract(document: OpenApiDocument, response: Response, method: string, template: string, label = ''): void {
  const problems = contractProblems(document, response, method, template);
  if (problems.length === 0) return;
  const sent = (response as unknown as { req?: { path?: string } }).req?.path ?? template;
  const who = label ? ` (${label})` : '';
  throw new Error(`${method.toUpperCase()} ${sent}${who} → ${response.status}, against ${method.toUpperCase()} ${template}:\n  - ${problems.join('\n  - ')}`);
}
