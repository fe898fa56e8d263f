// openssl ca updates its database by writing index.txt.new and serial.new, then renaming:
// current → .old, .new → current. A kill between those renames leaves no index.txt (or no
// serial). This reads that state and plans the rename that finishes what openssl started.
import type { Action } from '../core/actions.js';
import type { System } from '../core/system.js';
import type { CaLayout } from './layout.js';

export interface DbFileState {
  readonly path: string;
  readonly present: boolean;
  readonly hasNew: boolean;
  readonly hasOld: boolean;
}

export interface DbState {
  /** index.txt as it will be after any repair. */
  readonly index?: string;
  readonly files: readonly DbFileState[];
}

export async function readDbState(sys: System, ca: CaLayout): Promise<DbState> {
  const files: DbFileState[] = [];
  for (const path of [ca.index, `${ca.index}.attr`, ca.serial]) {
    files.push({
      path,
      present: (await sys.stat(path)) !== undefined,
      hasNew: (await sys.stat(`${path}.new`)) !== undefined,
      hasOld: (await sys.stat(`${path}.old`)) !== undefined,
    });
  }
  const indexState = files[0];
  const index = indexState?.present ? await sys.readText(ca.index) : indexState?.hasNew ? await sys.readText(`${ca.index}.new`) : await sys.readText(`${ca.index}.old`);
  return { files, ...(index !== undefined ? { index } : {}) };
}

export function repairActions(_ca: CaLayout, db: DbState): Action[] {
  const actions: Action[] = [];
  for (const f of db.files) {
    if (f.present || !(f.hasNew || f.hasOld)) continue;
    const from = f.hasNew ? `${f.path}.new` : `${f.path}.old`;
    actions.push({
      kind: 'move',
      title: `Finish the interrupted CA database update: ${from} becomes ${f.path}`,
      from,
      to: f.path,
    });
  }
  return actions;
}
