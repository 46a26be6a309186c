import { invoke, toUiError, type Output } from '../api.ts';

export type Recording = Output<'recording.list'>['items'][number];

/**
 * Recordings by what a person types: a recording id (RC-000012, rc-12) opens that one; anything
 * else searches file names and source paths (which carry the badge and the recorder serial).
 */
export async function findRecordings(text: string, limit = 100): Promise<Recording[]> {
  if (/^rc-?\d+$/i.test(text)) {
    try {
      return [(await invoke('recording.get', { id: text })).recording];
    } catch (e) {
      if (toUiError(e).code !== 'recording.not_found') throw e;
    }
  }
  return (await invoke('recording.list', { ...(text ? { text } : {}), limit })).items;
}
