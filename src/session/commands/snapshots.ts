/**
 * Commands about snapshots: snapshot, snapshots, dump, load.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { formatSize } from "../../model/format.ts";
import { Snapshot } from "../../model/snapshot.ts";
import type { Command, JsonValue } from "../command.ts";
import { CommandError } from "../errors.ts";
import type { SnapshotEntry } from "../session.ts";
import { padEnd, textWidth } from "../../text/width.ts";

/** Labels are single words that cannot be taken for options. */
const LABEL = /^[^\s-]\S*$/;

function checkLabel(command: string, label: string): string {
  if (!LABEL.test(label)) {
    throw new CommandError(
      command,
      `bad label ${JSON.stringify(label)}: a label is one word not starting with -`,
    );
  }
  return label;
}

/** Number of traces and their total size, unfiltered. */
function totals(snapshot: Snapshot): { traces: number; size: number } {
  const { size, length } = snapshot.columns;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += size[i];
  return { traces: length, size: sum };
}

function describe(entry: SnapshotEntry): string {
  const { traces, size } = totals(entry.snapshot);
  return `${traces} traces, ${formatSize(size, false)}`;
}

function snapshotJson(entry: SnapshotEntry): { [key: string]: JsonValue } {
  return {
    label: entry.label,
    origin: entry.origin,
    source: entry.source,
    file: entry.file ?? null,
    time: entry.time.toISOString(),
    tracebackLimit: entry.snapshot.tracebackLimit,
    ...totals(entry.snapshot),
  };
}

/**
 * `snapshot [--gc] [LABEL]`: takes a snapshot of the target's traces
 * (after a full garbage collection with `--gc`).
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("snapshot before");
 * await session.execute("snapshot --gc exact"); // live objects only
 * ```
 */
export const snapshotCommand: Command = {
  spec: {
    name: "snapshot",
    summary: "Take a snapshot of the traces, labelled LABEL (default s1, s2, ...)",
    help: [
      "Takes a snapshot of the target's live traces and keeps it under LABEL (default s1, s2, ...).",
      "A snapshot with the same label is replaced. Tracing must be started.",
      "A full garbage collection runs first (live objects only, as CPython's snapshots) while the",
      "collections snapshots ran took at most 3% of the program's time; otherwise objects that became",
      "garbage since the last collection may still count (a collection stalls the program about 1 ms per",
      "MB of heap). --gc always runs one first, as the gc command does.",
    ],
    args: [{ name: "LABEL", optional: true, complete: "none" }],
    options: [{ name: "gc", help: "run a full garbage collection first: live objects only" }],
  },
  async run(session, args) {
    const label = args.text("LABEL");
    if (label !== undefined) checkLabel("snapshot", label);
    const gc = args.flag("gc");
    const { command } = await session.target.status();
    const snapshot = await session.activity(
      gc ? "collecting garbage, then taking a snapshot" : "taking a snapshot",
      session.target.takeSnapshot(gc ? { gc: true } : undefined),
    );
    const { entry, replaced } = session.addSnapshot({
      label,
      snapshot,
      origin: "taken",
      time: new Date(),
      source: command,
    });
    return {
      lines: [
        `${entry.label}: ${describe(entry)}${replaced ? " (replaced)" : ""}`,
      ],
      data: { ...snapshotJson(entry), replaced },
    };
  },
};

/**
 * `snapshots`: the snapshots held, oldest first.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("snapshots");
 * ```
 */
export const snapshotsCommand: Command = {
  spec: {
    name: "snapshots",
    summary: "List the snapshots held",
    help: [
      "Lists the snapshots held: label, when, traces, total size (before filters) and where from.",
    ],
    args: [],
    options: [],
  },
  run(session) {
    const entries = [...session.snapshots.values()];
    const width = Math.max(5, ...entries.map((e) => textWidth(e.label)));
    const lines = entries.length
      ? entries.map((e) =>
        `${padEnd(e.label, width)}  ${e.time.toTimeString().slice(0, 8)}  ${describe(e)}  ` +
        `${e.origin === "loaded" ? "loaded from" : "from"} ${e.source}`
      )
      : ["no snapshots"];
    return Promise.resolve({
      lines,
      data: { snapshots: entries.map(snapshotJson) },
    });
  },
};

/**
 * `dump LABEL FILE`: writes a snapshot in the binary dump format.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("dump before before.dump");
 * ```
 */
export const dumpCommand: Command = {
  spec: {
    name: "dump",
    summary: "Write snapshot LABEL to FILE",
    help: [
      "Writes snapshot LABEL to FILE in the binary dump format, atomically (all of it or nothing).",
      "The whole snapshot is written, whatever the active filters.",
    ],
    args: [{ name: "LABEL", complete: "label" }, {
      name: "FILE",
      complete: "file",
    }],
    options: [],
  },
  async run(session, args) {
    const entry = session.snapshotEntry("dump", args.text("LABEL"));
    const file = args.text("FILE")!;
    await session.activity(`writing ${file}`, entry.snapshot.dump(file));
    session.noteDumped(entry.label, file);
    const bytes = (await stat(file)).size;
    return {
      lines: [
        `${entry.label} written to ${file} (${formatSize(bytes, false)})`,
      ],
      data: { label: entry.label, file, bytes },
    };
  },
};

/**
 * `load FILE [LABEL]`: reads a dump file as a snapshot.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("load before.dump old");
 * ```
 */
export const loadCommand: Command = {
  spec: {
    name: "load",
    summary: "Read a dump FILE as snapshot LABEL (default s1, s2, ...)",
    help: [
      "Reads a snapshot written by dump (or by run --dump) and keeps it under LABEL (default s1, s2, ...).",
      "A damaged or foreign file is refused with the reason.",
    ],
    args: [{ name: "FILE", complete: "file" }, {
      name: "LABEL",
      optional: true,
      complete: "none",
    }],
    options: [],
  },
  async run(session, args) {
    const file = args.text("FILE")!;
    const label = args.text("LABEL");
    if (label !== undefined) checkLabel("load", label);
    const snapshot = await session.activity(
      `reading ${file}`,
      Snapshot.load(file),
    );
    const { entry, replaced } = session.addSnapshot({
      label,
      snapshot,
      origin: "loaded",
      file,
      time: new Date(),
      source: file,
    });
    return {
      lines: [
        `${entry.label}: ${describe(entry)} from ${file}${replaced ? " (replaced)" : ""}`,
      ],
      data: { ...snapshotJson(entry), replaced },
    };
  },
};
