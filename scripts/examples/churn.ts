/**
 * The README's "What churns" session: a price feed that parses a burst of
 * quotes every 10 ms into temporary objects and keeps one small summary a
 * tick. Its live memory is the summaries; its garbage collector's work is
 * the quotes.
 *
 * In the REPL: `start 5 --every 16`, `run scripts/examples/churn.ts`,
 * `stats --allocated` (README, "What churns").
 * @module
 */
import process from "node:process";

const summaries: { high: number; low: number; history: number[] }[] = [];

function tick(): void {
  let high = -Infinity;
  let low = Infinity;
  for (let i = 0; i < 2000; i++) {
    const quote = { symbol: "ACME", price: 100 + Math.sin(i) * 5, volume: i }; // temporary
    const cents = [quote.price * 100, quote.volume];
    high = Math.max(high, cents[0]);
    low = Math.min(low, cents[0]);
  }
  summaries.push({ high, low, history: new Array(256).fill(high) }); // kept
}

const timer = setInterval(tick, 10);
setTimeout(() => clearInterval(timer), Number(process.argv[2] ?? 60) * 1000);
