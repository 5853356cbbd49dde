/**
 * The target of a session that only analyses dump files (`mod.ts stats`,
 * `mod.ts compare`): every request about a program fails with a message
 * saying there is none.
 *
 * @module
 */
import { type Method, RequestSender, type Result } from "../agent/requests.ts";
import type { Target, TargetExit, TargetRefresh, TargetStatus } from "./target.ts";

const NONE = "there is no program in this session (it only reads dump files)";

/**
 * A target standing for no program at all: it refuses every request,
 * those added later included.
 *
 * @example
 * ```ts
 * import { OfflineTarget } from "./offline.ts";
 * import { Session } from "./session.ts";
 * const session = new Session({ target: new OfflineTarget() });
 * await session.execute("load app.dump"); // works
 * await session.execute("snapshot").catch((e) => console.log(e.message)); // there is no program
 * ```
 */
export class OfflineTarget extends RequestSender implements Target {
  /** Refuses: there is no program. */
  protected ask<M extends Method>(_method: M): Promise<Result<M>> {
    return Promise.reject(new Error(NONE));
  }
  /** Refuses: there is no program. */
  override status(): Promise<TargetStatus> {
    return Promise.reject(new Error(NONE));
  }
  /** Refuses: there is no program. */
  override refresh(): Promise<TargetRefresh> {
    return Promise.reject(new Error(NONE));
  }
  /** Never calls `listener`: there is no output. */
  onOutput(
    _listener: (stream: "stdout" | "stderr", text: string) => void,
  ): void {}
  /** Never calls `listener`: there is no program to end. */
  onExit(_listener: (exit: TargetExit) => void): void {}
  /** Nothing to close. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
