// Typed subscriptions to the station's ingest and dock events; payloads are declared with the event
// names in electron/shared/events.ts, so a changed shape fails to compile here rather than at run time.
import { onEvent } from '../api.ts';
import type { DockedVolume, EventMap, FileResult, ProgressEvent, SessionSummary } from '../../../electron/shared/events.ts';

export type { DockedVolume, FileResult, ProgressEvent, SessionSummary };

type IngestEvent = 'ingest.session' | 'ingest.progress' | 'ingest.file' | 'dock.volume';

export function onIngestEvent<E extends IngestEvent>(event: E, cb: (payload: EventMap[E]) => void): () => void {
  return onEvent(event, cb);
}
