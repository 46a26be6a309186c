// The monthly supervision report's columns, in the order the CSV writes them: the station writes
// the CSV, the screen and the CLI translate the headers (report.col.<column>) in the same order.

export const REPORT_COLUMNS = [
  'group',
  'key',
  'name',
  'recordings',
  'onTime',
  'late',
  'deadlineUnknown',
  'timelinessRate',
  'lateExplanations',
  'interruptions',
  'interruptionExplanations',
  'requestsApproved',
  'requestsDenied',
  'discsBurned',
  'destructions',
] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];

/** The access register's CSV columns (register.csv), in the order electron/core/access/register.ts writes them. */
export const REGISTER_COLUMNS = ['seq', 'time', 'kind', 'viewer', 'copier', 'approvers', 'purpose', 'request', 'recordings'] as const;
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number];
