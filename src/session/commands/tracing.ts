/**
 * Commands that drive the tracer of the target: start, stop, status,
 * memory, reset-peak, clear, gc.
 *
 * @module
 */
import { DEFAULT_SAMPLE_EVERY, DEFAULT_SAMPLING_INTERVAL, DEFAULT_TRACEBACK_LIMIT } from "../../defaults.ts";
import { HEAP_ENGINE_NAMES, type HeapEngineName, type TracerOptions } from "../../engines/engine.ts";
import { formatSize } from "../../model/format.ts";
import type { Command, CommandResult, JsonValue } from "../command.ts";
import { describeExit } from "../child.ts";
import { CommandError } from "../errors.ts";
import type { TargetStatus } from "../target.ts";
import { describeEngine, workersStatus } from "../present.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * `start [NFRAME] [--every N] [--engine NAME] [--interval BYTES] [--exclude GLOB] [--internal-frames]`: starts tracing (and sets what `run` will use).
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute('start 5 --exclude "*node_modules*"');
 * ```
 */
export const startCommand: Command = {
  spec: {
    name: "start",
    summary: "Start tracing, keeping NFRAME frames per traceback",
    help: [
      `Starts tracing the target, keeping up to NFRAME frames (default ${DEFAULT_TRACEBACK_LIMIT}) per traceback.`,
      "Domain 0 (JS heap objects) comes from the line engine in a program started by run (its modules are",
      "rewritten as they load: exact lines); --every sets how many allocations one sample stands for",
      `(default ${DEFAULT_SAMPLE_EVERY}): smaller is finer and slower. --engine sampler picks V8's sampling heap profiler`,
      "instead (function-level; Node and Deno), whose --interval is the average bytes between two samples",
      `(default ${DEFAULT_SAMPLING_INTERVAL}).`,
      "--exclude GLOB (given before run) leaves the modules whose path matches GLOB unrewritten.",
      "--internal-frames keeps the runtime's own frames (node:internal/..., ext:...) at the ends of tracebacks.",
      "Given before run, the settings also apply to the program run starts: it is traced from its first line.",
    ],
    args: [{ name: "NFRAME", kind: "count", optional: true }],
    options: [{
      name: "every",
      value: "N",
      kind: "count",
      help: "line engine: sample one allocation in N on average",
    }, {
      name: "engine",
      value: "NAME",
      kind: { choices: HEAP_ENGINE_NAMES },
      help: "domain-0 engine: line (default in programs run starts), sampler or census",
    }, {
      name: "interval",
      value: "BYTES",
      kind: "count",
      help: "V8 sampler: sampling interval in bytes",
    }, {
      name: "exclude",
      value: "GLOB",
      help: "line engine: leave modules whose path matches GLOB as they are",
    }, {
      name: "internal-frames",
      help: "keep the runtime's own frames at the ends of tracebacks (dropped by default)",
    }],
  },
  async run(session, args) {
    const nframe = args.number("NFRAME") ?? DEFAULT_TRACEBACK_LIMIT;
    const interval = args.numberOption("interval");
    const every = args.numberOption("every");
    const engine = args.textOption("engine") as HeapEngineName | undefined;
    const exclude = args.textOption("exclude");
    const options: TracerOptions = {
      ...(engine === undefined ? {} : { engine }),
      ...(every === undefined ? {} : { sampleEvery: every }),
      ...(interval === undefined ? {} : { samplingInterval: interval }),
      ...(exclude === undefined ? {} : { exclude: [exclude] }),
      ...(args.flag("internal-frames") ? { internalFrames: true } : {}),
    };
    const before = await session.target.status();
    if (before.tracing) {
      throw new CommandError(
        "start",
        `already tracing with a traceback limit of ${plural(before.tracebackLimit, "frame")}; stop first to change it`,
      );
    }
    await session.target.start(nframe, options);
    session.setSettings({ nframe, options });
    const status = await session.target.status();
    const sampling = status.engine ? `, ${describeEngine(status.engine)}` : "";
    return {
      lines: [
        `tracing ${status.command} (pid ${status.pid}): ${plural(nframe, "frame")}${sampling}` +
        (session.hasChild ? "" : " (and a program started by run, from its first line)"),
      ],
      data: {
        tracing: true,
        nframe,
        engine: status.engine?.name ?? null,
        every: every ?? null,
        interval: interval ?? null,
        target: status.command,
        pid: status.pid,
      },
    };
  },
};

/**
 * `stop`: stops tracing and forgets the traces.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("stop");
 * ```
 */
export const stopCommand: Command = {
  spec: {
    name: "stop",
    summary: "Stop tracing and forget the traces",
    help: [
      "Stops tracing the target; its traces are forgotten (snapshots already taken stay).",
    ],
    args: [],
    options: [],
  },
  async run(session) {
    await session.target.stop();
    session.setSettings(null);
    return { lines: ["tracing stopped"], data: { tracing: false } };
  },
};

