import { z } from 'zod';
import { ASKABLE_KINDS, CLASSIFICATIONS } from '../shared/requests.ts';
import { REGISTER_COLUMNS } from '../shared/reports.ts';
import { registerCsv, registerHtml, registerRows } from '../core/access/register.ts';
import { ruleBasis } from '../core/rules/agencyRule.ts';
import { verifyPackage } from '../core/evidencePackage/verifier.ts';
import { parsePolicy } from '../core/witness/proof.ts';
import { looksLikePackage, packageKind } from '../core/evidencePackage/locate.ts';
import { StationError } from '../core/errors.ts';
import { anyone, ability, command, roles } from './command.ts';

const id = z.string().trim().min(1).max(100);
const password = z.string().min(1).max(1024);
const isoTime = z.iso.datetime({ offset: true });
// Not the auditor: they read everything and change nothing (spot-checks, which are ledgered, stay).
const requesters = ability('request');

export const requestHandlers = {
  'request.create': command({
    input: z
      .object({
        // An extension needs its term: the one path is retention.requestExtension (issue #14 item 6).
        kind: z.enum(ASKABLE_KINDS),
        recordingIds: z.array(id).min(1).max(10_000),
        purpose: z.string().trim().min(2).max(1000),
        caseId: id.nullable().optional(),
      })
      .strict(),
    access: requesters,
    mutates: true,
    run: ({ station, actor }, input) => station.requests.create(actor, input),
  }),
  'request.list': command({
    input: z
      .object({
        state: z.enum(['requested', 'approved', 'denied', 'fulfilled', 'expired', 'withdrawn']).optional(),
        mine: z.boolean().default(false),
        awaitingMe: z.boolean().default(false),
      })
      .strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor', 'admin'),
    mutates: false,
    run: ({ station, actor }, q) => {
      // A clerk sees their own requests; those who approve, fulfil or supervise see all.
      const onlyOwn = q.mine || !actor.roles.some((r) => ['custodian', 'approver', 'auditor', 'admin'].includes(r));
      return station.requests.list({
        ...(q.state ? { state: q.state } : {}),
        ...(onlyOwn ? { requester: actor.username } : {}),
        ...(q.awaitingMe ? { awaitingApprover: actor.username } : {}),
      });
    },
  }),
  'request.show': command({
    input: z.object({ id }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor', 'admin'),
    mutates: false,
    run: ({ station }, { id: requestId }) => {
      station.requests.expireDue();
      const req = station.requests.get(requestId);
      return { ...req, recordings: req.items.map((r) => ({ ...station.requests.recording(r), classification: station.requests.classificationOf(r) })) };
    },
  }),
  /** The printable 调阅/复制审批表 of one request (issue 14 item 7). */
  'request.form': command({
    input: z.object({ id }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor', 'admin'),
    mutates: false,
    run: ({ station }, { id: requestId }) => {
      station.requests.expireDue();
      return { html: station.requestForms.html(requestId) };
    },
  }),
  'request.approve': command({
    input: z.object({ id, password, note: z.string().max(1000).default('') }).strict(),
    access: roles('approver'),
    mutates: true,
    run: ({ station, actor }, input) => station.requests.decide(actor.username, input.id, 'approved', input.password, input.note),
  }),
  'request.deny': command({
    input: z.object({ id, password, reason: z.string().trim().min(2).max(1000) }).strict(),
    access: roles('approver'),
    mutates: true,
    run: ({ station, actor }, input) => station.requests.decide(actor.username, input.id, 'denied', input.password, input.reason),
  }),
  'request.inbox': command({
    input: z.object({}).strict(),
    access: roles('approver'),
    mutates: false,
    run: ({ station, actor }) => station.requests.inbox(actor.username),
  }),
  'request.decideMany': command({
    // One password entry for several decisions (issue 14 item 16); each is still re-checked, decided and ledgered on its own.
    input: z
      .object({
        password,
        decisions: z
          .array(
            z
              .object({
                id,
                decision: z.enum(['approved', 'denied']),
                reason: z.string().max(1000).default(''),
                seen: z.object({ decisions: z.number().int().min(0).max(10) }).strict().optional(),
              })
              .strict(),
          )
          .min(1)
          .max(200),
      })
      .strict(),
    access: roles('approver'),
    mutates: true,
    run: async ({ station, actor }, input) => {
      const outcomes = await station.requests.decideMany(
        actor.username,
        input.password,
        input.decisions.map((d) => ({ id: d.id, decision: d.decision, reason: d.reason, ...(d.seen ? { seen: d.seen } : {}) })),
      );
      return { outcomes, decided: outcomes.filter((o) => o.ok).length, refused: outcomes.filter((o) => !o.ok).length };
    },
  }),
  'request.withdraw': command({
    input: z.object({ id }).strict(),
    access: requesters,
    mutates: true,
    run: ({ station, actor }, input) => station.requests.withdraw(actor, input.id),
  }),
  'recording.classify': command({
    input: z.object({ recordingId: id, classification: z.enum(CLASSIFICATIONS).nullable(), note: z.string().max(1000).default('') }).strict(),
    access: roles('custodian'),
    mutates: true,
    run: ({ station, actor }, input) => {
      station.requests.classify(actor.username, input.recordingId, input.classification, input.note);
      return { recordingId: input.recordingId, classification: input.classification };
    },
  }),
  'playback.open': command({
    input: z.object({ recordingId: id, requestId: id.nullable().optional(), reason: z.string().max(1000).nullable().optional() }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor'),
    mutates: true,
    run: ({ station, actor, mediaUrl }, input) => {
      station.requireUnlocked();
      const session = station.playback.open(actor, input);
      return { ...session, url: mediaUrl(session.token) };
    },
  }),
  'playback.status': command({
    input: z.object({ token: z.string().min(8).max(200) }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor'),
    mutates: false,
    run: ({ station, actor }, input) => station.playback.status(actor, input.token),
  }),
  'playback.close': command({
    input: z.object({ token: z.string().min(8).max(200), watchedSeconds: z.number().min(0).optional() }).strict(),
    access: roles('clerk', 'custodian', 'approver', 'auditor'),
    mutates: true,
    run: ({ station, actor }, input) => {
      station.playback.close(actor, input.token, input.watchedSeconds);
      return { ok: true };
    },
  }),
  'export.run': command({
    input: z.object({ requestId: id, to: z.string().min(1).max(4096) }).strict(),
    access: roles('clerk', 'custodian'),
    mutates: true,
    run: ({ station, actor, emit }, input) => station.exports.copy(actor, input.requestId, input.to, (p) => emit('export.progress', { requestId: input.requestId, ...p })),
  }),
  'register.list': command({
    input: z.object({ from: isoTime.optional(), to: isoTime.optional(), actor: z.string().max(64).optional() }).strict(),
    access: roles('auditor', 'approver', 'custodian', 'admin'),
    mutates: false,
    run: ({ station }, q) => registerRows(station.db, q),
  }),
  /** The register as a printable page with the 案号 and people's names (issue 14 item 7). */
  'register.print': command({
    input: z.object({ from: isoTime.optional(), to: isoTime.optional() }).strict(),
    access: roles('auditor', 'approver', 'custodian', 'admin'),
    mutates: false,
    run: ({ station }, q) => ({
      html: registerHtml(registerRows(station.db, q), {
        agencyName: station.settings.get('agency.name'),
        timeZone: station.settings.get('agency.timeZone'),
        from: q.from,
        to: q.to,
        basis: ruleBasis(station, ['register', 'viewCopyApproval']),
        printedAt: station.clock.now().toISOString(),
      }),
    }),
  }),
  'register.csv': command({
    input: z
      .object({
        from: isoTime.optional(),
        to: isoTime.optional(),
        // The caller's translated column headers and kind labels: the api itself speaks no language.
        headers: z.array(z.string().max(50)).length(REGISTER_COLUMNS.length),
        kindLabels: z.object({ view: z.string(), spot_check: z.string(), copy: z.string(), burn: z.string() }),
      })
      .strict(),
    access: roles('auditor', 'approver', 'custodian', 'admin'),
    mutates: false,
    run: ({ station }, q) => ({ csv: registerCsv(registerRows(station.db, q), q.headers, (k) => q.kindLabels[k]) }),
  }),
  'package.verify': command({
    // policy: a c2sp.org/tlog-policy text; the package's witness proofs are then checked against it.
    input: z.object({ path: z.string().min(1).max(4096), verifierKey: z.string().max(500).optional(), policy: z.string().max(1 << 16).optional() }).strict(),
    // Anyone, even with no station at all: a court clerk checks a disc with nothing but this.
    access: anyone,
    mutates: false,
    run: async ({ station, emit }, input) => {
      const options = {
        ...(input.verifierKey ? { trustedVerifierKey: input.verifierKey } : {}),
        ...(input.policy !== undefined ? { policy: parsePolicy(input.policy) } : {}),
        onProgress: (p: { bytes: number; totalBytes: number; path: string }) => emit('package.verify.progress', p),
      };
      const what = await packageKind(input.path);
      if (what.kind === 'folder') return verifyPackage(what.path, options);
      // An image is read where it lies, through the platform's disc reader: no mount, no copy.
      const reader = await station.discs.openImage(what.path);
      try {
        // Some other disc (an installer, a video DVD) is not evidence that failed its check.
        if (!looksLikePackage(await reader.list())) throw new StationError('input', 'package.not_a_package', { path: what.path });
        return await verifyPackage(reader, options);
      } finally {
        await reader.close();
      }
    },
  }),
};
export type { PackageVerifyResult } from '../core/evidencePackage/verifier.ts';
