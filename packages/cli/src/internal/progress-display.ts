import type { DownloadProgress } from '@inferox/hub-cache';
import { formatSize } from './parse-size';

const BAR = 24;

/**
 * Shows download progress: on a terminal, one bar per file redrawn in place (at most every `minIntervalMs`);
 * otherwise one plain line when a file finishes.
 */
export class ProgressDisplay {
  readonly #files = new Map<string, DownloadProgress>();
  readonly #done = new Set<string>();
  #drawnLines = 0;
  #lastDraw = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly minIntervalMs = 100,
  ) {}

  /** Records progress for one file. */
  update(progress: DownloadProgress): void {
    this.#files.set(progress.path, progress);
    const finished = progress.totalBytes !== undefined && progress.downloadedBytes >= progress.totalBytes;
    if (finished && !this.#done.has(progress.path)) {
      this.#done.add(progress.path);
      if (!this.tty) this.write(`downloaded ${progress.path} (${formatSize(progress.downloadedBytes)})\n`);
    }
    if (this.tty) {
      const now = Date.now();
      if (finished || now - this.#lastDraw >= this.minIntervalMs) {
        this.#lastDraw = now;
        this.#draw();
      }
    }
  }

  /** Draws the final state (terminal) once everything is done. */
  finish(): void {
    if (this.tty && this.#files.size > 0) this.#draw();
  }

  /** One bar line: `path [#####-----]  42% 1.2 MB / 3.0 MB`. */
  static line(p: DownloadProgress): string {
    const total = p.totalBytes;
    const fraction = total ? Math.min(1, p.downloadedBytes / total) : 0;
    const filled = Math.round(fraction * BAR);
    const size = total === undefined ? formatSize(p.downloadedBytes) : `${formatSize(p.downloadedBytes)} / ${formatSize(total)}`;
    return `${p.path} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${size}`;
  }

  #draw(): void {
    const up = this.#drawnLines > 0 ? `\u001b[${this.#drawnLines}A` : '';
    const lines = [...this.#files.values()].map((p) => `\u001b[2K${ProgressDisplay.line(p)}`);
    this.write(`${up}${lines.join('\n')}\n`);
    this.#drawnLines = lines.length;
  }
}
