// The map: Natural Earth countries and the border rivers (pre-projected at build time), the
// gazetteer's crossings and ports as markers, and the corridors as arrows by direction —
// coloured by the share of prohibited goods, sized by the evidence behind them. No tile server:
// everything is in the bundle.
import { geoMercator } from "d3-geo";
import frame from "./generated/border-map.json";
import { h, fill, pct } from "./dom.js";

const projection = geoMercator().scale(frame.projection.scale).translate(frame.projection.translate);
const project = (lon, lat) => projection([lon, lat]);

/** Green (nothing prohibited) through amber to red (all prohibited); grey when no goods are
 * classified. */
export function shareColour(share, classified) {
  if (!classified) return "#8a8f98";
  const stops = [
    [0, [46, 125, 50]],
    [0.5, [230, 145, 30]],
    [1, [198, 40, 40]],
  ];
  const s = Math.max(0, Math.min(1, share));
  const [a, b] = s <= 0.5 ? [stops[0], stops[1]] : [stops[1], stops[2]];
  const t = (s - a[0]) / (b[0] - a[0]);
  const c = a[1].map((x, i) => Math.round(x + (b[1][i] - x) * t));
  return `rgb(${c.join(",")})`;
}

const width = (evidence) => 1.5 + 1.6 * Math.sqrt(evidence);

