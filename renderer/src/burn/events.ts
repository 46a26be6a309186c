// Typed subscriptions to the burn events (electron/api/runtime/discs.ts: broadcast to every signed-in
// window); payloads are declared with the event names in electron/shared/events.ts.
import { onEvent } from '../api.ts';
import type { BurnJob, BurnMedium, BurnProgress, EventMap, InsertMedium } from '../../../electron/shared/events.ts';

export type { BurnJob, BurnMedium, BurnProgress, InsertMedium };

type BurnEvent = 'burn.job' | 'burn.progress' | 'burn.medium' | 'burn.insert';

export function onBurnEvent<E extends BurnEvent>(event: E, cb: (payload: EventMap[E]) => void): () => void {
  return onEvent(event, cb);
}
