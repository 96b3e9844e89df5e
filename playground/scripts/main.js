// Wiring: the forms and buttons, then the first render.
/* global byId, chooseLoginAccount, copyAsCurl, field, finishOpenIdRedirect, logIn, logOut, refresh, register, renderCountdown, renderDemoAccounts, renderDocsLink, renderQueryHints, renderOpenIdButton, renderResources, sendRequestBox, session, setUpNameFields, signOutAtProvider, startInbox, startOpenIdSignIn, startTheBox */

/** Runs an action, showing a failure (no network, a bad path) under the request box instead of losing it. */
async function guarded(action) {
  byId('request-error').textContent = '';
  try {
    await action();
  } catch (error) {
    byId('request-error').textContent = error instanceof Error ? error.message : String(error);
  }
}

function onSubmit(id, action) {
  byId(id).addEventListener('submit', (event) => {
    event.preventDefault();
    guarded(() => action(event.target));
  });
}

setUpNameFields();
onSubmit('login-form', (form) => logIn(byId('login-name').value, field(form, 'password').value));
byId('login-name').addEventListener('input', (event) => chooseLoginAccount(event.target.value));
onSubmit('register-form', register);
onSubmit('request-form', sendRequestBox);
byId('curl-button').addEventListener('click', () => guarded(copyAsCurl));
byId('refresh-button').addEventListener('click', () => guarded(refresh));
byId('logout-button').addEventListener('click', () => guarded(logOut));
byId('openid-button').addEventListener('click', () => guarded(startOpenIdSignIn));
byId('openid-end-session').addEventListener('click', () => guarded(signOutAtProvider));
byId('copy-button').addEventListener('click', () => guarded(() => navigator.clipboard.writeText(session.accessToken)));
renderResources();
renderDemoAccounts();
renderDocsLink();
renderQueryHints();
startTheBox();
renderOpenIdButton();
startInbox();
guarded(finishOpenIdRedirect);
setInterval(renderCountdown, 1000);
