// A hint, not a gate: the station enforces only the minimum length (core/keys/kdf.ts); this
// estimates how hard the passphrase is to guess so the person setting it can do better.

export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_PASSWORD_LENGTH = 8;

export type StrengthLevel = 'too_short' | 'weak' | 'fair' | 'strong' | 'very_strong';

export type Strength = { level: StrengthLevel; bits: number; percent: number };

function poolSize(chars: string[]): number {
  let pool = 0;
  if (chars.some((c) => /[a-z]/.test(c))) pool += 26;
  if (chars.some((c) => /[A-Z]/.test(c))) pool += 26;
  if (chars.some((c) => /[0-9]/.test(c))) pool += 10;
  if (chars.some((c) => /[\x20-\x7e]/.test(c) && !/[A-Za-z0-9]/.test(c))) pool += 33;
  // Hanzi and other scripts: counted as a large alphabet, but capped, since people pick common words.
  if (chars.some((c) => c.codePointAt(0)! > 0x7e)) pool += 500;
  return Math.max(pool, 1);
}

export function passphraseStrength(passphrase: string, min = MIN_PASSPHRASE_LENGTH): Strength {
  const chars = [...passphrase];
  // Repeats and runs add little: count each character at most twice.
  const seen = new Map<string, number>();
  let effective = 0;
  for (const c of chars) {
    const n = (seen.get(c) ?? 0) + 1;
    seen.set(c, n);
    if (n <= 2) effective++;
  }
  const bits = Math.round(effective * Math.log2(poolSize(chars)));
  let level: StrengthLevel;
  if (chars.length < min) level = 'too_short';
  else if (bits < 60) level = 'weak';
  else if (bits < 80) level = 'fair';
  else if (bits < 100) level = 'strong';
  else level = 'very_strong';
  return { level, bits, percent: Math.min(100, Math.round((bits / 100) * 100)) };
}
