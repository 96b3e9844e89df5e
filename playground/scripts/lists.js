// The lists: the resources with who may read and write them, and the demo accounts to log in with.
/* global accountName, api, byId, chooseLoginAccount, element, field, sendFromBox */
/* exported renderDemoAccounts, renderResources */

function renderResources() {
  const rows = api.resources.map(({ name, read, write }) =>
    element(
      'tr',
      {},
      element(
        'td',
        {},
        element(
          'button',
          { type: 'button', className: 'link', title: `GET /${name}`, onclick: () => sendFromBox({ method: 'GET', path: `/${name}` }) },
          `/${name}`,
        ),
      ),
      element('td', {}, read),
      element('td', {}, write),
    ),
  );
  byId('resources').replaceChildren(...rows);
  byId('auth-routes').textContent =
    'Auth: POST /auth/register, /auth/login, /auth/refresh, /auth/logout, /auth/logout-all; GET /auth/me. ' +
    (api.cookieMode ? 'Refresh tokens travel in an HttpOnly cookie (--cookie).' : 'Refresh tokens travel in the JSON body.');
}

/** Fills the login field with the account's name, the one --login-field names when it has it (login-names.js). */
function useAccount(account) {
  const name = accountName(account);
  byId('login-name').value = name;
  field(byId('login-form'), 'password').value = '';
  chooseLoginAccount(name);
  field(byId('login-form'), 'password').focus();
}

function renderDemoAccounts() {
  const box = byId('demo-accounts');
  if (api.demoAccounts.length === 0) {
    box.replaceChildren(element('p', { className: 'muted' }, 'No demo accounts: users.json held no plain-text password at this start. Register one below.'));
    return;
  }
  // An account has an email, a username or both: a column for each that any account has.
  const columns = ['email', 'username'].filter((column) => api.demoAccounts.some((account) => account[column] !== undefined));
  const rows = api.demoAccounts.map((account) =>
    element(
      'tr',
      {},
      ...columns.map((column) => element('td', {}, account[column] ?? '')),
      element('td', {}, account.role),
      element(
        'td',
        {},
        element(
          'button',
          { type: 'button', className: 'secondary small', 'aria-label': `Use ${accountName(account)}`, onclick: () => useAccount(account) },
          'Use',
        ),
      ),
    ),
  );
  box.replaceChildren(
    element('h3', {}, 'Demo accounts'),
    element(
      'table',
      {},
      element('thead', {}, element('tr', {}, ...[...columns, 'role', ''].map((title) => element('th', { scope: 'col' }, title)))),
      element('tbody', {}, ...rows),
    ),
    element(
      'p',
      { className: 'muted' },
      "Their passwords are the ones users.json held in plain text (the server's console shows one). This page never receives a password.",
    ),
  );
}
