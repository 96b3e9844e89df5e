/** The HTML frame of the pages the server shows a person: the provider's login and sign-out pages, the account pages. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in a quoted attribute. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);

// The playground's look (playground/style.css): its colours, fonts, header and cards.
const STYLE = `
:root { --ink: #1d2330; --muted: #667085; --line: #d9dee7; --paper: #f6f7f9; --accent: #3056d3; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--paper); }
header { padding: .8rem 1.5rem; background: var(--ink); color: #fff; }
header h1 { margin: 0; font-size: 1.25rem; }
header .muted { color: #b8c0cc; font-weight: normal; }
main { max-width: 26rem; margin: 2rem auto; padding: 0 1rem; display: flex; flex-direction: column; gap: 1rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem 1rem; }
h2 { margin: 0 0 .6rem; font-size: 1.05rem; }
p { margin: 0 0 .6rem; }
.muted { color: var(--muted); }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
label { display: block; font-size: .85rem; color: var(--muted); }
input { display: block; width: 100%; margin-top: .2rem; padding: .4rem .5rem; font: inherit; color: var(--ink); border: 1px solid var(--line); border-radius: 5px; }
form.stacked { display: flex; flex-direction: column; gap: .5rem; }
button { padding: .4rem .9rem; font: inherit; color: #fff; background: var(--accent); border: 0; border-radius: 5px; cursor: pointer; }
.demo { display: flex; flex-direction: column; gap: .4rem; }
.demo button { width: 100%; text-align: left; color: var(--accent); background: #eef2fd; }
.error { color: var(--bad); font-weight: 600; }
`;

/**
 * `body` in the frame of the pages the server shows a person (the OpenID provider's, the account pages): the
 * playground's look, the style under the page's CSP nonce. `part` names which part of the server it is.
 */
export function page(title: string, nonce: string, body: string, part = 'OpenID provider'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · fake-jwt-api</title>
<link rel="icon" href="data:,">
<style nonce="${escapeHtml(nonce)}">${STYLE}</style>
</head>
<body>
<header><h1>fake-jwt-api <span class="muted">${escapeHtml(part)}</span></h1></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The page for a request the server will not act on: one that cannot go back to its client (RFC 6749 §4.1.2.1), a form that cannot be trusted, a dead link. */
export function renderErrorPage(title: string, message: string, nonce: string, part?: string): string {
  return page(title, nonce, `<section role="alert">\n<h2>${escapeHtml(title)}</h2>\n<p>${escapeHtml(message)}</p>\n</section>`, part);
}
