import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { TmuxDrive } from "../../scripts/tmux-drive.ts";
import { isAlive, waitUntil } from "../session/child-fixtures.ts";
import { tempDir } from "../session/helpers.ts";
import { alive, cliCommand, HOST, ROOT, startCli } from "./helpers.ts";

/** Runs a REPL script that starts the demo (which never ends by itself), then `rest`. */
async function withDemoScript(rest: readonly string[], body: (script: string) => Promise<void>) {
  const { dir, cleanup } = await tempDir();
  try {
    const script = join(dir, "session.txt");
    await writeFile(script, ["run scripts/demo.ts", ...rest].join("\n") + "\n");
    await body(script);
  } finally {
    await cleanup();
  }
}

const STARTED = /^started .* \(pid (\d+), /m;

test("quit ends the program run started", () =>
  withDemoScript(["quit"], async (script) => {
    const cli = startCli(["repl", "--script", script]);
    const pid = Number((await cli.waitFor(STARTED))[1]);
    const run = await cli.done;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(alive(pid), false);
  }));

test("the end of a script ends the program run started", () =>
  withDemoScript([], async (script) => {
    const cli = startCli(["repl", "--script", script]);
    const pid = Number((await cli.waitFor(STARTED))[1]);
    assert.equal((await cli.done).code, 0);
    assert.equal(alive(pid), false);
  }));

test("Ctrl-C (SIGINT) during a script ends the program and exits 130", () =>
  withDemoScript(["snapshots", "wait 60000"], async (script) => {
    const cli = startCli(["repl", "--script", script]);
    const pid = Number((await cli.waitFor(STARTED))[1]);
    await cli.waitFor(/^no snapshots$/m);
    cli.kill("SIGINT");
    const run = await cli.done;
    assert.equal(run.code, 130);
    assert.equal(alive(pid), false);
  }));

test("a program that exits first is reported, and snapshots taken stay usable", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const script = join(dir, "exits.txt");
    const lines = [
      "start",
      "run scripts/demo.ts 0.3",
      "snapshot early",
      "wait 1500",
      "status",
      "stats early --limit 1",
      "snapshot late",
    ];
    await writeFile(script, lines.join("\n") + "\n");
    const run = await startCli(["repl", "--script", script]).done;
    assert.match(run.stderr, /^\[\d+\] \S+ .*demo\.ts 0\.3 exited with code 0$/m);
    assert.match(run.stdout, /^program: {7}exited with code 0$/m);
    assert.match(run.stdout, /^\[ Top 1 \]\n.+: size=/m);
    assert.match(run.stderr, /:7: snapshot: program exited with code 0$/m);
    assert.equal(run.code, 1);
  } finally {
    await cleanup();
  }
});

/** A program that runs until it is ended. */
const IDLE = "setInterval(() => {}, 1000);\n";
let drives = 0;

/** The session directories (`tracemalloc-*`) in `tmp`. */
function sessionDirectories(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith("tracemalloc-"));
}

/** How a controller at a terminal ends: a signal to it, or its terminal (tmux's) going away. */
type Ending = (drive: TmuxDrive, controller: number) => void;

const signal = (name: NodeJS.Signals): Ending => (_drive, controller) => process.kill(controller, name);
const terminalClosed: Ending = (drive) => drive.run("kill-session", "-t", drive.target);
const serverKilled: Ending = (drive) => {
  // tmux leaves its socket file behind when its server is killed.
  const socket = drive.run("display", "-p", "#{socket_path}").trim();
  drive.run("kill-server");
  rmSync(socket, { force: true });
};

/**
 * Runs the REPL (with `run` of an idle program typed) or the TUI (on that
 * program) as the only process of a tmux terminal, as a terminal window
 * running it directly would (`exec`: it leads the terminal's session), with
 * a private TMPDIR; once the program runs, ends it with `ending`, and waits
 * until the program and the controller are gone and no session directory is
 * left in that TMPDIR.
 */
async function endsClean(ui: "repl" | "tui", ending: Ending): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tm-cleanup-"));
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  const idle = join(dir, "idle.js");
  writeFileSync(idle, IDLE);
  const drive = new TmuxDrive(`tracemalloc-cleanup-${process.pid}-${++drives}`, "cleanup", `${ui} (${HOST})`);
  let controller = 0;
  let program = 0;
  try {
    drive.shell(ROOT, join(ROOT, "node_modules", ".bin"));
    const [command, args] = cliCommand(HOST, ui === "repl" ? ["repl"] : ["tui", idle]);
    await drive.text(`TMPDIR=${tmp} exec ${[command, ...args].join(" ")}`);
    await drive.keys("Enter");
    controller = Number(drive.run("display", "-p", "-t", drive.target, "#{pane_pid}").trim());
    if (ui === "repl") {
      await drive.waitFor("the prompt", (s) => /^tracemalloc>/m.test(s), 60);
      await drive.text(`run ${idle}`);
      await drive.keys("Enter");
    }
    // The REPL prints it; the TUI shows it in its messages pane.
    const started = /\bstarted .* \(pid (\d+), /;
    program = Number(started.exec(await drive.waitFor("the program started", (s) => started.test(s), 60))![1]);
    ending(drive, controller);
    await waitUntil(() => !isAlive(program), `the program (pid ${program}) ends`);
    await waitUntil(() => !isAlive(controller), `the controller (pid ${controller}) ends`);
    await waitUntil(() => sessionDirectories(tmp).length === 0, `no session directory is left in ${tmp}`);
  } finally {
    for (const pid of [program, controller]) {
      if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
    }
    drive.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test(`a REPL at a terminal ended by SIGTERM leaves no session directory and no program (${HOST})`, () =>
  endsClean("repl", signal("SIGTERM")));

test(`a REPL at a terminal ended by SIGHUP leaves no session directory and no program (${HOST})`, () =>
  endsClean("repl", signal("SIGHUP")));

test(`a REPL at a terminal killed with SIGKILL leaves no session directory and no program (${HOST})`, () =>
  endsClean("repl", signal("SIGKILL")));

test(`a REPL whose terminal closes leaves no session directory and no program (${HOST})`, () =>
  endsClean("repl", terminalClosed));

test(`a REPL whose tmux server is killed leaves no session directory and no program (${HOST})`, () =>
  endsClean("repl", serverKilled));

test(`a TUI killed with SIGKILL leaves no session directory and no program (${HOST})`, () =>
  endsClean("tui", signal("SIGKILL")));

test(`a TUI whose terminal closes leaves no session directory and no program (${HOST})`, () =>
  endsClean("tui", terminalClosed));
