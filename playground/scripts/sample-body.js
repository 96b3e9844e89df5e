// Where the box starts: this db's first resource, and a body made from one of its records.
/* global api, field, parseBody, requestForm, requestHeaders, requestUrl, session */
/* exported collections, sampleForAccount, startTheBox */

const collections = () => api.resources.filter((resource) => resource.kind === 'collection').map((resource) => resource.name);

/** The first resource of db.json one may write to (else the first one): GET /db is the server's, not the data's. */
function startingResource() {
  const resources = api.resources.filter((resource) => resource.name !== 'db');
  return resources.find((resource) => !resource.write.startsWith('nobody')) ?? resources[0];
}

const start = startingResource();
const isPublicRead = (resource) => resource.read.split(', ').includes('public');

/**
 * The sample body in the box, and whose rights read it: replaced only while the box still holds it untouched.
 * It comes from a record the caller may read, fetched with the caller's own rights: no token for a public
 * resource, else the token of whoever signed in (so a new account never sees the last one's record).
 */
const sample = { body: '', readAs: null, asked: 0 };

/** The record's fields without its id and its owner field (`userId`, following --fks): the server sets those. */
function sampleBody(value) {
  const record = Array.isArray(value) ? value[0] : value;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return '';
  const { [api.idField]: _id, [`user${api.foreignKeySuffix}`]: _owner, ...fields } = record;
  return Object.keys(fields).length > 0 ? JSON.stringify(fields, null, 2) : '';
}

/**
 * Reads one record of the starting resource, quietly (the one request the panel does not show: nobody asked for
 * it), and puts its fields in the box if the box still holds the last sample.
 */
async function fillSampleBody(readAs) {
  const box = field(requestForm, 'body');
  const untouched = () => box.value.trim() === sample.body.trim();
  if (!start || !untouched() || sample.readAs === readAs) return;
  const asked = (sample.asked += 1);
  let body = '';
  try {
    const path = start.kind === 'collection' ? `/${start.name}?_limit=1` : `/${start.name}`;
    const response = await fetch(requestUrl(path), { headers: requestHeaders(false, readAs !== 'public'), credentials: 'same-origin' });
    if (response.ok) body = sampleBody(parseBody(await response.text()));
  } catch {
    // No sample, then: the placeholder stays.
  }
  // A later sign-in asked since (its account must not get this one's record), or the person wrote their own.
  if (asked !== sample.asked || !untouched()) return;
  box.value = body;
  Object.assign(sample, { body, readAs });
}

function startTheBox() {
  if (!start) return;
  field(requestForm, 'path').value = `/${start.name}`;
  if (isPublicRead(start)) fillSampleBody('public');
  else field(requestForm, 'body').placeholder = `Log in: the body is then made from one of the /${start.name} records you may read.`;
}

/** After a login, register or refresh: a resource that is not public gets its sample with this account's token. */
function sampleForAccount() {
  if (start && !isPublicRead(start) && !session.ended) fillSampleBody(String(session.claims.sub));
}