/**
 * `status`: what is traced, how, and what cannot be seen.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("status");
 * ```
 */
export const statusCommand: Command = {
  spec: {
    name: "status",
    summary: "Runtime, target, tracing state, memory and limits",
    help: [
      "Shows the runtime, the target, whether it is traced and with how many frames,",
      "traced memory, the tracer's own memory, what this runtime cannot see, snapshots and filters.",
    ],
    args: [],
    options: [],
  },
  async run(session) {
    const status = await session.target.status();
    const lines = [
      `runtime:       ${status.runtime}`,
      `target:        ${status.command} (pid ${status.pid})`,
      `tracing:       ${status.tracing ? `on, traceback limit ${plural(status.tracebackLimit, "frame")}` : "off"}`,
      `domain 0:      ${status.engine ? describeEngine(status.engine) : "not traced"}`,
      ...memoryLines(status),
      ...status.limits.map((limit, i) => `${i ? "               " : "cannot see:    "}${limit}`),
      `workers:       ${workersStatus(status.runtime).text}`,
      `snapshots:     ${[...session.snapshots.keys()].join(", ") || "none"}`,
      `filters:       ${session.filters.map(String).join("; ") || "none"}`,
    ];
    if (status.exit) lines.push(`program:       ${describeExit(status.exit)}`);
    return {
      lines,
      data: {
        ...statusJson(status),
        snapshots: [...session.snapshots.keys()],
        filters: session.filters.map(String),
      },
    };
  },
};

/**
 * `memory`: current and peak traced memory, and the tracer's own.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("memory");
 * ```
 */
export const memoryCommand: Command = {
  spec: {
    name: "memory",
    summary: "Current and peak traced memory",
    help: [
      "Shows the current and peak size of traced memory, and the memory the tracer uses for its traces.",
    ],
    args: [],
    options: [],
  },
  async run(session) {
    const status = await session.target.status();
    return {
      lines: memoryLines(status).map((line) => line.replace(/ {2,}/, " ")),
      data: {
        current: status.memory.current,
        peak: status.memory.peak,
        tracer: status.tracerMemory,
      },
    };
  },
};

/**
 * `reset-peak`: sets the peak to the current size.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("reset-peak");
 * ```
 */
export const resetPeakCommand: Command = {
  spec: {
    name: "reset-peak",
    summary: "Set the peak of traced memory to its current size",
    help: [
      "Sets the peak of traced memory to the current size, to measure the peak of what comes next.",
    ],
    args: [],
    options: [],
  },
  async run(session) {
    await session.target.resetPeak();
    const { memory } = await session.target.status();
    return {
      lines: [`peak reset to ${formatSize(memory.peak, false)}`],
      data: { current: memory.current, peak: memory.peak },
    };
  },
};

/**
 * `clear`: forgets the target's traces, tracing goes on.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("clear");
 * ```
 */
export const clearCommand: Command = {
  spec: {
    name: "clear",
    summary: "Forget the target's traces (tracing goes on)",
    help: [
      "Forgets every trace the target holds; tracing goes on. Snapshots already taken stay.",
    ],
    args: [],
    options: [],
  },
  async run(session) {
    await session.target.clearTraces();
    return { lines: ["traces cleared"], data: { cleared: true } };
  },
};

/**
 * `gc`: a full garbage collection in the target.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("gc");
 * ```
 */
export const gcCommand: Command = {
  spec: {
    name: "gc",
    summary: "Force a garbage collection in the target",
    help: [
      "Runs a full garbage collection in the target, so a snapshot shows only live memory.",
    ],
    args: [],
    options: [],
  },
  async run(session): Promise<CommandResult> {
    if (!(await session.target.gc())) {
      throw new CommandError(
        "gc",
        "this runtime cannot force a garbage collection",
      );
    }
    return { lines: ["garbage collected"], data: { collected: true } };
  },
};

function memoryLines(status: TargetStatus): string[] {
  return [
    `traced memory: current ${formatSize(status.memory.current, false)}, peak ${formatSize(status.memory.peak, false)}`,
    `tracer memory: ${formatSize(status.tracerMemory, false)}`,
  ];
}

function statusJson(status: TargetStatus): { [key: string]: JsonValue } {
  return {
    runtime: status.runtime,
    target: status.command,
    pid: status.pid,
    tracing: status.tracing,
    tracebackLimit: status.tracebackLimit,
    memory: { current: status.memory.current, peak: status.memory.peak },
    tracerMemory: status.tracerMemory,
    limits: [...status.limits],
    workers: workersStatus(status.runtime),
    engine: status.engine
      ? { name: status.engine.name, lineLevel: status.engine.lineLevel, sampling: status.engine.sampling }
      : null,
    exit: status.exit ? { code: status.exit.code, signal: status.exit.signal } : null,
  };
}
