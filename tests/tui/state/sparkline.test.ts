import { test } from "node:test";
import assert from "node:assert/strict";
import { appendSample, HISTORY_LENGTH, sparkline } from "../../../tui/state/sparkline.ts";

test("samples become bars scaled to the highest", () => {
  assert.deepEqual(sparkline([0, 5, 10, 5], 10), { text: " ▅█▅", peakAt: 2 });
});

test("a ceiling above every sample scales the bars down", () => {
  assert.equal(sparkline([10], 5, 80).text, "▂");
});

test("only the last width samples are drawn", () => {
  assert.equal(sparkline([1, 2, 3, 4], 2).text.length, 2);
});

test("the peak is the last of equal highest samples", () => {
  assert.equal(sparkline([3, 1, 3], 5).peakAt, 2);
});

test("no samples draw nothing", () => {
  assert.deepEqual(sparkline([], 10), { text: "", peakAt: -1 });
});

test("the history keeps its last HISTORY_LENGTH samples", () => {
  let samples: number[] = [];
  for (let i = 0; i < HISTORY_LENGTH + 5; i++) samples = appendSample(samples, i);
  assert.equal(samples.length, HISTORY_LENGTH);
  assert.equal(samples[0], 5);
});
