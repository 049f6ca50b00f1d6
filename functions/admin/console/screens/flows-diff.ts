import { diffLines } from 'diff';
import { html } from '../../../../shared/http/views/html.ts';

/** A readable line diff of two pretty-printed documents (jsdiff's Myers diff), long unchanged runs folded. */

export interface DiffLine {
  readonly kind: 'added' | 'removed' | 'same' | 'folded';
  readonly text: string;
}

export interface LineDiff {
  readonly lines: readonly DiffLine[];
  readonly added: number;
  readonly removed: number;
}

const linesOf = (value: string) => value.replace(/\n$/, '').split('\n');

/** The lines of `after` against `before`, with `context` unchanged lines kept around each change. */
export function lineDiff(before: string, after: string, context = 3): LineDiff {
  const all: DiffLine[] = diffLines(before, after).flatMap((change) => linesOf(change.value).map((text): DiffLine => ({ kind: change.added ? 'added' : change.removed ? 'removed' : 'same', text })));
  const near = all.map(() => false);
  all.forEach((line, i) => {
    if (line.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++) near[j] = true;
  });
  const lines: DiffLine[] = [];
  let folded = 0;
  const fold = () => {
    if (folded) lines.push({ kind: 'folded', text: `${folded} unchanged ${folded === 1 ? 'line' : 'lines'}` });
    folded = 0;
  };
  all.forEach((line, i) => {
    if (line.kind === 'same' && !near[i]) return void folded++;
    fold();
    lines.push(line);
  });
  fold();
  return { lines, added: all.filter((l) => l.kind === 'added').length, removed: all.filter((l) => l.kind === 'removed').length };
}

const lineHtml = (line: DiffLine) => {
  switch (line.kind) {
    case 'added': return html`<ins>+ ${line.text}</ins>\n`;
    case 'removed': return html`<del>\u2212 ${line.text}</del>\n`;
    case 'folded': return html`<em>\u2026 ${line.text} \u2026</em>\n`;
    case 'same': return html`  ${line.text}\n`;
  }
};

/** The diff as HTML: a count, then the lines, added ones marked + (ins), removed ones − (del). */
export function diffHtml(diff: LineDiff, label: string) {
  if (!diff.added && !diff.removed) return html`<p id="diff-summary">The two versions are the same.</p>`;
  return html`<p id="diff-summary">${diff.added} ${diff.added === 1 ? 'line' : 'lines'} added (+), ${diff.removed} removed (\u2212).</p>
<pre class="diff" tabindex="0" aria-label="${label}"><code>${diff.lines.map(lineHtml)}</code></pre>`;
}
