import { describe, expect, it } from 'vitest';
import { channels, events, handlers } from '../../electron/api/index.ts';
import { PUBLIC_COMMANDS } from '../../electron/shared/commands.ts';
import { EVENTS } from '../../electron/shared/events.ts';
import { ABILITIES } from '../../electron/shared/roles.ts';

// The shared vocabulary (electron/shared/README.md) is only worth having if it equals what the api does.
describe('shared vocabulary', () => {
  it('names exactly the commands the api lets run without a session', () => {
    const open = channels.filter((c) => handlers[c].access.kind === 'public');
    expect([...open].sort()).toEqual([...PUBLIC_COMMANDS].sort());
  });

  it('is the api event list', () => {
    expect(events).toBe(EVENTS);
  });

  it('gives the commands that take an ability exactly its roles', () => {
    const byRoles = (roles: readonly string[]) => [...roles].sort().join(',');
    const access = (c: (typeof channels)[number]) => handlers[c].access;
    for (const [channel, ability] of [
      ['request.create', 'request'],
      ['request.withdraw', 'request'],
      ['case.request', 'request'],
      ['retention.requestExtension', 'request'],
      ['retention.applyExtension', 'request'],
      ['ledger.checkpoint', 'checkpoint'],
      ['ingest.setSettings', 'editSettings'],
      ['retention.setCategory', 'editSettings'],
      ['calendar.edit', 'editSettings'],
      ['case.list', 'read'],
      ['retention.status', 'read'],
      ['burn.jobs', 'read'],
      ['case.create', 'caseWrite'],
      ['case.archive', 'caseWrite'],
      ['retention.hold', 'hold'],
      ['retention.release', 'release'],
      ['destroy.propose', 'propose'],
      ['destroy.execute', 'execute'],
      ['destroy.approve', 'decide'],
      ['destroy.deny', 'decide'],
      ['destroy.cancel', 'cancel'],
      ['report.monthly', 'report'],
      ['burn.start', 'burn'],
      ['burn.retry', 'burn'],
      ['drives.list', 'drives'],
    ] as const) {
      const a = access(channel);
      expect(a.kind, channel).toBe('session');
      if (a.kind === 'session' && a.roles !== 'any') expect(byRoles(a.roles), channel).toBe(byRoles(ABILITIES[ability]));
    }
  });
});
