/**
 * The API reference page (GET /api/docs): one self-contained HTML document, with its CSS and script
 * inline and nothing fetched from elsewhere, that reads /api/openapi.json next to it and renders every
 * operation: method, path, summary and description, parameters, request and response schemas. It
 * builds the page with DOM calls and textContent only, so nothing in the document is taken as HTML.
 */
import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5d6678; --line: #d9dde5; --bg: #fff; --panel: #f5f7fa; --code: #eef1f6;
  --get: #1f6feb; --post: #1a7f37; --delete: #cf222e; --put: #9a6700; --patch: #8250df; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa3b2; --line: #2f3542; --bg: #14171d; --panel: #1b1f27; --code: #232834; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 20px 28px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 4px 0; color: var(--muted); }
.layout { display: flex; align-items: flex-start; }
nav { position: sticky; top: 0; width: 280px; flex: none; max-height: 100vh; overflow: auto; padding: 16px; border-right: 1px solid var(--line); }
nav input { width: 100%; padding: 6px 8px; margin-bottom: 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
nav h3 { margin: 14px 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
nav a { display: block; padding: 2px 0; color: var(--fg); text-decoration: none; font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
nav a:hover { text-decoration: underline; }
main { flex: 1; min-width: 0; padding: 8px 28px 60px; }
h2.tag { margin: 28px 0 8px; font-size: 18px; text-transform: capitalize; }
section.op { border: 1px solid var(--line); border-radius: 8px; margin: 12px 0; padding: 12px 16px; background: var(--panel); }
.op-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.method { font: 700 12px ui-monospace, SFMono-Regular, Menlo, monospace; text-transform: uppercase; color: #fff; border-radius: 4px; padding: 2px 8px; background: var(--muted); }
.method.get { background: var(--get); } .method.post { background: var(--post); } .method.delete { background: var(--delete); }
.method.put { background: var(--put); } .method.patch { background: var(--patch); }
.path { font: 600 14px ui-monospace, SFMono-Regular, Menlo, monospace; }
.summary { color: var(--muted); }
.desc { margin: 8px 0; white-space: pre-wrap; }
h4 { margin: 14px 0 6px; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-top: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); }
code, .type { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
code { background: var(--code); border-radius: 4px; padding: 0 4px; }
.type { color: var(--post); }
.req { color: var(--delete); font-size: 12px; }
.schema { margin: 4px 0 4px 0; }
.schema ul { list-style: none; margin: 2px 0; padding-left: 18px; border-left: 1px solid var(--line); }
.schema li { margin: 2px 0; }
.note { color: var(--muted); font-size: 13px; }
.status { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 700; }
.error { color: var(--delete); }
a.ref { color: var(--get); }
.hidden { display: none; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var main = document.getElementById('content');
  var nav = document.getElementById('toc');
  var METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
  var spec;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'class') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }
  function anchor(text) { return String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''); }
  function refName(ref) { return typeof ref === 'string' && ref.indexOf('#/components/schemas/') === 0 ? ref.slice(21) : null; }

  function constraints(s) {
    var parts = [];
    if (s.format) parts.push(s.format);
    [['minLength', 'min length '], ['maxLength', 'max length '], ['minimum', '\\u2265 '], ['maximum', '\\u2264 '], ['exclusiveMinimum', '> '],
      ['exclusiveMaximum', '< '], ['minItems', 'min items '], ['maxItems', 'max items '], ['pattern', 'pattern ']].forEach(function (pair) {
      if (s[pair[0]] !== undefined) parts.push(pair[1] + s[pair[0]]);
    });
    if (s['default'] !== undefined) parts.push('default ' + JSON.stringify(s['default']));
    return parts.length ? ' (' + parts.join(', ') + ')' : '';
  }

  /** One line naming a schema's type; nested properties and variants go in a list under it. */
  function schemaNode(s, depth) {
    var wrap = el('div', { class: 'schema' });
    if (!s || typeof s !== 'object' || Object.keys(s).length === 0) { wrap.appendChild(el('span', { class: 'type', text: 'any JSON value' })); return wrap; }
    var name = refName(s.$ref);
    if (name) { wrap.appendChild(el('a', { class: 'ref type', href: '#schema-' + anchor(name), text: name })); return wrap; }
    var variants = s.anyOf || s.oneOf || s.allOf;
    var line = el('span', { class: 'type' });
    wrap.appendChild(line);
    if (s.description) wrap.appendChild(el('span', { class: 'note', text: ' \\u2014 ' + s.description }));
    if (variants) {
      line.textContent = s.allOf ? 'all of' : 'one of';
      var list = el('ul');
      variants.forEach(function (v) { list.appendChild(el('li', null, [depth > 6 ? el('span', { text: '\\u2026' }) : schemaNode(v, depth + 1)])); });
      wrap.appendChild(list);
      return wrap;
    }
    if (s['const'] !== undefined) { line.textContent = JSON.stringify(s['const']); return wrap; }
    if (s['enum']) { line.textContent = s['enum'].map(function (v) { return JSON.stringify(v); }).join(' | '); return wrap; }
    var type = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
    if (type === 'array' || s.items) {
      line.textContent = 'array of' + constraints(s);
      var items = el('ul', null, [el('li', null, [depth > 6 ? el('span', { text: '\\u2026' }) : schemaNode(s.items, depth + 1)])]);
      wrap.appendChild(items);
      return wrap;
    }
    if (type === 'object' || s.properties) {
      var props = s.properties || {};
      var required = s.required || [];
      var keys = Object.keys(props);
      line.textContent = keys.length ? 'object' : 'object' + (s.additionalProperties ? ' (any keys)' : '');
      if (keys.length && depth <= 6) {
        var ul = el('ul');
        keys.forEach(function (key) {
          var item = el('li', null, [el('code', { text: key }), required.indexOf(key) >= 0 ? el('span', { class: 'req', text: ' required' }) : null]);
          item.appendChild(schemaNode(props[key], depth + 1));
          ul.appendChild(item);
        });
        wrap.appendChild(ul);
      }
      return wrap;
    }
    line.textContent = (type || 'any JSON value') + constraints(s);
    return wrap;
  }

  function resolve(obj) {
    var seen = 0;
    while (obj && obj.$ref && seen++ < 10) {
      var path = obj.$ref.replace(/^#\\//, '').split('/');
      var target = spec;
      path.forEach(function (part) { target = target ? target[part] : undefined; });
      if (!target || refName(obj.$ref)) break;
      obj = target;
    }
    return obj;
  }

  function contentNodes(content) {
    var nodes = [];
    Object.keys(content || {}).forEach(function (type) {
      nodes.push(el('div', { class: 'note', text: type }));
      nodes.push(schemaNode(content[type].schema, 0));
    });
    return nodes;
  }

  function operationNode(method, path, op, pathItem) {
    var id = 'op-' + anchor(method + ' ' + path);
    var section = el('section', { class: 'op', id: id });
    section.appendChild(el('div', { class: 'op-head' }, [
      el('span', { class: 'method ' + method, text: method }),
      el('span', { class: 'path', text: path }),
      op.summary ? el('span', { class: 'summary', text: op.summary }) : null,
    ]));
    if (op.description) section.appendChild(el('p', { class: 'desc', text: op.description }));
    var params = (pathItem.parameters || []).concat(op.parameters || []).map(resolve);
    if (params.length) {
      section.appendChild(el('h4', { text: 'Parameters' }));
      var table = el('table', null, [el('tr', null, [el('th', { text: 'name' }), el('th', { text: 'in' }), el('th', { text: 'type' }), el('th', { text: 'description' })])]);
      params.forEach(function (p) {
        table.appendChild(el('tr', null, [
          el('td', null, [el('code', { text: p.name }), p.required ? el('span', { class: 'req', text: ' required' }) : null]),
          el('td', { text: p['in'] }),
          el('td', null, [schemaNode(Object.assign({}, p.schema, { description: undefined }), 0)]),
          el('td', { text: p.description || (p.schema && p.schema.description) || '' }),
        ]));
      });
      section.appendChild(table);
    }
    if (op.requestBody) {
      var body = resolve(op.requestBody);
      section.appendChild(el('h4', { text: 'Request body' + (body.required ? '' : ' (optional)') }));
      if (body.description) section.appendChild(el('p', { class: 'desc', text: body.description }));
      contentNodes(body.content).forEach(function (n) { section.appendChild(n); });
    }
    var responses = op.responses || {};
    var codes = Object.keys(responses);
    if (codes.length) {
      section.appendChild(el('h4', { text: 'Responses' }));
      var rtable = el('table');
      codes.forEach(function (code) {
        var r = resolve(responses[code]);
        var cell = el('td', null, [el('div', { text: r.description || '' })].concat(contentNodes(r.content)));
        rtable.appendChild(el('tr', null, [el('td', { class: 'status', text: code }), cell]));
      });
      section.appendChild(rtable);
    }
    return section;
  }

  function render() {
    var info = spec.info || {};
    document.title = (info.title || 'API') + ' reference';
    document.getElementById('title').textContent = (info.title || 'API') + (info.version ? ' ' + info.version : '');
    document.getElementById('description').textContent = info.description || '';
    var groups = {};
    var order = [];
    Object.keys(spec.paths || {}).forEach(function (path) {
      var item = spec.paths[path];
      METHODS.forEach(function (method) {
        var op = item[method];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || 'other';
        if (!groups[tag]) { groups[tag] = []; order.push(tag); }
        groups[tag].push({ method: method, path: path, op: op, item: item });
      });
    });
    main.textContent = '';
    nav.textContent = '';
    order.forEach(function (tag) {
      main.appendChild(el('h2', { class: 'tag', id: 'tag-' + anchor(tag), text: tag }));
      nav.appendChild(el('h3', { text: tag }));
      groups[tag].forEach(function (entry) {
        var node = operationNode(entry.method, entry.path, entry.op, entry.item);
        main.appendChild(node);
        var link = el('a', { href: '#' + node.id, text: entry.method.toUpperCase() + ' ' + entry.path });
        link.setAttribute('data-search', (entry.method + ' ' + entry.path + ' ' + (entry.op.summary || '') + ' ' + (entry.op.description || '') + ' ' + tag).toLowerCase());
        link.setAttribute('data-target', node.id);
        nav.appendChild(link);
      });
    });
    var schemas = (spec.components && spec.components.schemas) || {};
    var names = Object.keys(schemas);
    if (names.length) {
      main.appendChild(el('h2', { class: 'tag', id: 'schemas', text: 'Schemas' }));
      nav.appendChild(el('h3', { text: 'schemas' }));
      names.forEach(function (name) {
        var section = el('section', { class: 'op', id: 'schema-' + anchor(name) }, [el('div', { class: 'op-head' }, [el('span', { class: 'path', text: name })])]);
        section.appendChild(schemaNode(Object.assign({}, schemas[name], { $ref: undefined }), 0));
        main.appendChild(section);
        nav.appendChild(el('a', { href: '#schema-' + anchor(name), text: name }));
      });
    }
  }

  document.getElementById('filter').addEventListener('input', function (event) {
    var words = event.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
    Array.prototype.forEach.call(nav.querySelectorAll('a[data-target]'), function (link) {
      var text = link.getAttribute('data-search');
      var shown = words.every(function (w) { return text.indexOf(w) >= 0; });
      link.classList.toggle('hidden', !shown);
      document.getElementById(link.getAttribute('data-target')).classList.toggle('hidden', !shown);
    });
  });

  fetch(new URL('openapi.json', location.href).toString(), { headers: { accept: 'application/json' } })
    .then(function (res) {
      if (!res.ok) throw new Error('GET openapi.json answered ' + res.status);
      return res.json();
    })
    .then(function (doc) { spec = doc; render(); })
    .catch(function (error) { main.textContent = ''; main.appendChild(el('p', { class: 'error', text: 'Cannot load the API description: ' + error.message })); });
})();
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only the page's own script and style run; it may fetch from its own origin and nothing else. */
export const API_REFERENCE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const API_REFERENCE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1 id="title">API reference</h1>
<p id="description"></p>
<p>Every route but <code>/api/health</code>, <code>/api/openapi.json</code> and <code>/api/docs</code> needs an API key:
<code>Authorization: Bearer bk_…</code> (or <code>X-API-Key</code>). A viewer reads; an operator also starts, signals, cancels,
retries, resumes and emits events; an admin also manages schedules and keys. Errors are
<code>{ "error": { "code", "message", "details"? } }</code> with a stable code. The machine-readable description is
<a href="openapi.json">openapi.json</a>.</p>
</header>
<div class="layout">
<nav><input id="filter" type="search" placeholder="Filter operations" aria-label="Filter operations"><div id="toc"></div></nav>
<main id="content"><p class="note">Loading the API description…</p></main>
</div>
<script>${SCRIPT}</script>
</body>
</html>
`;
