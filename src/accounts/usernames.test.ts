import { ApiError } from '../errors';
import { requireUsername, usernameKey, usernameLookalikeProblem } from './usernames';

/** The 400 a registration or a profile change answers for `username`, or the name as it is kept. */
function outcome(username: string): string | ApiError {
  try {
    return requireUsername({ username });
  } catch (error) {
    return error as ApiError;
  }
}

describe('requireUsername', () => {
  // Names in one script, with the marks that script needs: each is kept as sent.
  it.each([
    ['Latin', 'alice_92'],
    ['Latin with a precomposed accent', 'Zoë.K-7'],
    ['Latin with an accent no precomposed letter has', 'x\u0301avier'],
    ['Cyrillic only', '\u0410\u043B\u0451\u043D\u0430' /* Алёна */],
    ['Cyrillic look-alike letters, in Cyrillic only', '\u0441\u043E\u0440' /* сор, a Russian word */],
    ['Greek only', '\u03A9\u03BC\u03AD\u03B3\u03B1_7' /* Ωμέγα_7 */],
    ['Japanese: Han, Hiragana, Katakana, ー', '\u5C71\u7530\u305F\u308D\u3046\u30AB\u30FC' /* 山田たろうカー */],
    ['Korean', '\uAE40\uBBFC\uC218' /* 김민수 */],
    ['Hindi, with its vowel signs and virama', '\u0928\u092E\u0938\u094D\u0924\u0947' /* नमस्ते */],
    ['Hindi, with a nukta (NFC keeps it apart)', '\u091C\u093C\u092F\u093E' /* ज़या */],
    ['Arabic', '\u0645\u062D\u0645\u062F_1' /* محمد_1 */],
    ['Thai, with its marks', '\u0E2A\u0E21\u0E0A\u0E32\u0E22' /* สมชาย */],
    ['Hebrew', '\u05D3\u05D5\u05D3' /* דוד */],
  ])('accepts %s', (_script, username) => {
    expect(outcome(username)).toBe(username);
  });

  // Each beside an account `alice` (the red team's samples first): drawn alike, or one name written two ways.
  it.each([
    ['U+034F combining grapheme joiner', 'alice\u034F', /U\+034F/],
    ['U+FE0F variation selector', 'alice\uFE0F', /U\+FE0F/],
    ['U+E0100 variation selector', 'alice\u{E0100}', /U\+E0100/],
    ['U+180B Mongolian variation selector', 'alice\u180B', /U\+180B/],
    ['U+17B4 Khmer invisible vowel', 'alice\u17B4', /U\+17B4/],
    ['U+3164 Hangul filler after', 'alice\u3164', /U\+3164/],
    ['U+3164 Hangul filler before', '\u3164alice', /U\+3164/],
    ['a Cyrillic а', '\u0430lice', /U\+0430.*Cyrillic/],
    ['a Cyrillic е', 'alic\u0435', /U\+0435.*Cyrillic/],
    ['İ, whose lower case is drawn i', 'al\u0130ce', /U\+0130/],
    ['U+2170 small roman numeral one', '\u2170alice', /plain \(NFKC\) form "ialice"/],
    ['full-width letters', '\uFF41\uFF4C\uFF49\uFF43\uFF45', /plain \(NFKC\) form "alice"/],
    ['a ligature', '\uFB01ona', /plain \(NFKC\) form "fiona"/],
    ['an accent typed apart from its letter', 'Zoe\u0308', /plain \(NFKC\) form "Zoë"/],
    ['Latin beside Greek', 'Zoë_Ωμέγα', /Latin.*Greek/],
    ['a zero-width space', 'ali\u200Bce', /U\+200B/],
    ['a no-break space inside', 'ali\u00A0ce', /U\+00A0/],
    ['Arabic tatweel', '\u0645\u062D\u0645\u0640\u062F', /U\+0640/],
    ['a mark on punctuation', 'alice_\u0301', /letters, digits/],
    ['a space', 'has space', /letters, digits/],
    ['an @', 'me@example.com', /letters, digits/],
    ['65 letters', 'a'.repeat(65), /1 to 64/],
  ])('refuses %s', (_what, username, message) => {
    const refused = outcome(username);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((refused as ApiError).message).toMatch(/^"username" must /);
    expect((refused as ApiError).message).toMatch(message);
  });

  it('trims the name it keeps, as before', () => {
    expect(outcome('  alice  ')).toBe('alice');
  });
});

describe('usernameLookalikeProblem (the rules users.json is held to)', () => {
  it('refuses the names that could pass for another account', () => {
    for (const username of ['alice\u034F', '\u3164alice', 'alic\u0435', 'al\u0130ce']) expect(usernameLookalikeProblem(username)).toBeDefined();
  });

  it('leaves alone what is one name with its plain form, and what only a request is refused for', () => {
    // `ⅰalice` compares as `ialice` (usernameKey), so it can never be a second account beside that one.
    for (const username of ['\u2170alice', '\uFF21lice', 'john doe', 'a'.repeat(80)]) expect(usernameLookalikeProblem(username)).toBeUndefined();
    expect(usernameKey('\u2170alice')).toBe(usernameKey('ialice'));
  });
});
