// Reviews in the UI: confirm / reject / correct controls on every claim, the correction form
// (places from the gazetteer, goods through the lexicon with their HS code and verdict), a claim
// added for a span selected in the source view, a claim's history, and the review queue worked
// from the keyboard. A read-only server shows none of the controls.
import { api } from "./api.js";
import { h, fill } from "./dom.js";

const REASONS = ["not-a-movement", "wrong-place", "wrong-goods", "wrong-direction", "duplicate", "other"];
const KINDS = ["movement", "storage", "condition", "status", "policy", "mention"];

let ctx = null;

/** `c`: { places, readOnly, say, failed, refresh, openSource } */
export function initReviews(c) {
  ctx = c;
  const input = document.getElementById("reviewer");
  input.value = localStorage.getItem("borderwatch-reviewer") || "";
  input.addEventListener("change", () => localStorage.setItem("borderwatch-reviewer", input.value.trim()));
  document.getElementById("source-add").hidden = c.readOnly;
  document.addEventListener("keydown", queueKeys);
}

function reviewer() {
  const name = document.getElementById("reviewer").value.trim();
  if (!name) {
    document.getElementById("reviewer").focus();
    throw Object.assign(new Error("give your name as reviewer first (top right)"), { code: "reviewer" });
  }
  return name;
}

async function done(what) {
  ctx.say(what);
  await ctx.refresh();
  if (!document.getElementById("tab-queue").hidden) await loadQueue();
  ctx.say(what);
}

async function judge(claimId, body) {
  const r = await api.review(claimId, { ...body, reviewer: reviewer() });
  await done(`review ${r.review.id}: ${body.action} claim ${claimId}`);
}

/** The controls under a claim. */
export function reviewBar(c) {
  if (!ctx || ctx.readOnly) return "";
  const reason = h("select", { class: "reject-reason", "aria-label": "Why the claim is wrong" }, REASONS.map((r) => h("option", { value: r }, r.replaceAll("-", " "))));
  const slot = h("div", { class: "review-slot" });
  const run = (f) => () => f().catch(ctx.failed);
  return h(
    "div",
    { class: "review-bar" },
    h("button", { type: "button", class: "confirm", onclick: run(() => judge(c.id, { action: "confirm" })) }, "Confirm"),
    reason,
    h("button", { type: "button", class: "reject", onclick: run(() => judge(c.id, { action: "reject", reason: reason.value })) }, "Reject"),
    h("button", { type: "button", class: "correct", onclick: () => fill(slot, correctionForm(c, slot)) }, "Correct"),
    h("button", { type: "button", class: "history link", onclick: run(() => showHistory(c.id, slot)) }, "History"),
    slot,
  );
}

async function showHistory(claimId, slot) {
  const r = await api.reviews(claimId);
  fill(
    slot,
    h(
      "div",
      { class: "history" },
      h("b", {}, r.state ? `reviewed: ${r.state}` : "not reviewed"),
      h(
        "ol",
        {},
        r.reviews.map((x) =>
          h(
            "li",
            {},
            `${x.at} · ${x.reviewer} · ${x.action}${x.reason ? " (" + x.reason + ")" : ""}${x.correction ? " " + Object.keys(x.correction).join(", ") : ""} · ${x.attachment}`,
            x.note ? h("i", {}, ` — ${x.note}`) : "",
          ),
        ),
      ),
    ),
  );
}

function select(name, label, options, value) {
  return h(
    "label",
    {},
    `${label} `,
    h("select", { name }, options.map(([v, text]) => h("option", { value: v, selected: v === value ? true : null }, text))),
  );
}

function placeOptions(kind) {
  const keep = [["", "keep"], ["none", "none"]];
  if (kind === "crossing") return keep.concat(ctx.places.crossings.map((x) => [x.id, `${x.names[0]} (${x.id})`]));
  const below = ctx.places.places.filter((p) => p.kind !== "country");
  return keep.concat(below.map((p) => [p.id, `${p.names[0]} (${p.id})`]));
}

