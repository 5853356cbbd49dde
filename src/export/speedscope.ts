/**
 * speedscope: its JSON file format
 * (`https://www.speedscope.app/file-format-schema.json`), one profile of
 * type `sampled` whose samples are the distinct tracebacks (root first, as
 * the format wants them) weighted by their bytes.
 *
 * @module
 */
import type { Frame } from "../model/frame.ts";
import { frameKey, frameLabel, type Stack } from "./stacks.ts";

/**
 * The schema every speedscope file names.
 *
 * @example
 * ```ts
 * SPEEDSCOPE_SCHEMA; // "https://www.speedscope.app/file-format-schema.json"
 * ```
 */
export const SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json";

/**
 * A speedscope file with one sampled profile.
 *
 * @example
 * ```ts
 * declare const file: SpeedscopeFile;
 * file.profiles[0].weights.reduce((a, b) => a + b, 0); // the bytes of the snapshot
 * ```
 */
export interface SpeedscopeFile {
  readonly $schema: typeof SPEEDSCOPE_SCHEMA;
  readonly shared: {
    readonly frames: readonly {
      readonly name: string;
      readonly file: string;
      readonly line: number;
      readonly col?: number;
    }[];
  };
  readonly profiles: readonly {
    readonly type: "sampled";
    readonly name: string;
    readonly unit: "bytes";
    readonly startValue: number;
    readonly endValue: number;
    /** Indexes into `shared.frames`, outermost (oldest) frame first. */
    readonly samples: readonly (readonly number[])[];
    /** Bytes of each sample. */
    readonly weights: readonly number[];
  }[];
  readonly name: string;
  readonly activeProfileIndex: number;
  readonly exporter: string;
}

/**
 * The speedscope file of `stacks` (their sizes: speedscope reads no
 * negative weights, so a comparison cannot be one), named `name`.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"], ["/app/leak.ts", 23]], 2]], 5);
 * const file = speedscopeFile(stacksOf(snapshot), "s1", "tracemalloc-js 0.1.0");
 * file.shared.frames.map((f) => f.name); // ["leak.ts:23", "handle leak.ts:16"]
 * ```
 */
export function speedscopeFile(stacks: readonly Stack[], name: string, exporter: string): SpeedscopeFile {
  const frames: SpeedscopeFile["shared"]["frames"][number][] = [];
  const index = new Map<string, number>();
  const frameIndex = (frame: Frame): number => {
    const key = frameKey(frame);
    let i = index.get(key);
    if (i === undefined) {
      index.set(key, i = frames.length);
      frames.push({
        name: frameLabel(frame),
        file: frame.filename,
        line: frame.lineno,
        ...(frame.column !== undefined ? { col: frame.column } : {}),
      });
    }
    return i;
  };
  const samples: number[][] = [];
  const weights: number[] = [];
  let total = 0;
  for (const stack of stacks) {
    if (!(stack.size > 0)) continue;
    samples.push(stack.frames.map(frameIndex));
    weights.push(stack.size);
    total += stack.size;
  }
  return {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: { frames },
    profiles: [{ type: "sampled", name, unit: "bytes", startValue: 0, endValue: total, samples, weights }],
    name,
    activeProfileIndex: 0,
    exporter,
  };
}

/**
 * {@link speedscopeFile} as JSON bytes.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["/app/leak.ts", 16, 3, "handle"]], 1]], 5);
 * await writeFile("s1.speedscope.json", encodeSpeedscope(stacksOf(snapshot), "s1", "tracemalloc-js"));
 * ```
 */
export function encodeSpeedscope(stacks: readonly Stack[], name: string, exporter: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(speedscopeFile(stacks, name, exporter)));
}
