/**
 * The table entries a dump carries: only those its traces use, whatever the
 * size of the (possibly shared) table, numbered afresh from 0.
 *
 * @module
 */
import type { TraceColumns } from "../columns.ts";
import { NONE, type TraceTable } from "../table.ts";
import { TWO_28 } from "./bytes.ts";

/** The table entries the traces use, renumbered from 0. */
export interface Subset {
  /** Table traceback id per file id, most used first. */
  tracebacks: Uint32Array;
  /** File id per table traceback id (meaningful for used ones only). */
  tracebackId: Uint32Array;
  /** Size of the traceback column as varints. */
  tracebackVarintBytes: number;
  /** Table stack id per file id, in order of first use; likewise for frames and strings. */
  stacks: Int32Array;
  /** File stack id per table stack id, -1 when unused; likewise for frames and strings. */
  stackId: Int32Array;
  /** Frames in all used stacks, with repeats. */
  stackFrameCount: number;
  frames: Int32Array;
  frameId: Int32Array;
  strings: Int32Array;
  stringId: Int32Array;
}

/**
 * The entries of `table` that `columns` use.
 *
 * Throws a `RangeError` when a trace refers to a traceback outside the table.
 *
 * @example
 * ```ts
 * import type { Snapshot } from "../snapshot.ts";
 * declare const snapshot: Snapshot;
 *
 * const used = selectSubset(snapshot.table, snapshot.columns);
 * used.strings.length; // the file and function names the dump carries
 * ```
 */
export function selectSubset(table: TraceTable, columns: TraceColumns): Subset {
  const total = table.tracebackCount;
  const uses = new Uint32Array(total);
  const bad = countUses(columns.traceback, columns.length, uses);
  if (bad >= 0) {
    throw new RangeError(`cannot dump: trace ${bad} refers to traceback ${columns.traceback[bad]} of ${total}`);
  }
  const inTableOrder = usedInOrder(uses);
  const tracebacks = rankByUse(uses, inTableOrder);
  const tracebackId = uses; // the counts are spent once ranked
  const tracebackVarintBytes = numberByRank(tracebacks, uses, tracebackId);
  // Walked in table order rather than rank order, so that reading the table
  // here and when writing frames and stacks goes through memory in sequence.
  return { tracebacks, tracebackId, tracebackVarintBytes, ...collectUsed(table, inTableOrder) };
}

/** Uses of each traceback id; returns the first trace whose id is outside the table, or -1. */
function countUses(traceback: Uint32Array, n: number, uses: Uint32Array): number {
  const total = uses.length;
  for (let i = 0; i < n; i++) {
    const tb = traceback[i];
    if (tb >= total) return i;
    uses[tb]++;
  }
  return -1;
}

/** The ids used at least once, in increasing order. */
function usedInOrder(uses: Uint32Array): Uint32Array {
  let count = 0;
  for (let tb = 0; tb < uses.length; tb++) if (uses[tb]) count++;
  const used = new Uint32Array(count);
  for (let tb = 0, k = 0; tb < uses.length; tb++) if (uses[tb]) used[k++] = tb;
  return used;
}

/** The used traceback ids, most used first, ties by id: a counting sort. */
function rankByUse(uses: Uint32Array, used: Uint32Array): Uint32Array {
  let maxUses = 0;
  for (let k = 0; k < used.length; k++) maxUses = Math.max(maxUses, uses[used[k]]);
  // slot[m]: where the next traceback used maxUses - m times goes.
  const slot = new Uint32Array(maxUses + 1);
  for (let k = 0; k < used.length; k++) slot[maxUses - uses[used[k]]]++;
  for (let m = 0, at = 0; m <= maxUses; m++) {
    const size = slot[m];
    slot[m] = at;
    at += size;
  }
  const ranked = new Uint32Array(used.length);
  for (let k = 0; k < used.length; k++) ranked[slot[maxUses - uses[used[k]]]++] = used[k];
  return ranked;
}

/** Sets each used traceback's file id (its rank); returns the traceback column's size as varints. */
function numberByRank(ranked: Uint32Array, uses: Uint32Array, tracebackId: Uint32Array): number {
  let bytes = 0;
  for (let id = 0; id < ranked.length; id++) {
    const tb = ranked[id];
    bytes += uses[tb] * (id < 0x80 ? 1 : id < 0x4000 ? 2 : id < 0x200000 ? 3 : id < TWO_28 ? 4 : 5);
    tracebackId[tb] = id;
  }
  return bytes;
}

/** Numbers the stacks, frames and strings of the given tracebacks in order of first use. */
function collectUsed(
  table: TraceTable,
  tracebacks: Uint32Array,
): Pick<Subset, "stacks" | "stackId" | "stackFrameCount" | "frames" | "frameId" | "strings" | "stringId"> {
  const { tracebackStack, stackStart, stackFrames, frameFile, frameFunction } = table;
  const stackId = new Int32Array(table.stackCount).fill(-1);
  const frameId = new Int32Array(table.frameCount).fill(-1);
  const stringId = new Int32Array(table.strings.length).fill(-1);
  const stacks = new Int32Array(table.stackCount);
  const frames = new Int32Array(table.frameCount);
  const strings = new Int32Array(table.strings.length);
  let stackCount = 0, frameCount = 0, stringCount = 0, stackFrameCount = 0;
  for (let k = 0; k < tracebacks.length; k++) {
    const s = tracebackStack[tracebacks[k]];
    if (stackId[s] >= 0) continue;
    stacks[stackCount] = s;
    stackId[s] = stackCount++;
    const end = stackStart[s + 1];
    stackFrameCount += end - stackStart[s];
    for (let j = stackStart[s]; j < end; j++) {
      const f = stackFrames[j];
      if (frameId[f] >= 0) continue;
      frames[frameCount] = f;
      frameId[f] = frameCount++;
      const file = frameFile[f];
      if (stringId[file] < 0) {
        strings[stringCount] = file;
        stringId[file] = stringCount++;
      }
      const fn = frameFunction[f];
      if (fn !== NONE && stringId[fn] < 0) {
        strings[stringCount] = fn;
        stringId[fn] = stringCount++;
      }
    }
  }
  return {
    stacks: stacks.subarray(0, stackCount),
    stackId,
    stackFrameCount,
    frames: frames.subarray(0, frameCount),
    frameId,
    strings: strings.subarray(0, stringCount),
    stringId,
  };
}
