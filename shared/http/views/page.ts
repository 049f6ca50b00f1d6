import { html, type SafeHtml } from './html.ts';

export interface PageOptions {
  readonly title: string;
  readonly nonce: string;
  readonly lang?: string;
  readonly body: SafeHtml;
}

const styles = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#5b6470;--bg:#f6f7f9;--card:#fff;--accent:#3b5bdb;--danger:#c92a2a}
@media (prefers-color-scheme:dark){:root{--fg:#e7e9ec;--muted:#a3abb6;--bg:#14171b;--card:#1d2127;--accent:#748ffc;--danger:#ff8787}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:28rem;margin:8vh auto;padding:2rem;background:var(--card);border-radius:12px;box-shadow:0 1px 3px rgb(0 0 0/.12)}
h1{font-size:1.4rem;margin:0 0 1rem}p{margin:.5rem 0}.muted{color:var(--muted)}.error{color:var(--danger)}
code{font-size:.9em}
`;

/** The document shell every server-rendered page shares: one stylesheet, no inline handlers. */
export function page({ title, nonce, lang = 'en', body }: PageOptions): string {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style nonce="${nonce}">${{ __html: styles }}</style>
</head>
<body>
<main>${body}</main>
</body>
</html>`.__html;
}
