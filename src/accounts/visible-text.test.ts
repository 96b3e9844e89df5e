import { codePointOf, hiddenCharacterProblem, scriptMix, scriptsOf } from './visible-text';

describe('hiddenCharacterProblem', () => {
  // Each drawn as nothing, or as a blank, or (İ) with a lower case drawn as a plain i: alice and "alice" + it look alike.
  it.each([
    ['U+034F combining grapheme joiner (Mn)', 'alice\u034F', 'U+034F'],
    ['U+FE0F variation selector 16', 'alice\uFE0F', 'U+FE0F'],
    ['U+E0100 variation selector 17', 'alice\u{E0100}', 'U+E0100'],
    ['U+180B Mongolian free variation selector (Mn)', 'alice\u180B', 'U+180B'],
    ['U+17B4 Khmer inherent vowel (Mn)', 'alice\u17B4', 'U+17B4'],
    ['U+3164 Hangul filler (Lo), after', 'alice\u3164', 'U+3164'],
    ['U+3164 Hangul filler (Lo), before', '\u3164alice', 'U+3164'],
    ['U+FFA0 halfwidth Hangul filler', 'ali\uFFA0ce', 'U+FFA0'],
    ['U+115F Hangul choseong filler', 'alice\u115F', 'U+115F'],
    ['U+1160 Hangul jungseong filler', 'alice\u1160', 'U+1160'],
    ['U+2800 Braille blank (So)', 'alice\u2800', 'U+2800'],
    ['U+0640 Arabic tatweel', '\u0645\u062D\u0645\u0640\u062F', 'U+0640'],
    ['U+200B zero-width space', 'ali\u200Bce', 'U+200B'],
    ['U+200D zero-width joiner', 'alice\u200D', 'U+200D'],
    ['U+00AD soft hyphen', 'ali\u00ADce', 'U+00AD'],
    ['U+202E right-to-left override', 'evil\u202Efdp', 'U+202E'],
    ['U+E0061 tag letter', 'alice\u{E0061}', 'U+E0061'],
    ['U+00A0 no-break space', 'alice\u00A0x', 'U+00A0'],
    ['U+3000 ideographic space', 'alice\u3000x', 'U+3000'],
    ['U+2028 line separator', 'alice\u2028x', 'U+2028'],
    ['U+0007 bell (Cc)', 'alice\u0007', 'U+0007'],
    ['U+E000 private use', 'alice\uE000', 'U+E000'],
    ['U+0378 unassigned', 'alice\u0378', 'U+0378'],
    ['a lone surrogate half', 'alice\uD800', 'U+D800'],
    ['U+0130 İ, lower-cased to i and a combining dot', 'al\u0130ce', 'U+0130'],
  ])('refuses %s', (_name, text, codePoint) => {
    expect(hiddenCharacterProblem(text)).toContain(codePoint);
  });

  it.each([
    'alice',
    'Zoë',
    'José.García-2',
    '\u0410\u043B\u0451\u043D\u0430' /* Алёна */,
    '\u0928\u092E\u0938\u094D\u0924\u0947' /* नमस्ते: a virama and a vowel sign, marks of Devanagari */,
    '\u0645\u062D\u0645\u062F' /* محمد */,
    '\u5C71\u7530\u305F\u308D\u3046' /* 山田たろう */,
    'alice@bücher.de',
    'a b', // the ASCII space is each field's own rule
  ])('accepts %s', (text) => {
    expect(hiddenCharacterProblem(text)).toBeUndefined();
  });
});

describe('scriptMix', () => {
  it.each([
    ['a Cyrillic а first', '\u0430lice', 'U+0430'],
    ['a Cyrillic е last', 'alic\u0435', 'U+0435'],
    ['a Greek ο inside', 'b\u03BFb', 'U+03BF'],
    ['Latin beside Greek', 'Zoë_Ωμέγα', 'U+03A9'],
    ['a Devanagari vowel sign on a Latin letter', 'a\u093E', 'U+093E'],
    ['Hangul beside Hiragana (Korean and Japanese are two writing systems)', '\uAE40\u305F', 'U+305F'],
    ['Bengali digits among Latin letters', 'alice\u09EA', 'U+09EA'],
  ])('finds %s', (_name, text, codePoint) => {
    expect(scriptMix(text)).toContain(codePoint);
  });

  it('names both scripts', () => {
    expect(scriptMix('alic\u0435')).toBe('"a" (U+0061) is Latin, "\u0435" (U+0435) is Cyrillic');
  });

  it.each([
    ['Latin with digits and punctuation', 'alice_92.x-y'],
    ['Latin with accents, precomposed or not', 'Zoe\u0301_ÿ'],
    ['Cyrillic only', '\u0410\u043B\u0451\u043D\u0430_7'],
    ['Greek only', '\u03A9\u03BC\u03AD\u03B3\u03B1'],
    ['Japanese: Han, Hiragana, Katakana and the long-vowel mark', '\u5C71\u7530\u305F\u308D\u3046\u30AB\u30FC'],
    ['Korean: Hangul and Han', '\uAE40\u6C11\uC218'],
    ['Chinese: Han and Bopomofo', '\u738B\u3105'],
    ['Hindi with its marks and digits', '\u0905\u0928\u0941\u0930\u093E\u0917\u0967'],
    ['Arabic', '\u0645\u062D\u0645\u062F'],
    ['Thai with its marks', '\u0E2A\u0E21\u0E0A\u0E32\u0E22'],
    ['digits alone', '2024'],
  ])('accepts %s', (_name, text) => {
    expect(scriptMix(text)).toBeUndefined();
  });

  it('knows the script of every letter, mark and digit this Node knows of', () => {
    const specific = /^(?![\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}])[\p{L}\p{M}\p{N}]$/u;
    const unknown: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      const character = String.fromCodePoint(codePoint);
      if (specific.test(character) && scriptsOf(character).length === 0) unknown.push(codePointOf(character));
    }
    expect(unknown).toEqual([]);
  });
});
