// Verifying an evidence package (a folder or a disc image), by anyone, even with no station at all.
import { z } from 'zod';
import { verifyPackage } from '../core/evidencePackage/verifier.ts';
import { parsePolicy } from '../core/witness/proof.ts';
import { looksLikePackage, packageKind } from '../core/evidencePackage/locate.ts';
import { StationError } from '../core/errors.ts';
import { anyone, command } from './command.ts';

export const packageHandlers = {
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
