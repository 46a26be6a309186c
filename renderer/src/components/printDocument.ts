// Printing the station's own documents (case summary, destruction certificate, monthly report,
// disc label and written note). The api returns each as a self-contained bilingual HTML page. The
// window may open no other window and no frame (CSP frame-src 'none', main denies window.open),
// so the page is shown and printed inside this document: its body and styles go into a shadow
// root (so its `body`, `table`, `h1` rules cannot restyle the app, nor the app's rules it), and a
// print stylesheet leaves only that host on paper. Scripts are never carried over.

export type ParsedDocument = { title: string; css: string; pageRules: string[]; bodyHtml: string };

/**
 * The page's CSS made to work inside a shadow root: `html`/`body` selectors address the wrapper
 * element instead, and `@page` rules (which a shadow root ignores) are returned separately for the
 * document's head while printing.
 */
export function scopeCss(css: string, wrapper = '.doc-body'): { css: string; pageRules: string[] } {
  const pageRules: string[] = [];
  const withoutPage = css.replace(/@page\s*\{[^}]*\}/g, (rule) => {
    pageRules.push(rule);
    return '';
  });
  const scoped = withoutPage.replace(/(^|[\s,{}>+~(])(?:html|body)(?=[\s,{.:#[>+~)])/g, `$1${wrapper}`);
  return { css: scoped, pageRules };
}

/** Splits a station HTML page into what the shadow root needs. Browser only (DOMParser). */
export function parseDocument(html: string): ParsedDocument {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const el of doc.querySelectorAll('script, iframe, object, embed, link, meta, base')) el.remove();
  const styles = [...doc.querySelectorAll('style')].map((s) => s.textContent ?? '');
  for (const s of doc.querySelectorAll('style')) s.remove();
  const { css, pageRules } = scopeCss(styles.join('\n'));
  return { title: doc.title, css, pageRules, bodyHtml: doc.body.innerHTML };
}

const DOC_BASE_CSS = ':host { all: initial; display: block; } .doc-body { background: #fff; color: #000; }';

/** Fills a shadow root with the document. */
export function renderInto(root: ShadowRoot, doc: ParsedDocument): void {
  root.innerHTML = `<style>${DOC_BASE_CSS}\n${doc.css}</style><div class="doc-body">${doc.bodyHtml}</div>`;
}

const HOST_ID = 'es-print-doc';
const STYLE_ID = 'es-print-style';
const PRINTING = 'es-printing';

function cleanup(): void {
  document.getElementById(HOST_ID)?.remove();
  document.getElementById(STYLE_ID)?.remove();
  document.documentElement.classList.remove(PRINTING);
}

/**
 * Prints one station document: only it reaches the paper, with its own @page size and margins.
 * Removed again after printing (afterprint, or once print() returns: Chromium's print() returns
 * when the dialog has closed).
 */
export function printDocument(html: string): void {
  cleanup();
  const doc = parseDocument(html);
  const host = document.createElement('div');
  host.id = HOST_ID;
  renderInto(host.attachShadow({ mode: 'open' }), doc);
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = [
    ...doc.pageRules,
    `@media screen { #${HOST_ID} { display: none !important; } }`,
    `@media print {`,
    `  html.${PRINTING}, html.${PRINTING} body { height: auto !important; overflow: visible !important; background: #fff !important; }`,
    `  html.${PRINTING} body > *:not(#${HOST_ID}) { display: none !important; }`,
    `}`,
  ].join('\n');
  document.head.appendChild(style);
  document.body.appendChild(host);
  document.documentElement.classList.add(PRINTING);
  const previousTitle = document.title;
  // The title is what the print dialog proposes as a file name when printing to PDF.
  if (doc.title) document.title = doc.title;
  const done = () => {
    document.title = previousTitle;
    cleanup();
  };
  window.addEventListener('afterprint', done, { once: true });
  window.print();
  setTimeout(done, 0);
}

/** A file name part from free text (a case number such as 中市监罚〔2026〕1号 keeps its characters). */
export function fileNamePart(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 80) || 'document';
}
