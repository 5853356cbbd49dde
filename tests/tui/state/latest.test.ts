import { test } from "node:test";
import assert from "node:assert/strict";
import { LatestJob } from "../../../tui/state/latest.ts";
import { breathe, type Pace } from "../../../tui/state/pace.ts";

/** Jobs that take a few turns of the event loop, noting how each ended. */
function recorder() {
  const log: string[] = [];
  const run = async (request: string, pace: Pace) => {
    log.push(`start ${request}`);
    for (let i = 0; i < 5; i++) {
      await breathe();
      if (pace.cancelled()) return void log.push(`cancelled ${request}`);
    }
    log.push(`done ${request}`);
  };
  return { log, run };
}

const sameKind = (running: string, next: string) => running.split(" ")[0] === next.split(" ")[0];

/** Waits until `log` holds `entry` (and a few turns more, for anything that would follow it at once). */
async function until(log: string[], entry: string): Promise<void> {
  while (!log.includes(entry)) await breathe(1);
  for (let i = 0; i < 5; i++) await breathe();
}

test("a request of the same kind waits for the running job, and only the latest of those waiting runs", async () => {
  const { log, run } = recorder();
  const jobs = new LatestJob(run, sameKind);
  jobs.ask("live 1");
  jobs.ask("live 2");
  jobs.ask("live 3");
  await until(log, "done live 3");
  assert.deepEqual(log, ["start live 1", "done live 1", "start live 3", "done live 3"]);
});

test("a request of another kind cancels the running job and the waiting one", async () => {
  const { log, run } = recorder();
  const jobs = new LatestJob(run, sameKind);
  jobs.ask("live 1");
  jobs.ask("live 2");
  jobs.ask("filtered 1");
  await until(log, "done filtered 1");
  assert.deepEqual(log, ["start live 1", "start filtered 1", "cancelled live 1", "done filtered 1"]);
});

test("stop cancels the running job and nothing runs after it", async () => {
  const { log, run } = recorder();
  const jobs = new LatestJob(run, sameKind);
  jobs.ask("live 1");
  jobs.ask("live 2");
  jobs.stop();
  await until(log, "cancelled live 1");
  assert.deepEqual(log, ["start live 1", "cancelled live 1"]);
});
