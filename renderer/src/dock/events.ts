// Typed subscriptions to the station's ingest and dock events. electron/api declares the event
// names but not their payloads; the payload types come from the same api (types only), so a
// changed shape fails to compile here rather than at run time.
import { onEvent } from '../api.ts';
import type { DockedVolume, FileResult, ProgressEvent, SessionSummary } from '../../../electron/api/index.ts';

export type { DockedVolume, FileResult, ProgressEvent, SessionSummary };

type Payloads = {
  'ingest.session': SessionSummary;
  'ingest.progress': ProgressEvent;
  'ingest.file': FileResult;
  'dock.volume': DockedVolume;
};

export function onIngestEvent<E extends keyof Payloads>(event: E, cb: (payload: Payloads[E]) => void): () => void {
  return onEvent(event, (payload) => cb(payload as Payloads[E]));
}
