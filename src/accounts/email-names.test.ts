import { ApiError } from '../errors';
import { requireEmail } from './fields';
import { emailLookalikeProblem } from './email-names';

/** The 400 a registration or a profile change answers for `email`, or the address as it is kept. */
function outcome(email: string): string | ApiError {
  try {
    return requireEmail({ email });
  } catch (error) {
    return error as ApiError;
  }
}

describe('requireEmail', () => {
  it.each([
    'alice@example.com',
    'Alice.Smith+news@Example.COM',
    'jörg@bücher.de',
    'user@xn--bcher-kva.de',
    '\u0430\u043B\u0451\u043D\u0430@\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444' /* алёна@пример.рф */,
    'alice@\u043F\u0440\u0438\u043C\u0435\u0440.com' /* a Cyrillic domain label beside a Latin one: labels are apart */,
    '\u5C71\u7530@\u4F8B\u3048.jp' /* 山田@例え.jp */,
    '\u0905\u0928\u0941@\u0909\u0926\u093E\u0939\u0930\u0923.\u092D\u093E\u0930\u0924' /* अनु@उदाहरण.भारत */,
  ])('accepts %s', (email) => {
    expect(outcome(email)).toBe(email);
  });

  it.each([
    ['U+FE0F in the local part', 'admin\uFE0F@example.com', /U\+FE0F/],
    ['U+034F in the local part', 'alice\u034F@example.com', /U\+034F/],
    ['U+3164 in the domain', 'alice@example\u3164.com', /U\+3164/],
    ['U+200B at the end', 'alice@example.com\u200B', /U\+200B/],
    ['U+00AD in the domain', 'alice@exam\u00ADple.com', /U\+00AD/],
    ['U+E0100 in the local part', 'alice\u{E0100}@example.com', /U\+E0100/],
    ['U+2800 Braille blank', 'alice\u2800@example.com', /U\+2800/],
    ['a Cyrillic а in the local part', '\u0430lice@example.com', /U\+0430/],
    ['a Cyrillic а in a domain label', 'alice@ex\u0430mple.com', /U\+0430/],
    ['İ, whose lower case is drawn i', 'al\u0130ce@example.com', /U\+0130/],
    ['no domain dot', 'alice@localhost', /like alice@example.com/],
  ])('refuses %s', (_what, email, message) => {
    const refused = outcome(email);
    expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((refused as ApiError).message).toMatch(/^"email" must /);
    expect((refused as ApiError).message).toMatch(message);
  });
});

describe('emailLookalikeProblem (the rules users.json is held to)', () => {
  it('refuses invisible characters and mixed scripts, but not the shape a request is held to', () => {
    expect(emailLookalikeProblem('alice\u034F@example.com')).toBeDefined();
    expect(emailLookalikeProblem('alic\u0435@example.com')).toBeDefined();
    expect(emailLookalikeProblem('admin@localhost')).toBeUndefined();
  });
});
