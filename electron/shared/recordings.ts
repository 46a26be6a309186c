// What a recording is, as every layer names it: the kind its reader recognised (electron/core/media/probe.ts),
// the filter the api, the CLI and the Recordings screen offer.

export const MEDIA_KINDS = ['video', 'audio', 'photo', 'unknown'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
