/**
 * The allocation-heavy workload of `scripts/bench-line.ts`'s overhead
 * section: per item an object literal with a nested array and a class
 * instance, string concatenations and a template, `JSON.stringify` and
 * `JSON.parse`, `split`, two closures; one result in ten (the parsed copy)
 * and one in a hundred (the record, its closures, a string) kept until the
 * end. Under a preloaded tracer this module is rewritten as it loads (it is
 * under `scripts/`, not the tracer's own files): about fifteen allocation
 * sites run per item.
 *
 * @module
 */

/** A small class: its instances are `new` sites. */
class Vec {
  readonly x: number;
  readonly y: number;
  constructor(x: number, y: number) {
    this.x = x;
    this.y = y;
  }
  add(other: Vec): Vec {
    return new Vec(this.x + other.x, this.y + other.y);
  }
}

interface Item {
  id: number;
  name: string;
  tags: string[];
  at: Vec;
}

function item(i: number): Item {
  return { id: i, name: "item-" + i, tags: ["a" + (i % 7), "b" + (i % 13)], at: new Vec(i, i + 1) };
}

function handlers(i: number): [() => number, (x: number) => number] {
  return [() => i, (x: number) => x + i];
}

/**
 * Runs `count` items; returns a checksum (so that nothing is optimised
 * away) plus the number of results kept.
 *
 * @example
 * ```ts
 * run(1000) > 0; // true
 * ```
 */
export function run(count: number): number {
  const keep: unknown[] = [];
  let check = 0;
  for (let i = 0; i < count; i++) {
    const it = item(i);
    const text = JSON.stringify(it);
    const back = JSON.parse(text) as Item;
    const [get, plus] = handlers(i);
    const moved = it.at.add(new Vec(1, 2));
    const parts = text.split(",");
    const label = `${it.name}:${parts.length}`;
    check += text.length + back.tags.length + get() + plus(1) + moved.x + label.length;
    if (i % 10 === 0) keep.push(back);
    if (i % 100 === 0) keep.push({ it, get, plus, label });
  }
  return check + keep.length;
}

/**
 * One object made at a line of this module: a rewritten module reports it
 * to the sampler, so a snapshot taken while `probe()`'s result lives shows
 * this file (the child's check that the workload really was rewritten).
 *
 * @example
 * ```ts
 * const held = probe(); // { probe: 1 }
 * ```
 */
export function probe(): { probe: number } {
  return { probe: 1 };
}
