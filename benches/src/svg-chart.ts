/** One line of a chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** A line chart to draw. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Log-2 x axis (for concurrency 1, 2, 4, ... 64). */
  readonly logX?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Draws `spec` as a standalone SVG line chart with axes, ticks and a legend. */
export function lineChart(spec: ChartSpec, width = 720, height = 420): string {
  const m = { left: 70, right: 170, top: 40, bottom: 50 };
  const points = spec.series.flatMap((s) => s.points);
  const tx = (x: number): number => (spec.logX ? Math.log2(Math.max(x, 1e-9)) : x);
  const xs = points.map(([x]) => tx(x));
  const ys = points.map(([, y]) => y);
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  const y1 = ys.length ? Math.max(...ys) * 1.1 || 1 : 1;
  const px = (x: number): number => m.left + ((tx(x) - x0) / (x1 - x0 || 1)) * (width - m.left - m.right);
  const py = (y: number): number => height - m.bottom - (y / y1) * (height - m.top - m.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2 - m.right / 2}" y="22" text-anchor="middle" font-size="15">${escape(spec.title)}</text>`,
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="black"/>`,
    `<text x="${(m.left + width - m.right) / 2}" y="${height - 12}" text-anchor="middle">${escape(spec.xLabel)}</text>`,
    `<text x="16" y="${(m.top + height - m.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(m.top + height - m.bottom) / 2})">${escape(spec.yLabel)}</text>`,
  ];
  const xTicks = [...new Set(points.map(([x]) => x))].sort((a, b) => a - b);
  for (const x of xTicks) out.push(`<text x="${px(x)}" y="${height - m.bottom + 16}" text-anchor="middle">${x}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = (y1 * i) / 4;
    out.push(`<line x1="${m.left - 4}" y1="${py(y)}" x2="${width - m.right}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.left - 8}" y="${py(y) + 4}" text-anchor="end">${Number(y.toPrecision(3))}</text>`);
  }
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const d = s.points.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [x, y] of s.points) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    const ly = m.top + 18 * i;
    out.push(`<rect x="${width - m.right + 12}" y="${ly - 9}" width="12" height="12" fill="${color}"/>`);
    out.push(`<text x="${width - m.right + 30}" y="${ly + 1}">${escape(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
