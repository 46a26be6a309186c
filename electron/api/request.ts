// Requests to view, copy or burn recordings (and extensions, through retention.requestExtension), and their
// approval: an approver decides with their password re-entered.
import { z } from 'zod';
import { ASKABLE_KINDS } from '../shared/requests.ts';
import { ability, command, roles } from './command.ts';

const id = z.string().trim().min(1).max(100);
const password = z.string().min(1).max(1024);
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
};
