import { test } from "node:test";
import assert from "node:assert/strict";
import { planModule } from "../../../src/engines/line/instrument.ts";
import type { Plan } from "../../../src/engines/line/plan.ts";
import { realignPlan } from "../../../src/engines/line/realign.ts";
import type { SourceLang } from "../../../src/runtime/load-hook.ts";

const PATH = "/app/service.cts";

function plan(source: string, lang: SourceLang): Plan {
  const made = planModule(source, { path: PATH, lang, kind: "commonjs" });
  assert.ok(made, "the text parses");
  return made;
}

/** Per site of `p`: `line fn`. */
const where = (p: Plan) => p.sites.line.map((line, i) => `${line} ${p.sites.fn[i] ?? "-"}`);

/** A file with blank lines, a multi-line literal and two consecutive `const`s... */
const FILE = `"use strict";
const kept = [];

const config = {
  name: "x",
  list: [
    1,
    2,
  ],
};
function handle(i) {
  const a = [i, 1, 2];
  const b = [i, i];

  kept.push(a);
  return b.length;
}
module.exports = { handle, config };
`;

/** ... and the body Bun 1.4.5's CommonJS handler makes of it. */
const BODY = `
  "use strict";
  const kept = [];
  const config = {
    name: "x",
    list: [
      1,
      2
    ]
  };
  function handle(i) {
    const a = [i, 1, 2], b = [i, i];
    kept.push(a);
    return b.length;
  }
  module.exports = { handle, config };
`;

test("the body's sites take the file's lines: blank lines, a re-wrapped literal, merged consts", () => {
  const { plan: realigned, unaligned } = realignPlan(plan(BODY, "js"), plan(FILE, "js"));
  assert.deepEqual(where(realigned), where(plan(FILE, "js")));
  assert.deepEqual(where(realigned), ["2 -", "4 -", "6 -", "12 handle", "13 handle", "18 -"]);
  assert.equal(unaligned, 0);
});

test("the realigned plan keeps the body's insertions, kinds and flags", () => {
  const body = plan(BODY, "js");
  const { plan: realigned } = realignPlan(body, plan(FILE, "js"));
  assert.equal(realigned.insertions, body.insertions);
  assert.deepEqual(realigned.sites.kind, body.sites.kind);
  assert.deepEqual(realigned.sites.flags, body.sites.flags);
  assert.deepEqual(realigned.sites.files, [PATH]);
});

/** TypeScript whose class Bun hoists to the top of the body, with an enum Bun prints as code of its own. */
const TS_FILE = `"use strict";
const list = [1];

class Session {
  constructor(private tags: string[] = []) {}
  label(): string {
    return \`s\${this.tags.length}\`;
  }
}
enum Color { Red, Green }
const made = new Session(["a"]);
module.exports = { list, made, Color };
`;

const TS_BODY = `
  "use strict";

  class Session {
    tags;
    constructor(tags = []) {
      this.tags = tags;
    }
    label() {
      return \`s\${this.tags.length}\`;
    }
  }
  const list = [1];
  var Color;
  ((Color) => {
    Color[Color.Red = 0] = "Red";
    Color[Color.Green = 1] = "Green";
  })(Color ||= {});
  const made = new Session(["a"]);
  module.exports = { list, made, Color };
`;

test("sites of a class Bun moved to the top of the body keep the class's lines", () => {
  const { plan: realigned } = realignPlan(plan(TS_BODY, "js"), plan(TS_FILE, "ts"));
  const lines = where(realigned);
  assert.ok(lines.includes("5 Session"), `the default parameter's array: ${lines}`);
  assert.ok(lines.includes("7 label"), `the method's template: ${lines}`);
});

test("sites only the body has are counted and put between their aligned neighbours", () => {
  const body = plan(TS_BODY, "js");
  const { plan: realigned, unaligned } = realignPlan(body, plan(TS_FILE, "ts"));
  assert.equal(unaligned, 1, "the enum's `Color ||= {}`");
  // In the body: `list` (file line 2), then the enum's object (body line 18), then `made` (file line 11).
  const line = realigned.sites.line[body.sites.line.indexOf(18)];
  assert.ok(line >= 2 && line <= 11, `the enum's object is put at line ${line}`);
  for (const site of where(plan(TS_FILE, "ts"))) assert.ok(where(realigned).includes(site), `${site} is kept`);
});

test("a file text that does not parse leaves the body's positions, every site unaligned", () => {
  const body = plan(BODY, "js");
  const { plan: kept, unaligned } = realignPlan(body, null);
  assert.equal(kept, body);
  assert.equal(unaligned, body.sites.line.length);
});

test("a body without sites needs no alignment", () => {
  const body = plan(`\n  "use strict";\n  module.exports = 1;\n`, "js");
  assert.deepEqual(realignPlan(body, plan(FILE, "js")), { plan: body, unaligned: 0 });
});

/** A function whose `const`s Bun inlines into the `return` that reads them. */
const INLINED_FILE = `"use strict";
function make(i) {
  const one = [i];
  const two = { i };

  const three = new Map([[i, one]]);

  return [one, two, three];
}
module.exports = { make };
`;

const INLINED_BODY = `
  "use strict";
  function make(i) {
    const one = [i];
    return [one, { i }, new Map([[i, one]])];
  }
  module.exports = { make };
`;

test("with the texts, sites of a const Bun inlines into the return keep their own lines", () => {
  const texts = { body: INLINED_BODY, original: INLINED_FILE };
  const { plan: realigned, unaligned } = realignPlan(plan(INLINED_BODY, "js"), plan(INLINED_FILE, "js"), texts);
  // In the body the returned array comes before what it holds; in the file, after.
  assert.deepEqual(where(realigned), ["3 make", "8 make", "4 make", "6 make", "6 make", "6 make", "10 -"]);
  assert.equal(unaligned, 0);
});
