import { html, type SafeHtml } from './html.ts';

export interface PageOptions {
  readonly title: string;
  readonly nonce: string;
  readonly lang?: string;
  readonly body: SafeHtml;
  /** The tenant's primary colour (#rrggbb); anything else is ignored. */
  readonly accent?: string;
  /** A page with more to show than a form (the account portal): a wider column. */
  readonly wide?: boolean;
}

const styles = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#5b6470;--bg:#f6f7f9;--card:#fff;--accent:#3b5bdb;--danger:#c92a2a}
@media (prefers-color-scheme:dark){:root{--fg:#e7e9ec;--muted:#a3abb6;--bg:#14171b;--card:#1d2127;--accent:#748ffc;--danger:#ff8787}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:28rem;margin:8vh auto;padding:2rem;background:var(--card);border-radius:12px;box-shadow:0 1px 3px rgb(0 0 0/.12)}
h1{font-size:1.4rem;margin:0 0 1rem}p{margin:.5rem 0}.muted{color:var(--muted)}.error{color:var(--danger)}
code{font-size:.9em}
form{display:grid;gap:.9rem;margin-top:1rem}label{display:grid;gap:.3rem;font-weight:600;font-size:.95rem}
a{color:var(--accent)}input{font:inherit;font-weight:400;padding:.6rem .7rem;border:1px solid #9aa3ad;border-radius:8px;background:transparent;color:inherit}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{font:inherit;font-weight:600;padding:.65rem 1rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
.field-error{color:var(--danger);font-weight:400;font-size:.9rem}.notice{padding:.7rem .9rem;border-radius:8px;background:rgb(201 42 42/.1)}.note{padding:.7rem .9rem;border-radius:8px;background:rgb(59 91 219/.1)}
dl{display:grid;gap:.2rem}dt{font-weight:600;margin-top:.5rem}dd{margin:0;overflow-wrap:anywhere}
.brand{display:flex;align-items:center;gap:.6rem;margin-bottom:1rem}.brand img{max-height:40px;max-width:160px}
main.wide{max-width:48rem}section{border-top:1px solid rgb(127 127 127/.25);padding-top:1rem;margin-top:1.5rem}h2{font-size:1.1rem;margin:0 0 .5rem}
ul.items{list-style:none;padding:0;margin:.5rem 0;display:grid;gap:.5rem}ul.items li{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;padding:.6rem .8rem;border:1px solid rgb(127 127 127/.25);border-radius:8px}
button.danger{background:var(--danger)}button.small{padding:.35rem .7rem;font-size:.9rem}.status{min-height:1.5rem}
.console-nav{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;margin-bottom:1.5rem}.console-nav a[aria-current]{font-weight:700;text-decoration:none}.console-nav form.inline{display:flex;gap:.5rem;align-items:center;margin:0 0 0 auto}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.8rem}.tile{display:grid;gap:.2rem;padding:.8rem;border:1px solid rgb(127 127 127/.25);border-radius:8px;margin:0}.tile strong{font-size:1.5rem}
table{width:100%;border-collapse:collapse;margin:.5rem 0}th,td{text-align:left;padding:.45rem .4rem;border-bottom:1px solid rgb(127 127 127/.25)}meter{width:100%}
form.search{grid-template-columns:1fr auto;align-items:end}fieldset{border:1px solid rgb(127 127 127/.35);border-radius:8px;display:grid;gap:.4rem}label.choice{display:flex;gap:.5rem;font-weight:400;align-items:baseline}
pre{overflow-x:auto;padding:.7rem;border-radius:8px;background:rgb(127 127 127/.12)}
@media (max-width:36rem){main{margin:0;border-radius:0;padding:1.2rem}}
`;

/** The document shell every server-rendered page shares: one stylesheet, no inline handlers. */
export function page({ title, nonce, lang = 'en', body, accent, wide = false }: PageOptions): string {
  const accentRule = accent && /^#[0-9a-fA-F]{6}$/.test(accent) ? `:root{--accent:${accent}}` : '';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style nonce="${nonce}">${{ __html: styles + accentRule }}</style>
</head>
<body>
<main${wide ? html` class="wide"` : ''}>${body}</main>
</body>
</html>`.__html;
}
