import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import type { Session } from "../../src/session/session.ts";
import { quote } from "../../src/session/tokenize.ts";
import { BEFORE, LEAK_FILE, offlineSession, readPprof, signed, withTemp } from "./helpers.ts";

/** Runs `body` with a session holding `before` and `after`, in a temp directory; closes the session. */
function withSession(body: (session: Session, dir: string) => Promise<void>): Promise<void> {
  return withTemp(async (dir) => {
    const session = await offlineSession(dir);
    try {
      await body(session, dir);
    } finally {
      await session.close();
    }
  });
}

/** What kind of file `bytes` is, by its first bytes. */
function kindOf(bytes: Uint8Array): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipSync(bytes).length ? "pprof" : "empty gzip";
  const text = new TextDecoder().decode(bytes);
  if (text.startsWith("<!DOCTYPE html>")) return "html";
  const json = JSON.parse(text);
  if (json.$schema === "https://www.speedscope.app/file-format-schema.json") return "speedscope";
  if (json.head?.callFrame?.functionName === "(root)") return "heapprofile";
  return "unknown";
}

/** The data the HTML report embeds, as its script reads it. */
function reportData(html: string): { timeline: { label: string }[]; leaks: { file: string; line: number }[] | null } {
  const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1];
  return JSON.parse(json);
}

test("export takes the format from the file name's ending", () =>
  withSession(async (session, dir) => {
    const endings = {
      "a.pb.gz": "pprof",
      "b.pprof": "pprof",
      "c.heapprofile": "heapprofile",
      "d.speedscope.json": "speedscope",
      "e.html": "html",
      "F.HTM": "html",
    };
    for (const [name, format] of Object.entries(endings)) {
      const file = join(dir, name);
      const outcome = await session.execute(`export after ${quote(file)}`);
      assert.match(
        outcome!.result.lines[0],
        new RegExp(`^after written to .*${name.replace(".", "\\.")} as ${format} \\(`),
      );
      assert.equal(kindOf(await readFile(file)), format, name);
    }
  }));

test("export --format wins over the file name", () =>
  withSession(async (session, dir) => {
    const file = join(dir, "profile.json");
    await session.execute(`export after ${quote(file)} --format speedscope`);
    assert.equal(kindOf(await readFile(file)), "speedscope");
  }));

test("export refuses a file name that names no format, giving the endings that do", () =>
  withSession(async (session, dir) => {
    await assert.rejects(session.execute(`export after ${quote(join(dir, "x.out"))}`), {
      message:
        /^export: cannot tell the format from the name ".*x\.out": give --format pprof\|heapprofile\|speedscope\|html or end the name with \.pb\.gz, \.heapprofile, \.speedscope\.json, \.html$/,
    });
  }));

test("export applies the active filters", () =>
  withSession(async (session, dir) => {
    await session.execute("filter domain include 0");
    const file = join(dir, "js.pb.gz");
    const outcome = await session.execute(`export after ${quote(file)}`);
    const profile = await readPprof(file);
    assert.deepEqual(profile.sample.map((s) => signed(s.value[1])), [700]);
    assert.deepEqual(outcome!.result.data, {
      label: "after",
      base: null,
      file,
      format: "pprof",
      bytes: (await readFile(file)).length,
      filters: ["include domain 0"],
    });
  }));

test("export --base writes the change since the base snapshot", () =>
  withSession(async (session, dir) => {
    const file = join(dir, "diff.pb.gz");
    const outcome = await session.execute(`export after ${quote(file)} --base before`);
    assert.match(outcome!.result.lines[0], /^after compared with before written to .*diff\.pb\.gz as pprof \(/);
    const profile = await readPprof(file);
    const values = profile.sample.map((sample) => signed(sample.value[1])).sort((a, b) => a - b);
    assert.deepEqual(values, [-1_000, 700, 2_048_000]);
  }));

test("export --base is refused by formats that cannot hold a comparison, naming those that can", () =>
  withSession(async (session, dir) => {
    for (const name of ["x.heapprofile", "x.speedscope.json"]) {
      await assert.rejects(session.execute(`export after ${quote(join(dir, name))} --base before`), {
        message:
          /^export: (heapprofile|speedscope) cannot hold a comparison \(.* negative .*\): use --format pprof or html/,
      });
    }
    assert.deepEqual((await readdir(dir)).sort(), ["after.dump", "before.dump"]);
  }));

test("export --base refuses the exported snapshot itself as its base", () =>
  withSession(async (session, dir) => {
    await assert.rejects(session.execute(`export after ${quote(join(dir, "x.html"))} --base after`), {
      message: "export: --base after is the snapshot exported: pick another one",
    });
  }));

test("export of a label not held names the labels held", () =>
  withSession(async (session, dir) => {
    await assert.rejects(session.execute(`export later ${quote(join(dir, "x.html"))}`), {
      message: 'export: no snapshot labelled "later" (have before, after)',
    });
  }));

test("export writes atomically: a failed write leaves nothing behind, an export replaces the old file whole", () =>
  withSession(async (session, dir) => {
    await assert.rejects(session.execute(`export after ${quote(join(dir, "missing", "x.html"))}`), {
      message: /x\.html: cannot write: no such directory$/,
    });
    const file = join(dir, "x.html");
    await writeFile(file, "old");
    await session.execute(`export after ${quote(file)}`);
    assert.ok((await readFile(file, "utf8")).startsWith("<!DOCTYPE html>"));
    assert.deepEqual((await readdir(dir)).sort(), ["after.dump", "before.dump", "x.html"]);
  }));

test("an HTML export charts every snapshot the session holds, marking the exported one and its base", () =>
  withSession(async (session, dir) => {
    const file = join(dir, "x.html");
    await session.execute(`export after ${quote(file)} --base before`);
    const { timeline } = reportData(await readFile(file, "utf8"));
    assert.deepEqual(timeline.map((p) => [p.label, "current" in p, "base" in p]), [
      ["before", false, true],
      ["after", true, false],
    ]);
  }));

test("an HTML export ranks the leaks when the session holds three or more snapshots", () =>
  withSession(async (session, dir) => {
    const file = join(dir, "x.html");
    await session.execute(`export after ${quote(file)}`);
    assert.equal(reportData(await readFile(file, "utf8")).leaks, null, "two snapshots: no ranking");
    const mid = join(dir, "mid.dump");
    const grown: RawTrace[] = [[1, 1_000_000, BEFORE[0][2], 3, 250], BEFORE[1]];
    await new Snapshot(grown, 5).dump(mid);
    await session.execute(`load ${quote(mid)} mid`);
    await session.execute(`export after ${quote(file)}`);
    const { leaks } = reportData(await readFile(file, "utf8"));
    assert.deepEqual(leaks?.map((l) => `${l.file}:${l.line}`)[0], `${LEAK_FILE}:16`);
  }));

test("help export names the formats, their endings and what --base gives in each", () =>
  withSession(async (session) => {
    const text = (await session.execute("help export"))!.result.lines.join("\n");
    for (const word of ["pprof", ".pb.gz", ".heapprofile", ".speedscope.json", ".html", "--base OLD", "diff profile"]) {
      assert.ok(text.includes(word), word);
    }
  }));
