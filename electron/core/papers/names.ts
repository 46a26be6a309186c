// What papers leaving the agency print for people, cases and request kinds (issue 14 item 2): the 案号
// the agency gave the case, people's real names with their login or 警号 in brackets, and translated
// words, never an internal id, a login alone or an enum value.
import type { ReadableDB } from '../db/database.ts';
import { displayNameOf } from '../access/users.ts';
import { registeredOfficerName } from '../ingest/registryReads.ts';
import { caseNumberById, currentLinkNote } from '../cases/caseReads.ts';

type Db = Pick<ReadableDB, 'prepare'>;

/** 李明（li）; the login alone only when the name is the login or the user is unknown (gone). */
export function personName(db: Db, username: string | null | undefined): string {
  if (!username) return '—';
  if (username === 'system') return '工作站（自动）';
  const name = displayNameOf(db, username)?.trim();
  return name && name !== username ? `${name}（${username}）` : username;
}

/** 张伟（010203）: an officer by name with the 警号 in brackets. */
export function officerName(name: string | null | undefined, badge: string | null | undefined): string {
  if (!name && !badge) return '—';
  if (!name) return badge!;
  return badge ? `${name}（${badge}）` : name;
}

/** The officer registered under a badge, by name. */
export function officerByBadge(db: Db, badge: string | null | undefined): string {
  if (!badge) return '—';
  return officerName(registeredOfficerName(db, badge), badge);
}

/**
 * The case's 案号 (中阳市监罚〔2026〕118号), never the station's own CASE-000001. A request may name a
 * case the station does not keep (a reference typed by the requester): that is printed as typed.
 */
export function caseNumberOf(db: Db, caseId: string | null | undefined): string | null {
  if (!caseId) return null;
  return caseNumberById(db, caseId) ?? caseId;
}

export const REQUEST_KIND_ZH: Record<string, string> = { view: '调阅', copy: '复制', burn: '刻录光盘', extend: '延长保存', destroy: '销毁' };
export const REQUEST_KIND_EN: Record<string, string> = { view: 'viewing', copy: 'copy', burn: 'disc burning', extend: 'longer keeping', destroy: 'destruction' };

export const REQUEST_STATE_ZH: Record<string, string> = { requested: '待审批', approved: '已批准', denied: '未批准', fulfilled: '已办结', expired: '已过期', withdrawn: '已撤回' };
export const REQUEST_STATE_EN: Record<string, string> = { requested: 'awaiting decision', approved: 'approved', denied: 'denied', fulfilled: 'fulfilled', expired: 'expired', withdrawn: 'withdrawn' };

/** The note written when a recording was linked to a case (where, when, by whom it was taken), or null. */
export function linkNoteOf(db: Db, caseId: string | null | undefined, recordingId: string): string | null {
  return currentLinkNote(db, caseId || null, recordingId)?.trim() || null;
}

export const DECISION_ZH: Record<string, string> = { approved: '批准', denied: '不批准' };
export const BURN_JOB_STATE_ZH: Record<string, string> = { running: '刻录中', waiting_medium: '等待放入光盘', completed: '已完成', failed: '失败', cancelled: '已取消', interrupted: '已中断' };
