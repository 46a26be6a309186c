// The case feature's services for one station (like ingestOf): created on first use, so the
// composition root (station.ts) needs no edit for a feature it does not otherwise know about.
import type { Station } from '../station.ts';
import { perStation } from '../perStation.ts';
import { CaseService } from './cases.ts';
import { DestructionService } from './destruction.ts';
import { RetentionService } from './retention.ts';

export type CaseServices = { cases: CaseService; retention: RetentionService; destruction: DestructionService };

export const casesOf = perStation((station: Station): CaseServices => {
  const retention = new RetentionService(station);
  return { cases: new CaseService(station), retention, destruction: new DestructionService(station, retention) };
});
