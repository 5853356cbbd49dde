/**
 * The agent's life in the traced program: start tracing before the first
 * line, wait for the controller, answer it, and end the program when the
 * controller goes away.
 *
 * @module
 */
import { clearTimeout, setInterval, setTimeout } from "node:timers";
import { rmdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { type AgentLaunch, EXIT_REPORT_FILE, PROTOCOL_VERSION } from "./protocol.ts";
import { reportEnding } from "./exit-report.ts";
import { listenForController } from "./server.ts";
import type { AgentTracer } from "./tracer.ts";
import { requestHandler } from "./handlers.ts";

/**
 * The exit code of a program whose controller vanished: 128 + SIGHUP, as if
 * its terminal had hung up.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import type { ControllerLink } from "./server.ts";
 * declare const link: ControllerLink;
 * link.onClose(() => process.exit(CONTROLLER_GONE_EXIT));
 * ```
 */
export const CONTROLLER_GONE_EXIT = 129;

/** How long the program waits for its controller before giving up. */
const CONNECT_TIMEOUT_MS = 30_000;
/** How often the agent checks that its parent (the controller) is still there. */
const PARENT_POLL_MS = 200;

/**
 * Runs the agent: resolves once the controller is connected (the program's
 * first line runs after that), and keeps serving it in the background
 * without keeping the program alive.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { tracerForAgent } from "./tracer.ts";
 * declare const env: string;
 * await runAgent(JSON.parse(env), tracerForAgent(), (code) => process.exit(code));
 * ```
 */
export async function runAgent(
  launch: AgentLaunch,
  tracer: AgentTracer,
  exit: (code: number) => never,
): Promise<void> {
  let report: { stop(): void } | null = null;
  // A report written after the session's directory is gone would leave a file behind: stop it first.
  const gone = () => {
    report?.stop();
    controllerGone(launch.socket, exit);
  };
  const watch = watchParent(launch.parentPid, gone);
  let startError: string | undefined;
  try {
    tracer.prepare(launch.start?.options);
  } catch (e) {
    startError = e instanceof Error ? e.message : String(e);
  }
  if (launch.start && !startError) {
    try {
      await tracer.start(launch.start.nframe, launch.start.options);
    } catch (e) {
      startError = e instanceof Error ? e.message : String(e);
    }
  }
  const listener = await listenForController({
    socket: launch.socket,
    secret: launch.secret,
    hello: () => ({ protocol: PROTOCOL_VERSION, pid: process.pid, runtime: tracer.runtime(), startError }),
    handle: requestHandler(tracer),
  });
  const giveUp = setTimeout(() => {
    process.stderr.write("tracemalloc agent: the controller did not connect; ending the program\n");
    exit(1);
  }, CONNECT_TIMEOUT_MS);
  const link = await listener.controller;
  clearTimeout(giveUp);
  link.onClose(gone);
  if (startError) {
    // The controller refuses to go on untraced and will close the channel: the program must not start.
    return new Promise<never>(() => {});
  }
  link.release();
  watch.unref();
  if (launch.snapshotAtExit) {
    // A program outliving its controller (the terminal's hangup reaches it as the controller dies) writes no report.
    const direct = process.ppid === launch.parentPid;
    const orphaned = () => direct && process.ppid !== launch.parentPid;
    report = reportEnding(tracer, link, join(dirname(launch.socket), EXIT_REPORT_FILE), orphaned);
  }
}

/**
 * Ends the program when its parent changes (the controller died and the
 * program was adopted). Until the controller connects the timer keeps the
 * program waiting; afterwards it is unref'd.
 */
function watchParent(parentPid: number, gone: () => void): { unref(): void } {
  // Started through something else than the controller (a wrapper): the socket is the only signal.
  if (process.ppid !== parentPid) return { unref() {} };
  const timer = setInterval(() => {
    if (process.ppid !== parentPid) gone();
  }, PARENT_POLL_MS);
  return { unref: () => timer.unref() };
}

/**
 * Ends the program once its controller is gone. A controller that was
 * killed could not remove the session's private directory, so the agent
 * removes the socket and the directory (only if empty) on its way out.
 */
function controllerGone(socket: string, exit: (code: number) => never): never {
  try {
    rmSync(socket, { force: true });
    rmdirSync(dirname(socket));
  } catch {
    // Removed by the controller already, or not ours to remove.
  }
  return exit(CONTROLLER_GONE_EXIT);
}
