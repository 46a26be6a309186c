// Defect 16 (issue 10): the written note of 002_79771f0fef6d4575.txt 第二十三条 on the disc prints
// what the user typed. `{{key}}` inside a file name or the place is text, never a template field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasCommand } from '../support/cli.ts';
import { burnFixture, extract, type BurnFixture } from './burnSupport.ts';

let f: BurnFixture | null = null;
afterEach(() => {
  f?.cleanup();
  f = null;
});

describe.skipIf(!hasCommand('xorriso'))('the written note on the disc', () => {
  it('defect 16: {{key}} in a file name and in the place is printed as typed on the burned NOTE.html', async () => {
    f = await burnFixture({ files: [{ name: '现场_{{agencyName}}.MP4', bytes: 50_000 }] });
    const iso = join(f.work, 'case.iso');
    const job = await f.clerk.invoke('burn.wait', {
      jobId: (await f.clerk.invoke('burn.start', { requestId: f.requestId, target: { kind: 'iso', path: iso }, media: 'cd', place: '{{requestId}}路口', remarks: '{{volumeId}}' })).id,
    });
    expect(job.state).toBe('completed');
    const dir = join(f.work, 'extracted');
    extract(iso, dir);
    const note = readFileSync(join(dir, 'NOTE.html'), 'utf8');
    expect(note).toContain('现场_{{agencyName}}.MP4');
    expect(note).toContain('{{requestId}}路口');
    expect(note).toContain('{{volumeId}}');
    expect(note).not.toContain('现场_测试执法局');
    expect(note).not.toContain(`${f.requestId}路口`);
    // The same note the station keeps for printing.
    expect((await f.clerk.invoke('burn.note', { jobId: job.id, disc: 1 })).html).toBe(note);
  }, 120_000);
});
