import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CommandError } from "../../src/session/errors.ts";
import type { Session } from "../../src/session/session.ts";
import { quote } from "../../src/session/tokenize.ts";
import { textWidth } from "../../src/text/width.ts";
import { LEAK_LINE, LEAKY, lines, offlineSession, RELEASE_LINE, withDumps } from "./helpers.ts";

/** An offline session with `file` loaded (under `label` when given). */
async function loaded(file: string, label?: string): Promise<Session> {
  const session = offlineSession();
  await session.execute(label ? `load ${quote(file)} ${label}` : `load ${quote(file)}`);
  return session;
}

test("load keeps dumps under default labels s1, s2, ...", () =>
  withDumps(async ({ before, after }) => {
    const session = offlineSession();
    assert.deepEqual(await lines(session, `load ${quote(before)}`), [
      `s1: 3 traces, 5160 B from ${before}`,
    ]);
    await session.execute(`load ${quote(after)}`);
    assert.deepEqual([...session.snapshots.keys()], ["s1", "s2"]);
  }));

test("load keeps a dump under the label given", () =>
  withDumps(async ({ before }) => {
    const session = await loaded(before, "base");
    assert.deepEqual([...session.snapshots.keys()], ["base"]);
  }));

test("stats prints the seed's [ Top N ] then one str(Statistic) per line", () =>
  withDumps(async ({ after }) => {
    const session = offlineSession();
    assert.deepEqual(
      await lines(session, `load ${quote(after)}`, "stats --limit 2"),
      [
        "[ Top 2 ]",
        `${LEAKY}:${LEAK_LINE}: size=49.8 KiB, count=50, average=1020 B`,
        `${LEAKY}:${RELEASE_LINE}: size=6144 B, count=2, average=3072 B`,
      ],
    );
  }));

test("stats groups by filename when asked", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after);
    const out = await lines(session, "stats --by filename");
    assert.deepEqual(out, [
      "[ Top 10 ]",
      `${LEAKY}:0: size=55.8 KiB, count=52, average=1099 B`,
      "<unknown>:0: size=64 B, count=1, average=64 B",
    ]);
  }));

test("stats --cumulative counts every frame of a traceback", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after);
    const out = await lines(session, "stats --by filename --cumulative");
    assert.ok(
      out.includes("main.ts:0: size=4096 B, count=1, average=4096 B"),
      out.join("\n"),
    );
  }));

test("stats gives its entries as JSON data", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after);
    const data = (await session.execute("stats --limit 1"))!.result
      .data as Record<string, unknown>;
    assert.equal(data.total, 3);
    assert.deepEqual(data.entries, [{
      rank: 1,
      text: `${LEAKY}:${LEAK_LINE}: size=49.8 KiB, count=50, average=1020 B`,
      size: 51000,
      count: 50,
      average: 1020,
      traceback: [{
        file: LEAKY,
        line: LEAK_LINE,
        column: 1,
        function: "leak",
      }],
    }]);
  }));

test("compare puts the leaking line first in [ Top N differences ]", () =>
  withDumps(async ({ before, after }) => {
    const out = await lines(
      offlineSession(),
      `load ${quote(before)} old`,
      `load ${quote(after)} new`,
      "compare new old",
    );
    assert.equal(out[0], "[ Top 10 differences ]");
    assert.equal(
      out[1],
      `${LEAKY}:${LEAK_LINE}: size=49.8 KiB (+48.8 KiB), count=50 (+49), average=1020 B`,
    );
  }));

test("top prints the seed's pretty top with source lines, others and total", () =>
  withDumps(async ({ after }) => {
    const session = offlineSession();
    assert.deepEqual(
      await lines(session, `load ${quote(after)}`, "top --limit 1"),
      [
        "Top 1 lines",
        `#1: ${LEAKY}:${LEAK_LINE}: 49.8 KiB`,
        "    for (let i = 0; i < count; i++) kept.push(new Uint8Array(size)); // LEAK",
        "1 other: 6.0 KiB",
        "Total allocated size: 55.8 KiB",
      ],
    );
  }));

