/**
 * The line engine puts each allocation at the line it has in the file, on
 * every runtime: a CommonJS program whose text the runtime reshapes before
 * evaluating it (Bun evaluates a body it printed itself: blank lines
 * dropped, multi-line literals re-wrapped, consecutive `const`s merged
 * onto one line, TypeScript's types gone) runs traced from its first line,
 * every allocation sampled, and the lines of its file holding allocations
 * in a snapshot must be exactly those marked `// site` in the file.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../../src/runtime/index.ts";
import { scriptCommand } from "../../../src/runtime/spawn.ts";

const startup = fileURLToPath(new URL("../../../src/startup.ts", import.meta.url));
const tracerUrl = new URL("../../../src/tracer.ts", import.meta.url).href;

/** Appended after the program's last line: prints the lines of `entry` holding allocations in a snapshot. */
function probe(entry: string): string {
  return `\n;import(${JSON.stringify(tracerUrl)}).then(async (t) => {` +
    ` const lines = (await t.takeSnapshot()).statistics("lineno").map(String)` +
    `.map((s) => s.split(${JSON.stringify(`/${entry}:`)})).filter((p) => p.length === 2).map((p) => parseInt(p[1]));` +
    ` console.log("#tm-lines " + JSON.stringify(lines.sort((a, b) => a - b))); });\n`;
}

/** Runs `text` as `entry` traced from its first line; the sorted lines of `entry` holding allocations. */
async function allocatingLines(entry: string, text: string): Promise<number[]> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tm-positions-")));
  try {
    const path = join(dir, entry);
    writeFileSync(path, text + probe(entry));
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
    for (const name of Object.keys(env)) if (name.startsWith("TRACEMALLOC")) delete env[name];
    Object.assign(env, { TRACEMALLOC: "1", TRACEMALLOC_SAMPLE_EVERY: "1", TRACEMALLOC_CACHE_DIR: join(dir, ".cache") });
    const { command, args } = scriptCommand(runtime().name, path, [], startup);
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(command, args, { cwd: dir, env, timeout: 60_000 }, (_err, stdout, stderr) => {
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      });
    });
    const report = stdout.match(/^#tm-lines (.*)$/m);
    assert.ok(report, `no report:\n${stdout}\n${stderr}`);
    const lastLine = text.split("\n").length;
    return (JSON.parse(report[1]) as number[]).filter((line) => line <= lastLine); // not the probe's own
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The 1-based lines of `text` marked `// site`. */
function marked(text: string): number[] {
  return text.split("\n").flatMap((line, i) => line.endsWith("// site") ? [i + 1] : []);
}

const JS = `"use strict";
const kept = []; // site

const config = { // site
  name: "service",
  limits: [ // site
    1,
    2,
  ],
};
const first = [1, 2]; // site
const second = { k: 1 }; // site


function make(i) {
  const one = [i]; // site
  const two = { i }; // site

  const three = new Map([[i, one]]); // site

  return [one, two, three]; // site
}
for (let i = 0; i < 50; i++) kept.push(make(i));
module.exports = { kept, config, first, second }; // site
`;

const TS = `"use strict";
interface Entry {
  id: number;
  tags: string[];
}

const kept: Entry[] = []; // site
const base: number[] = [ // site
  1,
  2,
];
const limits = { low: 1, high: 2 }; // site

function make(id: number): Entry {
  const tags: string[] = [String(id)]; // site
  const entry: Entry = { // site
    id,
    tags,
  };

  return entry;
}
for (let i = 0; i < 50; i++) kept.push(make(i));
module.exports = { kept, base, limits }; // site
`;

test("a CommonJS file's allocations are at its own lines: blank lines, multi-line literals, consecutive consts", async () => {
  assert.deepEqual(await allocatingLines("service.cjs", JS), marked(JS));
});

test("a CommonJS TypeScript file's allocations are at its own lines: types, blank lines, multi-line literals", async () => {
  assert.deepEqual(await allocatingLines("service.cts", TS), marked(TS));
});
