/**
 * Headless Chromium for the HTML report's tests: finds Debian's `chromium`,
 * opens a file in it over the DevTools protocol (a WebSocket, as every
 * runtime has one), and reports what a person would see (the page's text),
 * what went wrong (exceptions, console errors, Content-Security-Policy
 * violations) and every network request the page made.
 *
 * Where Chromium is missing the tests say so: they fail under CI (`.ci/run`
 * installs it) and are skipped elsewhere with the command that installs it.
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The Chromium executable: `$CHROMIUM`, else the first of the usual names on PATH; null when none. */
export function chromiumPath(): string | null {
  const names = process.env.CHROMIUM ? [process.env.CHROMIUM] : CANDIDATES;
  for (const name of names) {
    const found = spawnSync(name, ["--version"], { encoding: "utf8", timeout: 30_000 });
    if (found.status === 0 && /chrom/i.test(found.stdout)) return name;
  }
  return null;
}

/**
 * How a browser test runs: `{ skip: reason }` where Chromium is missing
 * outside CI; `{}` otherwise (under CI a missing Chromium fails the test in
 * {@link openInChromium}, saying `.ci/run` should have installed it).
 */
export function browserTestOptions(): { skip?: string } {
  if (chromiumPath() || process.env.CI) return {};
  return { skip: "Chromium is not installed: apt-get install -y chromium (CI installs it)" };
}

/** What the page showed and did. */
export interface PageReport {
  /** `document.body.innerText` once the report's script finished. */
  readonly text: string;
  /** Whether the script marked the page rendered (`<html data-rendered="true">`). */
  readonly rendered: boolean;
  /** Uncaught exceptions, console errors and CSP violations. */
  readonly errors: readonly string[];
  /** URLs the page requested, besides the page itself. */
  readonly requests: readonly string[];
  /** Results of the `evaluate` expressions, in order. */
  readonly values: readonly unknown[];
}

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** A DevTools-protocol connection: commands with replies, events to listeners. */
class Cdp {
  #next = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners: ((method: string, params: Record<string, unknown>, session?: string) => void)[] = [];

  constructor(readonly socket: WebSocket) {
    // A browser that closes the connection answers nothing more: what waits for an answer fails.
    socket.addEventListener("close", () => {
      for (const pending of this.#pending.values()) pending.reject(new Error("Chromium closed the connection"));
      this.#pending.clear();
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String((event as MessageEvent).data));
      if (message.id !== undefined) {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) pending?.reject(new Error(`${message.error.message} (${message.error.code})`));
        else pending?.resolve(message.result ?? {});
      } else {
        for (const listener of this.#listeners) listener(message.method, message.params ?? {}, message.sessionId);
      }
    });
  }

  static open(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error(`cannot connect to ${url} within 30 s`)), 30_000);
      socket.addEventListener("open", () => {
        clearTimeout(timer);
        resolve(new Cdp(socket));
      });
      socket.addEventListener("error", () => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${url}`));
      });
    });
  }

  /** Sends a command; its answer, or an error after `timeoutMs` (a hang fails the test instead of stalling it). */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`Chromium did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = <T>(settle: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        settle(value);
      };
      this.#pending.set(id, { resolve: done(resolve), reject: done(reject) });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  on(listener: (method: string, params: Record<string, unknown>, session?: string) => void): void {
    this.#listeners.push(listener);
  }
}

