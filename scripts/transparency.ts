/**
 * Runs any command twice, plain and with the line engine preloaded
 * (`TRACEMALLOC=5`, every allocation sampled: `TRACEMALLOC_SAMPLE_EVERY=1`
 * unless set), and compares what the two runs print: a rewritten program
 * must compute exactly what it computed before. Meant for a third-party
 * library's own test suite, checked out outside this checkout.
 *
 * The command's first word names its runtime, and the preload goes in
 * where that runtime takes it, for the command and its child processes:
 *
 * - `node ...`: `NODE_OPTIONS=--import <tsx> --import <startup.ts>` (so
 *   `npm test` style runners that spawn `node` are covered too);
 * - `bun ...`: `BUN_OPTIONS=--preload <startup.ts>`;
 * - `deno run|test ...`: `--preload <startup.ts> --node-modules-dir=manual`
 *   after the subcommand (child processes are not covered).
 *
 * `--ignore REGEX` (repeatable) blanks what may differ between any two runs
 * (timings); `--cwd DIR` runs there. Prints both exit codes and wall times,
 * then the lines that differ; exits 1 when the outputs differ.
 *
 * @example
 * ```sh
 * node --import tsx scripts/transparency.ts --cwd /tmp/acorn --ignore '\d+ms' -- node test/run.js
 * node --import tsx scripts/transparency.ts --cwd /tmp/acorn --ignore '\d+ms' -- bun test/run.js
 * ```
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const startup = fileURLToPath(new URL("../src/startup.ts", import.meta.url));
const install = new URL("../src/engines/line/install.ts", import.meta.url).href;
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const scratch = mkdtempSync(join(tmpdir(), "tm-transparency-"));
const statsFile = join(scratch, "stats.jsonl");
/**
 * Preloaded after the startup module: at exit, each process appends what
 * its rewriter did (a file, not the output, which must stay the program's).
 */
const statsPreload = join(scratch, "stats.mjs");
writeFileSync(
  statsPreload,
  `import { appendFileSync } from "node:fs";
import process from "node:process";
import { lineInstallation } from ${JSON.stringify(install)};
process.on("exit", () => {
  const line = lineInstallation();
  const stats = line ? { ...line.rewriter.stats, sites: line.rewriter.sites.size } : null;
  appendFileSync(${JSON.stringify(statsFile)}, JSON.stringify({ pid: process.pid, stats }) + "\\n");
});
`,
);

interface Options {
  cwd: string;
  ignore: RegExp[];
  command: string[];
}

interface Run {
  code: number | null;
  out: string;
  ms: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { cwd: process.cwd(), ignore: [], command: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      options.command = argv.slice(i + 1);
      break;
    }
    if (arg === "--cwd") options.cwd = argv[++i];
    else if (arg === "--ignore") options.ignore.push(new RegExp(argv[++i], "g"));
    else throw new Error(`unknown option ${arg} (usage: [--cwd DIR] [--ignore REGEX]... -- COMMAND...)`);
  }
  if (options.command.length === 0) throw new Error("no command given after --");
  return options;
}

/** The command and environment of the preloaded run. */
function preloaded(command: string[], env: NodeJS.ProcessEnv): { command: string[]; env: NodeJS.ProcessEnv } {
  const traced = {
    ...env,
    TRACEMALLOC: "5",
    TRACEMALLOC_SAMPLE_EVERY: process.env.TRACEMALLOC_SAMPLE_EVERY ?? "1",
  };
  const runtime = command[0].split("/").at(-1);
  if (runtime === "node") {
    const imports = [tsx, pathToFileURL(startup).href, pathToFileURL(statsPreload).href].map((u) => `--import ${u}`);
    return { command, env: { ...traced, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} ${imports.join(" ")}`.trim() } };
  }
  if (runtime === "bun") {
    const preloads = `--preload ${startup} --preload ${statsPreload}`;
    return { command, env: { ...traced, BUN_OPTIONS: `${env.BUN_OPTIONS ?? ""} ${preloads}`.trim() } };
  }
  if (runtime === "deno") {
    const [deno, sub, ...rest] = command;
    const preloads = ["--preload", startup, "--preload", statsPreload, "--node-modules-dir=manual"];
    return { command: [deno, sub, ...preloads, ...rest], env: traced };
  }
  throw new Error(`the command must start with node, bun or deno, not ${command[0]}`);
}

function run(command: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => out += chunk.toString());
    child.stderr.on("data", (chunk: Buffer) => out += chunk.toString());
    child.on("error", (err) => resolve({ code: 127, out: String(err), ms: performance.now() - started }));
    child.on("close", (code) => resolve({ code, out, ms: performance.now() - started }));
  });
}

function normalize(out: string, ignore: RegExp[]): string[] {
  // deno-lint-ignore no-control-regex
  let text = out.replace(/\x1b\[[0-9;]*m/g, "");
  for (const re of ignore) text = text.replace(re, "<…>");
  return text.split("\n");
}

const options = parseArgs(process.argv.slice(2));
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
for (const name of Object.keys(env)) if (name.startsWith("TRACEMALLOC")) delete env[name];
const plain = await run(options.command, options.cwd, env);
const traced = preloaded(options.command, env);
const rewritten = await run(traced.command, options.cwd, traced.env);

let processes: { stats: { rewritten: number; sites: number } | null }[] = [];
try {
  processes = readFileSync(statsFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
} catch {
  // no process reported: nothing was preloaded
}
rmSync(scratch, { recursive: true, force: true });
const modules = processes.reduce((n, p) => n + (p.stats?.rewritten ?? 0), 0);
const sites = processes.reduce((n, p) => n + (p.stats?.sites ?? 0), 0);
console.log(`plain:     exit ${plain.code}, ${(plain.ms / 1000).toFixed(2)} s`);
console.log(
  `rewritten: exit ${rewritten.code}, ${(rewritten.ms / 1000).toFixed(2)} s; ` +
    `${processes.length} processes, ${modules} modules rewritten, ${sites} sites`,
);
const a = normalize(plain.out, options.ignore);
const b = normalize(rewritten.out, options.ignore);
const differing: string[] = [];
for (let i = 0; i < Math.max(a.length, b.length); i++) {
  if (a[i] !== b[i]) {
    differing.push(`line ${i + 1}\n  plain:     ${a[i] ?? "(none)"}\n  rewritten: ${b[i] ?? "(none)"}`);
  }
}
if (plain.code === rewritten.code && differing.length === 0) {
  console.log(`same output (${a.length} lines)`);
} else {
  console.log(`outputs differ on ${differing.length} of ${a.length} lines:`);
  console.log(differing.slice(0, 40).join("\n"));
  process.exitCode = 1;
}
