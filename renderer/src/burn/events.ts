// Typed subscriptions to the burn events (electron/api/runtime/discs.ts: broadcast to every signed-in
// window). The payload types come from the api as types only, so a changed shape fails to compile.
import { onEvent } from '../api.ts';
import type { BurnJob, BurnMedium, BurnProgress, InsertMedium } from '../../../electron/api/index.ts';

export type { BurnJob, BurnMedium, BurnProgress, InsertMedium };

type Payloads = {
  'burn.job': BurnJob;
  'burn.progress': BurnProgress;
  'burn.medium': BurnMedium & { jobId: string };
  'burn.insert': InsertMedium;
};

export function onBurnEvent<E extends keyof Payloads>(event: E, cb: (payload: Payloads[E]) => void): () => void {
  return onEvent(event, (payload) => cb(payload as Payloads[E]));
}
