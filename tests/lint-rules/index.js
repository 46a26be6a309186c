// The project's own lint rules (eslint.config.js registers them as the `station` plugin).
import noImportCycle from './importCycle.js';
import tableOwner from './tableOwner.js';

export default {
  meta: { name: 'station' },
  rules: { 'no-import-cycle': noImportCycle, 'table-owner': tableOwner },
};
