/**
 * Progress on stderr for long work: a bar redrawn in place on a terminal
 * (at most 10 times a second), one plain line every 10 % elsewhere (logs,
 * CI), so a script reading stdout sees only the result.
 */
export class Progress {
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = out.isTTY === true;
  }

  /** fraction: 0 … 1; detail: what to show after the bar (counts, rates). */
  update(fraction: number, detail = '', final = false): void {
    const f = Math.min(1, Math.max(0, fraction));
    const pct = `${(100 * f).toFixed(0).padStart(3)} %`;
    if (this.tty) {
      const now = Date.now();
      if (!final && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 24, filled = Math.round(width * f);
      this.out.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct} ${detail}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(10 * f);
    if (decile === this.lastDecile && !final) return;
    this.lastDecile = decile;
    this.out.write(`${this.label} ${pct} ${detail}\n`);
  }

  /** Progress as counts (samples, bytes, integrations): done of total. */
  count(done: number, total: number, detail = ''): void {
    this.update(total > 0 ? done / total : 1, detail);
  }

  /** Ends a bar left mid-line (after an error, or when the work ends), so the next message starts on its own line. */
  interrupt(): void {
    if (this.tty && this.lastDraw > 0) this.out.write('\n');
    this.lastDraw = 0;
  }
}
