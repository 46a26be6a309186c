import type { i18n } from 'i18next';
import type { PackageVerifyResult } from '../../api/package.ts';

type Witness = Extract<PackageVerifyResult, { ok: true }>['witness'];

/** What `station disc verify` says about the witness after the package itself checked out. */
export function packageWitnessLines(w: Witness, t: i18n['t']): string[] {
  if (w.state === 'none') return [t('witness_package.none')];
  if (w.state === 'not_cosigned') return [t('witness_package.not_cosigned', { key: w.witnessKey })];
  const names = w.cosigners.map((c) => `${c.name} (${c.keyId})`).join(', ') || '—';
  const lines = [t('witness_package.cosigned', { size: w.size, proofs: w.proofs, names })];
  if (!w.policy) lines.push(t('witness_package.no_policy'));
  else lines.push(t('witness_package.vouched', { names: w.policy.vouched.join(', ') || '—' }), t(w.policy.quorumMet ? 'witness_package.quorum_met' : 'witness_package.quorum_not_met'));
  return lines;
}
