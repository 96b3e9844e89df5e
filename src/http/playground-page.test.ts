import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderPlayground, SCRIPT_FILES, type PlaygroundData } from './playground-page';

const SCRIPTS = path.join(__dirname, '..', '..', 'playground', 'scripts');
const namesIn = (text: string, kind: 'global' | 'exported') =>
  [...text.matchAll(new RegExp(`/\\* ${kind} ([^*]+)\\*/`, 'g'))].flatMap(([, list]) => list.split(',').map((name) => name.trim()));

describe("the playground's script files", () => {
  const files = Object.fromEntries(SCRIPT_FILES.map((name) => [name, readFileSync(path.join(SCRIPTS, name), 'utf8')]));

  it('are all joined into the page, and only they', () => {
    expect([...SCRIPT_FILES].sort()).toEqual(readdirSync(SCRIPTS).sort());
  });

  it('take from each other only what another file says it gives', () => {
    for (const [name, text] of Object.entries(files)) {
      const givenElsewhere = Object.entries(files).flatMap(([other, otherText]) => (other === name ? [] : namesIn(otherText, 'exported')));
      expect({ name, missing: namesIn(text, 'global').filter((taken) => !givenElsewhere.includes(taken)) }).toEqual({ name, missing: [] });
    }
  });

  it('give only what another file takes', () => {
    for (const [name, text] of Object.entries(files)) {
      const takenElsewhere = Object.entries(files).flatMap(([other, otherText]) => (other === name ? [] : namesIn(otherText, 'global')));
      expect({ name, unused: namesIn(text, 'exported').filter((given) => !takenElsewhere.includes(given)) }).toEqual({ name, unused: [] });
    }
  });
});

describe("the playground's data", () => {
  const DATA: PlaygroundData = {
    resources: [],
    demoAccounts: [
      { username: 'bob_92', role: 'user' },
      { email: 'alice@example.com', username: 'alice', role: 'admin' },
    ],
    loginField: 'username',
    requireVerifiedEmail: false,
    cookieMode: false,
    passwordMinLength: 8,
  };
  const dataIn = (page: string) => JSON.parse(/<script type="application\/json" id="api-data">(.*?)<\/script>/s.exec(page)![1]);

  it('carries --login-field and every name of the demo accounts, which the login form and the list read', () => {
    expect(dataIn(renderPlayground(DATA, 'nonce'))).toMatchObject({
      loginField: 'username',
      requireVerifiedEmail: false,
      demoAccounts: [
        { username: 'bob_92', role: 'user' },
        { email: 'alice@example.com', username: 'alice', role: 'admin' },
      ],
    });
    expect(dataIn(renderPlayground({ ...DATA, loginField: 'email', requireVerifiedEmail: true }, 'nonce'))).toMatchObject({
      loginField: 'email',
      requireVerifiedEmail: true,
    });
  });
});
