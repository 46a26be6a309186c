// Every CLI command, one file per feature. The CLI adds no logic of its own: each command parses
// its arguments, calls electron/api, and prints the result (text or --json).
import type { CliCommand } from './types.ts';
import { foundationCommands } from './foundation.ts';
import { requestCommands } from './requests.ts';
import { ingestCommands } from './ingest.ts';
import { caseCommands } from './cases.ts';
import { discCommands } from './discs.ts';
import { accountCommands } from './account.ts';
import { witnessCommands } from './witness.ts';
import { replicaCommands } from './replica.ts';
import { recorderRuleCommands } from './recorderRules.ts';
import { flowCommands } from './flows.ts';
import { dailyWorkCommands } from './dailyWork.ts';
import { ruleCommands } from './rules.ts';
import { recordingFilterCommands } from './recordingFilters.ts';

export const cliCommands: CliCommand[] = [...foundationCommands, ...requestCommands, ...ingestCommands, ...recordingFilterCommands, ...caseCommands, ...discCommands, ...accountCommands, ...witnessCommands, ...replicaCommands, ...recorderRuleCommands, ...flowCommands, ...dailyWorkCommands, ...ruleCommands];

export type { CliCommand, CliContext } from './types.ts';
