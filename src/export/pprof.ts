/**
 * pprof: the gzipped protocol buffer Go's `pprof` and continuous profilers
 * (Pyroscope, Parca, Grafana) read, encoded with DataDog's `pprof-format`.
 * Two sample types, `inuse_objects/count` and `inuse_space/bytes`, as Go's
 * heap profiles name them; one sample per distinct traceback and domain,
 * its stack leaf first, labelled with its domain. Every location belongs to
 * one mapping that says functions, files and lines are known, so pprof does
 * not look for a binary to symbolize them with.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import {
  Function as PprofFunction,
  Line,
  Location,
  Mapping,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import type { Frame } from "../model/frame.ts";
import { frameKey, type Stack } from "./stacks.ts";

/**
 * What a pprof profile is made of.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["app.ts", 3, 1, "leak"]], 1]], 5);
 * const input: PprofInput = { stacks: stacksOf(snapshot), time: new Date(), diff: false, comments: ["snapshot s1"] };
 * ```
 */
export interface PprofInput {
  /** The stacks, from {@link stacksOf}. */
  readonly stacks: readonly Stack[];
  /** When the (newer) snapshot was taken. */
  readonly time: Date;
  /** When the base snapshot was taken: the profile's duration runs from it. */
  readonly baseTime?: Date;
  /** A comparison: the values are the change since the base, and may be negative. */
  readonly diff: boolean;
  /** Lines kept in the profile's comments (`pprof -comments` prints them). */
  readonly comments?: readonly string[];
}

/** pprof's name for code outside any function, as V8's profiles and pprof-nodejs give it. */
const ANONYMOUS = "(anonymous)";

/**
 * The profile of `input`, not yet encoded: sample types
 * `inuse_objects/count` and `inuse_space/bytes` (the default), one sample
 * per stack (its locations leaf first, its values the blocks and bytes, or
 * their change for a comparison, and a `domain` label: `"0"`, `"1"`, ...), one
 * location per distinct frame (one line: its function, line and column),
 * one function per distinct name and file.
 *
 * @example
 * ```ts
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["app.ts", 3, 1, "leak"]], 1]], 5);
 * const profile = pprofProfile({ stacks: stacksOf(snapshot), time: new Date(), diff: false });
 * profile.sample[0].value; // [1, 4096]
 * ```
 */
export function pprofProfile(input: PprofInput): Profile {
  const strings = new StringTable();
  const functions = new Map<string, PprofFunction>();
  const locations = new Map<string, Location>();
  const functionOf = (frame: Frame): PprofFunction => {
    const name = frame.functionName || (frame.filename === "<unknown>" ? "<unknown>" : ANONYMOUS);
    const key = `${name}\0${frame.filename}`;
    let fn = functions.get(key);
    if (!fn) {
      fn = new PprofFunction({
        id: functions.size + 1,
        name: strings.dedup(name),
        systemName: strings.dedup(name),
        filename: strings.dedup(frame.filename),
      });
      functions.set(key, fn);
    }
    return fn;
  };
  const locationOf = (frame: Frame): Location => {
    const key = frameKey(frame);
    let location = locations.get(key);
    if (!location) {
      const line = new Line({ functionId: functionOf(frame).id, line: frame.lineno, column: frame.column ?? 0 });
      location = new Location({ id: locations.size + 1, mappingId: 1, line: [line] });
      locations.set(key, location);
    }
    return location;
  };
  const domainKey = strings.dedup("domain");
  const samples: Sample[] = [];
  for (const stack of input.stacks) {
    const locationId: number[] = [];
    for (let i = stack.frames.length - 1; i >= 0; i--) locationId.push(locationOf(stack.frames[i]).id as number);
    const value = input.diff ? [stack.countDiff, stack.sizeDiff] : [stack.count, stack.size];
    // A string label: pprof drops numeric labels whose value is 0.
    const label = [{ key: domainKey, str: strings.dedup(String(stack.domain)) }];
    samples.push(new Sample({ locationId, value: value.map(Math.round), label }));
  }
  const sampleType = [
    new ValueType({ type: strings.dedup("inuse_objects"), unit: strings.dedup("count") }),
    new ValueType({ type: strings.dedup("inuse_space"), unit: strings.dedup("bytes") }),
  ];
  const periodType = new ValueType({ type: strings.dedup("space"), unit: strings.dedup("bytes") });
  const comment = (input.comments ?? []).map((line) => strings.dedup(line));
  const nanos = (date: Date) => BigInt(date.getTime()) * 1_000_000n;
  const mapping = new Mapping({
    id: 1,
    filename: strings.dedup("javascript"),
    hasFunctions: true,
    hasFilenames: true,
    hasLineNumbers: true,
  });
  return new Profile({
    sampleType,
    mapping: [mapping],
    sample: samples,
    location: [...locations.values()],
    function: [...functions.values()],
    stringTable: strings,
    timeNanos: nanos(input.time),
    durationNanos: input.baseTime && input.baseTime < input.time ? nanos(input.time) - nanos(input.baseTime) : 0,
    periodType,
    period: 1,
    comment,
    defaultSampleType: sampleType[1].type,
  });
}

/**
 * `input` as a pprof file: the profile's protocol buffer, gzipped.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { Snapshot } from "../model/snapshot.ts";
 * import { stacksOf } from "./stacks.ts";
 * const snapshot = new Snapshot([[1, 4096, [["app.ts", 3, 1, "leak"]], 1]], 5);
 * await writeFile("heap.pb.gz", encodePprof({ stacks: stacksOf(snapshot), time: new Date(), diff: false }));
 * // go tool pprof -top heap.pb.gz
 * ```
 */
export function encodePprof(input: PprofInput): Uint8Array {
  return gzipSync(pprofProfile(input).encode());
}
