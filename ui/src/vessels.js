// The vessel panel: every vessel the tracks show, and for one its identities over time, its
// events with the track lines behind each, and its track on the map (thinned for the zoom).
// The evidence is a track file and a line range: the lines themselves are source text.
import { api } from "./api.js";
import { h, fill } from "./dom.js";

const $ = (id) => document.getElementById(id);

let ctx = null;
let shown = null;

/** `map`: the BorderMap; `failed`: reports an error; `period`: the period every view follows;
 * `openSource`: opens a source (by id) for those who may read it. */
export function initVessels(c) {
  ctx = c;
  ctx.map.onView = () => shown && drawTrack(shown.vessel.vessel.mmsi, shown.events).catch(ctx.failed);
}

const when = (a, b) => (a ? `${a.replace("T", " ").replace(":00Z", " UTC")}${b && b !== a ? " – " + b.replace("T", " ").replace(":00Z", " UTC") : ""}` : "—");
const label = (v) => `${v.name || "no name broadcast"} · MMSI ${v.mmsi}${v.flag ? " · flag " + v.flag : ""}${v.imo ? " · IMO " + v.imo : ""}`;
const counts = (events) =>
  Object.entries(events)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ") || "no events";

export async function loadVessels() {
  const r = await api.vessels();
  fill(
    $("vessel-list"),
    r.vessels.length
      ? r.vessels.map((v) =>
          h(
            "li",
            { dataset: { mmsi: v.vessel.mmsi } },
            h("button", { type: "button", class: "link", onclick: () => selectVessel(v.vessel.mmsi).catch(ctx.failed) }, label(v.vessel)),
            v.vessel.designated.length ? h("span", { class: "badge v-prohibited" }, "designated") : "",
            ` — ${counts(v.events)}; ${v.positions} positions`,
          ),
        )
      : h("li", { class: "empty" }, "No vessel tracks in the store. Ingest NMEA or position tables to see vessels here."),
  );
}

function period() {
  const p = ctx.period();
  return { since: p.since, until: p.until };
}

async function drawTrack(mmsi, events) {
  const geo = await api.tracks({ mmsi, ...period(), zoom: ctx.map.webZoom().toFixed(1) });
  ctx.map.drawTracks(geo, events, mmsi);
  const points = geo.features.reduce((n, f) => n + f.properties.points, 0);
  // What is drawn, for whoever checks the panel: the vessel, the zoom thinned for, the points.
  $("vessel-detail").dataset.track = `${mmsi}|${geo.zoom.toFixed(1)}|${points}`;
}

function evidence(e) {
  return e.evidence.map((c) =>
    h(
      "div",
      { class: "muted" },
      ctx.canReadSources()
        ? h("button", { type: "button", class: "link source-link", onclick: () => ctx.openSource(c.source_id) }, `track: ${c.source}, lines ${c.lines[0]}–${c.lines[1]}`)
        : `track: ${c.source}, lines ${c.lines[0]}–${c.lines[1]}`,
    ),
  );
}

export async function selectVessel(mmsi) {
  const d = await api.vessel(mmsi);
  shown = d;
  const v = d.vessel.vessel;
  fill(
    $("vessel-detail"),
    h("h2", { id: "vessel-title" }, label(v)),
    v.designated.length
      ? h("ul", { class: "designated" }, v.designated.map((x) => h("li", { class: "v-prohibited" }, `Designated: ${x.listed_name} (${x.list}, ${x.reference}; matched by ${x.basis === "imo" ? "IMO number" : "name only"})`)))
      : "",
    h("p", { id: "vessel-counts" }, `${counts(d.vessel.events)} · ${d.vessel.positions} positions · seen ${when(d.vessel.first_seen, d.vessel.last_seen)}`),
    h("h3", {}, "Identity over time"),
    h(
      "table",
      { class: "flows", id: "vessel-identities" },
      h("thead", {}, h("tr", {}, ["Name", "IMO", "Flag (by MMSI)", "Seen"].map((t) => h("th", {}, t)))),
      h(
        "tbody",
        {},
        d.identities.map((i) => h("tr", {}, h("td", {}, i.name || "—"), h("td", {}, i.imo ? String(i.imo) : "—"), h("td", {}, i.flag || "—"), h("td", {}, when(i.first_seen, i.last_seen)))),
      ),
    ),
    h("h3", {}, "Events"),
    h(
      "ol",
      { class: "claims", id: "vessel-events" },
      d.events.map((e) =>
        h(
          "li",
          { class: "claim", dataset: { event: e.id, kind: e.kind } },
          h("div", { class: "claim-head" }, h("b", {}, e.kind), ` · ${when(e.start, e.end)}`, e.with.length ? ` · with ${e.with.map(label).join("; ")}` : ""),
          h("p", {}, e.summary),
          evidence(e),
        ),
      ),
    ),
  );
  await drawTrack(mmsi, d.events);
}
