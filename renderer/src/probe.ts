import type { Output } from '../../electron/api/index.ts';
export type X = Output<'ledger.entry'>;
