/**
 * The outbox (src/mail/outbox-routes.ts, README "The outbox") and POST /__reset (--allow-reset, src/app/pipeline.ts):
 * what a test suite reads mailed links from and starts clean with.
 */
import type { JsonSchema, Paths } from './components';
import {
  BEARER,
  jsonResponse,
  noContent,
  object,
  OPTIONAL_BEARER,
  operation,
  pathParameter,
  refusal,
  schemaRef,
  shared,
  text,
  type AuthApiFeatures,
} from './operation-parts';

export function testingPaths({ allowReset }: AuthApiFeatures): Paths {
  // With --allow-reset a caller on this machine needs no token; from elsewhere, and without the flag, an admin's.
  const who = allowReset ? 'For the `admin` role, or without a token from this machine (--allow-reset).' : 'For the `admin` role.';
  const security = allowReset ? OPTIONAL_BEARER : BEARER;
  const refused = { 401: shared('Unauthorized'), 403: shared('Forbidden') };
  const listOutboxMessages = operation({
    id: 'listOutboxMessages',
    tag: 'testing',
    summary: 'The mails the server sent',
    description: `Every message of the outbox (reset and verification links), newest first; \`?to=\` keeps those to one address (compared case-insensitively). ${who}`,
    security,
    parameters: [{ name: 'to', in: 'query', required: false, description: 'One email address.', schema: { type: 'string' } }],
    responses: { 200: jsonResponse('The messages.', schemaRef('OutboxList')), 400: shared('BadRequest'), ...refused },
  });
  const getOutboxMessage = operation({
    id: 'getOutboxMessage',
    tag: 'testing',
    summary: 'One mail, whole',
    description: `One message with its text and HTML parts. ${who}`,
    security,
    parameters: [pathParameter('id', 'The message’s id, as GET /__outbox lists it.')],
    responses: { 200: jsonResponse('The message.', schemaRef('OutboxMessage')), ...refused, 404: refusal('`not_found`: no message has this id.') },
  });
  const clearOutbox = operation({
    id: 'clearOutbox',
    tag: 'testing',
    summary: 'Empty the outbox',
    description: `Removes every message file. ${who}`,
    security,
    responses: { 204: noContent('Emptied.'), ...refused },
  });
  const resetServer = operation({
    id: 'resetServer',
    tag: 'testing',
    summary: 'Reset the server to its start state',
    description:
      'db.json and users.json back to their start values, every session ended, the login throttle’s counts, the mailed links and the outbox ' +
      'forgotten. For the `admin` role; only with --allow-reset.',
    security: BEARER,
    responses: { 204: noContent('Reset.'), ...refused },
  });
  return {
    '/__outbox': { get: listOutboxMessages, delete: clearOutbox },
    '/__outbox/{id}': { get: getOutboxMessage },
    ...(allowReset ? { '/__reset': { post: resetServer } } : {}),
  };
}

const SUMMARY_FIELDS = {
  id: text('The message id (its file name without `.eml`).'),
  from: { type: 'string' },
  to: { type: 'string' },
  subject: { type: 'string' },
  date: text('ISO 8601, to the second.', { format: 'date-time' }),
  links: { type: 'array', items: { type: 'string' }, description: 'The links the message carries (a reset or verification link holds a live token).' },
};

export function testingSchemas(): Record<string, JsonSchema> {
  const summaryRequired = Object.keys(SUMMARY_FIELDS);
  return {
    OutboxList: object({ messages: { type: 'array', items: object(SUMMARY_FIELDS, summaryRequired) } }, ['messages']),
    OutboxMessage: object({ ...SUMMARY_FIELDS, messageId: { type: 'string' }, text: { type: 'string' }, html: { type: 'string' } }, [
      ...summaryRequired,
      'messageId',
      'text',
      'html',
    ]),
  };
}
