// The page's data (the API's description, put in by the server), this tab's session, and the helpers that build
// elements. Everything here only ever writes text into the page (textContent, never innerHTML): the data it shows
// comes from the API, and anyone can register an account or write a post.
/* exported api, base64urlBytes, byId, element, field, parseBody, pretty, session */

const api = JSON.parse(document.getElementById('api-data').textContent);
const byId = (id) => document.getElementById(id);

/** The tokens of this tab, in memory only: a reload signs out of the page (the session lives on server-side). */
const session = { accessToken: null, refreshToken: null, user: null, claims: null, header: null, ended: null };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** The bytes of base64url text (RFC 4648 §5), the way a JWT writes its three parts. */
function base64urlBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** A form's control by name (form.elements, since a control named "name" or "method" would shadow the form's own). */
const field = (form, name) => form.elements.namedItem(name);

const pretty = (value) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

function parseBody(text) {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
