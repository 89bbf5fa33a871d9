// DOM building without markup: every string from the API or the user goes in as text, never as
// HTML, so a report that contains <script> shows as those characters.

/** Creates an element: attributes (strings, or functions for on* handlers) and children (nodes
 * or strings, strings becoming text nodes). */
export function h(tag, attrs = {}, ...children) {
  const svg = SVG_TAGS.has(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const SVG_TAGS = new Set(["svg", "g", "path", "circle", "rect", "line", "text", "title", "defs", "marker", "polygon", "polyline"]);

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Maps UTF-8 byte offsets (what the API's spans count) to indexes into a JS string. */
export function byteIndex(text) {
  const map = new Map();
  let bytes = 0;
  let i = 0;
  for (const ch of text) {
    map.set(bytes, i);
    const cp = ch.codePointAt(0);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  map.set(bytes, i);
  return (b) => {
    // A span inside a character (after an invalid byte was replaced) snaps back to its start.
    while (b > 0 && !map.has(b)) b--;
    return map.get(b) ?? 0;
  };
}

/** The text with byte spans marked: `marks` are {span:[a,b], label, id}; overlapping spans
 * merge into one mark naming every claim. Returns DOM nodes. */
export function highlight(text, marks, focus) {
  const at = byteIndex(text);
  const spans = marks
    .map((m) => ({ a: at(m.span[0]), b: at(m.span[1]), ids: [m.id], labels: [m.label] }))
    .filter((s) => s.b > s.a)
    .sort((x, y) => x.a - y.a || y.b - x.b);
  const merged = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.a < last.b) {
      last.b = Math.max(last.b, s.b);
      last.ids.push(...s.ids);
      last.labels.push(...s.labels);
    } else merged.push({ ...s });
  }
  const out = [];
  let pos = 0;
  for (const s of merged) {
    if (s.a > pos) out.push(text.slice(pos, s.a));
    const isFocus = focus !== undefined && s.ids.includes(focus);
    out.push(
      h("mark", { class: isFocus ? "focus" : null, title: s.labels.join(" · "), dataset: { claims: s.ids.join(" ") } }, text.slice(s.a, s.b)),
    );
    pos = s.b;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}

export const pct = (x) => `${Math.round((x || 0) * 100)}%`;
