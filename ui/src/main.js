// The borderwatch UI: the map, the time range that filters everything, the corridor panel with
// its evidence, the findings, the vessels, screening, and a report preview before it is saved.
import "./style.css";
import { api, setCsrf, whenSignedOut } from "./api.js";
import { h, fill, highlight, pct } from "./dom.js";
import { BorderMap } from "./map.js";
import { initReviews, reviewBar, selectedSpan, addForm, loadQueue } from "./review.js";
import { initVessels, loadVessels } from "./vessels.js";

const $ = (id) => document.getElementById(id);

const state = {
  period: { since: "", until: "" },
  corridors: [],
  findings: [],
  selected: null,
  places: null,
  map: null,
  claimsNext: null,
  sourceId: null,
  // From GET /api/session: "single" (no users) or "team", and the role signed in.
  mode: "single",
  role: "admin",
  user: null,
};

function say(msg, kind = "info") {
  fill($("status"), msg ? h("span", { class: kind }, msg) : "");
}

function failed(e) {
  say(`${e.code ? e.code + ": " : ""}${e.message}`, "error");
}

// ---------------------------------------------------------------------------------------------
// Tabs.

function showTab(name) {
  for (const b of document.querySelectorAll("[role=tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const t of document.querySelectorAll(".tab")) t.hidden = t.id !== `tab-${name}`;
  if (name === "queue") loadQueue().catch(failed);
  if (name === "audit") loadAudit().catch(failed);
  if (name === "vessels") loadVessels().catch(failed);
  if (name === "users") loadUsers().catch(failed);
}
for (const b of document.querySelectorAll("[role=tab]")) b.addEventListener("click", () => showTab(b.dataset.tab));

// ---------------------------------------------------------------------------------------------
// The period: every view follows it.

function period() {
  return { since: state.period.since || undefined, until: state.period.until || undefined };
}

async function setPeriod(since, until) {
  state.period = { since, until };
  $("since").value = since;
  $("until").value = until;
  for (const b of document.querySelectorAll("#years button")) {
    b.setAttribute("aria-pressed", String(since === `${b.dataset.year}-01-01` && until === `${b.dataset.year}-12-31`));
  }
  await refresh();
}

$("since").addEventListener("change", () => setPeriod($("since").value, $("until").value));
$("until").addEventListener("change", () => setPeriod($("since").value, $("until").value));
$("all-time").addEventListener("click", () => setPeriod("", ""));

function yearButtons(corridors) {
  const years = new Set();
  for (const c of corridors) for (const f of c.flows) if (/^\d{4}$/.test(f.period)) years.add(f.period);
  fill(
    $("years"),
    [...years].sort().map((y) =>
      h("button", { type: "button", dataset: { year: y }, "aria-pressed": "false", onclick: () => setPeriod(`${y}-01-01`, `${y}-12-31`) }, y),
    ),
  );
}

async function refresh() {
  say("Loading…");
  document.body.dataset.shown = "";
  try {
    const [c, f] = await Promise.all([api.corridors(period()), api.findings(period())]);
    state.corridors = c.corridors;
    state.findings = f.findings;
    const h0 = await api.health();
    fill(
      $("summary"),
      `${h0.sources} sources · ${h0.claims} claims · ${h0.shipments} records · ${c.independent_sources} independent sources in this period${h0.read_only ? " · read-only" : ""}`,
    );
    state.map.drawCorridors(state.corridors, state.selected);
    corridorList();
    findingKinds();
    renderFindings();
    if (state.selected) await selectCorridor(state.selected, false);
    say("");
    document.body.dataset.shown = `${state.period.since}|${state.period.until}`;
  } catch (e) {
    failed(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Corridors.

function corridorList() {
  const items = [...state.corridors].sort((a, b) => b.claims - a.claims || a.name.localeCompare(b.name));
  fill(
    $("corridor-list"),
    items.map((c) =>
      h(
        "li",
        {},
        h("button", { type: "button", class: "link", onclick: () => selectCorridor(c.id) }, c.name),
        ` — ${c.claims} claims${c.reviewed ? ` (reviewed ${c.reviewed} of ${c.claims})` : ""}, ${c.independent_sources} independent sources`,
      ),
    ),
  );
}

function flowTable(flows) {
  const n = (k, word) => `${k} ${word}${k === 1 ? "" : "s"}`;
  return h(
    "table",
    { class: "flows" },
    h("thead", {}, h("tr", {}, ["Flow", "Evidence", "Loaded / empty", "Prohibited", "Goods by HS chapter", "Quantities"].map((t) => h("th", {}, t)))),
    h(
      "tbody",
      {},
      flows.map((f) =>
        h(
          "tr",
          { class: f.direction },
          h("td", {}, h("b", {}, f.direction), h("br"), `${f.mode || "mode not said"} · ${f.period}`),
          h("td", {}, n(f.claims, "claim"), f.reviewed ? ` (reviewed ${f.reviewed} of ${f.claims})` : "", h("br"), n(f.shipments, "record"), h("br"), n(f.independent_sources, "source")),
          h("td", {}, `${f.loaded} / ${f.empty}`, f.negated ? h("div", { class: "muted" }, `${f.negated} denied`) : ""),
          h("td", {}, f.goods.length ? pct(f.prohibited_share) : "—"),
          h(
            "td",
            {},
            f.goods.map((g) =>
              h(
                "div",
                { class: "chapter" },
                h("b", {}, `HS ${g.chapter}`),
                " ",
                g.prohibited ? h("span", { class: "v-prohibited" }, `${g.prohibited} prohibited `) : "",
                g.capped ? h("span", { class: "v-capped" }, `${g.capped} capped `) : "",
                g.review ? h("span", { class: "v-review" }, `${g.review} review `) : "",
                g.permitted ? h("span", { class: "v-permitted" }, `${g.permitted} permitted `) : "",
                g.examples.filter(Boolean).length ? h("i", {}, g.examples.filter(Boolean).join(", ")) : "",
              ),
            ),
          ),
          h("td", {}, f.quantities.join("; ") || "—"),
        ),
      ),
    ),
  );
}

function claimItem(c) {
  const when = c.when ? [c.when.start, c.when.end].filter(Boolean).join(" – ") || c.when.text || "" : "";
  return h(
    "li",
    { class: `claim ${c.polarity}`, dataset: { claim: c.id } },
    h(
      "div",
      { class: "claim-head" },
      h("b", {}, c.kind),
      c.direction && c.direction !== "unknown" ? ` · ${c.direction}` : "",
      c.mode ? ` · ${c.mode}` : "",
      c.load ? ` · ${c.load}` : "",
      c.polarity === "negated" ? h("span", { class: "badge" }, "denied") : "",
      c.hedged ? h("span", { class: "badge" }, "hedged") : "",
      when ? ` · ${when}` : "",
    ),
    h("blockquote", {}, c.evidence.text),
    (c.verdicts || []).length
      ? h(
          "div",
          { class: "verdict-line" },
          c.verdicts.map((v) => h("span", { class: `v-${v.status}` }, `HS ${v.hs} ${v.status}${v.measures.length ? " (" + v.measures.join(", ") + ")" : ""} `)),
        )
      : "",
    h(
      "button",
      { type: "button", class: "link source-link", onclick: () => openSource(c.source_id, c.id) },
      `source: ${c.source} — bytes ${c.evidence.span[0]}–${c.evidence.span[1]}`,
    ),
    reviewBar(c),
  );
}

async function selectCorridor(id, focusTab = true) {
  state.selected = id;
  const shown = `${id}|${state.period.since}|${state.period.until}`;
  state.map.drawCorridors(state.corridors, id);
  if (focusTab) showTab("corridor");
  const panel = $("corridor-detail");
  const crossing = state.places.crossings.find((c) => c.id === id);
  try {
    let detail = null;
    try {
      detail = await api.corridor(id, period());
    } catch (e) {
      if (e.code !== "not-found") throw e;
    }
    const title = detail ? detail.corridor.name : crossing ? crossing.names[0] : id;
    const head = [
      h("h2", { id: "corridor-title" }, title),
      crossing ? h("p", { class: "muted" }, `Crossing · ${crossing.modes.join(", ")}${crossing.note ? " · " + crossing.note : ""}`) : "",
    ];
    if (!detail) {
      fill(panel, head, h("p", { class: "empty" }, "No claims or records on this corridor in this period."));
      panel.dataset.shown = shown;
      return;
    }
    const c = detail.corridor;
    const claimsList = h("ol", { class: "claims", id: "corridor-claims" });
    const more = h("button", { type: "button", id: "more-claims", hidden: true }, "More claims");
    fill(
      panel,
      head,
      h("p", { id: "corridor-counts" }, `${c.claims} claims · reviewed ${c.reviewed} of ${c.claims} · ${c.independent_sources} independent sources`),
      h("h3", {}, "Flows"),
      flowTable(c.flows),
      c.conditions.length ? [h("h3", {}, "Reported conditions"), h("ul", {}, c.conditions.map((x) => h("li", {}, `${x.aspect}: ${x.value} — ${x.claims} claims, ${x.independent_sources} sources`)))] : "",
      c.timeline.length
        ? [
            h("h3", {}, "Open / closed"),
            h(
              "ol",
              { class: "timeline" },
              c.timeline.map((e) => h("li", {}, `${e.date || "undated"} · ${e.mode || "all modes"} · ${e.status}${e.planned ? " (planned)" : ""}${e.negated ? " (denied)" : ""}`)),
            ),
          ]
        : "",
      detail.findings.length
        ? [h("h3", {}, "Findings"), h("ul", {}, detail.findings.map((f) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => openFinding(f.id) }, f.title), ` — score ${f.score.toFixed(2)}`)))]
        : "",
      h("h3", {}, "Claims with their evidence"),
      claimsList,
      more,
    );
    const load = async (after) => {
      const page = await api.claims({ corridor: id, ...period(), after, limit: 25 });
      claimsList.append(...page.claims.map(claimItem));
      if (!after && !page.claims.length) claimsList.append(h("li", { class: "empty" }, "No claims in this period (the figures above may come from records)."));
      more.hidden = page.next == null;
      more.onclick = () => load(page.next).catch(failed);
    };
    await load(undefined);
    panel.dataset.shown = shown;
  } catch (e) {
    failed(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Findings.

function findingKinds() {
  const sel = $("finding-kind");
  const keep = sel.value;
  const kinds = [...new Set(state.findings.map((f) => f.kind))].sort();
  fill(sel, h("option", { value: "" }, "every kind"), kinds.map((k) => h("option", { value: k }, k)));
  sel.value = kinds.includes(keep) ? keep : "";
}

function renderFindings() {
  const kind = $("finding-kind").value;
  const min = Number($("finding-score").value);
  const here = $("finding-here").checked;
  $("finding-score-out").value = min.toFixed(2);
  const shown = state.findings.filter(
    (f) => (!kind || f.kind === kind) && f.score >= min && (!here || !state.selected || f.corridors.includes(state.selected)),
  );
  fill(
    $("findings"),
    shown.length
      ? shown.map((f) =>
          h(
            "li",
            { class: "finding", id: `finding-${f.id}`, dataset: { kind: f.kind } },
            h(
              "details",
              {},
              h("summary", {}, h("span", { class: "badge kind" }, f.kind), " ", h("b", {}, f.title), ` — score ${f.score.toFixed(2)}, ${f.independent_sources} independent source${f.independent_sources === 1 ? "" : "s"}`),
              h("p", {}, f.summary),
              f.corridors.length
                ? h("p", {}, "Corridors: ", f.corridors.map((c) => h("button", { type: "button", class: "link", onclick: () => selectCorridor(c) }, c)))
                : "",
              h(
                "ol",
                { class: "evidence" },
                f.evidence.map((e) =>
                  h(
                    "li",
                    {},
                    h("blockquote", {}, e.quote),
                    e.claim != null
                      ? h("button", { type: "button", class: "link source-link", onclick: () => openClaimSource(e.claim) }, `source: ${e.source}`)
                      : h("span", { class: "muted" }, `record: ${e.source}`),
                  ),
                ),
              ),
            ),
          ),
        )
      : h("li", { class: "empty" }, "No findings match."),
  );
}

function openFinding(id) {
  showTab("findings");
  $("finding-kind").value = "";
  $("finding-score").value = "0";
  $("finding-here").checked = false;
  renderFindings();
  const el = document.getElementById(`finding-${id}`);
  if (el) {
    el.querySelector("details").open = true;
    el.scrollIntoView({ block: "nearest" });
  }
}

for (const id of ["finding-kind", "finding-score", "finding-here"]) $(id).addEventListener("input", renderFindings);

// ---------------------------------------------------------------------------------------------
// The source view: the archived text with every claim's evidence marked.

async function openClaimSource(claimId) {
  try {
    const c = await api.claim(claimId);
    await openSource(c.claim.source_id, claimId);
  } catch (e) {
    failed(e);
  }
}

async function openSource(sourceId, focusClaim) {
  try {
    const s = await api.source(sourceId, state.role !== "viewer");
    state.sourceId = sourceId;
    fill($("source-add-form"));
    fill($("source-title"), s.source.name);
    fill(
      $("source-meta"),
      `${s.source.media_type} · ${s.source.published ? "published " + s.source.published + " · " : ""}${s.evidence.length} claims · sha256 ${s.source.sha256.slice(0, 12)}…`,
    );
    const marks = s.evidence.map((e) => ({ span: e.span, id: e.claim, label: `claim ${e.claim} (${e.kind})` }));
    fill($("source-text"), highlight(s.text || "", marks, focusClaim));
    $("source-view").hidden = false;
    const focus = $("source-text").querySelector("mark.focus");
    if (focus) focus.scrollIntoView({ block: "center" });
  } catch (e) {
    failed(e);
  }
}
$("source-close").addEventListener("click", () => ($("source-view").hidden = true));
$("source-add").addEventListener("click", () => {
  const span = selectedSpan($("source-text"));
  if (!span) {
    say("Select the words the claim rests on in the source text first.", "error");
    return;
  }
  const quote = window.getSelection().toString();
  fill($("source-add-form"), addForm(state.sourceId, span, quote, $("source-add-form")));
});
document.addEventListener("keydown", (e) => e.key === "Escape" && ($("source-view").hidden = true));

// ---------------------------------------------------------------------------------------------
// Screening.

$("screen-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const hs = $("screen-hs").value.trim();
  const words = $("screen-words").value.trim();
  const body = { direction: $("screen-direction").value };
  if (hs) body.hs = hs;
  else if (words) body.words = words;
  if ($("screen-date").value) body.date = $("screen-date").value;
  try {
    const r = await api.screen(body);
    say("");
    fill(
      $("verdicts"),
      r.verdicts.map((v) =>
        h(
          "article",
          { class: `verdict v-${v.status}` },
          h("h3", {}, h("span", { class: `badge v-${v.status}` }, v.status), ` HS ${v.hs}${v.text ? " — " + v.text : ""}`),
          h("p", {}, `${v.direction} · ${v.date} · confidence ${v.confidence.toFixed(2)}`),
          h("p", { class: "reason" }, v.reason),
          v.measures.length
            ? h(
                "ul",
                { class: "measures" },
                v.measures.map((m) => h("li", {}, h("b", {}, m.id), ` — ${m.instrument}, paragraph ${m.paragraph}: ${m.effect}`)),
              )
            : h("p", { class: "muted" }, "No measure catches these goods."),
          (v.notes || []).length ? h("ul", { class: "notes" }, v.notes.map((n) => h("li", {}, n))) : "",
        ),
      ),
    );
  } catch (err) {
    fill($("verdicts"));
    failed(err);
  }
});

// ---------------------------------------------------------------------------------------------
// A report: preview its claims highlighted in the text, then save it.

let reportBytes = null;

$("report-file").addEventListener("change", async () => {
  const f = $("report-file").files[0];
  if (!f) return;
  reportBytes = new Uint8Array(await f.arrayBuffer());
  $("report-name").value = f.name;
  $("report-text").value = new TextDecoder().decode(reportBytes);
});
$("report-text").addEventListener("input", () => (reportBytes = null));

function reportBody() {
  return reportBytes || new TextEncoder().encode($("report-text").value);
}

$("report-preview").addEventListener("click", async () => {
  const text = new TextDecoder().decode(reportBody());
  try {
    const r = await api.extract({ text, name: $("report-name").value || "pasted.txt", published: $("report-published").value || undefined });
    say(`${r.claims.length} claims found${r.issues.length ? `, ${r.issues.length} issues` : ""} — nothing is stored until you save.`);
    const marks = r.claims.map((c, i) => ({ span: c.evidence.span, id: i, label: `${c.kind}${c.via ? " via " + c.via : ""}` }));
    fill($("report-view"), highlight(text, marks));
    fill(
      $("report-claims"),
      r.claims.map((c) =>
        h(
          "li",
          { class: `claim ${c.polarity}` },
          h("b", {}, c.kind),
          ` ${[c.from, c.via, c.to].filter(Boolean).join(" → ")}`,
          c.direction && c.direction !== "unknown" ? ` · ${c.direction}` : "",
          c.mode ? ` · ${c.mode}` : "",
          c.goods.length ? h("div", {}, "goods: ", c.goods.map((g) => `${g.text}${g.hs ? " (HS " + g.hs + ")" : ""}`).join(", ")) : "",
          (c.verdicts || []).length ? h("div", {}, c.verdicts.map((v) => h("span", { class: `v-${v.status}` }, `HS ${v.hs} ${v.status} `))) : "",
          h("blockquote", {}, c.evidence.text),
        ),
      ),
      r.issues.map((i) => h("li", { class: "issue" }, `${i.code}: ${i.message}`)),
    );
  } catch (e) {
    failed(e);
  }
});

$("report-save").addEventListener("click", async () => {
  try {
    const r = await api.upload($("report-name").value || "pasted.txt", $("report-published").value || undefined, reportBody());
    fill(
      $("report-result"),
      h(
        "p",
        { class: "saved" },
        r.new ? `Saved as source ${r.source}: ${r.claims} claims, ${r.shipments} records${r.rejected ? `, ${r.rejected} rows rejected` : ""}.` : `Already in the store as source ${r.source}; nothing added.`,
        " ",
        h("button", { type: "button", class: "link", onclick: () => openSource(r.source) }, "Open the source"),
      ),
      r.issues.length ? h("ul", {}, r.issues.map((i) => h("li", { class: "issue" }, i))) : "",
    );
    await refresh();
  } catch (e) {
    fill($("report-result"));
    failed(e);
  }
});

// ---------------------------------------------------------------------------------------------
// Signing in (a store with users), the controls each role gets, the audit log for admins. The
// server checks every role itself; hiding a control only spares a refusal.

const RANK = { viewer: 0, analyst: 1, "source-handler": 2, admin: 3 };
const may = (role) => RANK[state.role] >= RANK[role];

function signedIn(s) {
  state.mode = s.mode;
  state.role = s.role;
  state.user = s.user;
  setCsrf(s.csrf);
  const team = s.mode === "team";
  $("who").hidden = !team;
  fill($("who-name"), team ? `${s.user} (${s.role})` : "");
  if (team) {
    $("reviewer").value = s.user;
    $("reviewer-label").hidden = true;
  }
  for (const b of document.querySelectorAll("[role=tab]")) {
    const need = { report: "analyst", queue: "analyst", users: "admin", audit: "admin" }[b.dataset.tab];
    if (need) b.hidden = !may(need);
  }
}

function askSignIn() {
  return new Promise((resolve) => {
    $("signin").hidden = false;
    $("signin-name").focus();
    $("signin-form").onsubmit = async (ev) => {
      ev.preventDefault();
      try {
        const s = await api.signIn($("signin-name").value.trim(), $("signin-password").value);
        $("signin-password").value = "";
        fill($("signin-error"));
        $("signin").hidden = true;
        resolve(s);
      } catch (e) {
        fill($("signin-error"), `${e.code}: ${e.message}`);
      }
    };
  });
}

async function session() {
  try {
    return await api.session();
  } catch (e) {
    if (e.status !== 401) throw e;
    return await askSignIn();
  }
}

whenSignedOut(() => {
  if (state.mode === "team" && $("signin").hidden) {
    setCsrf(null);
    askSignIn().then((s) => {
      signedIn(s);
      return refresh();
    });
  }
});

$("sign-out").addEventListener("click", async () => {
  try {
    await api.signOut();
  } catch (e) {
    failed(e);
  }
  setCsrf(null);
  location.reload();
});

async function loadAudit() {
  const r = await api.audit({
    since: $("audit-since").value || undefined,
    user: $("audit-user").value.trim() || undefined,
    action: $("audit-action").value.trim() || undefined,
  });
  fill(
    $("audit-rows"),
    r.entries.map((e) =>
      h(
        "tr",
        { class: e.outcome === "ok" ? "" : "refused" },
        [e.id, e.at, e.actor || "—", e.action, e.target || "", e.address || "", e.outcome].map((v) => h("td", {}, String(v))),
      ),
    ),
  );
}

const ROLES = ["viewer", "analyst", "source-handler", "admin"];

/** A password or token answered once: shown until the next change, never stored by the page. */
function showSecret(lines) {
  fill($("user-secret"), lines.map((l) => h("div", {}, l)));
}

async function changeUser(name, change) {
  try {
    const r = await api.changeUser(name, change);
    showSecret(r.password ? [`new password for ${name} (shown once): ${r.password}`] : []);
    say(`${name}: ${r.user.role}${r.user.disabled ? ", disabled" : ""}`);
    await loadUsers();
  } catch (e) {
    failed(e);
  }
}

async function loadUsers() {
  const r = await api.users();
  fill(
    $("user-rows"),
    r.users.map((u) => {
      const role = h("select", { "aria-label": `role of ${u.name}`, onchange: (ev) => changeUser(u.name, { role: ev.target.value }) }, ROLES.map((x) => h("option", { value: x, selected: x === u.role }, x)));
      return h(
        "tr",
        { "data-user": u.name },
        h("td", {}, u.name),
        h("td", {}, role),
        h("td", {}, u.disabled ? "disabled" : "enabled"),
        h("td", {}, u.changed_at),
        h(
          "td",
          {},
          h("button", { type: "button", class: "toggle", onclick: () => changeUser(u.name, { disabled: !u.disabled }) }, u.disabled ? "Enable" : "Disable"),
          " ",
          h("button", { type: "button", class: "reset", onclick: () => changeUser(u.name, { reset_password: true }) }, "New password"),
        ),
      );
    }),
  );
}

$("user-add").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const r = await api.addUser($("user-name").value.trim(), $("user-role").value);
    showSecret([
      `added ${r.user.name} (${r.user.role}); shown once:`,
      `password: ${r.password}`,
      `API token: ${r.token} (expires ${r.token_expires_at})`,
    ]);
    $("user-name").value = "";
    await loadUsers();
  } catch (e) {
    failed(e);
  }
});

$("audit-filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  loadAudit().catch(failed);
});

// ---------------------------------------------------------------------------------------------
// Start.

async function start() {
  try {
    signedIn(await session());
    state.places = await api.places();
    const health = await api.health();
    initReviews({ places: state.places, readOnly: health.read_only || !may("analyst"), say, failed, refresh, openSource });
    // Reviews are recorded under the signed-in name (initReviews restores the last one typed).
    if (state.mode === "team") $("reviewer").value = state.user;
    state.map = new BorderMap($("map"), $("legend"), state.places, (id) => selectCorridor(id));
    initVessels({ map: state.map, failed, period, openSource, canReadSources: () => may("analyst") });
    $("zoom-in").addEventListener("click", () => state.map.zoomBy(1.5));
    $("zoom-out").addEventListener("click", () => state.map.zoomBy(1 / 1.5));
    $("zoom-reset").addEventListener("click", () => state.map.reset());
    await refresh();
    yearButtons(state.corridors);
    document.body.dataset.ready = "true";
  } catch (e) {
    failed(e);
  }
}

start();
