import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../src/runtime/index.ts";
import { preloadCommand } from "../../src/runtime/spawn.ts";
import { startupSettings } from "../../src/startup-env.ts";

const rt = runtime();
const startupModule = fileURLToPath(
  new URL("../../src/startup.ts", import.meta.url),
);
const tracerUrl = new URL("../../src/tracer.ts", import.meta.url).href;

/** A program that reports, on its first line, whether tracing is on, then what a snapshot holds. */
const program = `import * as tracemalloc from ${JSON.stringify(tracerUrl)};
const first = { tracing: tracemalloc.isTracing(), limit: tracemalloc.getTracebackLimit() };
function keepEarly(): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < 300; i++) out.push(new Array(1000).fill(i + 0.5));
  return out;
}
const kept = keepEarly();
let files: string[] = [];
let engine: string | null = null;
if (first.tracing) {
  engine = tracemalloc.status().engine?.name ?? null;
  const snapshot = await tracemalloc.takeSnapshot();
  files = [...new Set([...snapshot.traces].map((t) => \`\${t.traceback.at(-1)!.filename}:\${t.traceback.at(-1)!.lineno}\`))];
  await tracemalloc.stop();
}
console.log(JSON.stringify({ ...first, files, engine, kept: kept.length }));
`;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the program under this runtime with the startup module preloaded and `env` added. */
async function runPreloaded(env: Record<string, string>): Promise<Outcome> {
  const dir = await mkdtemp(join(tmpdir(), "tracemalloc-startup-"));
  try {
    // .mts: an ES module wherever it lies, so top-level await works under tsx too.
    const script = join(dir, "app.mts");
    await writeFile(script, program);
    const { command, args } = preloadCommand(
      rt.name,
      startupModule,
      script,
      [],
    );
    const childEnv: Record<string, string | undefined> = {
      ...process.env,
      ...env,
    };
    for (const name of Object.keys(childEnv)) if (name.startsWith("TRACEMALLOC_")) delete childEnv[name];
    if (!("TRACEMALLOC" in env)) delete childEnv.TRACEMALLOC;
    Object.assign(childEnv, env);
    return await new Promise<Outcome>((resolve) => {
      execFile(
        command,
        args,
        { env: childEnv, timeout: 60_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function report(
  outcome: Outcome,
): { tracing: boolean; limit: number; files: string[]; engine: string | null; kept: number } {
  assert.equal(outcome.code, 0, outcome.stderr);
  const line = outcome.stdout.trim().split("\n").at(-1)!;
  return JSON.parse(line);
}

test("TRACEMALLOC=NFRAME with the startup module preloaded traces from the program's first line, at exact lines", async () => {
  const result = report(await runPreloaded({ TRACEMALLOC: "3", TRACEMALLOC_SAMPLE_EVERY: "4" }));
  assert.equal(result.tracing, true);
  assert.equal(result.limit, 3);
  assert.equal(result.kept, 300);
  assert.equal(result.engine, "line");
  // Line 5 of app.mts makes the arrays: `new Array(1000).fill(...)`.
  assert.ok(result.files.some((f) => f.endsWith("app.mts:5")), `frames at app.mts:5: ${result.files.join(", ")}`);
});

test("TRACEMALLOC_ENGINE picks the runtime's own heap engine instead", async () => {
  const sampler = rt.capabilities.heapSampler;
  const result = report(
    await runPreloaded({
      TRACEMALLOC: "3",
      TRACEMALLOC_ENGINE: sampler ? "sampler" : "census",
      TRACEMALLOC_SAMPLING_INTERVAL: "4096",
    }),
  );
  assert.equal(result.engine, sampler ? "sampler" : "census");
  if (sampler) {
    assert.ok(result.files.some((f) => f.includes("app.mts:")), `frames in app.mts: ${result.files.join(", ")}`);
  } else {
    assert.ok(result.files.some((f) => f.startsWith("<jsc:")), `census frames: ${result.files.join(", ")}`);
  }
});

test("without TRACEMALLOC the startup module does not trace", async () => {
  const result = report(await runPreloaded({}));
  assert.equal(result.tracing, false);
});

test("TRACEMALLOC=0 does not trace", async () => {
  const result = report(await runPreloaded({ TRACEMALLOC: "0" }));
  assert.equal(result.tracing, false);
});

test("an invalid TRACEMALLOC stops the program with one line naming the variable, no stack trace", async () => {
  const outcome = await runPreloaded({ TRACEMALLOC: "lots" });
  assert.equal(outcome.code, 1);
  assert.equal(
    outcome.stderr,
    'tracemalloc: TRACEMALLOC: invalid number "lots" (a non-negative integer is expected)\n',
  );
  assert.doesNotMatch(outcome.stdout, /tracing/);
});

test("startupSettings reads the engine, how often it samples and what it leaves alone", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.deepEqual(
    startupSettings(env({
      TRACEMALLOC: "5",
      TRACEMALLOC_ENGINE: "line",
      TRACEMALLOC_SAMPLE_EVERY: "64",
      TRACEMALLOC_EXCLUDE: ["*/vendor/*", "*.min.js"].join(delimiter),
    })),
    { nframe: 5, options: { engine: "line", sampleEvery: 64, exclude: ["*/vendor/*", "*.min.js"] } },
  );
  assert.throws(() => startupSettings(env({ TRACEMALLOC: "1", TRACEMALLOC_ENGINE: "fast" })), /TRACEMALLOC_ENGINE/);
  assert.throws(
    () => startupSettings(env({ TRACEMALLOC: "1", TRACEMALLOC_SAMPLE_EVERY: "x" })),
    /TRACEMALLOC_SAMPLE_EVERY/,
  );
});

test("startupSettings reads the number of frames and the sampling interval", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.deepEqual(startupSettings(env({ TRACEMALLOC: "25" })), {
    nframe: 25,
    options: {},
  });
  assert.deepEqual(
    startupSettings(
      env({ TRACEMALLOC: "1", TRACEMALLOC_SAMPLING_INTERVAL: "65536" }),
    ),
    { nframe: 1, options: { samplingInterval: 65536 } },
  );
  assert.equal(startupSettings(env({})), null);
  assert.equal(startupSettings(env({ TRACEMALLOC: "" })), null);
  assert.equal(startupSettings(env({ TRACEMALLOC: "0" })), null);
  assert.throws(
    () => startupSettings(env({ TRACEMALLOC: "-2" })),
    /TRACEMALLOC: invalid number/,
  );
  assert.throws(
    () =>
      startupSettings(
        env({ TRACEMALLOC: "1", TRACEMALLOC_SAMPLING_INTERVAL: "big" }),
      ),
    /TRACEMALLOC_SAMPLING_INTERVAL/,
  );
});
