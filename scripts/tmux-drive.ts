/**
 * Driving a program in a private tmux server as a person would: keys one at
 * a time, text typed literally, the screen read until a step shows. Used by
 * the TUI's end-to-end drive and the leak suite.
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * One tmux session on a server of its own (`-L socket`, no user config).
 *
 * @example
 * ```ts
 * const tui = new TmuxDrive("tracemalloc-e2e-1", "e2e", "e2e (node)");
 * tui.shell("/tmp", "/usr/local/bin");
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

  /** Starts the session: a 120x40 `sh` in `dir`, with `bin` first on its PATH and a `$ ` prompt. */
  shell(dir: string, bin: string): void {
    const env = [`PATH=${bin}:${process.env.PATH ?? ""}`, "TERM=xterm-256color", "PS1=$ "].flatMap((v) => ["-e", v]);
    this.run("new-session", "-d", "-s", this.target, "-x", "120", "-y", "40", "-c", dir, ...env, "sh");
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

  /**
   * What a program left the terminal in: the alternate screen (`"0"` off),
   * the cursor (`"1"` shown) and the line discipline's modes, as `stty`
   * prints them (`"icanon echo"` when restored), asked at the shell prompt.
   */
  async terminal(): Promise<{ alternate: string; cursor: string; modes: string }> {
    const [alternate, cursor] = this.run("display", "-p", "-t", this.target, "#{alternate_on} #{cursor_flag}")
      .trim().split(" ");
    await this.text("stty -a | grep -o -e '-\\?icanon' -e '-\\?echo\\b' | head -2 | tr '\\n' ' '; echo MODES");
    await this.keys("Enter");
    const pattern = /^(-?icanon -?echo) MODES$/m;
    const modes = pattern.exec(await this.waitFor("terminal modes", (s) => pattern.test(s)))![1];
    return { alternate, cursor, modes };
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
