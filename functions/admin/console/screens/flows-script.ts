/**
 * The JSON view's live validation: half a second after the last keystroke the text goes, with
 * the form's CSRF token, to the console's validate endpoint (the API's own validation); its
 * problems, with their paths, appear in the polite live region under the text. Only text nodes
 * are written (no innerHTML). Without JavaScript, saving validates the same way.
 */
export const liveValidationScript = `(() => {
  const area = document.getElementById('flow-json');
  const out = document.getElementById('json-problems');
  const form = document.getElementById('json-form');
  if (!area || !out || !form) return;
  let timer;
  let latest = 0;
  const line = (tag, text, className) => {
    const node = document.createElement(tag);
    node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const show = (answer) => {
    out.replaceChildren();
    if (answer.valid) {
      area.setAttribute('aria-invalid', 'false');
      out.append(line('p', 'The document is valid.', 'note'));
      return;
    }
    area.setAttribute('aria-invalid', 'true');
    const errors = Array.isArray(answer.errors) ? answer.errors : [{ path: '(document)', message: String(answer.detail || 'could not be checked') }];
    out.append(line('p', errors.length === 1 ? '1 problem:' : errors.length + ' problems:', 'error'));
    const list = document.createElement('ul');
    list.className = 'problems';
    for (const error of errors) {
      const item = document.createElement('li');
      item.append(line('code', String(error.path)), document.createTextNode(': ' + String(error.message)));
      list.append(item);
    }
    out.append(list);
  };
  const check = async () => {
    const mine = ++latest;
    const body = new URLSearchParams({ csrf: form.elements.namedItem('csrf').value, document: area.value });
    try {
      const res = await fetch(form.dataset.validate, { method: 'POST', body, headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const answer = await res.json();
      if (mine === latest) show(answer);
    } catch {
      if (mine === latest) {
        out.replaceChildren(line('p', 'The document could not be checked just now; saving checks it.', 'muted'));
      }
    }
  };
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 500);
  });
})();`;
