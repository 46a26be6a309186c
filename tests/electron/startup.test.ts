import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_FOLDER as CORE_APP_FOLDER, defaultDataDir } from '../../electron/core/paths.ts';
import { APP_FOLDER, argValue, resolveDataDir, resolveLanguage } from '../../electron/main/startup.ts';

describe('resolveDataDir', () => {
  const appData = '/home/officer/.config';

  it('prefers --data, then STATION_DATA, then the OS app-data folder', () => {
    expect(resolveDataDir(['electron', '.', '--data', '/srv/station'], { STATION_DATA: '/env' }, appData)).toBe('/srv/station');
    expect(resolveDataDir(['electron', '.', '--data=/srv/eq'], {}, appData)).toBe('/srv/eq');
    expect(resolveDataDir(['electron', '.'], { STATION_DATA: '/env/station' }, appData)).toBe('/env/station');
    expect(resolveDataDir(['electron', '.'], {}, appData)).toBe(join(appData, 'evidence-station'));
  });

  it('resolves a relative --data against the working directory', () => {
    expect(resolveDataDir(['x', '--data', 'here'], {}, appData, '/work')).toBe('/work/here');
  });

  it('lands where the CLI looks by default, so both front ends share one station', () => {
    expect(APP_FOLDER).toBe(CORE_APP_FOLDER);
    expect(resolveDataDir([], {}, appData)).toBe(defaultDataDir({ XDG_CONFIG_HOME: appData }, 'linux'));
    expect(resolveDataDir([], {}, 'C:\\Users\\x\\AppData\\Roaming')).toBe(join('C:\\Users\\x\\AppData\\Roaming', 'evidence-station'));
  });
});

describe('argValue', () => {
  it('reads both spellings and nothing else', () => {
    expect(argValue(['--lang', 'en'], 'lang')).toBe('en');
    expect(argValue(['--lang=en'], 'lang')).toBe('en');
    expect(argValue(['--language', 'en'], 'lang')).toBeUndefined();
    expect(argValue(['--lang'], 'lang')).toBeUndefined();
  });
});

describe('resolveLanguage', () => {
  it('takes the first supported candidate and defaults to zh-CN', () => {
    expect(resolveLanguage([])).toBe('zh-CN');
    expect(resolveLanguage([undefined, 'fr-FR', 'de'])).toBe('zh-CN');
    expect(resolveLanguage(['en-US', 'zh-CN'])).toBe('en');
    expect(resolveLanguage([undefined, '', 'zh-Hans-CN', 'en'])).toBe('zh-CN');
    expect(resolveLanguage(['fr', 'en-GB'])).toBe('en');
    expect(resolveLanguage(['zh_TW'])).toBe('zh-CN');
    expect(resolveLanguage(['english'])).toBe('zh-CN');
  });
});