test("traceback shows the tracebacks of a listed entry with source lines", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after, "a");
    const out = await lines(session, "stats a", "traceback a 2");
    assert.deepEqual(out, [
      `a #2: ${LEAKY}:${RELEASE_LINE}: size=6144 B, count=2, average=3072 B`,
      "1 memory blocks: 4.0 KiB",
      '  File "main.ts", line 3',
      `  File "${LEAKY}", line ${RELEASE_LINE}, in release`,
      "    kept.length = 0;",
      "1 memory blocks: 2.0 KiB",
      '  File "other.ts", line 9',
      `  File "${LEAKY}", line ${RELEASE_LINE}, in release`,
      "    kept.length = 0;",
    ]);
  }));

test("traceback --newest-first puts the most recent frame first", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after, "a");
    const out = await lines(session, "stats a", "traceback a 2 --limit 1 --newest-first");
    assert.deepEqual(out.slice(2, 4), [
      `  File "${LEAKY}", line ${RELEASE_LINE}, in release`,
      "    kept.length = 0;",
    ]);
  }));

test("traceback before any listing says to list first", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after, "a");
    await assert.rejects(session.execute("traceback a 1"), {
      message: /run stats, compare or top first/,
    });
  }));

test("traceback of an entry the listing does not have names the count", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after, "a");
    await lines(session, "stats a");
    await assert.rejects(session.execute("traceback a 9"), {
      message: "traceback: no entry 9 in the last listing (stats a has 3)",
    });
  }));

test("filters apply to every listing until cleared", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after);
    assert.deepEqual(await lines(session, "filter exclude '*leaky.ts'"), [
      `added: exclude "*leaky.ts"`,
      `1: exclude "*leaky.ts"`,
    ]);
    assert.deepEqual(await lines(session, "stats"), [
      "[ Top 10 ]",
      "<unknown>:0: size=64 B, count=1, average=64 B",
    ]);
    assert.equal(
      (await lines(session, "top")).at(-1),
      "Total allocated size: 0.0 KiB",
    );
    await session.execute("filter clear");
    assert.equal((await lines(session, "stats")).length, 4);
  }));

test("an include filter with a line keeps only that line", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after);
    await session.execute(
      `filter include '*leaky.ts' --lineno ${RELEASE_LINE}`,
    );
    assert.deepEqual((await lines(session, "stats")).length, 2);
  }));

test("an all-frames filter matches older frames too", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after);
    await session.execute("filter include other.ts --all-frames");
    assert.deepEqual(await lines(session, "stats"), [
      "[ Top 10 ]",
      `${LEAKY}:${RELEASE_LINE}: size=2048 B, count=1, average=2048 B`,
    ]);
  }));

test("domain filters keep or drop whole domains", () =>
  withDumps(async ({ after }) => {
    const session = await loaded(after);
    await session.execute("filter domain include 1");
    assert.deepEqual((await lines(session, "stats")).slice(1), [
      `${LEAKY}:${RELEASE_LINE}: size=6144 B, count=2, average=3072 B`,
    ]);
  }));

test("filter remove drops one filter by its number", () => {
  const session = offlineSession();
  return (async () => {
    await session.execute("filter exclude a");
    await session.execute("filter domain exclude -1");
    assert.deepEqual(await lines(session, "filter remove 1"), [
      `removed: exclude "a"`,
      "1: exclude domain -1",
    ]);
    await assert.rejects(session.execute("filter remove 5"), {
      message: "filter: no filter 5 (there are 1)",
    });
  })();
});

