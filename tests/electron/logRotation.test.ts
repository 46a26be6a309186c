import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rotateLogFiles } from '../../electron/main/logRotation.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rotateLogFiles', () => {
  it('shifts archives up and drops the oldest', () => {
    dir = mkdtempSync(join(tmpdir(), 'station-logs-'));
    const main = join(dir, 'main.log');
    for (let run = 1; run <= 5; run++) {
      writeFileSync(main, `run ${run}`);
      rotateLogFiles(main, 3);
    }
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.3.log']);
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).toBe('run 5');
    expect(readFileSync(join(dir, 'main.3.log'), 'utf8')).toBe('run 3');
  });

  it('copes with no current file', () => {
    dir = mkdtempSync(join(tmpdir(), 'station-logs-'));
    rotateLogFiles(join(dir, 'main.log'));
    expect(readdirSync(dir)).toEqual([]);
  });
});
