// The case feature's services, built together because destruction consults retention and the case
// view shows both.
import { CaseService, type CaseDeps } from './cases.ts';
import { DestructionService, type DestructionDeps } from './destruction.ts';
import { RetentionService, type RetentionDeps } from './retention.ts';
import { CaseViews, type CaseViewDeps } from './view.ts';

export type CaseServices = { cases: CaseService; retention: RetentionService; destruction: DestructionService; views: CaseViews };

/** What the feature takes from the station: each service's deps, less what the feature builds itself. */
export type CaseFeatureDeps = CaseDeps & RetentionDeps & Omit<DestructionDeps, 'retention'> & Omit<CaseViewDeps, 'cases' | 'retention'>;

export function createCaseServices(deps: CaseFeatureDeps): CaseServices {
  const retention = new RetentionService(deps);
  const cases = new CaseService(deps);
  return { cases, retention, destruction: new DestructionService({ ...deps, retention }), views: new CaseViews({ ...deps, cases, retention }) };
}
