import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { LmdbStore } from '@packetflow/actors';

/**
 * A real LMDB store in a temporary directory for the tests of one file: opened before they run, closed and removed
 * after. Read `.store` inside a test or hook.
 */
export function temporaryStore(prefix: string): { readonly store: LmdbStore } {
  let dir: string | undefined;
  let store: LmdbStore | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    store = LmdbStore.open({ path: dir });
  });
  after(async () => {
    await store?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get store(): LmdbStore {
      if (store === undefined) throw new Error('the temporary store is opened in a before hook: read it in a test');
      return store;
    },
  };
}
