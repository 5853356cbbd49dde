/**
 * Finding a running program's inspector from its pid (Linux: `/proc`), or
 * taking the WebSocket address a user gives. Node opens its inspector when
 * sent `SIGUSR1`; Deno and Bun only have one when started with `--inspect`.
 * Only loopback inspectors of the user's own processes are used.
 *
 * @module
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";
import process from "node:process";

/** The runtimes a program can be attached on. */
export type AttachRuntime = "node" | "deno" | "bun";

/**
 * Where a program's inspector listens.
 *
 * @example
 * ```ts
 * import type { FoundInspector } from "./find.ts";
 * const found: FoundInspector = { url: "ws://127.0.0.1:9229/0f2c", pid: 4242, opened: true };
 * ```
 */
export interface FoundInspector {
  /** The inspector's WebSocket address. */
  readonly url: string;
  /** The program's pid, when known before connecting. */
  readonly pid: number | null;
  /** True when attaching opened the inspector (Node, by `SIGUSR1`): detaching closes it again. */
  readonly opened: boolean;
}

/**
 * Why a program cannot be attached, in words for the user (no stack trace).
 *
 * @example
 * ```ts
 * import { AttachError } from "./find.ts";
 * throw new AttachError("no process with pid 4242");
 * ```
 */
export class AttachError extends Error {
  /** @param message what is wrong and, where there is one, what to do */
  constructor(message: string) {
    super(message);
    this.name = "AttachError";
  }
}

/** How long Node may take to open its inspector after `SIGUSR1`. */
const OPEN_TIMEOUT_MS = 5000;
const NODE_DEFAULT_PORT = 9229;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * The inspector of `target`: a pid, or a `ws://` address on loopback.
 *
 * @throws {AttachError} no such process, another user's, not a JS runtime,
 *   no inspector and no way to open one, an address off loopback
 * @example
 * ```ts
 * import { findInspector } from "./find.ts";
 * const { url } = await findInspector("4242");
 * ```
 */
export async function findInspector(target: string): Promise<FoundInspector> {
  if (/^wss?:\/\//i.test(target)) return { url: loopbackUrl(target), pid: null, opened: false };
  if (!/^\d+$/.test(target) || Number(target) < 1) {
    throw new AttachError(
      `expected a pid or an inspector address (ws://127.0.0.1:PORT/ID), not ${JSON.stringify(target)}`,
    );
  }
  const pid = Number(target);
  if (pid === process.pid) throw new AttachError("that is this process: use start to trace it");
  const runtime = programRuntime(pid);
  const found = await inspectorOf(pid, runtime);
  if (found) return { url: found, pid, opened: false };
  if (runtime === "node") return { url: await openNodeInspector(pid), pid, opened: true };
  if (runtime === "deno") {
    throw new AttachError(
      `pid ${pid} (deno) has no inspector open: Deno opens one only when started with --inspect ` +
        "(deno run --inspect app.ts); restart it so, then attach",
    );
  }
  throw new AttachError(
    `pid ${pid} (bun) has no inspector open: Bun opens one only when started with --inspect ` +
      "(bun --inspect app.ts); restart it so, then attach with the ws:// address it prints",
  );
}

/** `url` when its host is loopback. */
function loopbackUrl(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new AttachError(`not an address: ${JSON.stringify(url)}`);
  }
  if (!LOOPBACK.has(host)) {
    throw new AttachError(
      `the inspector must listen on this machine's loopback (127.0.0.1, localhost, [::1]), not ${host}`,
    );
  }
  return url;
}

/** Which runtime `pid` runs, after checking it exists and is the user's. */
function programRuntime(pid: number): AttachRuntime {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") {
      const proc = tryRead("/proc/self/status");
      if (proc === null) {
        throw new AttachError(
          "attaching by pid reads /proc (Linux); here, attach with the inspector's address (ws://127.0.0.1:PORT/ID)",
        );
      }
      throw new AttachError(`no process with pid ${pid}`);
    }
    throw new AttachError(`cannot read /proc/${pid}: ${(e as Error).message}`);
  }
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const mine = process.getuid?.();
  if (uid !== undefined && mine !== undefined && Number(uid) !== mine) {
    throw new AttachError(`pid ${pid} belongs to another user (uid ${uid}): attach traces only your own programs`);
  }
  const names = [commandName(pid), /^Name:\s+(.*)$/m.exec(status)?.[1] ?? ""];
  for (const name of names) {
    const runtime = /^(node|deno|bun)(?:[-.\d]*)(?:\.exe)?$/.exec(name)?.[1];
    if (runtime) return runtime as AttachRuntime;
  }
  throw new AttachError(
    `pid ${pid} is not a Node, Deno or Bun program (it runs ${names.find(Boolean) ?? "something else"})`,
  );
}

/** The program file `pid` runs (its executable's name, else its first argument's). */
function commandName(pid: number): string {
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    return basename(tryRead(`/proc/${pid}/cmdline`)?.split("\0")[0] ?? "");
  }
}

