/**
 * The commands a session understands, by name, in the order `help` lists
 * them.
 *
 * @module
 */
import type { Command } from "./command.ts";
import { attachCommand, detachCommand } from "./commands/attach.ts";
import { exportCommand } from "./commands/export.ts";
import { filterCommand } from "./commands/filter.ts";
import { leaksCommand } from "./commands/leaks.ts";
import { compareCommand, statsCommand, topCommand } from "./commands/listings.ts";
import { helpCommand, quitCommand } from "./commands/meta.ts";
import { evalCommand, runCommand, waitCommand } from "./commands/program.ts";
import { dumpCommand, loadCommand, snapshotCommand, snapshotsCommand } from "./commands/snapshots.ts";
import { retainersCommand } from "./commands/retainers.ts";
import { tracebackCommand } from "./commands/traceback.ts";
import {
  clearCommand,
  gcCommand,
  memoryCommand,
  resetPeakCommand,
  startCommand,
  statusCommand,
  stopCommand,
} from "./commands/tracing.ts";

/**
 * A set of commands by name.
 *
 * @example
 * ```ts
 * const registry = defaultRegistry();
 * registry.get("stats")?.spec.summary; // "Statistics of a snapshot, biggest first"
 * ```
 */
export class CommandRegistry {
  readonly #byName = new Map<string, Command>();

  /** A registry of `commands`, in help order. */
  constructor(commands: readonly Command[]) {
    for (const command of commands) {
      this.#byName.set(command.spec.name, command);
    }
  }

  /** The command called `name`, or `undefined`. */
  get(name: string): Command | undefined {
    return this.#byName.get(name);
  }

  /** Every command, in help order. */
  list(): readonly Command[] {
    return [...this.#byName.values()];
  }

  /** Command names, in help order. */
  names(): readonly string[] {
    return [...this.#byName.keys()];
  }

  /** ` (did you mean stats?)` when names are close to `typo` (all the closest ones), else `""`. */
  suggest(typo: string): string {
    // The distance is at least the difference in length: names that far off are not compared (a huge typo costs nothing).
    const near = [...this.#byName.keys()].filter((name) => Math.abs(name.length - typo.length) <= reach(name));
    const scored = near.map((name) => ({ name, d: distance(typo, name) }));
    if (!scored.length) return "";
    const best = Math.min(...scored.map((s) => s.d));
    const close = scored.filter((s) => s.d === best && s.d <= reach(s.name));
    return close.length ? ` (did you mean ${close.map((s) => s.name).join(" or ")}?)` : "";
  }
}

/** How many edits from a name a typo may be and still be suggested. */
function reach(name: string): number {
  return Math.max(1, Math.floor(name.length / 3));
}

/** Edit distance with transpositions (`stast` is one edit from `stats`), small strings only. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The whole command language.
 *
 * @example
 * ```ts
 * defaultRegistry().names(); // ["start", "stop", "status", ...]
 * ```
 */
export function defaultRegistry(): CommandRegistry {
  return new CommandRegistry([
    startCommand,
    stopCommand,
    statusCommand,
    snapshotCommand,
    snapshotsCommand,
    statsCommand,
    compareCommand,
    leaksCommand,
    topCommand,
    tracebackCommand,
    retainersCommand,
    filterCommand,
    memoryCommand,
    resetPeakCommand,
    clearCommand,
    gcCommand,
    dumpCommand,
    loadCommand,
    exportCommand,
    runCommand,
    attachCommand,
    detachCommand,
    evalCommand,
    waitCommand,
    helpCommand,
    quitCommand,
  ]);
}
