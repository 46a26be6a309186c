// The case feature's services, built together because destruction consults retention.
import type { Station } from '../station.ts';
import { CaseService } from './cases.ts';
import { DestructionService } from './destruction.ts';
import { RetentionService } from './retention.ts';

export type CaseServices = { cases: CaseService; retention: RetentionService; destruction: DestructionService };

export function createCaseServices(station: Station): CaseServices {
  const retention = new RetentionService(station);
  return { cases: new CaseService(station), retention, destruction: new DestructionService(station, retention) };
}
