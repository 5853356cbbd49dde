/**
 * Commands about programs that were already running: attach, detach.
 *
 * @module
 */
import type { Command, CommandResult } from "../command.ts";
import { AttachedTarget } from "../attach/target.ts";
import { CommandError } from "../errors.ts";
import { LocalTarget } from "../local.ts";
import { describeEngine } from "../present.ts";

/**
 * `attach PID|ADDRESS`: makes a running program the target, through its
 * inspector.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("attach 4242");
 * await session.execute("start");
 * ```
 */
export const attachCommand: Command = {
  spec: {
    name: "attach",
    summary: "Trace a program that is already running (by pid), without a restart",
    help: [
      "Connects to the inspector of the running program PID (one of yours) and makes it the target: start,",
      "snapshot, compare, stop, status and eval then work as on a program run started, the analysis here.",
      "Node opens its inspector when attach sends it SIGUSR1 (no flag needed); Deno and Bun must have been",
      "started with --inspect. Bun's inspector address is secret: give it instead of PID (ws://localhost:6499/ID,",
      "as the program printed it), or start Bun with --inspect=127.0.0.1:6499/NAME and attach by pid.",
      "The program's code is already loaded, so domain 0 is what the inspector offers: V8's sampling heap",
      "profiler on Node and Deno (functions, not lines), objects counted by type on Bun; buffers are not traced.",
      "detach or quit stops tracing and leaves the program running. A program started earlier by run is ended.",
    ],
    args: [{ name: "PID" }],
    options: [],
  },
  async run(session, args) {
    const given = args.text("PID")!;
    const target = await session.activity(`attaching to ${given}`, AttachedTarget.attach(given)).catch((error) => {
      throw new CommandError("attach", `cannot attach to ${given}: ${(error as Error).message}`);
    });
    await session.switchTarget(target);
    const status = await target.status();
    const engine = status.engine ? describeEngine(status.engine) : "no JS heap engine";
    return {
      lines: [
        `attached to ${status.command} (pid ${status.pid}, ${status.runtime}) through its inspector: ` +
        `type start to trace it (${engine})`,
      ],
      data: { command: status.command, pid: status.pid, runtime: status.runtime, engine: status.engine?.name ?? null },
    };
  },
};

/**
 * `detach`: stops tracing an attached program and leaves it running.
 *
 * @example
 * ```ts
 * import type { Session } from "../session.ts";
 * declare const session: Session;
 * await session.execute("detach");
 * ```
 */
export const detachCommand: Command = {
  spec: {
    name: "detach",
    summary: "Stop tracing the attached program and leave it running",
    help: [
      "Stops tracing the program attach connected to, removes the profiler, closes the connection (and Node's",
      "inspector when attach opened it) and leaves the program running. Commands act on this process again;",
      "snapshots taken so far stay.",
    ],
    args: [],
    options: [],
  },
  async run(session): Promise<CommandResult> {
    const target = session.target;
    if (!(target instanceof AttachedTarget)) throw new CommandError("detach", "no program is attached (see attach)");
    const pid = target.pid;
    await session.switchTarget(new LocalTarget());
    return {
      lines: [`detached from pid ${pid}: tracing stopped, the program goes on; commands act on this process again`],
      data: { detached: pid },
    };
  },
};
