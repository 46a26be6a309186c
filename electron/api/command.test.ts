import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { command, mergeHandlers, signedIn } from './command.ts';

const ping = (answer: string) => command({ input: z.object({}).strict(), access: signedIn, mutates: false, run: () => answer });

describe('merging the namespace files', () => {
  it('keeps every command of every map', () => {
    const merged = mergeHandlers({ 'a.one': ping('1') }, { 'b.one': ping('2'), 'b.two': ping('3') });
    expect(Object.keys(merged)).toEqual(['a.one', 'b.one', 'b.two']);
  });

  it('refuses a command name defined in two maps instead of letting the later one win', () => {
    expect(() => mergeHandlers({ 'a.one': ping('1'), 'a.two': ping('2') }, { 'a.two': ping('3') })).toThrow(/a\.two is defined twice/);
  });
});
