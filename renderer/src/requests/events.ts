import { onEvent } from '../api.ts';

export type ExportProgress = { requestId: string; phase: 'writing' | 'verifying'; bytes: number; totalBytes: number; file: string };
export type VerifyProgress = { bytes: number; totalBytes: number; path: string };

type Payloads = { 'export.progress': ExportProgress; 'package.verify.progress': VerifyProgress };

/** Progress of an export and of the read-back check, sent by the station to this window only. */
export function onExportEvent<E extends keyof Payloads>(event: E, cb: (payload: Payloads[E]) => void): () => void {
  return onEvent(event, (payload) => cb(payload as Payloads[E]));
}
