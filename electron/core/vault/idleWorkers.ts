// Worker threads kept between vault objects. Starting one costs tens of milliseconds of CPU (its isolate and Node's
// bootstrap), about what sealing or verifying tens of MiB costs, so the writer and the verifier each keep a few for the
// next object — and end them after a while, so a station that stored or verified many files at once does not hold the
// threads (~10 MiB each) for the day.
import { Worker } from 'node:worker_threads';

type Idle = { worker: Worker; timer: NodeJS.Timeout };

export class IdleWorkers {
  private readonly idle: Idle[] = [];
  private readonly source: string;
  private readonly name: string;
  private readonly maxIdle: number;
  private readonly idleMs: number;

  /** `source` is the worker's code as text (run with eval), so no worker file has to be found beside a bundle. */
  constructor(options: { source: string; name: string; maxIdle: number; idleMs: number }) {
    this.source = options.source;
    this.name = options.name;
    this.maxIdle = options.maxIdle;
    this.idleMs = options.idleMs;
  }

  take(): Worker {
    const kept = this.idle.pop();
    if (kept) clearTimeout(kept.timer);
    const w = kept?.worker ?? this.start();
    // Referenced while working: a command awaiting only the result must not end before it arrives.
    w.ref();
    return w;
  }

  /** `reusable: false` for a worker whose state is in doubt (it failed, or its job was abandoned mid-way). */
  release(w: Worker, reusable: boolean): void {
    // An idle worker must never keep the CLI or a test run alive.
    w.unref();
    if (!reusable || this.idle.length >= this.maxIdle) {
      void w.terminate();
      return;
    }
    const timer = setTimeout(() => {
      this.drop(w);
      void w.terminate();
    }, this.idleMs);
    timer.unref();
    this.idle.push({ worker: w, timer });
  }

  private start(): Worker {
    const w = new Worker(this.source, { eval: true, name: this.name });
    // A worker that dies while idle must not be handed out again (messages to it would go nowhere).
    w.once('exit', () => this.drop(w));
    return w;
  }

  private drop(w: Worker): void {
    const at = this.idle.findIndex((i) => i.worker === w);
    if (at < 0) return;
    clearTimeout(this.idle[at]!.timer);
    this.idle.splice(at, 1);
  }
}