/** The fields of a claim as form controls; `kind` first for an added claim. */
function fields(c, adding) {
  const dirs = [["", "keep"], ["inbound", "inbound"], ["outbound", "outbound"], ["domestic", "domestic"], ["unknown", "unknown"]];
  const modes = [["", "keep"], ["rail", "rail"], ["road", "road"], ["sea", "sea"], ["air", "air"], ["pipeline", "pipeline"], ["none", "none"]];
  const loads = [["", "keep"], ["loaded", "loaded"], ["empty", "empty"], ["none", "none"]];
  const pols = [["", "keep"], ["affirmed", "affirmed"], ["negated", "negated"]];
  const goods = (c?.goods || []).map((g) => `${g.hs || ""}:${g.text}`).join("; ");
  const lookup = h("div", { class: "lookup", "aria-live": "polite" });
  const goodsInput = h("input", { name: "goods", value: adding ? "" : goods, placeholder: "refrigerators; 7304:steel pipes" });
  const check = h("button", { type: "button", class: "lookup-goods" }, "Look up goods");
  const form = [
    adding ? select("kind", "Kind", KINDS.map((k) => [k, k]), "movement") : "",
    select("direction", "Direction", adding ? dirs.slice(1) : dirs, adding ? "inbound" : ""),
    select("mode", "Mode", modes, ""),
    select("from", "From", placeOptions("place"), ""),
    select("to", "To", placeOptions("place"), ""),
    select("via", "Via", placeOptions("crossing"), ""),
    select("load", "Load", loads, ""),
    select("polarity", "Polarity", pols, ""),
    h("label", { class: "wide" }, "Goods (words, or HS:words; separated by ;) ", goodsInput, " ", check),
    lookup,
    h("label", {}, "When ", h("input", { name: "when", placeholder: "2023-05-01 or 2023-05-01..2023-05-10", size: 24 })),
    h("label", {}, "Quantities ", h("input", { name: "quantities", placeholder: "300 truck/day; 12 tonne", size: 24 })),
  ];
  check.addEventListener("click", () => lookupGoods(goodsInput.value, lookup).catch(ctx.failed));
  return form;
}

/** Each goods entry with its code: given, or the lexicon's (shown with its verdict). */
async function lookupGoods(text, out, direction = "inbound") {
  const items = [];
  const shown = [];
  for (const part of text.split(";").map((s) => s.trim()).filter(Boolean)) {
    const m = part.match(/^(\d{2,10})\s*:\s*(.+)$/);
    const r = await api.screen(m ? { hs: m[1], direction } : { words: part, direction });
    const v = r.verdicts[0];
    if (!v) throw Object.assign(new Error(`the goods lexicon does not know "${part}"; give it as HS:words`), { code: "unknown-goods" });
    items.push({ text: m ? m[2] : part, hs: v.hs, confidence: m ? 1.0 : v.confidence, span: [0, 0] });
    shown.push(h("div", {}, `${m ? m[2] : part} → HS ${v.hs} `, h("span", { class: `badge v-${v.status}` }, v.status)));
  }
  if (out) fill(out, shown);
  return items;
}

/** The form's values as a correction: only the fields changed. */
async function values(form) {
  const get = (n) => form.querySelector(`[name=${n}]`)?.value ?? "";
  const out = {};
  for (const n of ["direction", "polarity"]) if (get(n)) out[n] = get(n);
  for (const n of ["mode", "load", "from", "to", "via"]) {
    const v = get(n);
    if (v) out[n] = v === "none" ? null : v;
  }
  const when = get("when").trim();
  if (when) out.when = when === "none" ? null : parseWhen(when);
  const qs = get("quantities").trim();
  if (qs) out.quantities = qs === "none" ? [] : qs.split(";").map((q) => parseQuantity(q.trim())).filter(Boolean);
  const goods = get("goods");
  if (form.dataset.goods !== goods) {
    out.goods = goods.trim() ? await lookupGoods(goods, form.querySelector(".lookup"), out.direction || "inbound") : [];
  }
  return out;
}

const bad = (what, v, why) => Object.assign(new Error(`${what} "${v}": ${why}`), { code: "bad-value" });

/** `DATE` or `DATE..DATE` as a claim's time. */
function parseWhen(v) {
  const [a, b = a] = v.split("..").map((x) => x.trim());
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(a) || !day.test(b)) throw bad("when", v, "expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD");
  if (b < a) throw bad("when", v, "ends before it starts");
  return { start: a, end: b, precision: a === b ? "day" : "period", text: v, span: [0, 0] };
}

/** `300 truck/day`, `3-4 wagon`, `12 tonne`. */
function parseQuantity(v) {
  if (!v) return null;
  const m = v.match(/^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?\s*([^/\s]*)\s*(?:\/\s*(\S+))?$/);
  if (!m) throw bad("quantity", v, "expected VALUE[-MAX] [UNIT][/PER]");
  return {
    value: Number(m[1]),
    max: m[2] ? Number(m[2]) : undefined,
    unit: m[3] || null,
    per: m[4] || null,
    qualifier: m[2] ? "range" : "exact",
    text: v,
    span: [0, 0],
  };
}

