/**
 * A traced program over the channel to its agent: the requests of
 * `requests.ts` sent as messages, their results decoded here, in the
 * controller. It knows the channel, not the process: whoever started or
 * found the program says when it ended.
 *
 * @module
 */
import { type Channel, ChannelClosedError } from "../agent/client.ts";
import { type AgentEvent, FrameReader, type Request } from "../agent/protocol.ts";
import { type Method, type RequestParams, RequestSender, type Result } from "../agent/requests.ts";
import { DumpDecoder } from "../agent/dump-decoder.ts";
import { decodeResult, decodeResultWith, travelsAsBytes } from "../agent/results.ts";
import type { TracedMemory } from "../engines/engine.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { Ending } from "../runtime/endings.ts";
import { TargetExitedError } from "./exit.ts";
import type { Target, TargetExit, TargetRefresh, TargetStatus } from "./target.ts";

/**
 * What an {@link AgentTarget} is told about its program besides the channel.
 *
 * @example
 * ```ts
 * import type { AgentProgram } from "./agent-target.ts";
 * declare const exited: Promise<{ code: number | null; signal: string | null }>;
 * const program: AgentProgram = { command: "node app.ts", ended: exited, tracingFrom: 5 };
 * ```
 */
export interface AgentProgram {
  /** How the program reads in `status`: its command line. */
  readonly command: string;
  /** Resolves when the program has ended. */
  readonly ended: Promise<TargetExit>;
  /** The traceback limit when the program is traced from its first line. */
  readonly tracingFrom?: number;
}

/**
 * What the agent reported as its program ended (a program started for
 * `run`): how it ended, the snapshot then, and the one kept nearest its peak.
 *
 * @example
 * ```ts
 * import type { ExitReport } from "./agent-target.ts";
 * declare const report: ExitReport;
 * if (report.snapshot) console.log(report.snapshot.statistics("lineno")[0]?.toString());
 * ```
 */
export interface ExitReport {
  /** How the program said it ended; null when it could say nothing (killed outright). */
  readonly ending: Ending | null;
  /** The snapshot at the end; null when none could be taken (`error` says why). */
  readonly snapshot: Snapshot | null;
  /** Traced memory (current and peak) at the end. */
  readonly memory: TracedMemory | null;
  /** Why there is no snapshot at the end. */
  readonly error: string | null;
  /** The snapshot kept nearest the traced-memory peak, when it held more than the end; `at` is ms after tracing began. */
  readonly peak: { readonly snapshot: Snapshot; readonly memory: TracedMemory; readonly at: number } | null;
}

/**
 * A program driven over a connected {@link Channel}. Its output is not
 * seen here (an attached program writes where it always did); it ends for
 * its session when its channel does.
 *
 * @example
 * ```ts
 * import { AgentTarget } from "./agent-target.ts";
 * import type { Channel } from "../agent/client.ts";
 * declare const channel: Channel;
 * declare const exited: Promise<{ code: number | null; signal: string | null }>;
 * const target = new AgentTarget(channel, { command: "node app.ts", ended: exited });
 * const snapshot = await target.takeSnapshot();
 * ```
 */
export class AgentTarget extends RequestSender implements Target {
  /** The channel to the agent. */
  protected readonly channel: Channel;
  #program: AgentProgram;
  #status: TargetStatus;
  #exit: TargetExit | null = null;
  #closing = false;
  #report: ExitReport | null = null;
  #peak: ExitReport["peak"] = null;
  /** Snapshots are decoded off this thread (a live refresh of 100k traces would hold the TUI's keys 10-13 ms). */
  readonly #decoder = new DumpDecoder();

  /**
   * A target over `channel` to the agent of `program`.
   *
   * @param channel the authenticated channel
   * @param program what the channel does not say about the program
   */
  constructor(channel: Channel, program: AgentProgram) {
    super();
    this.channel = channel;
    this.#program = program;
    this.#status = {
      command: program.command,
      pid: channel.hello.pid,
      runtime: channel.hello.runtime,
      tracing: program.tracingFrom !== undefined,
      tracebackLimit: program.tracingFrom ?? 1,
      memory: { current: 0, peak: 0 },
      tracerMemory: 0,
      limits: [],
      engine: null,
    };
    channel.onEvent((event, body) => this.#onEvent(event, body));
  }

  /** The program's pid. */
  get pid(): number {
    return this.#status.pid;
  }

