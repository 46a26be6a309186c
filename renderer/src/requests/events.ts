// Progress of an export and of the read-back check, sent by the station to this window only; payloads are
// declared with the event names in electron/shared/events.ts.
import { onEvent } from '../api.ts';
import type { EventMap, PackageVerifyProgress } from '../../../electron/shared/events.ts';

export type ExportProgress = EventMap['export.progress'];
export type VerifyProgress = PackageVerifyProgress;

type ExportEvent = 'export.progress' | 'package.verify.progress';

export function onExportEvent<E extends ExportEvent>(event: E, cb: (payload: EventMap[E]) => void): () => void {
  return onEvent(event, cb);
}
