/**
 * The code under test of the leak-check examples (`leak-check-*.test.ts`):
 * `login` keeps every session in a module-level Map that nothing ever
 * empties (the leak), `render` keeps nothing.
 *
 * @module
 */
const sessions = new Map<number, { user: string; roles: string[]; token: Uint8Array }>();
let next = 0;

/** Opens a session for `user`: a leak, nothing ever deletes it. */
export function login(user: string): number {
  const id = next++;
  sessions.set(id, { user, roles: ["reader"], token: new Uint8Array(256) });
  return id;
}

/** A page of rows for `user`: temporary objects only. */
export function render(user: string): string {
  const rows = Array.from({ length: 50 }, (_, i) => ({ i, user }));
  return rows.map((row) => `${row.user}:${row.i}`).join("\n");
}