test("glob options on other filter actions are refused", async () => {
  const session = offlineSession();
  await assert.rejects(session.execute("filter domain exclude 1 --lineno 3"), {
    message: "filter: option --lineno does not apply to filter domain",
  });
  await assert.rejects(session.execute("filter include"), {
    message: "filter: usage: filter include GLOB [--lineno N] [--all-frames] [--domain N]",
  });
});

test("dump writes a snapshot that load reads back the same", () =>
  withDumps(async ({ after, dir }) => {
    const session = offlineSession();
    const copy = join(dir, "copy.dump");
    await session.execute(`load ${quote(after)} a`);
    assert.match(
      (await lines(session, `dump a ${quote(copy)}`))[0],
      /^a written to .*copy\.dump \(\d+ B\)$/,
    );
    await session.execute(`load ${quote(copy)} b`);
    assert.deepEqual(
      await lines(session, "stats b"),
      await lines(session, "stats a"),
    );
  }));

test("snapshots lists the snapshots held", () =>
  withDumps(async ({ before, after }) => {
    const session = offlineSession();
    await session.execute(`load ${quote(before)}`);
    await session.execute(`load ${quote(after)}`);
    const out = await lines(session, "snapshots");
    assert.equal(out.length, 2);
    assert.match(
      out[0],
      /^s1 +\d\d:\d\d:\d\d {2}3 traces, 5160 B {2}loaded from .*before\.dump$/,
    );
  }));

test("snapshots aligns its times under labels of wide characters", () =>
  withDumps(async ({ before, after }) => {
    const session = offlineSession();
    await session.execute(`load ${quote(before)} 前の`);
    await session.execute(`load ${quote(after)} after`);
    const out = await lines(session, "snapshots");
    const timeColumn = out.map((line) => textWidth(line.slice(0, line.search(/\d\d:\d\d/))));
    assert.deepEqual(timeColumn, [7, 7]); // "前の" takes 4 columns, "after" 5: both padded to 5, then two spaces
  }));

test("load of a missing file names it and keeps earlier snapshots", () =>
  withDumps(async ({ before, dir }) => {
    const session = await loaded(before);
    const missing = join(dir, "missing.dump");
    await assert.rejects(session.execute(`load ${quote(missing)}`), {
      message: `load: ${missing}: cannot read: no such file`,
    });
    assert.deepEqual([...session.snapshots.keys()], ["s1"]);
  }));

test("load of a corrupt file says it is not a dump", () =>
  withDumps(async ({ dir }) => {
    const session = offlineSession();
    const bad = join(dir, "bad.dump");
    await writeFile(bad, "not a dump at all");
    await assert.rejects(
      session.execute(`load ${quote(bad)}`),
      (e: unknown) => {
        assert.ok(e instanceof CommandError);
        assert.equal(e.command, "load");
        assert.match(e.message, /^load: .*bad\.dump: not a snapshot dump/);
        return true;
      },
    );
  }));

test("a listing of an unknown label names the labels there are", () =>
  withDumps(async ({ before }) => {
    const session = await loaded(before);
    await assert.rejects(session.execute("stats nope"), {
      message: 'stats: no snapshot labelled "nope" (have s1)',
    });
  }));

test("a listing without any snapshot says how to get one", async () => {
  await assert.rejects(offlineSession().execute("top"), {
    message: /^top: no snapshot yet/,
  });
});

test("an unknown command is an error that suggests a near name", async () => {
  await assert.rejects(offlineSession().execute("stast"), (e: unknown) => {
    assert.ok(e instanceof CommandError);
    assert.equal(
      e.message,
      "stast: unknown command (did you mean start or stats?) (try help)",
    );
    return true;
  });
});

test("blank lines and comments do nothing", async () => {
  const session = offlineSession();
  assert.equal(await session.execute("   "), null);
  assert.equal(await session.execute("# a comment"), null);
});

test("commands that need a program fail in a session without one", async () => {
  await assert.rejects(offlineSession().execute("snapshot"), {
    message: /^snapshot: there is no program/,
  });
});
