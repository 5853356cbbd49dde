/**
 * A login service whose session table is never pruned: `login` makes
 * several objects per request, and one line of it keeps one for good.
 * Used by the README's sessions with the line engine. Runs for the number
 * of seconds given as its argument (default: until killed).
 *
 * @module
 */

import process from "node:process";

interface Claims {
  sub: string;
  roles: string[];
}

const sessions = new Map<number, { user: string; roles: string[]; seen: number[] }>();
let next = 0;

function tokenFor(n: number): string {
  return JSON.stringify({ sub: `user-${n % 1000}`, roles: ["reader", n % 7 === 0 ? "admin" : "guest"] });
}

function login(token: string): number {
  const claims = JSON.parse(token) as Claims;
  const audit = `login ${claims.sub} as ${claims.roles.join("+")}`;
  const id = next++;
  sessions.set(id, { user: claims.sub, roles: [...claims.roles], seen: [id] });
  return audit.length + id;
}

let check = 0;
const timer = setInterval(() => {
  for (let k = 0; k < 100; k++) check += login(tokenFor(next));
}, 10);
const seconds = Number(process.argv[2] ?? "0");
if (seconds > 0) setTimeout(() => clearInterval(timer), seconds * 1000);