/** Starts Chromium headless with a DevTools port; resolves to the browser's WebSocket URL and a stop function. */
async function launch(executable: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), "tracemalloc-chromium-"));
  const args = [
    "--headless=new",
    "--no-sandbox", // tests run as root in CI, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--metrics-recording-only",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    `--user-data-dir=${profile}`,
    "--window-size=1400,900",
    "about:blank",
  ];
  // Its own process group, so that its helper processes (renderer, GPU, zygote) end with it.
  const child = spawn(executable, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    // After Browser.close it ends by itself; what is left of the group is killed.
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // the group has ended
    }
    // A helper may still be writing its profile for a moment.
    for (let attempt = 0;; attempt++) {
      try {
        await rm(profile, { recursive: true, force: true });
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`Chromium did not start within 60 s:\n${text}`)), 60_000);
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(text);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}) before listening:\n${text}`));
      });
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Opens `file` in headless Chromium, waits for the report's script to mark
 * the page rendered (or for `timeoutMs`), runs the `evaluate` expressions
 * in the page, and reports what happened. Fails when Chromium is missing
 * (callers skip first with {@link browserTestOptions} outside CI).
 */
export async function openInChromium(
  file: string,
  evaluate: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<PageReport> {
  const executable = chromiumPath();
  if (!executable) {
    throw new Error(
      "Chromium is required for the HTML report's tests: .ci/run installs it (apt-get install -y chromium)",
    );
  }
  const browser = await launch(executable);
  let cdp: Cdp | undefined;
  try {
    cdp = await Cdp.open(browser.url);
    const { targetInfos } = await cdp.send("Target.getTargets") as {
      targetInfos: { targetId: string; type: string }[];
    };
    const page = targetInfos.find((t) => t.type === "page");
    if (!page) throw new Error("Chromium has no page");
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId: page.targetId, flatten: true }) as {
      sessionId: string;
    };
    const pageUrl = pathToFileURL(file).href;
    const errors: string[] = [];
    const requests: string[] = [];
    let loaded!: () => void;
    const load = new Promise<void>((resolve) => loaded = resolve);
    cdp.on((method, params, session) => {
      if (session !== sessionId) return;
      if (method === "Runtime.exceptionThrown") {
        const details = params.exceptionDetails as { text: string; exception?: { description?: string } };
        errors.push(`exception: ${details.exception?.description ?? details.text}`);
      } else if (method === "Runtime.consoleAPICalled") {
        const type = params.type as string;
        if (type === "error" || type === "assert") {
          const args = params.args as { value?: unknown; description?: string }[];
          errors.push(`console.${type}: ${args.map((a) => a.value ?? a.description).join(" ")}`);
        }
      } else if (method === "Log.entryAdded") {
        const entry = params.entry as { level: string; text: string; url?: string };
        if (entry.level === "error") errors.push(`log: ${entry.text}${entry.url ? ` (${entry.url})` : ""}`);
      } else if (method === "Network.requestWillBeSent") {
        const url = (params.request as { url: string }).url;
        if (url !== pageUrl) requests.push(url);
      } else if (method === "Page.loadEventFired") {
        loaded();
      }
    });
    for (const domain of ["Runtime", "Log", "Network", "Page"]) await cdp.send(`${domain}.enable`, {}, sessionId);
    // Scripts added this way run despite the page's CSP: they report its violations as errors.
    await cdp.send("Page.addScriptToEvaluateOnNewDocument", {
      source: "document.addEventListener('securitypolicyviolation', (e) => " +
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    }, sessionId);
    await cdp.send("Page.navigate", { url: pageUrl }, sessionId);
    const deadline = Date.now() + timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([load, new Promise((resolve) => timer = setTimeout(resolve, timeoutMs))]);
    clearTimeout(timer);
    const value = async (expression: string): Promise<unknown> => {
      const reply = await cdp!.send(
        "Runtime.evaluate",
        { expression, returnByValue: true, awaitPromise: true },
        sessionId,
      );
      const { result, exceptionDetails } = reply as {
        result: { value?: unknown };
        exceptionDetails?: { text: string };
      };
      if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.text}`);
      return result.value;
    };
    let rendered = false;
    while (!(rendered = await value("document.documentElement.getAttribute('data-rendered') === 'true'") === true)) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const values: unknown[] = [];
    for (const expression of evaluate) values.push(await value(expression));
    const text = String(await value("document.body ? document.body.innerText : ''"));
    // Late errors (a handler that throws after the first paint) have had the evaluations' time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { text, rendered, errors, requests, values };
  } finally {
    try {
      await cdp?.send("Browser.close", {}, undefined, 2_000);
    } catch {
      // the browser may be gone already
    }
    cdp?.socket.close();
    await browser.stop();
  }
}
