import { describe, expect, it } from 'vitest';
import { lineChart } from './svg-chart';

describe('lineChart', () => {
  it('draws one path and legend entry per series when given several series', () => {
    const svg = lineChart({
      title: 'throughput <rps>',
      xLabel: 'clients',
      yLabel: 'req/s',
      logX: true,
      series: [
        { name: 'raw', points: [[1, 10], [2, 20], [4, 35]] },
        { name: 'engine', points: [[1, 9], [2, 19], [4, 60]] },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('>engine</text>');
    expect(svg).toContain('throughput &lt;rps&gt;');
    expect(svg.match(/<circle /g)).toHaveLength(6);
  });

  it('places a larger value higher on the chart', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[0, 1], [1, 5]] }] });
    const ys = [...svg.matchAll(/<circle cx="[^"]+" cy="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(ys[1]).toBeLessThan(ys[0]!);
  });
});