  /** The program's status, with the command it was started as and its exit once it has ended. */
  override async status(): Promise<TargetStatus> {
    if (this.#exit) return this.#finalStatus(this.#exit);
    try {
      const status = await super.status();
      this.#status = { ...status, command: this.#program.command };
      return this.#status;
    } catch (e) {
      if (e instanceof TargetExitedError) return this.#finalStatus(e.exit);
      throw e;
    }
  }

  /**
   * The live view's refresh: status and snapshot from one read in the
   * program; once it has ended, its final status and no snapshot.
   */
  override async refresh(): Promise<TargetRefresh> {
    if (this.#exit) return { status: this.#finalStatus(this.#exit), snapshot: null };
    try {
      const { status, snapshot } = await super.refresh();
      this.#status = { ...status, command: this.#program.command };
      return { status: this.#status, snapshot };
    } catch (e) {
      if (e instanceof TargetExitedError) return { status: this.#finalStatus(e.exit), snapshot: null };
      throw e;
    }
  }

  /** The program's output is not on the channel. */
  onOutput(_listener: (stream: "stdout" | "stderr", text: string) => void): void {}

  /** Calls `listener` once when the program ends (at once if it already has). */
  onExit(listener: (exit: TargetExit) => void): void {
    this.#program.ended.then(listener);
  }

  /** Closes the channel; the program goes on without its controller, as its agent decides. */
  close(): Promise<void> {
    this.sessionClosing();
    this.channel.close();
    this.#decoder.close();
    return Promise.resolve();
  }

  /** What the agent reported as the program ended, if it could report. */
  protected reportAtExit(): ExitReport | null {
    return this.#report;
  }

  /** Reads the report the agent wrote to a file (it ended with no task left to send it), unless one came. */
  protected receiveWrittenReport(bytes: Uint8Array): void {
    if (this.#report) return;
    try {
      for (const frame of new FrameReader().push(bytes)) {
        if (frame.id === 0) this.#onEvent(frame.header as AgentEvent, frame.body);
      }
    } catch {
      // A report cut short (the disk filled up, say) is no report.
    }
  }

  /** From now on requests fail: the program has ended like this. */
  protected programEnded(exit: TargetExit): void {
    this.#exit = exit;
  }

  /** From now on requests fail: the session is closing the target. */
  protected sessionClosing(): void {
    this.#closing = true;
  }

  /** Sends `method` to the agent and decodes its result (a snapshot off this thread). */
  protected async ask<M extends Method>(method: M, params: RequestParams[M]): Promise<Result<M>> {
    const received = await this.#send({ method, params } as Request);
    return await decodeResultWith(
      method,
      received,
      `snapshot from pid ${this.#status.pid}`,
      (bytes, source, move) => this.#decoder.decode(bytes, source, move),
    );
  }

  async #send(request: Request): Promise<unknown> {
    if (this.#exit) throw new TargetExitedError(this.#exit);
    if (this.#closing) throw new Error("the target is closed");
    try {
      if (travelsAsBytes(request.method as Method)) return await this.channel.requestWithBody(request);
      return await this.channel.request(request);
    } catch (e) {
      if (e instanceof TargetExitedError) throw e;
      if (e instanceof ChannelClosedError) {
        if (this.#closing) throw new Error("the target is closed");
        throw new TargetExitedError(await this.#program.ended);
      }
      throw e instanceof Error ? new Error(e.message) : e;
    }
  }

  #onEvent(event: AgentEvent, body: Uint8Array): void {
    if (event.event === "peakSnapshot") {
      const snapshot = this.#decode(body, "peak");
      this.#peak = snapshot ? { snapshot, memory: event.memory, at: event.at } : null;
      return;
    }
    if (event.event !== "exitSnapshot") return;
    const snapshot = event.error ? null : this.#decode(body, "exit");
    this.#report = {
      ending: event.ending ?? null,
      snapshot,
      memory: event.memory ?? null,
      error: event.error ?? (snapshot ? null : "the snapshot at exit could not be read"),
      peak: this.#peak,
    };
  }

  #decode(body: Uint8Array, which: string): Snapshot | null {
    if (!body.byteLength) return null;
    try {
      return decodeResult("takeSnapshot", { body }, `${which} snapshot from pid ${this.#status.pid}`);
    } catch {
      return null;
    }
  }

  #finalStatus(exit: TargetExit): TargetStatus {
    return { ...this.#status, tracing: false, memory: { current: 0, peak: 0 }, tracerMemory: 0, exit };
  }
}
