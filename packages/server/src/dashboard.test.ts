import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startTestServer } from './test-server.fixture';

const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
const KEY = 'dashboard-key-0123';
const sentences = ['a cat sits on the mat', 'a cat is sitting on a mat', 'stock markets fell sharply today'];

let ctx: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser | undefined;
beforeAll(async () => {
  if (!hasBrowser) return;
  ctx = await startTestServer([{ name: 'st', source: join(FIXTURES, 'tiny-bert-st'), backends: ['onnx'] }], { apiKeys: [KEY] });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await ctx?.server.close();
});

const cosine = (a: number[], b: number[]) => {
  let d = 0;
  let x = 0;
  let y = 0;
  a.forEach((v, i) => {
    d += v * b[i]!;
    x += v * v;
    y += b[i]! * b[i]!;
  });
  return d / Math.sqrt(x * y);
};

describe.runIf(hasBrowser)('dashboard in headless Chromium', () => {
  it('shows the models, live request figures and a cosine-similarity heatmap after asking for the API key', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${ctx.url}/embed`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ inputs: `text ${i}` }) });
      expect(res.status).toBe(200);
    }
    const page = await browser!.newPage();
    try {
      let prompted = 0;
      page.on('dialog', (dialog) => {
        prompted += 1;
        void dialog.accept(KEY);
      });
      await page.goto(ctx.url);
      await page.locator('#models tr[data-model="st"]').waitFor();
      expect(prompted).toBe(1);
      const row = await page.locator('#models tr[data-model="st"] td').allTextContents();
      expect(row.slice(0, 4)).toEqual(['st', '1', 'embedding', 'ready']);
      expect(row[4]).toContain('onnx');
      expect(Number(await page.locator('#rps').textContent())).toBeGreaterThan(0);
      expect(Number(await page.locator('#p50').textContent())).toBeGreaterThan(0);
      expect(await page.locator('#queue').textContent()).toBe('0');

      await page.locator('#sentences').fill(sentences.join('\n'));
      await page.locator('#compare').click();
      await page.locator('#heatmap td.sim').nth(8).waitFor();
      const values = (await page.locator('#heatmap td.sim').evaluateAll((cells) => cells.map((c) => Number((c as unknown as { dataset: Record<string, string> }).dataset.value)))) as number[];
      const res = await fetch(`${ctx.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'st', input: sentences }) });
      const vectors = ((await res.json()) as { data: { embedding: number[] }[] }).data.map((d) => d.embedding);
      const expected = vectors.flatMap((a) => vectors.map((b) => cosine(a, b)));
      values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      expect(values[0]).toBeCloseTo(1, 5);
      expect(await page.locator('#error').textContent()).toBe('');
    } finally {
      await page.close();
    }
  });
});

describe.runIf(!hasBrowser)('dashboard', () => {
  it(`is not tested in a browser: no Chromium at ${CHROMIUM} (install Debian's chromium package)`, () => {
    expect(existsSync(CHROMIUM)).toBe(false);
  });
});
