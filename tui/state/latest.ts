/**
 * One job at a time for a stream of requests, the latest one winning: a
 * request that makes the running job's result useless cancels it; one that
 * only makes it older (the next live refresh of the same table) waits for
 * it, so that a long job (a new grouping of 100k rows) is not restarted by
 * every refresh and ends up on screen.
 *
 * @module
 */
import type { Pace } from "./pace.ts";

/**
 * Runs `run` for the requests it is asked, one at a time.
 *
 * @example
 * ```ts
 * import type { Pace } from "./pace.ts";
 * declare function make(request: string, pace: Pace): Promise<void>;
 * const jobs = new LatestJob<string>(make, (running, next) => running.startsWith("live") && next.startsWith("live"));
 * jobs.ask("live 1");
 * jobs.ask("live 2"); // runs once "live 1" is done
 * jobs.ask("snapshot s1"); // cancels "live 1", forgets "live 2"
 * jobs.stop();
 * ```
 */
export class LatestJob<R> {
  readonly #run: (request: R, pace: Pace) => Promise<void>;
  readonly #waits: (running: R, next: R) => boolean;
  #running: { readonly request: R; cancelled: boolean } | null = null;
  #waiting: { readonly request: R } | null = null;

  /**
   * @param run does the job of one request; it stops early once its pace is cancelled
   * @param waits whether `next` waits for the job of `running` (else it cancels it)
   */
  constructor(run: (request: R, pace: Pace) => Promise<void>, waits: (running: R, next: R) => boolean) {
    this.#run = run;
    this.#waits = waits;
  }

  /** Runs the job of `request`, after the running one or instead of it. */
  ask(request: R): void {
    const running = this.#running;
    if (running && this.#waits(running.request, request)) {
      this.#waiting = { request };
      return;
    }
    this.stop();
    this.#start(request);
  }

  /** Cancels the running job and forgets the waiting one. */
  stop(): void {
    if (this.#running) this.#running.cancelled = true;
    this.#running = null;
    this.#waiting = null;
  }

  #start(request: R): void {
    const job = { request, cancelled: false };
    this.#running = job;
    this.#run(request, { cancelled: () => job.cancelled }).catch(() => {}).finally(() => {
      if (this.#running !== job) return;
      this.#running = null;
      const next = this.#waiting;
      this.#waiting = null;
      if (next) this.#start(next.request);
    });
  }
}