export class BorderMap {
  constructor(svg, legend, places, onSelect) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.places = new Map(places.places.map((p) => [p.id, p]));
    this.crossings = places.crossings;
    this.view = { x: 0, y: 0, w: frame.width, h: frame.height };
    svg.setAttribute("viewBox", `0 0 ${frame.width} ${frame.height}`);
    this.base = h("g", { class: "base" });
    this.corridorLayer = h("g", { class: "corridors" });
    this.trackLayer = h("g", { class: "tracks" });
    this.markerLayer = h("g", { class: "markers" });
    fill(
      svg,
      (this.defs = h("defs")),
      h("rect", { class: "sea", x: -5000, y: -5000, width: 12000, height: 12000 }),
      this.base,
      this.corridorLayer,
      this.trackLayer,
      this.markerLayer,
    );
    this.drawBase();
    this.drawMarkers();
    this.drawLegend(legend);
    this.enableZoom();
  }

  /** An arrowhead in this colour (one marker per colour: markers do not take the line's). */
  head(colour) {
    const id = "head-" + colour.replace(/[^0-9a-z]/gi, "");
    if (!this.defs.querySelector(`#${id}`)) {
      this.defs.append(
        h(
          "marker",
          { id, viewBox: "0 0 10 10", refX: "7", refY: "5", markerWidth: "3.2", markerHeight: "3.2", orient: "auto" },
          h("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }),
        ),
      );
    }
    return `url(#${id})`;
  }

  drawBase() {
    for (const c of frame.countries) {
      this.base.append(h("path", { class: `country country-${c.id}`, d: c.d }, h("title", {}, c.name)));
    }
    for (const r of frame.rivers) {
      this.base.append(h("path", { class: "river", d: r.d }, h("title", {}, `${r.name} — the border`)));
    }
    const labels = [
      ["DPRK", 126.6, 40.0],
      ["CHINA", 123.3, 42.2],
      ["RUSSIA", 132.2, 44.4],
      ["ROK", 127.6, 36.4],
      ["Yellow Sea", 122.8, 38.3],
      ["East Sea / Sea of Japan", 131.8, 40.6],
    ];
    for (const [t, lon, lat] of labels) {
      const [x, y] = project(lon, lat);
      this.base.append(h("text", { class: t === t.toUpperCase() ? "country-label" : "sea-label", x, y }, t));
    }
    const base = h("text", { class: "credit", x: 8, y: frame.height - 8 }, "Made with Natural Earth");
    this.base.append(base);
  }

  point(id) {
    const p = this.places.get(id);
    if (!p || p.lat == null || p.lon == null) return null;
    return project(p.lon, p.lat);
  }

  crossingPoint(c) {
    const pts = c.sides.map((s) => this.point(s)).filter(Boolean);
    if (!pts.length) return null;
    return [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length];
  }

  drawMarkers() {
    for (const p of this.places.values()) {
      if (p.kind !== "port") continue;
      const xy = this.point(p.id);
      if (!xy) continue;
      this.markerLayer.append(
        h("rect", { class: "port", x: xy[0] - 3.5, y: xy[1] - 3.5, width: 7, height: 7, dataset: { place: p.id } }, h("title", {}, `${p.names[0]} (port)`)),
      );
    }
    for (const c of this.crossings) {
      const xy = this.crossingPoint(c);
      if (!xy) continue;
      const g = h(
        "g",
        {
          class: "crossing",
          tabindex: "0",
          role: "button",
          "aria-label": `Crossing ${c.names[0]}`,
          dataset: { crossing: c.id },
          onclick: () => this.onSelect(c.id),
          onkeydown: (e) => (e.key === "Enter" || e.key === " ") && this.onSelect(c.id),
        },
        h("circle", { cx: xy[0], cy: xy[1], r: 6 }),
        h("title", {}, `${c.names[0]} — ${c.modes.join(", ")}`),
      );
      this.markerLayer.append(g);
      this.markerLayer.append(h("text", { class: "crossing-label", x: xy[0] + 8, y: xy[1] - 6 }, c.names[0].split(/[–-]/)[0]));
    }
  }

  drawLegend(el) {
    const sw = (share, label) => h("span", { class: "swatch" }, h("i", { style: `background:${shareColour(share, true)}` }), label);
    fill(
      el,
      h("strong", {}, "Corridors"),
      h("div", {}, "colour: share of goods prohibited"),
      h("div", { class: "swatches" }, sw(0, "0%"), sw(0.5, "50%"), sw(1, "100%"), h("span", { class: "swatch" }, h("i", { style: "background:#8a8f98" }), "no goods named")),
      h("div", {}, "width: claims and records behind it"),
      h("div", {}, "arrow: direction (solid into the DPRK, dashed out)"),
    );
  }

  /** The web-map zoom the current view shows (what the server thins tracks for). */
  webZoom() {
    const worldPixels = 2 * Math.PI * frame.projection.scale * (frame.width / this.view.w);
    return Math.max(0, Math.min(20, Math.log2(worldPixels / 256)));
  }

  /** Draws vessel tracks (GeoJSON lines from /api/tracks) and, for the vessel shown, its events:
   * encounters, port calls and loitering as markers, dark periods as dashed lines from where it
   * went dark to where it reappeared. */
  drawTracks(geo, events = [], selected = null) {
    const layer = this.trackLayer;
    layer.replaceChildren();
    const path = (coords) => coords.map(([lon, lat], i) => `${i ? "L" : "M"}${project(lon, lat).map((v) => v.toFixed(1)).join(",")}`).join(" ");
    for (const f of geo?.features || []) {
      const g = f.geometry;
      const mine = f.properties.mmsi === selected;
      const cls = `track${mine ? " selected" : ""}`;
      const title = h("title", {}, `MMSI ${f.properties.mmsi} · ${f.properties.start} – ${f.properties.end}`);
      if (g.type === "LineString") layer.append(h("path", { class: cls, d: path(g.coordinates), dataset: { mmsi: f.properties.mmsi } }, title));
      else if (g.type === "Point") {
        const [x, y] = project(...g.coordinates);
        layer.append(h("circle", { class: cls, cx: x, cy: y, r: 1.5, dataset: { mmsi: f.properties.mmsi } }, title));
      }
    }
    for (const e of events) {
      if (e.lat == null || e.lon == null) continue;
      const [x, y] = project(e.lon, e.lat);
      const title = h("title", {}, `${e.kind} · ${e.start} – ${e.end} · ${e.summary}`);
      const data = { dataset: { event: e.id, kind: e.kind } };
      if (e.kind === "dark" && e.detail?.end_lon != null) {
        const [x2, y2] = project(e.detail.end_lon, e.detail.end_lat);
        layer.append(h("path", { class: "track-event dark", d: `M${x.toFixed(1)},${y.toFixed(1)} L${x2.toFixed(1)},${y2.toFixed(1)}`, ...data }, title));
      } else if (e.kind === "encounter" || e.kind === "loitering" || e.kind === "port-call") {
        layer.append(h("circle", { class: `track-event ${e.kind}`, cx: x, cy: y, r: e.kind === "encounter" ? 5 : 3.5, ...data }, title));
      }
    }
  }

  /** Draws the corridors: one arrow per corridor and direction. */
  drawCorridors(corridors, selected) {
    const layer = this.corridorLayer;
    layer.replaceChildren();
    for (const c of corridors) {
      const crossing = this.crossings.find((x) => x.id === c.id);
      const ends = crossing ? crossing.sides : c.ends;
      const pts = ends.map((e) => this.point(e));
      if (pts.some((p) => !p)) continue;
      // From the non-DPRK end towards the DPRK end (legs keep their own order).
      let [a, b] = pts;
      if (crossing && ends[0].startsWith("kp.")) [a, b] = [b, a];
      const byDir = new Map();
      for (const f of c.flows) {
        const d = byDir.get(f.direction) || { claims: 0, shipments: 0, prohibited: 0, items: 0 };
        d.claims += f.claims;
        d.shipments += f.shipments;
        d.items += f.goods_items;
        d.prohibited += f.prohibited_items;
        byDir.set(f.direction, d);
      }
      for (const [dir, d] of byDir) {
        const share = d.items ? d.prohibited / d.items : 0;
        const geom = this.arrow(a, b, dir, !!crossing || c.kind === "crossing");
        const colour = shareColour(share, d.items > 0);
        const evidence = d.claims + d.shipments;
        const title = `${c.name} · ${dir} · ${d.claims} claims, ${d.shipments} records · ${d.items ? pct(share) + " prohibited" : "no goods named"}`;
        layer.append(
          h(
            "path",
            {
              class: `corridor ${dir}${c.id === selected ? " selected" : ""}`,
              d: geom,
              stroke: colour,
              "stroke-width": width(evidence).toFixed(1),
              "marker-end": this.head(colour),
              tabindex: "0",
              role: "button",
              "aria-label": title,
              dataset: { corridor: c.id, direction: dir },
              onclick: () => this.onSelect(c.id),
              onkeydown: (e) => (e.key === "Enter" || e.key === " ") && this.onSelect(c.id),
            },
            h("title", {}, title),
          ),
        );
      }
    }
  }

  /** An arrow for one direction: across the border at a crossing (too close to draw end to
   * end at this scale), from end to end with a slight bend on a leg; the two directions sit side
   * by side. */
  arrow(a, b, dir, atCrossing) {
    let dx = b[0] - a[0];
    let dy = b[1] - a[1];
    let len = Math.hypot(dx, dy) || 1;
    let [ux, uy] = [dx / len, dy / len];
    if (len < 1) [ux, uy] = [0, -1];
    const [nx, ny] = [-uy, ux];
    const side = dir === "inbound" ? 1 : -1;
    const off = 4 * side;
    let from;
    let to;
    if (atCrossing) {
      const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      const L = 30;
      from = [mid[0] - ux * L + nx * off, mid[1] - uy * L + ny * off];
      to = [mid[0] + ux * L * 0.6 + nx * off, mid[1] + uy * L * 0.6 + ny * off];
    } else {
      from = [a[0] + nx * off, a[1] + ny * off];
      to = [b[0] + nx * off, b[1] + ny * off];
    }
    if (dir === "outbound") [from, to] = [to, from];
    const bend = atCrossing ? 0 : Math.min(40, len * 0.15) * side;
    const c = [(from[0] + to[0]) / 2 + nx * bend, (from[1] + to[1]) / 2 + ny * bend];
    return `M${from[0].toFixed(1)},${from[1].toFixed(1)} Q${c[0].toFixed(1)},${c[1].toFixed(1)} ${to[0].toFixed(1)},${to[1].toFixed(1)}`;
  }

  enableZoom() {
    // Whoever draws zoom-dependent layers (the vessel tracks) hears of a new view, once it settles.
    let settle = null;
    const set = () => {
      this.svg.setAttribute("viewBox", `${this.view.x} ${this.view.y} ${this.view.w} ${this.view.h}`);
      clearTimeout(settle);
      settle = setTimeout(() => this.onView?.(), 250);
    };
    this.zoomBy = (k, cx = this.view.x + this.view.w / 2, cy = this.view.y + this.view.h / 2) => {
      const w = Math.max(frame.width / 12, Math.min(frame.width * 1.5, this.view.w / k));
      const s = w / this.view.w;
      this.view = { x: cx - (cx - this.view.x) * s, y: cy - (cy - this.view.y) * s, w, h: this.view.h * s };
      set();
    };
    this.reset = () => {
      this.view = { x: 0, y: 0, w: frame.width, h: frame.height };
      set();
    };
    const toMap = (e) => {
      const r = this.svg.getBoundingClientRect();
      return [this.view.x + ((e.clientX - r.left) / r.width) * this.view.w, this.view.y + ((e.clientY - r.top) / r.height) * this.view.h];
    };
    this.svg.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        const [x, y] = toMap(e);
        this.zoomBy(e.deltaY < 0 ? 1.25 : 0.8, x, y);
      },
      { passive: false },
    );
    let drag = null;
    this.svg.addEventListener("pointerdown", (e) => {
      if (e.target.closest(".crossing, .corridor")) return;
      drag = { x: e.clientX, y: e.clientY, view: { ...this.view } };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const r = this.svg.getBoundingClientRect();
      this.view.x = drag.view.x - ((e.clientX - drag.x) / r.width) * drag.view.w;
      this.view.y = drag.view.y - ((e.clientY - drag.y) / r.height) * drag.view.h;
      set();
    });
    this.svg.addEventListener("pointerup", () => (drag = null));
  }
}
