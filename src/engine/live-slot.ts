/**
 * The station's one live view, and how it is changed: only the tuning of
 * the running source is retuned in place; another source that shares no
 * device opens beside the running view, which stops only once the new one
 * opened; the same device is released first and, if the change is refused,
 * reopened as it was. Either way a refused change leaves the live view as it
 * was. The station calls `change` and `end` one at a time (its queue of changes).
 */
import { devicesOf, LiveView, reopening, retune, retunesOnly, type LiveSink, type Resolved } from './live.ts';
import type { Session } from './session.ts';

export interface LiveSlotParts {
  /** Opens a session for the options (the station adds its site, clock, scenario and rotator). */
  open(o: Resolved): Promise<Session>;
  sink: LiveSink;
  /** A new view is live (the station sets its notices and says so). */
  installed(view: LiveView): void;
  /** A reopen of the old view failed too. */
  fail(err: unknown): void;
}

export class LiveSlot {
  current: { view: LiveView; options: Resolved } | null = null;

  constructor(private readonly parts: LiveSlotParts) {}

  /** `restart`: a new session even when only the tuning changed (the simulated dish must follow a rotator). */
  async change(o: Resolved, restart = false): Promise<void> {
    const old = this.current;
    if (old && !restart && retunesOnly(old.options, o, old.view.session.source.tuning)) {
      await retune(old.view.session.source, o.tuning ?? {});
      old.options = { ...o, tuning: undefined };
      return;
    }
    const held = old ? devicesOf(old.options.source) : [];
    if (!old || !devicesOf(o.source).some((d) => held.includes(d))) {
      // Opened beside the running view: a refusal (a bad source, an impossible tuning, a dead server) leaves it running.
      const session = await this.parts.open(o);
      await this.end();
      return this.install(session, o);
    }
    // The same device: released first, and reopened as it was if the change is refused.
    const previous: Resolved = { ...old.options, tuning: { ...old.view.session.source.tuning } };
    await this.end();
    try {
      this.install(await reopening(() => this.parts.open(o)), o);
    } catch (err) {
      await reopening(() => this.parts.open(previous)).then((s) => this.install(s, previous), (again: unknown) => this.parts.fail(again));
      throw err;
    }
  }

  /** Stops the live view, if any (its session closed). */
  async end(): Promise<void> {
    const l = this.current;
    if (!l) return;
    this.current = null;
    await l.view.stop();
  }

  /** Whether `view` is the live one (a stopped or replaced view's last integrations are not shown). */
  holds(view: LiveView): boolean {
    return this.current?.view === view;
  }

  private install(session: Session, o: Resolved): void {
    const view = new LiveView(session, this.parts.sink, session.source.info.kind === 'file' || o.pacing === false);
    this.current = { view, options: o };
    this.parts.installed(view);
  }
}
