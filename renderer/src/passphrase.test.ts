import { describe, expect, it } from 'vitest';
import { passphraseStrength } from './passphrase.ts';

describe('passphraseStrength', () => {
  it('calls anything under the minimum too short, however varied', () => {
    expect(passphraseStrength('Ab3$Ab3$Ab3').level).toBe('too_short');
  });
  it('does not reward repetition', () => {
    expect(passphraseStrength('aaaaaaaaaaaaaaaaaaaa').level).toBe('weak');
    expect(passphraseStrength('abababababababababab').level).toBe('weak');
  });
  it('rates a long mixed passphrase above a short lower-case one', () => {
    const plain = passphraseStrength('evidenceroom');
    const mixed = passphraseStrength('Evidence-Room-2024-West!');
    expect(plain.bits).toBeLessThan(mixed.bits);
    expect(['strong', 'very_strong']).toContain(mixed.level);
  });
  it('counts Chinese characters as characters, not bytes', () => {
    expect(passphraseStrength('证据室记录管理工作站口令').level).not.toBe('too_short');
    expect(passphraseStrength('证据室口令').level).toBe('too_short');
  });
});
