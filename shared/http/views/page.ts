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
  /** A side navigation (the console): the page becomes a sidebar and a wide content area. */
  readonly aside?: SafeHtml;
}

const styles = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#5b6470;--bg:#f6f7f9;--card:#fff;--accent:#3b5bdb;--danger:#c92a2a}
@media (prefers-color-scheme:dark){:root{--fg:#e7e9ec;--muted:#a3abb6;--bg:#14171b;--card:#1d2127;--accent:#748ffc;--danger:#ff8787}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main,.preview-main{max-width:28rem;margin:8vh auto;padding:2rem;background:var(--card);border-radius:12px;box-shadow:0 1px 3px rgb(0 0 0/.12)}
h1{font-size:1.4rem;margin:0 0 1rem}p{margin:.5rem 0}.muted{color:var(--muted)}.error{color:var(--danger)}
code{font-size:.9em}
form{display:grid;gap:.9rem;margin-top:1rem}label{display:grid;gap:.3rem;font-weight:600;font-size:.95rem}
a{color:var(--accent)}input,textarea,select{font:inherit;font-weight:400;padding:.6rem .7rem;border:1px solid #9aa3ad;border-radius:8px;background:transparent;color:inherit}
input:focus-visible,textarea:focus-visible,select:focus-visible,summary:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{font:inherit;font-weight:600;padding:.65rem 1rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}button.secondary{background:transparent;color:var(--accent);border:1px solid var(--accent)}
.field-error{color:var(--danger);font-weight:400;font-size:.9rem}.notice{padding:.7rem .9rem;border-radius:8px;background:rgb(201 42 42/.1)}.note{padding:.7rem .9rem;border-radius:8px;background:rgb(59 91 219/.1)}
dl{display:grid;gap:.2rem}dt{font-weight:600;margin-top:.5rem}dd{margin:0;overflow-wrap:anywhere}
.brand{display:flex;align-items:center;gap:.6rem;margin-bottom:1rem}.brand img{max-height:40px;max-width:160px}
main.wide{max-width:48rem}section{border-top:1px solid rgb(127 127 127/.25);padding-top:1rem;margin-top:1.5rem}h2{font-size:1.1rem;margin:0 0 .5rem}
ul.items{list-style:none;padding:0;margin:.5rem 0;display:grid;gap:.5rem}ul.items li{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;padding:.6rem .8rem;border:1px solid rgb(127 127 127/.25);border-radius:8px}
button.danger{background:var(--danger)}button.small{padding:.35rem .7rem;font-size:.9rem}.status{min-height:1.5rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.8rem}.tile{display:grid;gap:.2rem;padding:.8rem;border:1px solid rgb(127 127 127/.25);border-radius:8px;margin:0}.tile strong{font-size:1.5rem}
table{width:100%;border-collapse:collapse;margin:.5rem 0}th,td{text-align:left;padding:.45rem .4rem;border-bottom:1px solid rgb(127 127 127/.25)}meter{width:100%}
form.search{grid-template-columns:1fr auto;align-items:end}fieldset{border:1px solid rgb(127 127 127/.35);border-radius:8px;display:grid;gap:.4rem}label.choice{display:flex;gap:.5rem;font-weight:400;align-items:baseline}
pre{overflow-x:auto;padding:.7rem;border-radius:8px;background:rgb(127 127 127/.12)}
.actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}td .actions form{margin:0}form.filters{grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));align-items:end}form.filters input,form.filters select{width:100%;min-width:0}.scroll{overflow-x:auto}table.compact{font-size:.85rem}table.compact pre{min-width:22rem;max-width:32rem;white-space:pre-wrap;overflow-wrap:anywhere}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
form.inline{display:inline-flex;margin:0}.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.9rem}.badge{font-size:.8rem;padding:0 .4rem;border:1px solid rgb(127 127 127/.5);border-radius:4px}ul.plain{list-style:none;padding:0;margin:0}
.side-by-side{display:grid;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));gap:1.5rem;align-items:start}.side-by-side>section{border:0;margin:0;padding:0}.login-preview{background:var(--bg);border:1px solid rgb(127 127 127/.25);border-radius:12px;padding:1.5rem .8rem}.preview-main{margin:0 auto}.hint{margin:0;font-size:.9rem;font-weight:400}.duration{display:grid;grid-template-columns:1fr auto;gap:.5rem;align-items:end}form.settings{max-width:44rem}form.settings>button{justify-self:start}input[type=color]{width:4.5rem;height:2.6rem;padding:.2rem}
.flow-field{display:grid;gap:.3rem;min-width:0}.flow-field label{display:block}.flow-field select,fieldset.rule-row input:not([type=checkbox]){width:100%;min-width:0}.flow-tabs{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin:0 0 1rem}.flow-tabs a[aria-current]{font-weight:700;text-decoration:none}#flow-json{font:.85rem/1.4 ui-monospace,Menlo,Consolas,monospace;width:100%}fieldset.rule-row,form.compare{grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));align-items:end}ul.problems{margin:.2rem 0;padding-left:1.2rem}pre.diff ins,pre.diff del{text-decoration:none}pre.diff ins{background:rgb(47 158 68/.2)}pre.diff del{background:rgb(201 42 42/.16)}
body.shell{display:grid;grid-template-columns:15rem minmax(0,1fr);min-height:100vh}body.shell>main{max-width:70rem;width:100%;margin:0;padding:2rem 2.5rem;background:transparent;box-shadow:none;border-radius:0}
body.shell>aside{background:var(--card);border-right:1px solid rgb(127 127 127/.25);padding:1.2rem .8rem;position:sticky;top:0;height:100vh;overflow-y:auto}
.side-nav{display:flex;flex-direction:column;gap:.15rem}.side-nav .org{display:block;padding:.2rem .6rem 1rem;font-size:1.05rem}.side-nav a{padding:.45rem .6rem;border-radius:6px;text-decoration:none;color:var(--fg)}.side-nav a:hover{background:rgb(127 127 127/.12)}.side-nav a[aria-current]{background:var(--accent);color:#fff;font-weight:600}
.side-nav form.inline{display:grid;gap:.4rem;margin:1.2rem 0 0;padding:1rem .6rem 0;border-top:1px solid rgb(127 127 127/.25);overflow-wrap:anywhere;font-size:.9rem}
body.shell>main>section:not(.note,.notice){background:var(--card);border:1px solid rgb(127 127 127/.2);border-radius:10px;padding:1rem 1.2rem;margin-top:1.2rem}body.shell>main>section.note,body.shell>main>section.notice{border:0;margin-top:1.2rem}body.shell .tile{background:var(--card)}.tabs{display:flex;gap:.4rem;margin:0 0 1rem}.tabs a{padding:.3rem .8rem;border-radius:999px;border:1px solid rgb(127 127 127/.35);text-decoration:none}.tabs a[aria-current]{background:var(--accent);border-color:var(--accent);color:#fff}svg.chart{width:100%;height:auto}svg.chart .ok,.swatch.ok{fill:var(--accent);background:var(--accent)}svg.chart .bad,.swatch.bad{fill:var(--danger);background:var(--danger)}svg.chart text{fill:var(--muted);font-size:12px}.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;vertical-align:middle}
@media (max-width:48rem){body.shell table{font-size:.85rem}body.shell th,body.shell td{padding:.35rem .25rem;overflow-wrap:anywhere}body.shell{display:block}body.shell>aside{position:static;height:auto;border-right:0;border-bottom:1px solid rgb(127 127 127/.25)}.side-nav{flex-direction:row;flex-wrap:wrap}body.shell>main{padding:1.2rem}}
@media (max-width:36rem){main{margin:0;border-radius:0;padding:1.2rem}}
`;

/** The document shell every server-rendered page shares: one stylesheet, no inline handlers. */
export function page({ title, nonce, lang = 'en', body, accent, wide = false, aside }: PageOptions): string {
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
<body${aside ? html` class="shell"` : ''}>
${aside ? html`<aside>${aside}</aside>
` : ''}<main${wide ? html` class="wide"` : ''}>${body}</main>
</body>
</html>`.__html;
}
