/**
 * The target of a session that only analyses dump files (`mod.ts stats`,
 * `mod.ts compare`): every request about a program fails with a message
 * saying there is none.
 *
 * @module
 */
import type { Snapshot } from "../model/snapshot.ts";
import type { Target, TargetExit, TargetStatus } from "./target.ts";

const NONE = "there is no program in this session (it only reads dump files)";

/**
 * A target standing for no program at all.
 *
 * @example
 * ```ts
 * const session = new Session({ target: new OfflineTarget() });
 * await session.execute("load app.dump"); // works
 * await session.execute("snapshot"); // fails: there is no program
 * ```
 */
export class OfflineTarget implements Target {
  start(): Promise<void> {
    return Promise.reject(new Error(NONE));
  }
  stop(): Promise<void> {
    return Promise.reject(new Error(NONE));
  }
  status(): Promise<TargetStatus> {
    return Promise.reject(new Error(NONE));
  }
  clearTraces(): Promise<void> {
    return Promise.reject(new Error(NONE));
  }
  resetPeak(): Promise<void> {
    return Promise.reject(new Error(NONE));
  }
  takeSnapshot(): Promise<Snapshot> {
    return Promise.reject(new Error(NONE));
  }
  gc(): Promise<boolean> {
    return Promise.reject(new Error(NONE));
  }
  eval(): Promise<string> {
    return Promise.reject(new Error(NONE));
  }
  onOutput(
    _listener: (stream: "stdout" | "stderr", text: string) => void,
  ): void {}
  onExit(_listener: (exit: TargetExit) => void): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}
