// The one command surface. main (IPC), preload (allow-list), the CLI and the e2e bridge are all
// derived from this map: adding a command is one handler + its schema in its namespace's file here.
import type { z } from 'zod';
import { mergeHandlers } from './command.ts';
import { stationHandlers } from './station.ts';
import { authHandlers } from './auth.ts';
import { userHandlers } from './user.ts';
import { ledgerHandlers } from './ledger.ts';
import { vaultHandlers } from './vault.ts';
import { requestHandlers } from './request.ts';
import { playbackHandlers } from './playback.ts';
import { exportHandlers } from './export.ts';
import { registerHandlers } from './register.ts';
import { packageHandlers } from './package.ts';
import { ingestHandlers } from './ingest.ts';
import { recordingHandlers } from './recording.ts';
import { dockHandlers } from './dock.ts';
import { officerHandlers } from './officer.ts';
import { recorderHandlers } from './recorder.ts';
import { recorderCatalogueHandlers } from './recorderCatalogue.ts';
import { burnHandlers } from './burn.ts';
import { drivesHandlers } from './drives.ts';
import { caseHandlers } from './case.ts';
import { retentionHandlers } from './retention.ts';
import { destroyHandlers } from './destroy.ts';
import { calendarHandlers } from './calendar.ts';
import { reportHandlers } from './report.ts';
import { dashboardHandlers } from './dashboard.ts';
import { witnessHandlers } from './witness.ts';
import { replicaHandlers } from './replica.ts';
import { ruleHandlers } from './rules.ts';
import { attentionHandlers } from './attention.ts';
import { EVENTS } from '../shared/events.ts';

// One file per command namespace: `recording.*` lives in recording.ts, `burn.*` in burn.ts. A name
// defined in two files is refused at load (mergeHandlers).
export const handlers = mergeHandlers(
  stationHandlers,
  authHandlers,
  userHandlers,
  ledgerHandlers,
  vaultHandlers,
  requestHandlers,
  playbackHandlers,
  exportHandlers,
  registerHandlers,
  packageHandlers,
  ingestHandlers,
  recordingHandlers,
  dockHandlers,
  officerHandlers,
  recorderHandlers,
  recorderCatalogueHandlers,
  burnHandlers,
  drivesHandlers,
  caseHandlers,
  retentionHandlers,
  destroyHandlers,
  calendarHandlers,
  reportHandlers,
  dashboardHandlers,
  witnessHandlers,
  replicaHandlers,
  ruleHandlers,
  attentionHandlers,
);

export type Handlers = typeof handlers;
export type Channel = keyof Handlers;
export type Input<C extends Channel> = z.input<Handlers[C]['input']>;
export type Output<C extends Channel> = Awaited<ReturnType<Handlers[C]['run']>>;

export const channels = Object.keys(handlers) as Channel[];

/** Events a client may subscribe to (electron/shared/events.ts declares them with their payloads). */
export const events = EVENTS;
export type { EventName, EventMap } from '../shared/events.ts';

export type { SerializedError } from '../core/errors.ts';
export type { Role } from '../core/access/roles.ts';
export type { User } from '../core/access/users.ts';
export type { LedgerEntry, CheckpointRecord, LedgerVerifyResult } from '../core/ledger/ledger.ts';
export type { StationStatus } from '../core/station.ts';
export type { Recording, RecordingDetail, RecordingFlag, Explanation, ExplanationKind } from '../core/recordings/catalogue.ts';
export type { SessionSummary, FileResult, FileOutcome, ProgressEvent } from '../core/ingest/service.ts';
export type { Officer, Recorder } from '../core/ingest/registry.ts';
export type { DockedVolume, DockState } from '../core/devices/dock.ts';
export type { BurnJob, BurnDisc, BurnMedium, Verification } from '../core/discs/jobStore.ts';
export type { BurnProgress, InsertMedium, BurnPlan } from '../core/discs/service.ts';
export type { BurnTarget, OpticalDrive, LoadedMedium } from '../core/discs/ports.ts';
export type { MediaId } from '../core/discs/profiles.ts';
export type { Case, CaseLink, CaseOfficer, EnforcementType, Period } from '../core/cases/types.ts';
export type { CaseView, CaseEvidence } from '../core/cases/view.ts';
export type { RetentionStatus, RetentionCandidate, RetentionBasis, Hold, RetentionCategory, ExtensionTerms } from '../core/cases/retention.ts';
export type { DestructionBatch, BatchItem } from '../core/cases/destruction.ts';
export type { DestructionCertificate } from '../core/cases/certificate.ts';
export type { MonthlyReport, ReportRow } from '../core/reports/monthly.ts';
export type { Dashboard } from '../core/reports/dashboard.ts';
export type { ReplicaStatus, ReplicaItem, ReplicaConfigView, RunResult, AuditResult } from '../core/replica/service.ts';
export type { WormResult } from '../core/replica/worm.ts';
export { ROLES } from '../core/access/roles.ts';
export type { RulePurpose, RuleView } from '../core/rules/purposes.ts';
export { RULE_PURPOSES, isRulePurpose } from '../core/rules/purposes.ts';
