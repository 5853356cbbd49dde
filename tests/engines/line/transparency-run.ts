/**
 * Helpers of the transparency test: a fixture program copied to a fresh
 * temp directory outside the checkout and run twice under the runtime the
 * test runs on, plain and with the startup preload tracing through the
 * line engine (every allocation sampled), each run printing one JSON
 * object of checks.
 *
 * Only the rewritten run is given `TM_PROBE` (the tracer's URL): a line the
 * helper appends to the entry's copy (after its last line, so no line
 * moves) then takes a snapshot and prints how many lines of the entry hold
 * sampled allocations, which shows that the module really was rewritten.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../../src/runtime/index.ts";
import { scriptCommand } from "../../../src/runtime/spawn.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const startup = fileURLToPath(new URL("../../../src/startup.ts", import.meta.url));
const tracerUrl = new URL("../../../src/tracer.ts", import.meta.url).href;

/** What one run printed. */
export interface Run {
  code: number;
  /** The checks, by name (empty when the program printed no JSON line). */
  checks: Record<string, unknown>;
  /** Lines of the entry holding sampled allocations (`null`: no probe report). */
  sampledLines: number | null;
  stderr: string;
  ms: number;
}

/** The two runs of one fixture. */
export interface Pair {
  plain: Run;
  rewritten: Run;
}

/** Appended to the entry: the rewritten run's report of what the tracer saw in this file. */
function probe(entry: string): string {
  return `\n;if (process.env.TM_PROBE) import(process.env.TM_PROBE).then(async (t) => {` +
    ` const lines = (await t.takeSnapshot()).statistics("lineno").map(String)` +
    `.filter((s) => s.includes(${JSON.stringify(entry)} + ":")).length;` +
    ` process.stderr.write("#tm-sampled-lines " + lines + "\\n"); });\n`;
}

/**
 * Copies `files` (fixture names, the first the entry, `rename` giving a
 * copy another name) to a fresh directory, appends `extra` and the probe
 * to the entry, and runs it plain and rewritten.
 */
export async function runPair(
  files: readonly string[],
  options: { rename?: string; extra?: string } = {},
): Promise<Pair> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tm-transparency-")));
  try {
    const entry = options.rename ?? files[0];
    for (const [i, name] of files.entries()) copyFileSync(join(fixtures, name), join(dir, i === 0 ? entry : name));
    const path = join(dir, entry);
    writeFileSync(path, readFileSync(path, "utf8") + (options.extra ?? "") + probe(entry));
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
    for (const name of Object.keys(env)) if (name.startsWith("TRACEMALLOC") || name === "TM_PROBE") delete env[name];
    const [plain, rewritten] = await Promise.all([
      run(path, dir, env, false),
      run(path, dir, {
        ...env,
        TRACEMALLOC: "5",
        TRACEMALLOC_SAMPLE_EVERY: "1",
        // A cache of its own: plans made by another version of the rewriter must not be read.
        TRACEMALLOC_CACHE_DIR: join(dir, ".cache"),
        TM_PROBE: tracerUrl,
      }, true),
    ]);
    return { plain, rewritten };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(path: string, cwd: string, env: Record<string, string | undefined>, preload: boolean): Promise<Run> {
  const { command, args } = scriptCommand(runtime().name, path, [], preload ? startup : undefined);
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      const line = String(stdout).split("\n").find((l) => l.startsWith("{"));
      const sampled = String(stderr).match(/^#tm-sampled-lines (\d+)$/m);
      resolve({
        code,
        checks: line ? JSON.parse(line) as Record<string, unknown> : {},
        sampledLines: sampled ? Number(sampled[1]) : null,
        stderr: String(stderr),
        ms: performance.now() - started,
      });
    });
  });
}