function correctionForm(c, slot) {
  const note = h("input", { name: "note", placeholder: "why (optional)" });
  const form = h(
    "form",
    { class: "review-form correction" },
    fields(c, false),
    h("label", { class: "wide" }, "Note ", note),
    h("div", { class: "wide" }, h("button", { type: "submit" }, "Save the correction"), " ", h("button", { type: "button", onclick: () => fill(slot) }, "Cancel")),
  );
  form.dataset.goods = (c.goods || []).map((g) => `${g.hs || ""}:${g.text}`).join("; ");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    (async () => {
      const correction = await values(form);
      if (!Object.keys(correction).length) throw Object.assign(new Error("change at least one field"), { code: "nothing" });
      await judge(c.id, { action: "correct", correction, note: note.value || undefined });
    })().catch(ctx.failed);
  });
  return form;
}

// ---------------------------------------------------------------------------------------------
// Adding a claim for the text selected in the source view.

/** UTF-8 bytes of a string. */
const bytes = (s) => new TextEncoder().encode(s).length;

/** The selection inside `pre` as a byte span of the source text, or null. */
export function selectedSpan(pre) {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const r = sel.getRangeAt(0);
  if (!pre.contains(r.startContainer) || !pre.contains(r.endContainer)) return null;
  const before = document.createRange();
  before.setStart(pre, 0);
  before.setEnd(r.startContainer, r.startOffset);
  const a = bytes(before.toString());
  const b = a + bytes(r.toString());
  return b > a ? [a, b] : null;
}

export function addForm(sourceId, span, quote, where) {
  const note = h("input", { name: "note", placeholder: "why (optional)" });
  const form = h(
    "form",
    { class: "review-form add" },
    h("p", { class: "wide" }, `Bytes ${span[0]}–${span[1]}: `, h("q", {}, quote)),
    fields(null, true),
    h("label", { class: "wide" }, "Note ", note),
    h("div", { class: "wide" }, h("button", { type: "submit" }, "Add the claim"), " ", h("button", { type: "button", onclick: () => fill(where) }, "Cancel")),
  );
  form.dataset.goods = "";
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    (async () => {
      const v = await values(form);
      const kind = form.querySelector("[name=kind]").value;
      const r = await api.addClaim(sourceId, { span, kind, values: v, reviewer: reviewer(), note: note.value || undefined });
      // The added claim is reviewed like any other (`aN` names it to the API).
      const id = `a${r.review.id}`;
      fill(where, h("div", { class: "added", "data-claim": id }, h("b", {}, `added claim ${id}`), reviewBar({ ...(r.review.claim || {}), id })));
      await done(`review ${r.review.id}: added a ${kind} claim on bytes ${span[0]}–${span[1]}`);
    })().catch(ctx.failed);
  });
  return form;
}

// ---------------------------------------------------------------------------------------------
// The queue.

const queue = { items: [], at: 0 };

export async function loadQueue() {
  const r = await api.queue(100);
  queue.items = r.items;
  queue.at = Math.min(queue.at, Math.max(0, r.items.length - 1));
  renderQueue();
}

function renderQueue() {
  const list = document.getElementById("queue");
  fill(
    list,
    queue.items.length
      ? queue.items.map((it, i) =>
          h(
            "li",
            { class: `claim${i === queue.at ? " current" : ""}`, dataset: { claim: it.claim.id } },
            h("div", { class: "claim-head" }, h("b", {}, `claim ${it.claim.id} · ${it.claim.kind}`), ` · ${it.claim.direction}`, it.claim.via ? ` · via ${it.claim.via}` : "", it.why ? h("span", { class: "badge" }, it.why) : ""),
            h("blockquote", {}, it.claim.evidence.text),
            h("div", { class: "muted" }, (it.claim.goods || []).map((g) => `${g.text} (HS ${g.hs || "?"})`).join(", ")),
            reviewBar(it.claim),
          ),
        )
      : h("li", { class: "empty" }, "Nothing left to review."),
  );
  list.querySelector("li.current")?.scrollIntoView({ block: "nearest" });
}

function queueKeys(e) {
  if (document.getElementById("tab-queue").hidden || !ctx || ctx.readOnly) return;
  if (e.target.closest && e.target.closest("input, select, textarea, form")) return;
  const it = queue.items[queue.at];
  const li = () => document.querySelector("#queue li.current");
  const run = (p) => p.catch(ctx.failed);
  switch (e.key) {
    case "j":
      queue.at = Math.min(queue.at + 1, queue.items.length - 1);
      renderQueue();
      break;
    case "k":
      queue.at = Math.max(queue.at - 1, 0);
      renderQueue();
      break;
    case "c":
      if (it) run(judge(it.claim.id, { action: "confirm" }));
      break;
    case "x":
      if (it) run(judge(it.claim.id, { action: "reject", reason: document.getElementById("queue-reason").value }));
      break;
    case "e":
      li()?.querySelector("button.correct")?.click();
      li()?.querySelector(".correction select")?.focus();
      break;
    case "a":
      if (it) run(ctx.openSource(it.claim.source_id, it.claim.id));
      break;
    default:
      return;
  }
  e.preventDefault();
}
