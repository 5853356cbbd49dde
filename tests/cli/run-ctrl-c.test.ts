/**
 * Ctrl-C on `run` of a server at a real terminal (tmux): the terminal
 * signals the whole foreground group, so the program gets SIGINT once,
 * from the terminal, and the report follows its end.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { TmuxDrive } from "../../scripts/tmux-drive.ts";
import { cliCommand, HOST, reportsBuffers, ROOT } from "./helpers.ts";

const SERVER = fileURLToPath(new URL("./fixtures/server.ts", import.meta.url));

/** Runs the server in `mode` under `run` in tmux, presses Ctrl-C once it listens; the screen and `$?` after. */
async function ctrlC(mode: string): Promise<{ screen: string; status: string }> {
  const drive = new TmuxDrive(`tracemalloc-ctrlc-${process.pid}-${Date.now()}`, "run", `Ctrl-C on run (${HOST})`);
  try {
    drive.shell(ROOT, join(ROOT, "node_modules", ".bin"));
    const [command, args] = cliCommand(HOST, ["run", "--limit", "3", SERVER, mode]);
    await drive.text([command, ...args].join(" "));
    await drive.keys("Enter");
    await drive.waitFor("the server listening", (s) => s.includes("listening"), 60);
    await drive.keys("C-c");
    const screen = await drive.waitFor("the report's last line", (s) => /^The program .*\.$/m.test(s), 60);
    await drive.text("echo status=$?");
    await drive.keys("Enter");
    const status = /^status=(\d+)$/m.exec(await drive.waitFor("the status", (s) => /^status=\d+$/m.test(s)))![1];
    return { screen, status };
  } finally {
    drive.close();
  }
}

test("tmux is installed for the Ctrl-C drive", () => {
  assert.match(execFileSync("tmux", ["-V"], { encoding: "utf8" }), /^tmux \d/);
});

test(`Ctrl-C at a terminal stops a run server that does not handle it, and the report follows (${HOST})`, async () => {
  const { screen, status } = await ctrlC("plain");
  assert.match(screen, /Top 3 lines$/m); // after the terminal's echo of ^C
  assert.ok(reportsBuffers(screen, "server.ts:14", 512), screen);
  assert.match(screen, /^The program was stopped by SIGINT; the report shows its state then/m);
  assert.equal(status, "130");
});

test(`Ctrl-C at a terminal reaches a run server once; it shuts down and the report follows (${HOST})`, async () => {
  const { screen, status } = await ctrlC("graceful");
  assert.equal(screen.match(/shutting down on SIGINT/g)?.length, 1, screen);
  assert.ok(reportsBuffers(screen, "server.ts:14", 512), screen);
  assert.match(screen, /^The program shut down after SIGINT and exited with code 0\.$/m);
  assert.equal(status, "0");
});
