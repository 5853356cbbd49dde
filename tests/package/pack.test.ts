/**
 * The package as a user gets it: `npm pack` (whose `prepack` compiles the
 * package to JavaScript), `npm install` of the tarball into a fresh project,
 * then the library imported by the package's name, `run`, `repl --script`,
 * `stats` on the dump it wrote and `tui` on that project's own files.
 *
 * Each runner tests its own runtime: node --test runs `npx tracemalloc`,
 * bun test `bunx --bun tracemalloc`, deno test `deno run -A
 * npm:tracemalloc-js` (and the checkout's `mod.ts` from a folder without a
 * package.json). The pack and the install are done once for all three: the
 * project is kept in the temporary directory under the hash of what goes
 * into the package, and a runner that finds it ready uses it.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "node_modules", ".bin");
const versions = process.versions as Record<string, string | undefined>;
const runtime = versions.bun ? "bun" : versions.deno ? "deno" : "node";
const NAME = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string }).name;

/** What goes into the package: a change to any of these packs it again. */
const PACKED = ["package.json", "README.md", "mod.ts", "scripts/build.ts", "scripts/demo.ts", "src", "tui"];

/** The user's project: a program that keeps its memory, a server, a REPL script and a library user. */
const PROJECT: Record<string, string> = {
  "package.json": JSON.stringify({ name: "pack-test-project", private: true, type: "module" }, null, 2),
  "leak.ts": [
    "const cache: Uint8Array[] = [];",
    "(globalThis as { cache?: unknown }).cache = cache;",
    "for (let i = 0; i < 64; i++) cache.push(new Uint8Array(64 * 1024)); // LEAK",
    "console.log(`cached ${cache.length} buffers`);",
    "",
  ].join("\n"),
  "server.ts": [
    "const sessions: Uint8Array[] = [];",
    "for (let i = 0; i < 32; i++) sessions.push(new Uint8Array(32 * 1024)); // LEAK",
    "console.log(`serving ${sessions.length} sessions`);",
    "setInterval(() => sessions.length, 1000);",
    "",
  ].join("\n"),
  "leak-check.mjs": [
    `import { assertNoLeak } from "${NAME}";`,
    "const kept = [];",
    "try {",
    "  await assertNoLeak(() => { kept.push(new Uint8Array(1024)); }); // LEAK",
    "  console.log('no leak found');",
    "} catch (error) {",
    "  console.log(error.message);",
    "}",
    "",
  ].join("\n"),
  "lib.mjs": library(NAME, "lib.mjs"),
  "lib-npm.mjs": library(`npm:${NAME}`, "lib-npm.mjs"),
  "typed.ts": [
    `import { Filter, type Snapshot, start, takeSnapshot, type TracerStatus } from "${NAME}";`,
    "await start(1);",
    "const snapshot: Snapshot = await takeSnapshot();",
    "const lines: number = snapshot.filterTraces([new Filter(true, '*')]).statistics('lineno').length;",
    "export const shown: [number, TracerStatus | null] = [lines, null];",
    "",
  ].join("\n"),
  "tsconfig.json": JSON.stringify({
    compilerOptions: { module: "nodenext", target: "es2023", strict: true, noEmit: true, types: [] },
    files: ["typed.ts"],
  }),
};

/** A program that traces itself through the library imported as `specifier`, printing its own lines. */
function library(specifier: string, file: string): string {
  return [
    `import { Filter, start, stop, takeSnapshot } from "${specifier}";`,
    "await start(1);",
    "const kept = [];",
    "for (let i = 0; i < 32; i++) kept.push(new Uint8Array(32 * 1024)); // LEAK",
    `const snapshot = (await takeSnapshot()).filterTraces([new Filter(true, "*/${file}", null, false, 1)]);`,
    "await stop();",
    "for (const stat of snapshot.statistics('lineno').slice(0, 3)) console.log(String(stat));",
    "globalThis.kept = kept; // held past the snapshot, which may collect garbage first",
    "",
  ].join("\n");
}

function files(entry: string): string[] {
  const path = join(root, entry);
  if (!statSync(path).isDirectory()) return [entry];
  return readdirSync(path, { recursive: true, encoding: "utf8" })
    .map((name) => join(entry, name))
    .filter((name) => statSync(join(root, name)).isFile())
    .sort();
}

/** An environment for the tools: this checkout's runtimes first, nothing of the test runner's or the tracer's. */
function toolEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith("TRACEMALLOC") || name.startsWith("NODE_TEST")) continue;
    if (name === "NODE_OPTIONS" || name === "FORCE_COLOR") continue;
    env[name] = value;
  }
  env.PATH = bin + delimiter + (process.env.PATH ?? "");
  env.NO_COLOR = "1";
  return env;
}

