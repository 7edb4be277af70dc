/**
 * The demo's output: permanent lines (transcript, tool calls, summary) and one status line.
 *
 * In a terminal the status line sits under the transcript and is redrawn in place, with a
 * spinner and the assistant's words as they stream in. When the output is piped (no TTY, e.g.
 * `npm run demo | tee log.txt` or a test), nothing is redrawn: every status change becomes
 * its own `[status] ...` line, and transcripts are printed once they are final.
 */

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;

/** Colours for the parts of a line (identity functions when colour is off). */
export interface Palette {
  dim(text: string): string;
  bold(text: string): string;
  user(text: string): string;
  assistant(text: string): string;
  tool(text: string): string;
  error(text: string): string;
}

function paint(code: string, enabled: boolean): (text: string) => string {
  return enabled ? (text) => `\u001b[${code}m${text}\u001b[0m` : (text) => text;
}

/** The status line and permanent output of the demo. */
export class Terminal {
  /** True when the output is a terminal (status redrawn in place). */
  readonly interactive: boolean;
  /** Colours (off when piped or when `NO_COLOR` is set). */
  readonly palette: Palette;
  private readonly out: NodeJS.WriteStream;
  private statusText = '';
  private liveText = '';
  private frame = 0;
  private spinning = false;
  private stopped = false;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(out: NodeJS.WriteStream = process.stdout) {
    this.out = out;
    this.interactive = out.isTTY === true;
    const color = this.interactive && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
    this.palette = {
      dim: paint('2', color),
      bold: paint('1', color),
      user: paint('36', color),
      assistant: paint('32', color),
      tool: paint('33', color),
      error: paint('31', color),
    };
    if (this.interactive) {
      this.timer = setInterval(() => {
        if (!this.spinning) return;
        this.frame = (this.frame + 1) % SPINNER.length;
        this.render();
      }, FRAME_MS);
      this.timer.unref();
    }
  }

  /**
   * Sets the status (`connecting`, `listening`, `thinking`, `speaking`, ...). `busy` shows the
   * spinner. Piped output prints each change once.
   */
  status(text: string, options: { busy?: boolean } = {}): void {
    if (text === this.statusText) return;
    this.statusText = text;
    this.spinning = options.busy ?? true;
    if (this.interactive) this.render();
    else this.out.write(`[status] ${text}\n`);
  }

  /**
   * Shows text streaming in after the status, uncoloured (terminal only; piped output waits for
   * the final line).
   */
  live(text: string): void {
    this.liveText = text;
    if (this.interactive) this.render();
  }

  /** Prints a permanent line above the status line. */
  line(text = ''): void {
    if (this.interactive && !this.stopped) {
      this.out.write(`\r\u001b[2K${text}\n`);
      this.render();
    } else {
      this.out.write(`${text}\n`);
    }
  }

  /** Clears the status line for good (later lines print plainly); call before the summary and on exit. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.spinning = false;
    if (this.interactive && !this.stopped) this.out.write('\r\u001b[2K');
    this.stopped = true;
    this.statusText = '';
    this.liveText = '';
  }

  private render(): void {
    if (this.stopped) return;
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    const icon = this.spinning ? SPINNER[this.frame]! : '•';
    const head = `${icon} ${this.statusText}`;
    let text = this.liveText === '' ? head : `${head}  ${this.liveText}`;
    // Keep the end of a long live transcript: the newest words matter.
    if (text.length > width) {
      const room = width - head.length - 3;
      text = room > 8 ? `${head}  …${this.liveText.slice(this.liveText.length - room + 1)}` : head.slice(0, width);
    }
    this.out.write(`\r\u001b[2K${this.palette.dim(text)}`);
  }
}
