// The recorder catalogue in force: the shipped resources/recorders/catalogue.json, overridden by the
// entries an admin saved in the data folder. Each save or removal is ledgered with what it changed.
import { join } from 'node:path';
import type { AppendInput } from '../ledger/ledger.ts';
import {
  loadCatalogueIfPresent,
  mergeCatalogues,
  removeEntry,
  saveCatalogue,
  shippedCataloguePath,
  upsertEntry,
  type CatalogueEntry,
  type RecorderCatalogue,
} from './catalogue.ts';

export type RecorderCatalogueDeps = {
  dataDir: string;
  resources: string;
  /** Appends in the station's write transaction (a thunk: the ledger exists only once the station is initialized). */
  ledgered: (entry: AppendInput) => void;
};

export class RecorderCatalogueStore {
  private readonly deps: RecorderCatalogueDeps;

  constructor(deps: RecorderCatalogueDeps) {
    this.deps = deps;
  }

  /** Where an admin's catalogue entries live (they override the shipped ones). */
  get localPath(): string {
    return join(this.deps.dataDir, 'recorders', 'catalogue.json');
  }

  async load(): Promise<RecorderCatalogue> {
    const shipped = await loadCatalogueIfPresent(shippedCataloguePath(this.deps.resources));
    const local = await loadCatalogueIfPresent(this.localPath);
    return mergeCatalogues(shipped, local);
  }

  /** Adds or replaces an entry (validated field by field, unknown keys refused) in the admin's file. */
  async put(actor: string, raw: Record<string, unknown>): Promise<CatalogueEntry> {
    const next = upsertEntry(await loadCatalogueIfPresent(this.localPath), raw);
    await saveCatalogue(this.localPath, next);
    const saved = next.entries.find((e) => e.id === raw.id)!;
    this.deps.ledgered({ actor, action: 'recorder_catalogue.saved', subject: `recorder_model:${saved.id}`, details: { entry: { ...saved } } });
    return saved;
  }

  async remove(actor: string, id: string): Promise<{ ok: true }> {
    const current = await loadCatalogueIfPresent(this.localPath);
    const was = current.entries.find((e) => e.id === id) ?? null;
    await saveCatalogue(this.localPath, removeEntry(current, id));
    this.deps.ledgered({ actor, action: 'recorder_catalogue.removed', subject: `recorder_model:${id}`, details: { was } });
    return { ok: true };
  }
}
