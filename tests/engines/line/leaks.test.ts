/**
 * The leak suite: for each case of `leak-cases.ts` (a leaking and a churning
 * line in one function, for each kind of allocation site, JavaScript and
 * TypeScript, ES modules and CommonJS, and inside a dependency under
 * `node_modules`), the line engine must name the exact leaking line on top
 * of a comparison of two snapshots, through the REPL, `run` and the TUI, on
 * the runtime the test runner runs on (`npm test` runs it under Node, Deno
 * and Bun). Each program runs from its own folder outside the checkout, as
 * a user's would.
 *
 * The sessions are slow (seconds each, mostly waiting while the program
 * leaks), so they all start together at the first test, a few at a time,
 * and each test checks its own session's outcome.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeName } from "../../../src/runtime/adapter.ts";
import { runtime as currentRuntime } from "../../../src/runtime/index.ts";
import { assertRuntimeAvailable } from "../../session/child-fixtures.ts";
import { type LeakCase, leakCases, removeCase, writeCase } from "./leak-cases.ts";
import {
  type CompareEntry,
  pool,
  type ReplCompare,
  replCompare,
  type RunReport,
  runReport,
  type TuiCompare,
  tuiCompare,
} from "./leak-drivers.ts";

const CASES = leakCases();

/**
 * The runtime this runner runs on: `npm test` runs the suite under Node,
 * Deno and Bun, so each runtime's CLI and programs are exercised once.
 */
const RUNTIMES: readonly RuntimeName[] = [currentRuntime().name];

/** The cases `run` and the TUI go through: ESM, CommonJS, TypeScript, and the dependency under node_modules. */
const RUN_ENTRIES = ["objects.mjs", "arrays.cjs", "classes.ts", "app.js"];
const TUI_ENTRIES = ["classes.ts", "app.js"];

/**
 * The REPL's two snapshots are this far apart. At the default sampling
 * interval (one allocation in 1024) a case's leaking line gets about 30
 * samples a second and its churning line none that survive a snapshot, so
 * a second is plenty; no smaller `--every` is needed.
 */
const REPL_WAIT_MS = 1000;
/** The TUI's snapshots are taken by hand, some seconds apart (the TUI samples one allocation in 16). */
const TUI_WAIT_MS = 2000;
/** `run`'s programs stop after this many seconds (LEAK_SECONDS), then report. */
const RUN_SECONDS = "2";

/**
 * Sessions at once: the programs are light (a burst of 200 requests every
 * 5 ms), so on two cores four sessions keep the machine busy without
 * starving any program's timers.
 */
const CONCURRENCY = 4;
/** A test waits for its session, which may queue behind others. */
const TIMEOUT = { timeout: 180_000 };

/** A session's outcome, or why it failed, with the folder its program ran in (already removed). */
type Settled<T> = { dir: string; value: T; error?: undefined } | { dir: string; error: unknown };

interface Outcomes {
  repl: Map<string, Promise<Settled<ReplCompare>>>;
  run: Map<string, Promise<Settled<RunReport>>>;
  tui: Map<string, Promise<Settled<TuiCompare>>>;
}

let outcomes: Outcomes | undefined;

function key(runtime: RuntimeName, leakCase: LeakCase): string {
  return `${runtime} ${leakCase.entry}`;
}

/** Runs `session` in a fresh folder holding the case, removing it afterwards; never rejects. */
function inCase<T>(leakCase: LeakCase, session: (dir: string) => Promise<T>): Promise<Settled<T>> {
  const written = writeCase(leakCase);
  // Frames name files by their real path: compare against that.
  const dir = realpathSync(written);
  return session(dir).then(
    (value) => ({ dir, value }),
    (error) => ({ dir, error }),
  ).finally(() => removeCase(written));
}

