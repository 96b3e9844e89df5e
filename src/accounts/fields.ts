import { badRequest } from '../errors';
import { isReservedName } from './reserved-names';
import { emailLookalikeProblem } from './email-names';

// A practical check (something@something.tld), not RFC 5322: the goal is catching typos, not rejecting rare forms.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL_LENGTH = 254;
// scrypt is fed the whole password: a bound keeps a huge one from being a cheap way to burn CPU.
const MAX_PASSWORD_LENGTH = 1024;

export function requireBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object (send Content-Type: application/json).');
  }
  return body as Record<string, unknown>;
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw badRequest(`"${field}" is required.`);
  if (typeof value !== 'string') throw badRequest(`"${field}" must be a string, not ${Array.isArray(value) ? 'an array' : typeof value}.`);
  return value;
}

/**
 * The `email` a registration or a change sets. Invisible and blank characters (alice@example.com\u200b, which would
 * pass for alice's address; controls, which would reach a mail header and the console) and mixed scripts are refused
 * by email-names.ts, saying which character and what to do.
 */
export function requireEmail(body: Record<string, unknown>): string {
  const email = requireString(body, 'email').trim();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) throw badRequest(`"email" must be an email address like alice@example.com.`);
  const lookalike = emailLookalikeProblem(email);
  if (lookalike !== undefined) throw badRequest(`"email" ${lookalike}.`);
  return email;
}

/** A password as login reads it: any non-empty string up to the maximum length. */
export function requirePassword(body: Record<string, unknown>, field = 'password'): string {
  const password = requireString(body, field);
  if (password.length > MAX_PASSWORD_LENGTH) throw badRequest(`"${field}" must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  return password;
}

/** A password as registration sets it: also at least `minLength` characters. */
export function requireNewPassword(body: Record<string, unknown>, minLength: number, field = 'password'): string {
  const password = requirePassword(body, field);
  if (password.length < minLength) throw badRequest(`"${field}" must be at least ${minLength} characters long.`);
  return password;
}

// Every account is rewritten into users.json on each change: a profile is a name and an avatar URL, not a file.
const MAX_PROFILE_FIELDS = 32;
const MAX_PROFILE_BYTES = 8 * 1024;

/** The fields of an account the server itself keeps; everything else is its profile. */
const ACCOUNT_FIELDS = new Set(['id', 'email', 'username', 'password', 'role']);

function measure(profile: Record<string, unknown>): { fields: number; bytes: number } {
  return { fields: Object.keys(profile).length, bytes: Buffer.byteLength(JSON.stringify(profile)) };
}

const tooManyFields = (fields: number) => badRequest(`A profile has at most ${MAX_PROFILE_FIELDS} fields (this one would have ${fields}).`);
const tooManyBytes = (bytes: number) =>
  badRequest(`A profile is at most ${MAX_PROFILE_BYTES / 1024} KB of JSON (this one would be ${(bytes / 1024).toFixed(1)} KB).`);

/**
 * The fields of `body` a client may store on its own account: all but the login names (checked apart) and the
 * reserved ones in any case (reserved-names.ts: identity, authority, credentials, the names of the server's claims).
 */
export function profileFields(body: Record<string, unknown>): Record<string, unknown> {
  const profile: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (field !== 'email' && field !== 'username' && !isReservedName(field)) profile[field] = value;
  }
  const { fields, bytes } = measure(profile);
  if (fields > MAX_PROFILE_FIELDS) throw tooManyFields(fields);
  if (bytes > MAX_PROFILE_BYTES) throw tooManyBytes(bytes);
  return profile;
}

function storedProfile(account: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(account).filter(([field]) => !ACCOUNT_FIELDS.has(field)));
}

/**
 * The profile an account keeps obeys the limits of one request, so it cannot grow without bound one PATCH at a
 * time. One already past them (written by hand) may still change, as long as it does not grow further.
 */
export function requireProfileWithinLimits(before: Record<string, unknown>, after: Record<string, unknown>): void {
  const [old, next] = [measure(storedProfile(before)), measure(storedProfile(after))];
  if (next.fields > MAX_PROFILE_FIELDS && next.fields > old.fields) throw tooManyFields(next.fields);
  if (next.bytes > MAX_PROFILE_BYTES && next.bytes > old.bytes) throw tooManyBytes(next.bytes);
}
