// Render an HTML file in a real headless Chromium: a full-page PNG per 1600 px, an A4 PDF,
// and a JSON summary (page count, console errors, failed requests, overflowing elements,
// phone numbers, amounts, e-mails and dates split across lines on paper).
// Usage: node render.mjs FILE.html OUT_PREFIX
import chromium from '@sparticuz/chromium';
import puppeteer from 'puppeteer-core';
import { writeFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { resolve } from 'node:path';

const [, , html, prefix] = process.argv;
if (!html || !prefix) {
  console.error('usage: node render.mjs FILE.html OUT_PREFIX');
  process.exit(2);
}
const browser = await puppeteer.launch({
  args: chromium.args,
  executablePath: await chromium.executablePath(),
  headless: 'shell',
});
const page = await browser.newPage();
const consoleErrors = [];
const requests = [];
page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
await page.setViewport({ width: 900, height: 1600 });
await page.goto('file://' + resolve(html), { waitUntil: 'load' });
const height = await page.evaluate(() => document.body.scrollHeight);
const shots = [];
for (let y = 0, i = 0; y < height; y += 1600, i++) {
  const path = `${prefix}-${i}.png`;
  await page.screenshot({ path, clip: { x: 0, y, width: 900, height: Math.min(1600, height - y) }, captureBeyondViewport: true });
  shots.push(path);
}
// Elements wider than the page: cut or scrolled content on screen or paper.
const overflowing = await page.evaluate(() =>
  [...document.querySelectorAll('body *')]
    .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
    .slice(0, 20)
    .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')));
const pdf = await page.pdf({ format: 'A4', printBackground: true });
writeFileSync(`${prefix}.pdf`, pdf);
const pdfPages = (await PDFDocument.load(pdf)).getPageCount();
// On paper (print styles, the width of an A4 page less its margins): phone numbers,
// amounts, e-mails and dates split across two lines.
await page.emulateMediaType('print');
await page.setViewport({ width: 700, height: 1000 });
const broken = await page.evaluate(() => {
  const whole = /\b0\d(?:[ \u00a0]\d{2}){4}\b|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?[ \u00a0\u202f]?[kM]?€|€\d{1,3}(?:,\d{3})+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\d{4}-\d{2}-\d{2}\b/g;
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (const m of n.data.matchAll(whole)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
      if (tops.size > 1) out.push(m[0]);
    }
  }
  return out.slice(0, 20);
});
const summary = { height_px: height, screenshots: shots, pdf: `${prefix}.pdf`, pdf_pages: pdfPages,
  console_errors: consoleErrors, network_requests: requests, overflowing, broken };
console.log(JSON.stringify(summary, null, 1));
await browser.close();
