import { type RawTrace, Snapshot } from "../src/model/snapshot.ts";
import { TableData } from "./state/table.ts";
const ROWS = 100000;
const raw: RawTrace[] = [];
for (let i = 0; i < ROWS; i++) {
  raw.push([
    i % 3,
    10 * (ROWS - i),
    [[`/srv/app/f${i}.ts`, 1, 1, `fn${i % 97}`], ["/srv/app/main.ts", 9]],
    2,
    1 + (i * 7919) % 1000,
  ]);
}
const a = new Snapshot(raw, 2);
await a.dump("/tmp/f1big.tmsnap");
const t = (name: string, f: () => unknown) => {
  const s = performance.now();
  const r = f();
  console.log(name, (performance.now() - s).toFixed(1), "ms");
  return r;
};
for (let k = 0; k < 2; k++) {
  const b = await Snapshot.load("/tmp/f1big.tmsnap");
  const c = await Snapshot.load("/tmp/f1big.tmsnap");
  const stats = t("statistics lineno", () => b.statistics("lineno")) as ReturnType<Snapshot["statistics"]>;
  t("statistics filename", () => b.statistics("filename"));
  const diffs = t("compareTo lineno (other table)", () => b.compareTo(c, "lineno")) as ReturnType<
    Snapshot["compareTo"]
  >;
  t("compareTo lineno (same table)", () => b.compareTo(b, "lineno"));
  const td = t(
    "fromStatistics",
    () => TableData.fromStatistics("snapshot", { keyType: "lineno", cumulative: false }, stats),
  ) as TableData;
  t("order count", () => td.order("count"));
  t("order average", () => td.order("average"));
  const dd = t(
    "fromDiffs",
    () => TableData.fromDiffs("live", { keyType: "lineno", cumulative: false }, diffs, true),
  ) as TableData;
  t("order size (diff)", () => dd.order("size"));
  t("filterTraces", () => b.filterTraces([]));
}
const d = await Snapshot.load("/tmp/f1big.tmsnap");
t("statistics traceback", () => d.statistics("traceback"));
t("statistics lineno cumulative", () => d.statistics("lineno", true));
const st = d.statistics("lineno");
t("keys", () => {
  const m = new Map<string, number>();
  st.forEach((s, i) => {
    let k = "";
    for (const f of s.traceback) {
      k += `${f.filename}\0${f.lineno}\0${f.column ?? ""}\0${f.functionName ?? "\u0001"}\u0002`;
    }
    m.set(k, i);
  });
  return m;
});
