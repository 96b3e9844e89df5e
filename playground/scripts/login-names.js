// The names an account logs in with (README "Login by username"): an email, a username, or both. --login-field
// says which one the server asks for: the login form names it first, and the register form requires it.
/* global api, byId, field */
/* exported accountName, loginBody, sameLoginName, setUpNameFields */

const byUsername = api.loginField === 'username';

/** What the page calls an account: its --login-field name, or its other one when it has only that. */
const accountName = ({ email, username }) => (byUsername ? (username ?? email) : (email ?? username)) ?? '';

/**
 * The body of POST /auth/login for the name typed. The form has one field that takes either name, as /auth/login
 * does, rather than one that follows --login-field only: an account then logs in by whichever names it has, on any
 * server (users.json may hold a username-only account where --login-field is email, and an account registered with
 * both may type either). The `@` tells them apart, as a username never has one (src/accounts/usernames.ts).
 */
const loginBody = (name, password) => (name.includes('@') ? { email: name, password } : { username: name, password });

/** Whether two typed names are one, compared as the server compares them: NFKC, trimmed, case-insensitive. */
const sameLoginName = (one, other) => {
  const normalized = (text) => text.normalize('NFKC').trim().toLowerCase();
  return normalized(one) === normalized(other);
};

/** A register field required, or marked "(optional)". */
function requireName(input, required) {
  input.required = required;
  input.closest('label').querySelector('.optional').textContent = required ? '' : '(optional)';
}

/** The forms as --login-field asks: the login field's label and name, the register form's required name. */
function setUpNameFields() {
  const login = byId('login-name');
  login.name = byUsername ? 'username' : 'email';
  byId('login-name-label').textContent = byUsername ? 'Username or email' : 'Email or username';
  const form = byId('register-form');
  const email = field(form, 'email');
  const username = field(form, 'username');
  // The --login-field name is required; the email is too under --require-verified-email, where only a verified one logs in.
  requireName(email, !byUsername || api.requireVerifiedEmail);
  requireName(username, byUsername);
  if (byUsername) email.closest('label').before(username.closest('label'));
}
