/**
 * The live feed: asks the session's target for its status and a snapshot
 * (one request, one read in the program: `Target.refresh`) over and over,
 * on its own schedule, so the screen refreshes without a key
 * handler ever waiting for the target. It listens to the session, refreshing
 * at once after each command (the target's state may have changed) and
 * when the program exits.
 *
 * @module
 */
import type { Snapshot } from "../../src/model/snapshot.ts";
import { messageOf } from "../../src/session/errors.ts";
import type { Session } from "../../src/session/session.ts";
import type { Target, TargetRefresh, TargetStatus } from "../../src/session/target.ts";
import { tableCost } from "../state/load.ts";
import { appendSample } from "../state/sparkline.ts";

/**
 * Two consecutive live snapshots: growth is the change from `previous`.
 *
 * @example
 * ```ts
 * declare const feed: LiveFeed;
 * const live: LiveSample | null = feed.state.live;
 * const growth = live?.previous ? live.current.compareTo(live.previous, "lineno") : [];
 * ```
 */
export interface LiveSample {
  /** The latest live snapshot. */
  readonly current: Snapshot;
  /** The one before, or null for the first of a tracing run. */
  readonly previous: Snapshot | null;
  /** When `current` arrived (ms since the epoch). */
  readonly at: number;
}

/**
 * What the feed knows.
 *
 * @example
 * ```ts
 * declare const feed: LiveFeed;
 * feed.subscribe(() => {
 *   const { samples, error }: FeedState = feed.state;
 *   console.log(error ?? `${samples.at(-1) ?? 0} bytes traced`);
 * });
 * ```
 */
export interface FeedState {
  /** The target's last status, or null before the first. */
  readonly status: TargetStatus | null;
  /** Current traced memory at each refresh, oldest first. */
  readonly samples: readonly number[];
  /** Null until tracing runs and a snapshot arrives; null again when tracing stops. */
  readonly live: LiveSample | null;
  /** The last refresh's failure, or null. */
  readonly error: string | null;
  /** When the target on screen was first seen (ms since the epoch). */
  readonly since: number;
  /** How long the last refresh took, in ms. */
  readonly took: number;
}

/** How long a refresh after a command waits: a frame of the screen (Ink draws at most 60 a second), and some. */
const ANSWER_FIRST_MS = 25;

/**
 * How a {@link LiveFeed} runs.
 *
 * @example
 * ```ts
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * const options: FeedOptions = { interval: 1000 }; // one refresh a second
 * const feed = new LiveFeed(session, options);
 * ```
 */
export interface FeedOptions {
  /** Aimed time between two refreshes, in ms (default 400: 2.5 per second). */
  readonly interval?: number;
  /** The clock (tests pass their own). */
  readonly now?: () => number;
}

/**
 * Refreshes status and traces of a session's target on a timer, and at
 * once after each command once started. A refresh that takes long (with
 * the table made from it, see {@link tableCost}) pushes the next one back
 * by as much, so a big target keeps the app busy at most half the time.
 *
 * @example
 * ```ts
 * import type { Session } from "../../src/session/session.ts";
 * declare const session: Session;
 * declare function draw(state: FeedState): void;
 * const feed = new LiveFeed(session);
 * feed.subscribe(() => draw(feed.state));
 * feed.start();
 * await session.execute("stop"); // the feed refreshes at once: not tracing
 * feed.close();
 * ```
 */
export class LiveFeed {
  readonly #session: Session;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();
  #state: FeedState;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #paused = false;
  #closed = false;
  #again = false;
  #started = false;
  #target: Target | null = null;
  readonly #off: (() => void)[];

  /** A feed on `session`'s target, idle until {@link LiveFeed.start}. */
  constructor(session: Session, options: FeedOptions = {}) {
    this.#session = session;
    this.#interval = options.interval ?? 400;
    this.#now = options.now ?? Date.now;
    this.#state = { status: null, samples: [], live: null, error: null, since: this.#now(), took: 0 };
    const news = () => {
      // A frame's wait first, so that the screen shows what the command did before the snapshot is decoded.
      if (this.#started) this.refresh(ANSWER_FIRST_MS);
    };
    this.#off = [
      session.onChange((change) => change.type === "command" && news()),
      session.on((event) => event.type === "exit" && news()),
    ];
  }

  /** The current state (a new object after each change). */
  get state(): FeedState {
    return this.#state;
  }

  /** Calls `listener` after each change; returns a function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts refreshing (the first refresh at once). */
  start(): void {
    if (this.#closed) return;
    this.#started = true;
    if (this.#timer === null && !this.#running) this.#schedule(0);
  }

  /** Stops or resumes refreshing; resuming refreshes at once. */
  setPaused(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    if (!paused) this.refresh();
  }

  /** Refreshes as soon as possible, or in `delay` ms (after a command changed the target's state). */
  refresh(delay = 0): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#schedule(delay);
  }

  /** Stops for good, and stops listening to the session. */
  close(): void {
    this.#closed = true;
    for (const off of this.#off) off();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(delay: number): void {
    if (this.#closed || this.#paused) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#tick();
    }, delay);
  }

  async #tick(): Promise<void> {
    if (this.#closed || this.#paused) return;
    this.#running = true;
    const started = this.#now();
    const target = this.#session.target;
    if (target !== this.#target) {
      // Another program: its traces and memory have nothing to do with the last one's.
      this.#target = target;
      this.#set({ live: null, samples: [], since: started });
    }
    let change: Partial<FeedState>;
    try {
      const refreshed = await refreshOf(target);
      let status = refreshed.status;
      let live = this.#state.live;
      const before = this.#state.status;
      if (status.exit) {
        // An ended program traces nothing: its last table and memory are what there is to see.
        if (before?.exit) status = before;
        else if (before) {
          status = { ...status, tracing: before.tracing, tracebackLimit: before.tracebackLimit, memory: before.memory };
        }
        change = { status, error: null };
      } else {
        if (!status.tracing || !refreshed.snapshot) live = null;
        else live = { current: refreshed.snapshot, previous: live?.current ?? null, at: this.#now() };
        change = { status, live, samples: appendSample(this.#state.samples, status.memory.current), error: null };
      }
    } catch (error) {
      change = { error: messageOf(error) };
    } finally {
      this.#running = false;
    }
    const took = this.#now() - started;
    if (this.#closed) return;
    // A refresh that raced a `run` describes the program that was replaced; one that raced a pause is not wanted.
    if (target === this.#session.target && !this.#paused) this.#set({ ...change, took });
    const exited = this.#state.status?.exit !== undefined && this.#state.status?.exit !== null;
    if (this.#again) {
      this.#again = false;
      this.#schedule(0);
    } else if (!exited) {
      this.#schedule(Math.max(this.#interval - took, 2 * (took + tableCost()) - took, 20));
    }
  }

  #set(change: Partial<FeedState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) listener();
  }
}

/** One refresh of `target`: its own request when it has one, else status then a snapshot while tracing. */
async function refreshOf(target: Target): Promise<TargetRefresh> {
  if (target.refresh) return await target.refresh();
  const status = await target.status();
  return { status, snapshot: status.tracing && !status.exit ? await target.takeSnapshot() : null };
}
