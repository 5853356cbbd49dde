/**
 * Driving a program in a private tmux server as a person would: keys one at
 * a time, text typed literally, the screen read until a step shows. Used by
 * the TUI's end-to-end drive and the leak suite.
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * One tmux session on a server of its own (`-L socket`, no user config).
 *
 * @example
 * ```ts
 * const tui = new TmuxDrive("tracemalloc-e2e-1", "e2e", "e2e (node)");
 * tui.run("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40");
 * await tui.keys("s", "Enter");
 * await tui.waitFor("the first snapshot", (s) => s.includes("1 snapshot"));
 * ```
 */
export class TmuxDrive {
  /**
   * @param socket the server's socket name
   * @param target the session (pane) keys go to
   * @param label names the drive in failures
   */
  constructor(readonly socket: string, readonly target: string, readonly label: string) {}

  /** Runs a tmux command on this server; its standard output. */
  run(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  }

  /** What the pane shows now. */
  screen(): string {
    return this.run("capture-pane", "-p", "-t", this.target);
  }

  /** Presses keys one at a time, as a person types: each reaches the program as its own key press. */
  async keys(...names: string[]): Promise<void> {
    for (const name of names) {
      this.run("send-keys", "-t", this.target, name);
      await sleep(120);
    }
  }

  /** Types `literal` as text. */
  async text(literal: string): Promise<void> {
    this.run("send-keys", "-t", this.target, "-l", literal);
    await sleep(150);
  }

  /** The screen once `check` accepts it; throws with the last screen after `seconds`. */
  async waitFor(step: string, check: (screen: string) => boolean, seconds = 30): Promise<string> {
    const deadline = Date.now() + seconds * 1000;
    let last = "";
    while (Date.now() < deadline) {
      last = this.screen();
      if (check(last)) return last;
      await sleep(100);
    }
    throw new Error(`${this.label}: ${step}: not on screen after ${seconds} s; the screen:\n${last}`);
  }

  /** Ends the server and removes its socket file, which tmux leaves behind: one per drive would pile up. */
  close(): void {
    const tmux = (...args: string[]) => spawnSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
    const path = tmux("display", "-p", "#{socket_path}").stdout?.trim();
    tmux("kill-server");
    if (path) rmSync(path, { force: true });
  }
}
