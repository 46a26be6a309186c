// Access requests (000 第三十七条, 002 第二十四条): what may be asked for and how footage is classified.

/** extend: 长期保存 beyond the retention period (migration 0003 checks the same list). */
export const REQUEST_KINDS = ['view', 'copy', 'burn', 'extend'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** What a request form asks for; extend has its own command and its own terms. */
export const ASKABLE_KINDS = ['view', 'copy', 'burn'] as const satisfies readonly RequestKind[];
export type AskableKind = (typeof ASKABLE_KINDS)[number];

export const CLASSIFICATIONS = ['state_secret', 'trade_secret', 'privacy'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