/** Starts every session of the suite (once), a few at a time, in the order the tests ask for them. */
function sessions(): Outcomes {
  if (outcomes) return outcomes;
  const run = pool(CONCURRENCY);
  const started: Outcomes = { repl: new Map(), run: new Map(), tui: new Map() };
  for (const runtime of RUNTIMES) {
    for (const leakCase of CASES) {
      started.repl.set(
        key(runtime, leakCase),
        run(() => inCase(leakCase, (dir) => replCompare(runtime, dir, leakCase.entry, { waitMs: REPL_WAIT_MS }))),
      );
    }
  }
  for (const runtime of RUNTIMES) {
    for (const leakCase of CASES.filter((c) => RUN_ENTRIES.includes(c.entry))) {
      started.run.set(
        key(runtime, leakCase),
        run(() => inCase(leakCase, (dir) => runReport(runtime, dir, leakCase.entry, { LEAK_SECONDS: RUN_SECONDS }))),
      );
    }
  }
  for (const runtime of RUNTIMES) {
    for (const leakCase of CASES.filter((c) => TUI_ENTRIES.includes(c.entry))) {
      started.tui.set(
        key(runtime, leakCase),
        run(() => inCase(leakCase, (dir) => tuiCompare(runtime, dir, leakCase.entry, { waitMs: TUI_WAIT_MS }))),
      );
    }
  }
  return outcomes = started;
}

/** The session's value, or its failure rethrown. */
async function outcome<T>(settled: Promise<Settled<T>> | undefined): Promise<{ dir: string; value: T }> {
  assert.ok(settled, "the session was started");
  const done = await settled;
  if (done.error !== undefined) throw done.error;
  return done as { dir: string; value: T };
}

/** `file:line` of an entry's most recent frame. */
function where(entry: CompareEntry | undefined): string {
  const frame = entry?.traceback.at(-1);
  return frame ? `${frame.file}:${frame.line}` : "(nothing)";
}

for (const runtime of RUNTIMES) {
  for (const leakCase of CASES) {
    test(
      `REPL, ${runtime}: compare puts ${leakCase.leak.file}:${leakCase.leak.line} on top (${leakCase.name})`,
      TIMEOUT,
      async () => {
        assertRuntimeAvailable(runtime);
        const { dir, value } = await outcome(sessions().repl.get(key(runtime, leakCase)));
        const leak = `${join(dir, leakCase.leak.file)}:${leakCase.leak.line}`;
        const churn = `${join(dir, leakCase.churn.file)}:${leakCase.churn.line}`;
        const listing = value.entries.map((e) => e.text).join("\n");
        const top = where(value.entries[0]);
        assert.notEqual(top, churn, `the churning line is on top:\n${listing}`);
        assert.equal(top, leak, `the leaking line is not on top:\n${listing}\n${value.run.stderr}`);
      },
    );
  }
}

for (const runtime of RUNTIMES) {
  for (const leakCase of CASES.filter((c) => RUN_ENTRIES.includes(c.entry))) {
    test(
      `run, ${runtime}: the report at exit puts ${leakCase.leak.file}:${leakCase.leak.line} first (${leakCase.name})`,
      TIMEOUT,
      async () => {
        assertRuntimeAvailable(runtime);
        const { dir, value } = await outcome(sessions().run.get(key(runtime, leakCase)));
        assert.equal(value.run.code, 0, `run failed:\n${value.run.stderr}`);
        assert.deepEqual(
          value.top,
          { file: join(dir, leakCase.leak.file), line: leakCase.leak.line },
          `the leaking line is not first in the report:\n${value.run.stderr}`,
        );
      },
    );
  }
}

for (const runtime of RUNTIMES) {
  for (const leakCase of CASES.filter((c) => TUI_ENTRIES.includes(c.entry))) {
    test(
      `TUI, ${runtime}: c shows ${leakCase.leak.file}:${leakCase.leak.line} on row 1 (${leakCase.name})`,
      TIMEOUT,
      async () => {
        assertRuntimeAvailable(runtime);
        const { value } = await outcome(sessions().tui.get(key(runtime, leakCase)));
        // The TUI shows locations relative to the folder it runs in, which is the case's.
        assert.equal(
          value.row1,
          `${leakCase.leak.file}:${leakCase.leak.line}`,
          `row 1 is not the leaking line:\n${value.compare}`,
        );
      },
    );

    test(
      `TUI, ${runtime}: q after the comparison restores the terminal and ends the program (${leakCase.entry})`,
      TIMEOUT,
      async () => {
        assertRuntimeAvailable(runtime);
        const { value } = await outcome(sessions().tui.get(key(runtime, leakCase)));
        assert.equal(value.exitStatus, 0);
        assert.equal(value.alternate, "0", "back on the normal screen");
        assert.equal(value.cursor, "1", "the cursor is shown");
        assert.equal(value.modes, "icanon echo", "canonical mode and echo are back");
        assert.equal(value.programOutlived, false, "the traced program is gone");
      },
    );
  }
}