function tryRead(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/**
 * The WebSocket address of the inspector `pid` already listens with, or
 * null: its loopback listening ports are asked for their target list (Node,
 * Deno); Bun lists none, so its address comes from its command line when
 * the user named the path (`--inspect=127.0.0.1:6499/NAME`).
 */
async function inspectorOf(pid: number, runtime: AttachRuntime): Promise<string | null> {
  const ports = listeningPorts(pid);
  for (const port of ports) {
    const url = await listedTarget(port);
    if (url) return url;
  }
  if (runtime !== "bun" || !ports.length) return null;
  const named = bunInspectAddress(pid, ports);
  if (named) return named;
  throw new AttachError(
    `Bun's inspector (port ${ports.join(", ")}) has an address only the program knows: attach with the ws:// address ` +
      `it printed when it started ("Listening: ws://localhost:${ports[0]}/..."), or start it with ` +
      `--inspect=127.0.0.1:${ports[0]}/NAME and attach by pid`,
  );
}

/** The `webSocketDebuggerUrl` a loopback port lists (Node's and Deno's `/json/list`), or null. */
async function listedTarget(port: number): Promise<string | null> {
  try {
    const answer = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2000) });
    if (!answer.ok) {
      await answer.body?.cancel();
      return null;
    }
    const list = await answer.json() as { webSocketDebuggerUrl?: unknown }[];
    const url = Array.isArray(list) ? list.find((t) => typeof t?.webSocketDebuggerUrl === "string") : undefined;
    return url ? String(url.webSocketDebuggerUrl) : null;
  } catch {
    return null;
  }
}

/** Bun's `--inspect=[HOST:]PORT/PATH` on the command line of `pid`, as an address, when it names a listening port. */
function bunInspectAddress(pid: number, ports: readonly number[]): string | null {
  const args = tryRead(`/proc/${pid}/cmdline`)?.split("\0") ?? [];
  for (const arg of args) {
    const value = /^--inspect(?:-wait|-brk)?=(.+)$/.exec(arg)?.[1];
    if (!value) continue;
    const parsed = /^(?:(?:wss?:\/\/)?([^/:]+|\[[^\]]+\]):)?(\d+)\/(.+)$/.exec(value);
    if (!parsed) continue;
    // Port 0 asked the system for one: the only port the program listens on is it.
    const port = Number(parsed[2]) || (ports.length === 1 ? ports[0] : 0);
    if (!ports.includes(port)) continue;
    return `ws://${parsed[1] ?? "localhost"}:${port}/${parsed[3]}`;
  }
  return null;
}

/**
 * TCP ports `pid` listens on at loopback: the sockets among its open files,
 * matched against the kernel's tables of listening sockets.
 */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const link = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (link) inodes.add(link[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ["tcp", "tcp6"]) {
    for (const line of (tryRead(`/proc/${pid}/net/${table}`) ?? "").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address, state 0A (LISTEN), inode
      if (fields.length < 10 || fields[3] !== "0A" || !inodes.has(fields[9])) continue;
      const [address, port] = fields[1].split(":");
      if (isLoopback(address)) ports.push(parseInt(port, 16));
    }
  }
  return ports;
}

/** A `/proc/net/tcp{,6}` address (hex, host byte order per 32-bit word) on loopback. */
function isLoopback(hex: string): boolean {
  if (hex.length === 8) return hex.endsWith("7F"); // 127.x.x.x, little-endian
  return hex === "00000000000000000000000001000000" || // ::1
    /^0000000000000000FFFF0000[0-9A-F]{6}7F$/i.test(hex); // ::ffff:127.x.x.x
}

/** Sends Node's `SIGUSR1` and waits for the inspector it opens. */
async function openNodeInspector(pid: number): Promise<string> {
  try {
    process.kill(pid, "SIGUSR1");
  } catch (e) {
    throw new AttachError(`cannot signal pid ${pid}: ${(e as Error).message}`);
  }
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const port of listeningPorts(pid)) {
      const url = await listedTarget(port);
      if (url) return url;
    }
  }
  const holder = portHolder(NODE_DEFAULT_PORT);
  throw new AttachError(
    `pid ${pid} (node) did not open its inspector within ${OPEN_TIMEOUT_MS / 1000} s after SIGUSR1` +
      (holder ? `: port ${NODE_DEFAULT_PORT} is taken${holder > 0 ? ` by pid ${holder}` : ""}` : "") +
      " (a program started with --inspect-port=PORT opens that port; one that handles SIGUSR1 itself opens none)",
  );
}

/** The pid listening on loopback `port` (0 when someone does but we cannot tell who), or null. */
function portHolder(port: number): number | null {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const listening = new Set<string>();
  for (const table of ["tcp", "tcp6"]) {
    for (const line of (tryRead(`/proc/net/${table}`) ?? "").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length >= 10 && fields[3] === "0A" && fields[1].endsWith(`:${hexPort}`)) listening.add(fields[9]);
    }
  }
  if (!listening.size) return null;
  for (const entry of tryReadDir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    for (const fd of tryReadDir(`/proc/${entry}/fd`)) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`))?.[1];
        if (inode && listening.has(inode)) return Number(entry);
      } catch {
        // gone
      }
    }
  }
  return 0;
}

function tryReadDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
