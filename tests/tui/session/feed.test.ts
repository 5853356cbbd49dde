import { test } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../../src/session/session.ts";
import { LiveFeed } from "../../../tui/session/feed.ts";
import { APP_TRACES, FakeTarget } from "../helpers.tsx";

/** Resolves once `feed` satisfies `check`. */
function until(feed: LiveFeed, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const off = feed.subscribe(() => {
      if (check()) {
        off();
        resolve();
      }
    });
  });
}

test("each refresh brings the status and a snapshot, with the previous one for growth", async () => {
  const feed = new LiveFeed(new Session({ target: new FakeTarget({ traces: APP_TRACES }) }), { interval: 10 });
  feed.start();
  await until(feed, () => feed.state.live?.previous != null);
  feed.close();
  assert.equal(feed.state.status?.pid, 4242);
  assert.equal(feed.state.live?.current.columns.length, 3);
  assert.ok(feed.state.samples.length >= 2);
});

test("without tracing there is no live snapshot", async () => {
  const feed = new LiveFeed(new Session({ target: new FakeTarget({ tracing: false }) }), { interval: 10 });
  feed.start();
  await until(feed, () => feed.state.status !== null);
  feed.close();
  assert.equal(feed.state.live, null);
});

test("a failing refresh is reported and the feed goes on", async () => {
  const target = new FakeTarget({ traces: APP_TRACES });
  let fail = true;
  const status = target.status.bind(target);
  target.status = () => fail ? Promise.reject(new Error("agent gone")) : status();
  const feed = new LiveFeed(new Session({ target }), { interval: 10 });
  feed.start();
  await until(feed, () => feed.state.error === "agent gone");
  fail = false;
  await until(feed, () => feed.state.error === null && feed.state.status !== null);
  feed.close();
});

test("a paused feed asks nothing of the target", async () => {
  const target = new FakeTarget({ traces: APP_TRACES });
  let asked = 0;
  const status = target.status.bind(target);
  target.status = () => (asked++, status());
  const feed = new LiveFeed(new Session({ target }), { interval: 5 });
  feed.start();
  await until(feed, () => feed.state.status !== null);
  feed.setPaused(true);
  const before = asked;
  await new Promise((resolve) => setTimeout(resolve, 60));
  feed.close();
  assert.ok(asked <= before + 1, `asked ${asked - before} times while paused`);
});

test("after the target exits the feed stops asking", async () => {
  const target = new FakeTarget({ traces: APP_TRACES });
  target.exit = { code: 0, signal: null };
  let asked = 0;
  const status = target.status.bind(target);
  target.status = () => (asked++, status());
  const feed = new LiveFeed(new Session({ target }), { interval: 5 });
  feed.start();
  await until(feed, () => feed.state.status !== null);
  await new Promise((resolve) => setTimeout(resolve, 60));
  feed.close();
  assert.equal(asked, 1);
});

test("a target that answers refresh is asked once per refresh, and the feed keeps the age of its figures", async () => {
  const target = new FakeTarget({ traces: APP_TRACES });
  const asked: string[] = [];
  const status = target.status.bind(target);
  const snapshot = target.takeSnapshot.bind(target);
  target.status = () => (asked.push("status"), status());
  target.takeSnapshot = () => (asked.push("snapshot"), snapshot());
  const withRefresh = Object.assign(target, {
    refresh: async () => {
      asked.push("refresh");
      return { status: { ...await status(), age: 2500 }, snapshot: await snapshot() };
    },
  });
  const feed = new LiveFeed(new Session({ target: withRefresh }), { interval: 5 });
  feed.start();
  await until(feed, () => feed.state.live?.previous != null);
  feed.close();
  assert.ok(asked.length >= 2);
  assert.deepEqual(new Set(asked), new Set(["refresh"]));
  assert.equal(feed.state.status?.age, 2500);
});
