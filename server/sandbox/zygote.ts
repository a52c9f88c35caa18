// One sandboxed zygote process for one pack: spawn, framed JSON over pipes, host-side deadlines.
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { sandboxArgs, spawnOptions, type Runtime } from "./runtime";

/**
 * Largest frame the host accepts from a sandbox. The harness fits every reply under it (printed
 * output, messages and tool calls are bounded there); a bigger one can only come from pack code
 * writing to the channel, and the zygote is killed as soon as the 4-byte length announces it.
 */
const MAX_FRAME_BYTES = 8 << 20;
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

/** Filled in by the zygote's host side: when the zygote started on a request (it runs them one at a time). */
export interface RequestTiming {
  startedAt?: number;
}

interface Pending {
  id: number;
  watchdogMs: number;
  timing: RequestTiming | undefined;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
}

/**
 * Splits a byte stream into length-prefixed frames in linear time: chunks are kept as they come
 * and joined once per frame (joining per chunk is quadratic in the frame's size), and a frame
 * whose announced length is over the limit is refused before any of it is buffered.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body length of the frame being read; -1 while its length prefix is incomplete. */
  private need = -1;
  private failed = false;
  constructor(
    private readonly onFrame: (body: Buffer) => void,
    private readonly onError: (e: Error) => void,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) return;
        const n = this.take(4).readUInt32BE(0);
        if (n > this.maxFrameBytes) {
          this.failed = true;
          this.chunks = [];
          this.buffered = 0;
          this.onError(new Error(`sandbox sent an oversized frame (${n} bytes, the limit is ${this.maxFrameBytes})`));
          return;
        }
        this.need = n;
      }
      if (this.buffered < this.need) return;
      const body = this.take(this.need);
      this.need = -1;
      this.onFrame(body);
      if (this.failed) return;
    }
  }

  /** The first n buffered bytes, removed from the buffer. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      this.buffered -= n;
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      c.copy(out, off, 0, k);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }

  /** Stops delivering frames (the zygote is gone). */
  stop(): void {
    this.failed = true;
    this.chunks = [];
  }
}

let nextZygoteId = 1;

export class Zygote {
  readonly id = nextZygoteId++;
  readonly ready: Promise<ReadyInfo>;
  dead = false;
  private exited = false;
  /** Called once when the process is gone or being killed. */
  onGone: (() => void) | null = null;
  lastUsed = Date.now();
  private child: ChildProcess;
  /** Requests sent and not yet answered, in the order the zygote handles them. */
  private inflight: Pending[] = [];
  private nextId = 1;
  private log = "";
  private readyResolve!: (r: ReadyInfo) => void;
  private readyReject!: (e: Error) => void;
  private readyDone = false;
  private startTimer: NodeJS.Timeout;
  private reader: FrameReader;

  constructor(
    rt: Runtime,
    readonly packKey: string,
    packDir: string,
    mode: "zygote" | "inspect",
    startTimeoutMs: number,
    /** The pack's own directory when packDir is a staged copy of it: shown in the process list. */
    origin?: string,
  ) {
    this.ready = new Promise((res, rej) => {
      this.readyResolve = res;
      this.readyReject = rej;
    });
    this.ready.catch(() => {});
    // The server's environment never reaches bwrap, let alone the sandbox (--clearenv as well).
    this.child = spawn(rt.bwrap, sandboxArgs(rt, packDir, mode), {
      ...spawnOptions(rt),
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      ...(origin ? { argv0: `bwrap[pack ${origin}]` } : {}),
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
    this.reader = reader;
    (this.child.stdio[3] as Readable).on("data", (d: Buffer) => reader.push(d));
    (this.child.stdio[3] as Readable).on("error", () => {});
    (this.child.stdin as Writable).on("error", () => {});
    this.child.on("error", (e) => this.fail(`could not start bubblewrap: ${e.message}`));
    this.child.on("exit", (code, signal) => {
      this.exited = true;
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
    const p = this.inflight[0];
    if (!p || msg.id !== p.id) {
      this.fail("sandbox sent an unexpected reply");
      return;
    }
    this.inflight.shift();
    if (p.timer) clearTimeout(p.timer);
    this.armWatchdog();
    p.resolve(msg);
  }

  /** Requests in flight; the pool keeps one queued behind the running one so a zygote never waits for the host. */
  get load(): number {
    return this.inflight.length;
  }

  /** Sends one command; the zygote handles them one at a time, in order. */
  request(cmd: Record<string, unknown>, watchdogMs: number, timing?: RequestTiming): Promise<Reply> {
    if (this.dead) return Promise.reject(new WorkerLostError("sandbox worker is gone", "crashed"));
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify({ ...cmd, id }), "utf8");
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length, 0);
    return new Promise<Reply>((resolve, reject) => {
      this.inflight.push({ id, watchdogMs, timing, resolve, reject, timer: null });
      this.armWatchdog();
      (this.child.stdin as Writable).write(Buffer.concat([head, body]));
    });
  }

  /**
   * The zygote enforces every deadline itself; this one only catches a zygote that stopped
   * answering, so a runaway sandbox can never hang the caller. It runs for the request being
   * handled, from when its predecessor was answered.
   */
  private armWatchdog(): void {
    const p = this.inflight[0];
    if (!p || p.timer) return;
    if (p.timing) p.timing.startedAt = Date.now();
    p.timer = setTimeout(() => {
      if (this.inflight[0] !== p) return;
      this.inflight.shift();
      p.reject(new WorkerLostError("sandbox worker stopped answering", "unresponsive"));
      this.kill();
    }, p.watchdogMs);
  }

  private fail(reason: string): void {
    if (!this.readyDone) {
      this.readyDone = true;
      clearTimeout(this.startTimer);
      this.readyReject(new PackLoadError(`the pack failed to load: ${reason}`, null, this.log));
    }
    this.rejectAll(() => new WorkerLostError(`${reason}${this.log ? `\n${this.log.slice(-2000)}` : ""}`, "crashed"));
    this.kill();
  }

  private rejectAll(error: () => Error): void {
    for (const p of this.inflight.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(error());
    }
  }

  /**
   * Asks the zygote to exit (end of its command stream) so bwrap reaps everything itself, and
   * SIGKILLs whatever is left after a grace period.
   */
  stop(graceMs = 1_000): Promise<void> {
    if (this.exited) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (!this.dead) {
      this.dead = true;
      clearTimeout(this.startTimer);
      this.rejectAll(() => new WorkerLostError("sandbox worker was stopped", "closed"));
      (this.child.stdin as Writable).end();
      this.onGone?.();
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    return exited.finally(() => clearTimeout(timer));
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.reader.stop();
    clearTimeout(this.startTimer);
    this.rejectAll(() => new WorkerLostError("sandbox worker was stopped", "closed"));
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
