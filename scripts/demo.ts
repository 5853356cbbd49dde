/**
 * The built-in demo workload: a small "service" that answers made-up
 * requests. It has the three habits memory tools exist for:
 *
 * - it leaks: every response is kept in a cache that never evicts;
 * - it churns: each request builds temporary objects that die at once;
 * - it holds buffers: a fixed pool of I/O buffers allocated at startup.
 *
 * `deno run -A mod.ts` runs it as the child target of the REPL; it runs
 * until the session ends it, or for SECONDS when given:
 *
 * ```sh
 * deno run -A mod.ts run scripts/demo.ts 2
 * ```
 *
 * @module
 */
import process from "node:process";

/** Requests answered per second. */
const RATE = 20;

/** The leak: responses by request id, never evicted. */
const responseCache = new Map<number, { body: string; digest: Uint8Array; rows: { text: string }[] }>();

/** Buffers held for the life of the service. */
const bufferPool: Uint8Array[] = [];

function allocatePool(): void {
  for (let i = 0; i < 4; i++) bufferPool.push(new Uint8Array(256 * 1024));
}

function parseRequest(
  id: number,
): { id: number; path: string; tags: string[] } {
  const raw = JSON.stringify({
    id,
    path: `/items/${id % 97}`,
    tags: ["a", "b", String(id)],
  });
  return JSON.parse(raw);
}

function renderPage(
  request: { id: number; path: string; tags: string[] },
): string {
  const rows: string[] = [];
  for (let i = 0; i < 50; i++) {
    rows.push(`<li>${request.path} #${i} ${request.tags.join(",")}</li>`);
  }
  return `<ul>${rows.join("")}</ul>`;
}

function cacheResponse(id: number, body: string): void {
  const digest = new Uint8Array(2048);
  digest[0] = body.length & 0xff;
  responseCache.set(id, { body, digest, rows: body.split("</li>").map((text) => ({ text })) });
}

function handleRequest(id: number): void {
  const request = parseRequest(id);
  const body = renderPage(request);
  cacheResponse(id, body);
  const scratch = bufferPool[id % bufferPool.length];
  scratch[id % scratch.length] = body.length & 0xff;
}

function main(): void {
  const seconds = Number(process.argv[2] ?? "");
  allocatePool();
  let next = 0;
  const timer = setInterval(() => handleRequest(next++), 1000 / RATE);
  console.log(
    `demo service: answering ${RATE} requests/s; its response cache never evicts`,
  );
  if (seconds > 0) {
    setTimeout(() => {
      clearInterval(timer);
      console.log(
        `demo service: stopped after ${next} requests, ${responseCache.size} cached`,
      );
    }, seconds * 1000);
  }
}

main();
