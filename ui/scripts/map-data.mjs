// Builds src/generated/border-map.json from Natural Earth (public domain, via the world-atlas
// package): the countries around the DPRK's borders as SVG paths in a fixed Mercator frame, and
// the border rivers. The China–DPRK border runs along the Yalu (Amnok) and the Tumen, and the
// Russia–DPRK border along the lower Tumen: the rivers are drawn from those boundary lines, split
// at Paektu-san (128.08°E), where the two rivers rise.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { geoMercator, geoPath } from "d3-geo";
import { feature, mesh } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const atlas = JSON.parse(
  readFileSync(join(here, "../node_modules/world-atlas/countries-10m.json"), "utf8"),
);

// The frame: what the map shows before the user zooms or pans.
export const WIDTH = 1000;
export const HEIGHT = 760;
const EXTENT = { type: "MultiPoint", coordinates: [[117.5, 35.6], [133.6, 45.4]] };
// ISO 3166-1 numeric ids (world-atlas keys countries by them).
const COUNTRIES = { 408: "KP", 156: "CN", 643: "RU", 410: "KR", 392: "JP", 496: "MN" };
const PAEKTU_LON = 128.08;

const projection = geoMercator().fitExtent([[0, 0], [WIDTH, HEIGHT]], EXTENT);
// Paths are cut to the frame plus a margin for panning.
const margin = 600;
projection.clipExtent([[-margin, -margin], [WIDTH + margin, HEIGHT + margin]]);
const path = geoPath(projection).digits(1);

const countries = feature(atlas, atlas.objects.countries).features
  .filter((f) => COUNTRIES[Number(f.id)])
  .map((f) => ({ id: COUNTRIES[Number(f.id)], name: f.properties.name, d: path(f) }))
  .filter((c) => c.d);

const pair = (a, b, x, y) =>
  (Number(a.id) === x && Number(b.id) === y) || (Number(a.id) === y && Number(b.id) === x);
const cnKp = mesh(atlas, atlas.objects.countries, (a, b) => pair(a, b, 156, 408));
const ruKp = mesh(atlas, atlas.objects.countries, (a, b) => pair(a, b, 643, 408));
const lines = (m) => (m.type === "MultiLineString" ? m.coordinates : [m.coordinates]);
const west = [];
const east = [];
for (const line of lines(cnKp)) {
  // Split every boundary line at Paektu-san: west of it the Yalu, east of it the Tumen.
  let part = [];
  let side = null;
  for (const p of line) {
    const s = p[0] < PAEKTU_LON ? "w" : "e";
    if (side && s !== side) {
      (side === "w" ? west : east).push([...part, p]);
      part = [p];
    } else {
      part.push(p);
    }
    side = s;
  }
  if (part.length > 1) (side === "w" ? west : east).push(part);
}
east.push(...lines(ruKp));
const rivers = [
  { name: "Yalu (Amnok) river", d: path({ type: "MultiLineString", coordinates: west }) },
  { name: "Tumen river", d: path({ type: "MultiLineString", coordinates: east }) },
];

const out = {
  source: "Natural Earth 1:10m admin-0 countries (public domain), via world-atlas 2.0.2",
  width: WIDTH,
  height: HEIGHT,
  projection: { scale: projection.scale(), translate: projection.translate() },
  countries,
  rivers,
};
mkdirSync(join(here, "../src/generated"), { recursive: true });
writeFileSync(join(here, "../src/generated/border-map.json"), JSON.stringify(out));
console.log(
  `border-map.json: ${countries.length} countries, ${JSON.stringify(out).length} bytes`,
);
