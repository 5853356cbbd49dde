import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentError, Channel } from "../../src/agent/client.ts";
import { encodeFrame, type Frame, FrameReader, type Request } from "../../src/agent/protocol.ts";
import { type AgentListener, listenForController, type RequestHandler } from "../../src/agent/server.ts";

const SECRET = "s3cret-" + "ab".repeat(28);

/** A listening agent channel in a fresh private directory, closed and removed by `done`. */
async function withAgent(
  handle: RequestHandler,
  body: (socket: string, listener: AgentListener) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tm-channel-"));
  const socket = join(dir, "agent.sock");
  const listener = await listenForController({ socket, secret: SECRET, hello: () => ({ pid: 1 }), handle });
  try {
    await body(socket, listener);
  } finally {
    listener.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const echo: RequestHandler = (request: Request) => Promise.resolve({ result: request });

/** Connects a raw socket, sends one hello, and gathers what comes back until the agent closes it. */
function rawHello(path: string, params: unknown): Promise<{ frames: Frame[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(path);
    const reader = new FrameReader();
    const frames: Frame[] = [];
    socket.on("connect", () => {
      for (const chunk of encodeFrame(1, { method: "hello", params })) socket.write(chunk);
    });
    socket.on("data", (chunk: Uint8Array) => frames.push(...reader.push(chunk)));
    socket.on("error", () => {});
    socket.on("close", () => resolve({ frames, closed: true }));
  });
}

test("the socket file is private to its user (mode 0600)", async () => {
  await withAgent(echo, (socket) => {
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    return Promise.resolve();
  });
});

test("a controller with the secret is admitted and its replies match its requests", async () => {
  const slowFirst: RequestHandler = async (request) => {
    if (request.method === "eval") await new Promise((r) => setTimeout(r, 20));
    return { result: request.method === "eval" ? request.params.code : request.method };
  };
  await withAgent(slowFirst, async (socket, listener) => {
    const channel = await Channel.connect(socket, SECRET, { timeoutMs: 5000 });
    await listener.controller;
    const replies = await Promise.all([
      channel.request({ method: "eval", params: { code: "first" } }),
      channel.request({ method: "status" }),
      channel.request({ method: "gc" }),
    ]);
    assert.deepEqual(replies, ["first", "status", "gc"]);
    channel.close();
  });
});

test("a connection with a wrong secret is refused and closed", async () => {
  await withAgent(echo, async (socket) => {
    const { frames, closed } = await rawHello(socket, { secret: "wrong", protocol: 1 });
    assert.equal(closed, true);
    assert.deepEqual(frames.map((f) => f.header), [{ ok: false, error: { name: "Error", message: "wrong secret" } }]);
  });
});

test("a connection without a secret is refused and closed", async () => {
  await withAgent(echo, async (socket) => {
    const { frames, closed } = await rawHello(socket, { protocol: 1 });
    assert.equal(closed, true);
    assert.equal((frames[0].header as { ok: boolean }).ok, false);
  });
});

test("a connection whose first message is not a hello is refused", async () => {
  await withAgent(echo, async (socket) => {
    const result = await new Promise<boolean>((resolve) => {
      const raw = connect(socket);
      raw.on("connect", () => {
        for (const chunk of encodeFrame(1, { method: "eval", params: { code: "1" } })) raw.write(chunk);
      });
      raw.on("error", () => {});
      raw.resume(); // read, so the agent's end of the stream is seen
      raw.on("close", () => resolve(true));
    });
    assert.equal(result, true);
  });
});

test("a refused connection does not stop the controller from being admitted", async () => {
  await withAgent(echo, async (socket) => {
    await rawHello(socket, { secret: "wrong", protocol: 1 });
    const channel = await Channel.connect(socket, SECRET, { timeoutMs: 5000 });
    assert.deepEqual(await channel.request({ method: "status" }), { method: "status" });
    channel.close();
  });
});

test("Channel.connect with a wrong secret rejects with the agent's refusal", async () => {
  await withAgent(echo, async (socket) => {
    await assert.rejects(Channel.connect(socket, "not it", { timeoutMs: 5000 }), (e) => {
      assert.ok(e instanceof AgentError);
      assert.match(e.message, /refused.*wrong secret/);
      return true;
    });
  });
});

test("once the controller is admitted, nobody else can connect", async () => {
  await withAgent(echo, async (socket, listener) => {
    const channel = await Channel.connect(socket, SECRET, { timeoutMs: 5000 });
    await listener.controller;
    await assert.rejects(Channel.connect(socket, SECRET, { timeoutMs: 100 }));
    channel.close();
  });
});

test("an error raised while handling a request rejects that request with its message", async () => {
  const failing: RequestHandler = () => Promise.reject(new RangeError("nframe must be at least 1"));
  await withAgent(failing, async (socket) => {
    const channel = await Channel.connect(socket, SECRET, { timeoutMs: 5000 });
    await assert.rejects(channel.request({ method: "start", params: { nframe: 0 } }), /nframe must be at least 1/);
    channel.close();
  });
});

test("bytes of tens of megabytes come back whole as a request's result", async () => {
  const body = new Uint8Array(32 * 1024 * 1024);
  for (let i = 0; i < body.byteLength; i += 997) body[i] = (i >> 3) & 0xff;
  await withAgent(() => Promise.resolve({ body }), async (socket) => {
    const channel = await Channel.connect(socket, SECRET, { timeoutMs: 5000 });
    const received = await channel.requestBytes({ method: "takeSnapshot" });
    assert.equal(received.byteLength, body.byteLength);
    assert.deepEqual(received, body);
    channel.close();
  });
});

test("the controller learns when the agent's end closes", async () => {
  await withAgent(echo, async (socket, listener) => {
    const channel = await Channel.connect(socket, SECRET, { timeoutMs: 5000 });
    const link = await listener.controller;
    const closed = new Promise<void>((resolve) => channel.onClose(resolve));
    const agentSawClose = new Promise<boolean>((resolve) => link.onClose(() => resolve(true)));
    channel.close();
    await closed;
    assert.equal(await agentSawClose, true);
  });
});
