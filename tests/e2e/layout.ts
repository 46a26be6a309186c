// Layout checks for the screenshots' defects of issue 14 item 14: things drawn over each other, text
// cut at an edge, words broken in two. Each measures the real layout in Chromium.
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

type Box = { x: number; y: number; width: number; height: number };

// The little of the DOM these checks use, typed here: the e2e code compiles without the DOM library.
type Rect = { top: number; right: number; width: number };
type El = {
  tagName: string;
  className: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  getBoundingClientRect(): Rect;
  querySelectorAll(selector: string): ArrayLike<El>;
};
type TextNode = { textContent: string | null };
type Browser = {
  getComputedStyle(e: El): { overflowX: string };
  document: {
    createTreeWalker(root: El, what: number): { nextNode(): TextNode | null };
    createRange(): { setStart(n: TextNode, o: number): void; setEnd(n: TextNode, o: number): void; getClientRects(): ArrayLike<Rect> };
  };
};
const SHOW_TEXT = 4;

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Two elements, both visible, do not overlap on screen. */
export async function assertApart(a: Locator, b: Locator, what: string): Promise<void> {
  const [ba, bb] = [await a.boundingBox(), await b.boundingBox()];
  assert.ok(ba && bb, `${what}: both are on screen`);
  assert.ok(!overlap(ba, bb), `${what}: ${JSON.stringify(ba)} overlaps ${JSON.stringify(bb)}`);
}

/** At most one toast at a time, and none over the screen's title. */
export async function assertToastsClearOfTitle(page: Page): Promise<void> {
  const toasts = page.locator('.ant-message-notice');
  const n = await toasts.count();
  assert.ok(n <= 1, `toasts are not stacked (${n} shown)`);
  const title = page.locator('.ant-layout-content h4').first();
  for (let i = 0; i < n; i++) await assertApart(toasts.nth(i), title, 'toast and page title');
}

/** Nothing inside the element is wider than the element: no content cut at its right edge or scrolled out of sight. */
export async function assertNoHorizontalOverflow(el: Locator, what: string): Promise<void> {
  const cut = await el.evaluate((node) => {
    const root = node as unknown as El;
    const w = globalThis as unknown as Browser;
    const out: string[] = [];
    for (const e of [root, ...Array.from(root.querySelectorAll('*'))]) {
      const style = w.getComputedStyle(e);
      if (style.overflowX === 'visible' || e.clientWidth === 0) continue;
      if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName}.${e.className} ${e.scrollWidth} > ${e.clientWidth}`);
    }
    return out;
  });
  assert.deepEqual(cut, [], `${what}: content wider than its box`);
}

/**
 * In a table, every cell's content stays inside the cell (a tag does not run into the next column)
 * and no header word is broken across lines ("Eviden / ce").
 */
export async function assertTableFits(table: Locator, what: string): Promise<void> {
  const problems = await table.evaluate(
    (node, showText) => {
    const root = node as unknown as El;
    const w = globalThis as unknown as Browser;
    const out: string[] = [];
    for (const cell of Array.from(root.querySelectorAll('th, td'))) {
      const box = cell.getBoundingClientRect();
      for (const child of Array.from(cell.querySelectorAll('*'))) {
        const r = child.getBoundingClientRect();
        if (r.width > 0 && r.right > box.right + 1) out.push(`"${child.textContent?.trim()}" runs ${Math.round(r.right - box.right)}px past its cell`);
      }
    }
    for (const th of Array.from(root.querySelectorAll('thead th'))) {
      const walker = w.document.createTreeWalker(th, showText);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/[A-Za-z]+/g)) {
          const range = w.document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(`header word "${m[0]}" broken across ${lines.size} lines`);
        }
      }
    }
    return out;
    },
    SHOW_TEXT,
  );
  assert.deepEqual(problems, [], what);
}