function must(cmd: string, args: string[], cwd: string): string {
  const result = spawnSync(cmd, args, { cwd, env: toolEnv(), encoding: "utf8", timeout: 180_000 });
  assert.equal(result.status, 0, `${cmd} ${args.join(" ")} in ${cwd}: ${result.error ?? ""}\n${result.stderr}`);
  return result.stdout;
}

/**
 * The packed package installed in a fresh project (its folder): made once
 * per content of the package, atomically, and kept for the other runners.
 */
function installedProject(): string {
  const hash = createHash("sha256");
  // The project's own files count too: a changed test program makes a new project.
  for (const [name, text] of Object.entries(PROJECT)) hash.update(name + "\0").update(text).update("\0");
  for (const name of PACKED.flatMap(files)) {
    hash.update(name + "\0").update(readFileSync(join(root, name))).update("\0");
  }
  const prefix = "tracemalloc-pack-";
  const ready = join(tmpdir(), prefix + hash.digest("hex").slice(0, 16));
  if (existsSync(join(ready, "ready"))) return join(ready, "project");

  const work = mkdtempSync(join(tmpdir(), prefix + "tmp-"));
  try {
    const stage = join(work, "stage");
    for (const name of PACKED) cpSync(join(root, name), join(stage, name), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(stage, "node_modules"), "dir");
    const packed = must("npm", ["pack", "--silent", "--pack-destination", work], stage).trim().split("\n").at(-1)!;
    unlinkSync(join(stage, "node_modules"));
    rmSync(stage, { recursive: true });

    const project = join(work, "project");
    mkdirSync(project);
    for (const [name, text] of Object.entries(PROJECT)) writeFileSync(join(project, name), text);
    must("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `../${packed}`], project);
    writeFileSync(join(work, "ready"), "");
    try {
      renameSync(work, ready);
    } catch {
      // another runner made it first
      if (!existsSync(join(ready, "ready"))) throw new Error(`cannot move ${work} to ${ready}`);
    }
  } finally {
    if (existsSync(work)) rmSync(work, { recursive: true, force: true });
  }
  // Projects of earlier contents, once nobody can still be using them.
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith(prefix) || path === ready) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > 3600_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone, or not ours
    }
  }
  return join(ready, "project");
}

let project: string | undefined;
const projectDir = () => project ??= installedProject();

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string[], cwd: string, timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd, env: toolEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => stdout += chunk.toString());
    child.stderr.on("data", (chunk: Buffer) => stderr += chunk.toString());
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The command line of `tracemalloc` from the project, as a user of this runtime starts it. */
function cli(): string[] {
  switch (runtime) {
    case "node":
      return ["npx", "--no-install", "tracemalloc"];
    case "bun":
      return [process.execPath, "x", "--bun", "tracemalloc"];
    default:
      return [process.execPath, "run", "-A", `npm:${NAME}`];
  }
}

const line = (file: string) => PROJECT[file].split("\n").findIndex((text) => text.includes("// LEAK")) + 1;
const show = (ran: Ran) => `exit ${ran.code}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;

test(`${runtime}: the installed package is imported by its name`, async () => {
  const dir = projectDir();
  const scripts = runtime === "deno" ? ["lib.mjs", "lib-npm.mjs"] : ["lib.mjs"];
  for (const script of scripts) {
    const args = runtime === "deno" ? ["run", "-A", script] : [script];
    const ran = await run([process.execPath, ...args], dir);
    assert.equal(ran.code, 0, show(ran));
    assert.match(ran.stdout, new RegExp(`/${script}:${line("lib.mjs")}: size=1024 KiB, count=32`), show(ran));
  }
});

test(`${runtime}: the package's leak check, with its preload, names a leaking function's line`, async () => {
  const preload = {
    node: ["--import", `${NAME}/testing/preload`],
    bun: ["--preload", `${NAME}/testing/preload`],
    deno: ["run", "-A", "--preload", `./node_modules/${NAME}/dist/src/testing/preload.js`],
  }[runtime];
  const ran = await run([process.execPath, ...preload, "leak-check.mjs"], projectDir());
  assert.equal(ran.code, 0, show(ran));
  assert.match(ran.stdout, new RegExp(`/leak-check\\.mjs:${line("leak-check.mjs")}: \\+\\d+ B per run`), show(ran));
});

// Declarations do not depend on the runtime: tsc checks them once, in the node runner.
const ONLY_NODE = runtime !== "node" && "the declarations are checked once, by tsc in the node runner";

test("node: the package's declarations type-check a TypeScript user of it", { skip: ONLY_NODE }, async () => {
  const ran = await run(
    [process.execPath, join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
    projectDir(),
  );
  assert.equal(ran.code, 0, show(ran));
});

test(`${runtime}: tracemalloc run reports the program's leaking line`, async () => {
  const ran = await run([...cli(), "run", "leak.ts"], projectDir());
  assert.equal(ran.code, 0, show(ran));
  assert.match(ran.stdout, /cached 64 buffers/);
  // The 64 buffers (4096 KiB, exact), and what the line engine's samples of the array's growth add.
  const top = ran.stderr.match(new RegExp(`^#1: .*/leak\\.ts:${line("leak.ts")}: ([\\d.]+) KiB$`, "m"));
  assert.ok(top && Number(top[1]) >= 4096, show(ran));
  assert.match(ran.stderr, /cache\.push\(new Uint8Array\(64 \* 1024\)\)/, show(ran));
});

