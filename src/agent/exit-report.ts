/**
 * The traced program's report of how it ended, for `run`: a snapshot at its
 * end, sent over the channel when the program ends by itself, written to a
 * file when it ends with no task left to send anything (`process.exit()`, an
 * uncaught exception, a signal), and the snapshot kept nearest its peak.
 *
 * @module
 */
import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import type { TracedMemory } from "../engines/engine.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { type Ending, onEnding } from "../runtime/endings.ts";
import { type AgentEvent, encodeFrame } from "./protocol.ts";
import { encodeResult } from "./results.ts";
import type { ControllerLink } from "./server.ts";
import type { AgentTracer } from "./tracer.ts";

/** How often the peak keeper looks at the traced memory. */
const PEAK_POLL_MS = 250;
/** The share of the program's time the peak keeper's reads may take. */
const PEAK_BUDGET = 0.01;
/** A new peak snapshot is kept once traced memory is this much above the kept one's. */
const PEAK_GROWTH = 1.1;

/** A snapshot kept near the peak, with the traced memory then and when (ms after tracing began). */
interface Kept {
  readonly snapshot: Snapshot;
  readonly memory: TracedMemory;
  readonly at: number;
}

/**
 * Keeps the snapshot taken when traced memory was highest, reading it every
 * {@link PEAK_POLL_MS} on a budget of {@link PEAK_BUDGET} of the program's
 * time. A peak between two reads is missed: the kept snapshot is the
 * highest one read, and the report says how far it is from the true peak.
 */
class PeakKeeper {
  #kept: Kept | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #began = performance.now();

  constructor(private readonly tracer: AgentTracer) {
    this.#schedule(PEAK_POLL_MS);
  }

  /** The kept snapshot, if one holds more than the program does at its end. */
  above(end: TracedMemory): Kept | null {
    return this.#kept && this.#kept.memory.current > end.current ? this.#kept : null;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** What traced memory must exceed for a new snapshot to be kept. */
  #bar(): number {
    return (this.#kept?.memory.current ?? 0) * PEAK_GROWTH;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => void this.#look(), ms);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #look(): Promise<void> {
    const started = performance.now();
    try {
      // The figures first: a snapshot is built only when memory grew past the kept one's.
      if (this.tracer.isTracing() && (await this.tracer.readLive({ snapshot: false })).memory.current > this.#bar()) {
        const { snapshot, memory } = await this.tracer.readLive();
        if (snapshot && memory.current > this.#bar()) {
          this.#kept = { snapshot, memory, at: Math.round(started - this.#began) };
        }
      }
    } catch {
      // Tracing stopped between the check and the read: nothing to keep this time.
    }
    if (this.#timer === null) return;
    this.#schedule(Math.max(PEAK_POLL_MS, (performance.now() - started) / PEAK_BUDGET));
  }
}

/**
 * Reports the program's end to the controller as it comes; `stop()` turns
 * the report off, and so does `orphaned()` when true at the end (the
 * controller is gone: nobody would read it).
 *
 * @example
 * ```ts
 * import type { ControllerLink } from "./server.ts";
 * import { tracerForAgent } from "./tracer.ts";
 * declare const link: ControllerLink;
 * const report = reportEnding(tracerForAgent(), link, "/tmp/tracemalloc-x/exit-report", () => false);
 * report.stop();
 * ```
 */
export function reportEnding(
  tracer: AgentTracer,
  link: ControllerLink,
  file: string,
  orphaned: () => boolean,
): { stop(): void } {
  const peak = new PeakKeeper(tracer);
  let done = false;
  const watch = onEnding((ending) => {
    if (done) return;
    // Deno may still go on after an uncaught error a listener of its own prevented: a later end writes again.
    if (ending.how !== "exception") done = true;
    peak.stop();
    // Nobody would read it, and it would keep the session's directory from being removed.
    if (orphaned()) return;
    writeReport(file, endingFrames(tracer, peak, ending));
  });
  process.on("beforeExit", () => {
    if (done) return;
    done = true;
    peak.stop();
    link.hold();
    const ending: Ending = { how: "end", code: Number(process.exitCode ?? 0) || 0, after: watch.after };
    sendReport(tracer, peak, link, ending).finally(() => link.release());
  });
  return {
    stop() {
      done = true;
      peak.stop();
    },
  };
}

/** The end of a program whose event loop ran empty: a snapshot of live objects (collected first), sent. */
async function sendReport(tracer: AgentTracer, peak: PeakKeeper, link: ControllerLink, ending: Ending): Promise<void> {
  let event: AgentEvent;
  let body: Uint8Array | undefined;
  try {
    if (!tracer.isTracing()) throw new Error("tracing was not started");
    body = encodeResult("takeSnapshot", await tracer.takeSnapshot({ gc: true })).body;
    event = { event: "exitSnapshot", memory: await tracer.getTracedMemory(), ending };
  } catch (e) {
    event = { event: "exitSnapshot", error: messageOf(e), ending };
  }
  const kept = event.memory ? peak.above(event.memory) : null;
  if (kept) await link.send(peakEvent(kept), encodeResult("takeSnapshot", kept.snapshot).body);
  await link.send(event, body);
}

/** The frames of an abrupt end's report: what the engines hold now (no collection: no task may run). */
function endingFrames(tracer: AgentTracer, peak: PeakKeeper, ending: Ending): Uint8Array[] {
  try {
    if (!tracer.isTracing()) throw new Error("tracing was not started");
    const { snapshot, memory } = tracer.takeSnapshotNow();
    const kept = peak.above(memory);
    return [
      ...(kept ? encodeFrame(0, peakEvent(kept), encodeResult("takeSnapshot", kept.snapshot).body) : []),
      ...encodeFrame(0, { event: "exitSnapshot", memory, ending }, encodeResult("takeSnapshot", snapshot).body),
    ];
  } catch (e) {
    return encodeFrame(0, { event: "exitSnapshot", error: messageOf(e), ending });
  }
}

function peakEvent(kept: Kept): AgentEvent {
  return { event: "peakSnapshot", memory: kept.memory, at: kept.at };
}

/** Writes the frames whole or not at all (the controller reads the file once the program is gone). */
function writeReport(file: string, frames: Uint8Array[]): void {
  const partial = `${file}.partial`;
  try {
    const fd = openSync(partial, "w", 0o600);
    try {
      for (const frame of frames) writeSync(fd, frame);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, file);
  } catch {
    // The session's directory is gone (the controller ended): nobody is left to read a report.
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
