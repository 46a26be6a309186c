// The adapters meet conditions the station must hear about without failing over them: the usb
// module not loading, a mountinfo read failing once, a listener throwing. They report through one
// callback with stable codes (translatable like StationError codes) so the composition root can
// log them, show them, or ledger them; the adapters themselves never log.
import type { ErrorParams } from '../electron/core/errors.ts';

export type NativeReport = {
  level: 'info' | 'warn' | 'error';
  /** Stable code, e.g. `usb.backend_fallback`; documented in native/README.md. */
  code: string;
  params: ErrorParams;
};

export type Reporter = (report: NativeReport) => void;

export const silentReporter: Reporter = () => {};

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Calls a listener supplied by the station. A listener that throws must not stop the watcher that
 * feeds every other recorder, so the failure is reported and swallowed.
 */
export function callListener(report: Reporter, what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    report({ level: 'error', code: 'listener.failed', params: { event: what, reason: errorText(e) } });
  }
}
