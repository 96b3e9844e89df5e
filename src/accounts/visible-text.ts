/**
 * What a login name (a username, an email address) may never hold, and which scripts its letters come from: the one
 * definition usernames.ts and email-names.ts share, so both refuse the same look-alikes (README "Login by username",
 * "Accounts"). Each check answers with what is wrong, worded to follow the field's name: `"username" must ...`.
 */

// Characters that show nothing, or nothing of their own, so that `alice` with one of them looks like `alice`:
// - Default_Ignorable_Code_Point: what Unicode lets a renderer draw as nothing. Zero-width spaces and joiners, the
//   soft hyphen, variation selectors (U+FE0F, U+E0100), the combining grapheme joiner U+034F and the Mongolian
//   (U+180B) and Khmer (U+17B4) invisibles, which are marks, and the Hangul fillers U+3164, U+FFA0, U+115F, U+1160,
//   which are letters: a rule by category alone (Cf) let all of those through.
// - Cf format characters (bidi overrides reorder what is shown), Cc controls, Co private use (drawn as any font
//   likes), Cn unassigned (a later Unicode may make it anything), Cs a lone surrogate half (no character at all).
// - Z separators other than the ASCII space, which each field refuses on its own terms: the no-break, thin and
//   ideographic spaces look like a space, or like nothing at the end of a name.
// - U+2800 BRAILLE PATTERN BLANK, a symbol drawn as a space; U+0640 ARABIC TATWEEL, which only stretches the joining
//   line between two letters (محمـد is read as محمد).
const HIDDEN = /(?!\x20)[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\p{Co}\p{Cn}\p{Cs}\p{Z}\u3164\uFFA0\u115F\u1160\u2800\u0640]/u;

/** `U+3164`: how a message names a character it cannot show. */
export const codePointOf = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` is refused for a character that shows nothing, a blank, or a lower case drawn as another letter; else undefined. */
export function hiddenCharacterProblem(text: string): string | undefined {
  const hidden = HIDDEN.exec(text)?.[0];
  if (hidden !== undefined) return `must be free of invisible or blank characters, and this one has ${codePointOf(hidden)}: type it without that character`;
  // Names are compared in lower case, and U+0130 İ is the one letter whose lower case is two characters: i and a
  // combining dot above, which fonts draw as a plain i. `alİce` would be a second account drawn `alice`.
  const dotted = [...text].find((character) => [...character.toLowerCase()].length > 1);
  if (dotted !== undefined) return `must be free of "${dotted}" (${codePointOf(dotted)}), whose lower case is drawn as a plain letter: type I or i instead`;
  return undefined;
}

// The scripts Unicode names (ISO 15924 codes), kept to those this Node's RegExp knows: a newer one is skipped on an
// older Node, where no character has it anyway. A test checks that every letter, mark and digit has one of them.
// prettier-ignore
const SCRIPT_CODES = `Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Berf Bhks Bopo Brah Brai Bugi Buhd Cakm Cans Cari Cham
  Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag Gong Gonm Goth Gran Grek Gujr Gukh Guru Hang
  Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina
  Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu
  Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd
  Sidt Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa
  Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb`.split(/\s+/);

function scriptTest(code: string): RegExp | undefined {
  try {
    // Script_Extensions, not Script: the Japanese long-vowel mark ー is Common by Script, Hiragana and Katakana by extension.
    return new RegExp(`^\\p{Script_Extensions=${code}}$`, 'u');
  } catch {
    return undefined;
  }
}

const SCRIPTS = SCRIPT_CODES.flatMap((code) => {
  const test = scriptTest(code);
  return test ? [{ code, test }] : [];
});

// UTS #39 §5.1: Japanese writes Han, Hiragana and Katakana together, Korean Han and Hangul, Chinese Han and Bopomofo,
// so each of those counts as one script of its own (Jpan, Kore, Hanb) a name may keep to.
const WRITING_SYSTEMS: Readonly<Record<string, readonly string[]>> = {
  Hani: ['Jpan', 'Kore', 'Hanb'],
  Hira: ['Jpan'],
  Kana: ['Jpan'],
  Hang: ['Kore'],
  Bopo: ['Hanb'],
};

// Digits 0-9, punctuation and the accents most scripts share (Common, Inherited by Script_Extensions) go with any script.
const SHARED = /^[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]$/u;
const LATIN_LETTER = /^[A-Za-z]$/;

/** The scripts `character` belongs to, with the writing systems they make part of; none for one every script shares. */
export function scriptsOf(character: string): string[] {
  if (LATIN_LETTER.test(character)) return ['Latn'];
  if (SHARED.test(character)) return [];
  const own = SCRIPTS.filter(({ test }) => test.test(character)).map(({ code }) => code);
  return [...own, ...own.flatMap((code) => WRITING_SYSTEMS[code] ?? [])];
}

const scriptNames = new Intl.DisplayNames(['en'], { type: 'script' });
const scriptName = (code: string) => scriptNames.of(code) ?? code;

/**
 * Where `text` mixes scripts (`аlice` with a Cyrillic а, `alicе` with a Cyrillic е, both drawn as `alice`), said as
 * `"а" (U+0430) is Cyrillic, "l" (U+006C) Latin`; else undefined. Each letter, digit or mark keeps the scripts it
 * shares with all before it; none left is a mix. A whole name in another script (Cyrillic `Алёна`, Greek `Ωμέγα`) is
 * a name of its own.
 */
export function scriptMix(text: string): string | undefined {
  let first: { character: string; scripts: string[] } | undefined;
  let common: string[] = [];
  for (const character of text) {
    const scripts = scriptsOf(character);
    if (scripts.length === 0) continue;
    if (first === undefined) [first, common] = [{ character, scripts }, scripts];
    const shared = common.filter((code) => scripts.includes(code));
    if (shared.length === 0) return `${described(first.character, first.scripts)}, ${described(character, scripts)}`;
    common = shared;
  }
  return undefined;
}

const described = (character: string, scripts: readonly string[]) => `"${character}" (${codePointOf(character)}) is ${scriptName(scripts[0])}`;

/** What a message says to do about a mix, after the field's own rule. */
export const ONE_SCRIPT_ADVICE = 'type it in one script (digits and . _ - go with any), so that it cannot pass for another name';
