// One sandboxed zygote process for one pack: spawn, framed JSON over pipes, host-side deadlines.
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { EMPTY_ENV, sandboxArgs, type Runtime } from "./runtime";

/** Largest reply the host accepts from a sandbox (a case result is small: output is truncated inside). */
const MAX_REPLY_BYTES = 128 << 20;
const LOG_TAIL_BYTES = 16 << 10;

export class PackLoadError extends Error {
  override name = "PackLoadError";
  constructor(
    message: string,
    readonly detail: { type: string; message: string; traceback: string } | null,
    readonly log: string,
  ) {
    super(message);
  }
}

export class WorkerLostError extends Error {
  override name = "WorkerLostError";
  constructor(
    message: string,
    readonly reason: "crashed" | "unresponsive" | "closed",
  ) {
    super(message);
  }
}

export interface ReadyInfo {
  tools: string[];
  toolSchemas: unknown[] | null;
  stateBytes?: number;
}

type Reply = Record<string, unknown>;

interface Pending {
  id: number;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Splits a byte stream into length-prefixed frames. */
class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (body: Buffer) => void, private readonly onError: (e: Error) => void) {}
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const n = this.buf.readUInt32BE(0);
      if (n > MAX_REPLY_BYTES) {
        this.onError(new Error(`sandbox sent an oversized frame (${n} bytes)`));
        this.buf = Buffer.alloc(0);
        return;
      }
      if (this.buf.length < 4 + n) return;
      const body = this.buf.subarray(4, 4 + n);
      this.buf = this.buf.subarray(4 + n);
      this.onFrame(body);
    }
  }
}

let nextWorkerId = 1;

export class Worker {
  readonly id = nextWorkerId++;
  readonly ready: Promise<ReadyInfo>;
  busy = false;
  dead = false;
  /** Called once when the process is gone or being killed. */
  onGone: (() => void) | null = null;
  lastUsed = Date.now();
  private child: ChildProcess;
  private pending: Pending | null = null;
  private nextId = 1;
  private log = "";
  private readyResolve!: (r: ReadyInfo) => void;
  private readyReject!: (e: Error) => void;
  private readyDone = false;
  private startTimer: NodeJS.Timeout;

  constructor(
    rt: Runtime,
    readonly packKey: string,
    packDir: string,
    mode: "zygote" | "inspect",
    startTimeoutMs: number,
  ) {
    this.ready = new Promise((res, rej) => {
      this.readyResolve = res;
      this.readyReject = rej;
    });
    this.ready.catch(() => {});
    // The server's environment never reaches bwrap, let alone the sandbox (--clearenv as well).
    this.child = spawn(rt.bwrap, sandboxArgs(rt, packDir, mode), {
      env: EMPTY_ENV,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    });
    const onLog = (d: Buffer) => {
      this.log = (this.log + d.toString("utf8")).slice(-LOG_TAIL_BYTES);
    };
    this.child.stdout!.on("data", onLog);
    this.child.stderr!.on("data", onLog);
    const reader = new FrameReader(
      (body) => this.onFrame(body),
      (e) => this.fail(e.message),
    );
    (this.child.stdio[3] as Readable).on("data", (d: Buffer) => reader.push(d));
    (this.child.stdio[3] as Readable).on("error", () => {});
    (this.child.stdin as Writable).on("error", () => {});
    this.child.on("error", (e) => this.fail(`could not start bubblewrap: ${e.message}`));
    this.child.on("exit", (code, signal) => {
      this.fail(`sandbox process exited (${signal ?? `code ${code}`})`);
    });
    this.startTimer = setTimeout(() => this.fail(`pack did not load within ${startTimeoutMs} ms`), startTimeoutMs);
  }

  get logTail(): string {
    return this.log;
  }

  private onFrame(body: Buffer): void {
    let msg: Reply;
    try {
      msg = JSON.parse(body.toString("utf8")) as Reply;
      if (typeof msg !== "object" || msg === null) throw new Error("not an object");
    } catch {
      this.fail("sandbox sent a malformed frame");
      return;
    }
    if (!this.readyDone) {
      this.readyDone = true;
      clearTimeout(this.startTimer);
      if (msg.t === "ready") {
        this.readyResolve({
          tools: Array.isArray(msg.tools) ? msg.tools.map(String) : [],
          toolSchemas: Array.isArray(msg.toolSchemas) ? msg.toolSchemas : null,
          stateBytes: typeof msg.stateBytes === "number" ? msg.stateBytes : undefined,
        });
      } else {
        const d = msg.error as { type?: string; message?: string; traceback?: string } | undefined;
        const detail = d
          ? { type: String(d.type ?? "Error"), message: String(d.message ?? ""), traceback: String(d.traceback ?? "") }
          : null;
        this.readyReject(
          new PackLoadError(
            `the pack failed to load: ${detail ? `${detail.type}: ${detail.message}` : "unknown error"}`,
            detail,
            this.log,
          ),
        );
        this.kill();
      }
      return;
    }
    const p = this.pending;
    if (!p || msg.id !== p.id) {
      this.fail("sandbox sent an unexpected reply");
      return;
    }
    this.pending = null;
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  /** Sends one command; the zygote handles one at a time. */
  request(cmd: Record<string, unknown>, watchdogMs: number): Promise<Reply> {
    if (this.dead) return Promise.reject(new WorkerLostError("sandbox worker is gone", "crashed"));
    if (this.pending) return Promise.reject(new Error("worker is busy"));
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify({ ...cmd, id }), "utf8");
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    return new Promise<Reply>((resolve, reject) => {
      // The zygote enforces every deadline itself; this one only catches a zygote that stopped
      // answering, so a runaway sandbox can never hang the caller.
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = null;
        reject(new WorkerLostError("sandbox worker stopped answering", "unresponsive"));
        this.kill();
      }, watchdogMs);
      this.pending = { id, resolve, reject, timer };
      (this.child.stdin as Writable).write(Buffer.concat([head, body]));
    });
  }

  private fail(reason: string): void {
    if (!this.readyDone) {
      this.readyDone = true;
      clearTimeout(this.startTimer);
      this.readyReject(new PackLoadError(`the pack failed to load: ${reason}`, null, this.log));
    }
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(new WorkerLostError(`${reason}${this.log ? `\n${this.log.slice(-2000)}` : ""}`, "crashed"));
    }
    this.kill();
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.startTimer);
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(new WorkerLostError("sandbox worker was stopped", "closed"));
    }
    // bwrap --die-with-parent + the pid namespace take every process inside down with it.
    try {
      this.child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
    this.onGone?.();
  }

  /** Lets an idle pool not keep the Node process alive. */
  setRef(on: boolean): void {
    const items: Array<{ ref?: () => void; unref?: () => void } | null | undefined> = [
      this.child,
      ...this.child.stdio.map((s) => s as unknown as { ref?: () => void; unref?: () => void } | null),
    ];
    for (const s of items) {
      if (!s) continue;
      if (on) s.ref?.();
      else s.unref?.();
    }
    if (on) this.startTimer.ref();
  }
}