test(`${runtime}: tracemalloc repl --script traces a server and dumps it; stats reads the dump`, async () => {
  const dir = projectDir();
  const dump = `server-${runtime}.dump`;
  const script = `session-${runtime}.txt`;
  writeFileSync(
    join(dir, script),
    [
      "start 1",
      "run server.ts",
      "wait 1000",
      "snapshot s",
      "filter include '*/server.ts' --domain 1",
      "stats s --limit 1",
    ]
      .concat([`dump s ${dump}`, "quit", ""]).join("\n"),
  );
  // The buffers' domain alone: the line engine may also sample the typed-array objects of that line (domain 0).
  const leak = new RegExp(`/server\\.ts:${line("server.ts")}: size=1024 KiB, count=32, average=32\\.0 KiB`);
  const session = await run([...cli(), "repl", "--script", script], dir);
  assert.equal(session.code, 0, show(session));
  assert.match(session.stdout, /started \w+ server\.ts \(pid \d+/, show(session));
  assert.match(session.stdout, leak, show(session));

  const stats = await run(
    // Inclusive filters are OR'd (as CPython's): `--include GLOB` beside `--include-domain 1` would let a domain-0
    // sample of that line in; the buffers' domain alone keeps the exact 32 buffers (the biggest domain-1 line).
    [...cli(), "stats", dump, "--include-domain", "1", "--limit", "1"],
    dir,
  );
  assert.equal(stats.code, 0, show(stats));
  assert.match(stats.stdout, leak, show(stats));
});

test(`${runtime}: tracemalloc tui shows the program's lines on a terminal and quits on q`, async () => {
  assert.equal(spawnSync("script", ["--version"]).status, 0, "script(1) (util-linux) gives the TUI its terminal here");
  const dir = projectDir();
  const command = [...cli(), "tui", "server.ts"].map((word) => `'${word}'`).join(" ");
  const child = spawn("script", ["-qfec", `stty cols 120 rows 40; exec ${command}`, "/dev/null"], {
    cwd: dir,
    env: toolEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  const ended = new Promise<number | null>((resolve) => child.on("close", resolve));
  const shown = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      // deno-lint-ignore no-control-regex
      screen += chunk.toString().replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, "");
      if (screen.includes(`server.ts:${line("server.ts")}`)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  try {
    assert.ok(await shown, `no server.ts line on the screen:\n${screen.slice(-3000)}`);
    child.stdin.write("q");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise((resolve) => timer = setTimeout(() => resolve("still running"), 15_000));
    const code = await Promise.race([ended, late]);
    clearTimeout(timer);
    assert.equal(code, 0, `the TUI did not quit on q:\n${screen.slice(-2000)}`);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

test(`${runtime}: tracemalloc --help lists the commands`, async () => {
  const ran = await run([...cli(), "--help"], projectDir());
  assert.equal(ran.code, 0, show(ran));
  for (const command of ["run", "repl", "stats", "compare", "tui"]) {
    assert.match(ran.stdout, new RegExp(`^  ${command} `, "m"));
  }
});

test("deno: the checkout's mod.ts runs and is imported from a folder without a package.json", {
  skip: runtime !== "deno" &&
    "a Deno-only case: Deno resolves a checkout's imports by the config of the folder it runs in",
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tracemalloc-plain-"));
  try {
    const mod = join(root, "mod.ts");
    writeFileSync(join(dir, "main.ts"), library(mod, "main.ts"));
    const version = await run([process.execPath, "run", "-A", mod, "--version"], dir);
    assert.equal(version.code, 0, show(version));
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const imported = await run([process.execPath, "run", "-A", "--node-modules-dir=manual", "main.ts"], dir);
    assert.equal(imported.code, 0, show(imported));
    assert.match(imported.stdout, new RegExp(`/main\\.ts:${line("lib.mjs")}: size=1024 KiB, count=32`), show(imported));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deno.json (for JSR and Deno's links) has package.json's version and runtime dependencies", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  assert.equal(deno.version, pkg.version);
  for (const [name, range] of Object.entries(pkg.dependencies as Record<string, string>)) {
    if (name !== "tsx") assert.equal(deno.imports[name], `npm:${name}@${range}`, name);
  }
});
