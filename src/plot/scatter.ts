/**
 * `scatterChart`: points coloured (and shaped) by class, over an optional decision-region
 * background (a grid of class-1 probabilities or of class labels over the x/y domain) and with
 * optional straight lines `w0·x + w1·y + c = 0` clipped to the plot (e.g. a readout's separating
 * line).
 */
import { checkAxis, framed, LEGEND_POSITIONS, type AxisOptions, type Frame, type FrameContent, type FrameSpec, type LegendEntry, type LegendPosition, type ChartBaseOptions } from "./frame.js";
import { checkSize, hexColor, numbers, optString, sameLength } from "./check.js";
import { TINTS, color, mix, sequential } from "./palette.js";
import { extent } from "./scale.js";
import { MARKERS, markerPath, svgDocument, text } from "./svg.js";
import { num, textWidth } from "./text.js";
import { InputError } from "../util/errors.js";
import { finite, integer, oneOf } from "../util/check.js";

/** Points with an integer class each. */
export interface ClassPoints {
  /** x coordinate of each point (data units). */
  x: ArrayLike<number>;
  /** y coordinate of each point (data units), one per x. */
  y: ArrayLike<number>;
  /** Class of each point: integers 0, 1, ... (colour = palette[class], shape cycles by class). */
  label: ArrayLike<number>;
}

/**
 * A background grid over [x0, x1] × [y0, y1] of nx × ny cells, stored row-major "y then x":
 * cell (i, j) (i along x, j along y, from x0/y0 upward) is at index `j·nx + i` and covers
 * `[x0 + i·(x1−x0)/nx, x0 + (i+1)·(x1−x0)/nx] × [y0 + j·(y1−y0)/ny, ...]`.
 * Give `prob` (class-1 probability in [0, 1], binary tasks: shaded from class-0 to class-1 tint,
 * with the p = 0.5 boundary drawn), `label` (class per cell, any number of classes) or `value`
 * (any quantity, e.g. one oscillator's power, on the sequential blue ramp over `valueRange`).
 */
export interface RegionGrid {
  /** Cells along x. */
  nx: number;
  /** Cells along y. */
  ny: number;
  /** Left edge of the grid (x data units). */
  x0: number;
  /** Right edge of the grid (x data units). */
  x1: number;
  /** Bottom edge of the grid (y data units). */
  y0: number;
  /** Top edge of the grid (y data units). */
  y1: number;
  /** Class-1 probability per cell, in [0, 1] (binary tasks), at index j·nx + i. */
  prob?: ArrayLike<number>;
  /** Class per cell (any number of classes), at index j·nx + i. */
  label?: ArrayLike<number>;
  /**
   * Any quantity per cell (e.g. one oscillator's power), at index j·nx + i, on the blue ramp over
   * `valueRange`.
   */
  value?: ArrayLike<number>;
  /** Range of the `value` colour ramp. @default [min, max] of `value` */
  valueRange?: readonly [number, number];
}

/** A straight line `w0·x + w1·y + c = 0` in data units. */
export interface StraightLine {
  w0: number;
  w1: number;
  c: number;
  /** Legend text. @default "" (not in legend) */
  label?: string;
  /** @default "#000000" */
  color?: string;
  /** @default "6 3" */
  dash?: string;
}

/** Options of {@link scatterChart}. */
export interface ScatterChartOptions extends ChartBaseOptions {
  /** The points, their coordinates and classes. */
  points: ClassPoints;
  /** Legend text per class. @default "class 0", "class 1", ... */
  classNames?: readonly string[];
  /** @default {} (domain from points and regions) */
  xAxis?: AxisOptions;
  /** @default {} */
  yAxis?: AxisOptions;
  /** Decision-region background. @default none */
  regions?: RegionGrid;
  /** Draw the p = 0.5 contour of `regions.prob`. @default true */
  boundary?: boolean;
  /** Straight lines drawn over the points. @default [] */
  lines?: readonly StraightLine[];
  /** Marker radius in px. @default 3 */
  markerSize?: number;
  /** Marker opacity in (0, 1]. @default 0.85 */
  opacity?: number;
  /**
   * Marker outline: "white" (a thin white ring that separates markers on a busy background) or
   * "class" (the class colour at full opacity, so that translucent markers piled on one another
   * stay visible and darken where they are dense). @default "white"
   */
  outline?: "white" | "class";
  /**
   * Count piled-up points: points of one class each closer than `radius` px to another form a
   * pile (see `piles`), and piles of at least `minCount` points get "×N" printed beside
   * them. Every point is still drawn. @default none
   */
  stacks?: {
    /** Distance in px below which two points of one class pile up. */
    radius: number;
    /** Smallest pile that gets its "×N" count printed. */
    minCount: number;
  };
  /**
   * Add an invisible hover target per point (`<circle class="hover-target" data-index="i">`, in
   * point order), so a page can tell which point the pointer is on. @default false
   */
  hoverTargets?: boolean;
}

const LEVELS = 24;

/**
 * Samples `f(x, y)` (e.g. a trained network's class-1 probability) at the centres of an nx × ny
 * grid over [x0, x1] × [y0, y1] into a {@link RegionGrid} with `prob` (row-major, y then x).
 *
 * @example sampleRegions({ nx: 2, ny: 1, x0: 0, x1: 2, y0: 0, y1: 1 }, (x) => x / 2).prob // [0.25, 0.75]
 */
export function sampleRegions(grid: { nx: number; ny: number; x0: number; x1: number; y0: number; y1: number }, f: (x: number, y: number) => number): RegionGrid & { prob: Float64Array } {
  const { nx, ny, x0, x1, y0, y1 } = grid;
  integer(nx, 1, 4096, "sampleRegions: nx");
  integer(ny, 1, 4096, "sampleRegions: ny");
  const prob = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = y0 + ((j + 0.5) * (y1 - y0)) / ny;
    for (let i = 0; i < nx; i++) prob[j * nx + i] = f(x0 + ((i + 0.5) * (x1 - x0)) / nx, y);
  }
  return checkRegions({ nx, ny, x0, x1, y0, y1, prob }, "sampleRegions") as RegionGrid & { prob: Float64Array };
}

/** Checks a region grid; returns it. */
export function checkRegions(r: RegionGrid, where: string): RegionGrid {
  integer(r.nx, 1, 4096, `${where}.nx`);
  integer(r.ny, 1, 4096, `${where}.ny`);
  for (const k of ["x0", "x1", "y0", "y1"] as const) finite(r[k], `${where}.${k}`);
  if (!(r.x1 > r.x0) || !(r.y1 > r.y0)) throw new InputError(`${where}: x1 must be > x0 and y1 > y0 (got x ${r.x0}..${r.x1}, y ${r.y0}..${r.y1})`);
  const grid = r.prob ?? r.label ?? r.value;
  const name = r.prob ? "prob" : r.label ? "label" : "value";
  if (!grid) throw new InputError(`${where}: give prob (class-1 probability per cell), label (class per cell) or value`);
  const g = numbers(grid, `${where}.${name}`);
  if (g.length !== r.nx * r.ny) throw new InputError(`${where}.${name} must have nx·ny = ${r.nx * r.ny} values (got ${g.length})`);
  return r;
}

/** Marching-squares segments of the level-`level` contour of a cell-centred grid, as path data. */
function contour(r: RegionGrid, g: ArrayLike<number>, level: number, mx: (v: number) => number, my: (v: number) => number): string {
  const dx = (r.x1 - r.x0) / r.nx;
  const dy = (r.y1 - r.y0) / r.ny;
  const cx = (i: number) => r.x0 + (i + 0.5) * dx;
  const cy = (j: number) => r.y0 + (j + 0.5) * dy;
  let d = "";
  const pts: number[] = [];
  for (let j = 0; j + 1 < r.ny; j++) {
    for (let i = 0; i + 1 < r.nx; i++) {
      const v00 = g[j * r.nx + i]! - level;
      const v10 = g[j * r.nx + i + 1]! - level;
      const v01 = g[(j + 1) * r.nx + i]! - level;
      const v11 = g[(j + 1) * r.nx + i + 1]! - level;
      pts.length = 0;
      // Edges in order bottom, right, top, left; a sign change puts a crossing on the edge.
      if (v00 < 0 !== v10 < 0) pts.push(cx(i) + (dx * v00) / (v00 - v10), cy(j));
      if (v10 < 0 !== v11 < 0) pts.push(cx(i + 1), cy(j) + (dy * v10) / (v10 - v11));
      if (v01 < 0 !== v11 < 0) pts.push(cx(i) + (dx * v01) / (v01 - v11), cy(j + 1));
      if (v00 < 0 !== v01 < 0) pts.push(cx(i), cy(j) + (dy * v00) / (v00 - v01));
      for (let k = 0; k + 3 < pts.length; k += 4) {
        d += `M${num(mx(pts[k]!))},${num(my(pts[k + 1]!))}L${num(mx(pts[k + 2]!))},${num(my(pts[k + 3]!))}`;
      }
    }
  }
  return d;
}

/** The segment of `w0·x + w1·y + c = 0` inside [xa, xb] × [ya, yb], or undefined if it misses. */
export function clipLine(w0: number, w1: number, c: number, xa: number, xb: number, ya: number, yb: number): [number, number, number, number] | undefined {
  const pts: number[] = [];
  const eps = 1e-12 * Math.max(1, Math.abs(xb - xa), Math.abs(yb - ya));
  if (w1 !== 0) {
    for (const x of [xa, xb]) {
      const y = -(w0 * x + c) / w1;
      if (y >= ya - eps && y <= yb + eps) pts.push(x, y);
    }
  }
  if (w0 !== 0) {
    for (const y of [ya, yb]) {
      const x = -(w1 * y + c) / w0;
      if (x >= xa - eps && x <= xb + eps) pts.push(x, y);
    }
  }
  if (pts.length < 4) return undefined;
  // Keep the two points farthest apart (corner hits can duplicate a point).
  let best: [number, number, number, number] | undefined;
  let bd = -1;
  for (let a = 0; a < pts.length; a += 2) {
    for (let b = a + 2; b < pts.length; b += 2) {
      const dd = (pts[a]! - pts[b]!) ** 2 + (pts[a + 1]! - pts[b + 1]!) ** 2;
      if (dd > bd) {
        bd = dd;
        best = [pts[a]!, pts[a + 1]!, pts[b]!, pts[b + 1]!];
      }
    }
  }
  return bd > 0 ? best : undefined;
}

/**
 * Piles of points: connected groups of one class where each point is closer than `radius` px to
 * another of the group (single linkage, via a grid of `radius`-sized cells), with their count and
 * pixel bounding box, largest first (ties in input order).
 */
export function piles(points: readonly { x: number; y: number; k: number }[], radius: number): { n: number; k: number; x0: number; x1: number; y0: number; y1: number }[] {
  const n = points.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const cells = new Map<string, number[]>();
  const key = (cx: number, cy: number) => `${cx},${cy}`;
  points.forEach((p, i) => {
    const cx = Math.floor(p.x / radius), cy = Math.floor(p.y / radius);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
      for (const j of cells.get(key(cx + dx, cy + dy)) ?? []) {
        const q = points[j]!;
        if (q.k === p.k && (q.x - p.x) ** 2 + (q.y - p.y) ** 2 < radius * radius) parent[root(i)] = root(j);
      }
    }
    const list = cells.get(key(cx, cy));
    if (list) list.push(i);
    else cells.set(key(cx, cy), [i]);
  });
  const byRoot = new Map<number, { n: number; k: number; x0: number; x1: number; y0: number; y1: number; first: number }>();
  points.forEach((p, i) => {
    const g = byRoot.get(root(i));
    if (!g) byRoot.set(root(i), { n: 1, k: p.k, x0: p.x, x1: p.x, y0: p.y, y1: p.y, first: i });
    else {
      g.n++;
      g.x0 = Math.min(g.x0, p.x);
      g.x1 = Math.max(g.x1, p.x);
      g.y0 = Math.min(g.y0, p.y);
      g.y1 = Math.max(g.y1, p.y);
    }
  });
  return [...byRoot.values()].sort((a, b) => b.n - a.n || a.first - b.first).map(({ first: _first, ...g }) => g);
}

/**
 * Draws class-coloured points, optional decision regions and separating lines; returns an SVG string.
 *
 * @example
 * scatterChart({ points: { x: [0, 1], y: [1, 0], label: [0, 1] }, lines: [{ w0: 1, w1: -1, c: 0 }] })
 */
export function scatterChart(options: ScatterChartOptions): string {
  const where = "scatterChart";
  const [width, height] = checkSize(options.width ?? 400, options.height ?? 360, where);
  const legend = oneOf(options.legend ?? "auto", LEGEND_POSITIONS, `${where}: legend`);
  const px = numbers(options.points?.x, `${where}: points.x`);
  const py = numbers(options.points?.y, `${where}: points.y`);
  const pl = numbers(options.points?.label, `${where}: points.label`);
  sameLength(px, py, `${where}: points.x`, `${where}: points.y`);
  sameLength(px, pl, `${where}: points.x`, `${where}: points.label`);
  for (let i = 0; i < pl.length; i++) integer(pl[i], 0, 255, `${where}: points.label[${i}]`);
  checkAxis(options.xAxis, `${where}: xAxis`);
  checkAxis(options.yAxis, `${where}: yAxis`);
  const regions = options.regions ? checkRegions(options.regions, `${where}: regions`) : undefined;
  const lines = (options.lines ?? []).map((l, i) => ({
    w0: finite(l.w0, `${where}: lines[${i}].w0`),
    w1: finite(l.w1, `${where}: lines[${i}].w1`),
    c: finite(l.c, `${where}: lines[${i}].c`),
    label: optString(l.label, `${where}: lines[${i}].label`) ?? "",
    color: l.color === undefined ? "#000000" : hexColor(l.color, `${where}: lines[${i}].color`),
    dash: l.dash ?? "6 3",
  }));
  const r = options.markerSize ?? 3;
  const opacity = options.opacity ?? 0.85;
  const outline = oneOf(options.outline ?? "white", ["white", "class"] as const, `${where}: outline`);
  const stacks = options.stacks
    ? { radius: finite(options.stacks.radius, `${where}: stacks.radius`), minCount: integer(options.stacks.minCount, 2, Number.MAX_SAFE_INTEGER, `${where}: stacks.minCount`) }
    : undefined;
  const xAxis: AxisOptions = { ...(regions ? { min: regions.x0, max: regions.x1 } : {}), ...options.xAxis };
  const yAxis: AxisOptions = { ...(regions ? { min: regions.y0, max: regions.y1 } : {}), ...options.yAxis };
  const classes = new Set<number>();
  for (let i = 0; i < pl.length; i++) classes.add(pl[i]!);
  const sorted = [...classes].sort((a, b) => a - b);
  const names = options.classNames ?? [];
  const entries: LegendEntry[] = sorted.map((k) => ({ label: names[k] ?? `class ${k}`, color: color(k), kind: "points", marker: MARKERS[k % MARKERS.length]!, ...(outline === "class" ? { fillOpacity: Math.max(opacity, 0.5) } : {}) }));
  for (const l of lines) if (l.label) entries.push({ label: l.label, color: l.color, kind: "line", dash: l.dash, width: 1.8 });
  const spec: FrameSpec = { width, height, title: options.title, x: xAxis, xExtent: extent([px]), y: yAxis, yExtent: extent([py]), grid: !regions };
  const draw = (frame: Frame): FrameContent => {
    const { plot, xs, ys } = frame;
    let body = `<g clip-path="${frame.clip}">\n`;
    if (regions) {
      const g = (regions.prob ?? regions.label ?? regions.value)!;
      let vlo = 0, vhi = 1;
      if (!regions.prob && !regions.label) {
        if (regions.valueRange) [vlo, vhi] = regions.valueRange;
        else {
          vlo = Infinity;
          vhi = -Infinity;
          for (let q = 0; q < g.length; q++) if (Number.isFinite(g[q]!)) {
            vlo = Math.min(vlo, g[q]!);
            vhi = Math.max(vhi, g[q]!);
          }
        }
        if (!(vhi > vlo)) vhi = vlo + 1;
      }
      const dx = (regions.x1 - regions.x0) / regions.nx;
      const dy = (regions.y1 - regions.y0) / regions.ny;
      const fill = (v: number): string => {
        if (regions.prob) {
          const t = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0.5)) * LEVELS) / LEVELS;
          // Through white at p = 0.5, so the boundary region reads as uncertain.
          return t < 0.5 ? mix(TINTS[0]!, "#FFFFFF", t * 2) : mix("#FFFFFF", TINTS[1]!, (t - 0.5) * 2);
        }
        if (regions.label) return Number.isInteger(v) && v >= 0 ? TINTS[v % TINTS.length]! : "#FFFFFF";
        return sequential(Math.round(((v - vlo) / (vhi - vlo)) * LEVELS) / LEVELS);
      };
      // One rect per run of equal colour along x keeps the SVG small.
      const byColour = new Map<string, string>();
      for (let j = 0; j < regions.ny; j++) {
        const yTop = ys.map(regions.y0 + (j + 1) * dy);
        const yBot = ys.map(regions.y0 + j * dy);
        let i = 0;
        while (i < regions.nx) {
          const c = fill(g[j * regions.nx + i]!);
          let k = i + 1;
          while (k < regions.nx && fill(g[j * regions.nx + k]!) === c) k++;
          const xa = xs.map(regions.x0 + i * dx);
          const xb = xs.map(regions.x0 + k * dx);
          // Overlap cells by a fraction of a pixel to avoid anti-aliasing seams.
          const d = `M${num(xa)},${num(yTop - 0.3)}H${num(xb + 0.3)}V${num(yBot)}H${num(xa)}z`;
          byColour.set(c, (byColour.get(c) ?? "") + d);
          i = k;
        }
      }
      for (const [c, d] of [...byColour].sort((a, b) => (a[0] < b[0] ? -1 : 1))) body += `<path d="${d}" fill="${c}"/>\n`;
      if (regions.prob && options.boundary !== false) {
        const d = contour(regions, regions.prob, 0.5, xs.map, ys.map);
        if (d) body += `<path d="${d}" stroke="#555555" stroke-width="1" fill="none" stroke-linecap="round"/>\n`;
      }
    }
    // Points and lines are not clip-path clipped: points lie inside the domain (a point on its edge
    // stays a whole marker) and lines are clipped analytically.
    body += "</g>\n";
    const lpx: number[] = [];
    const lpy: number[] = [];
    const members: { x: number; y: number; k: number }[] = [];
    for (const k of sorted) {
      let d = "";
      const shape = MARKERS[k % MARKERS.length]!;
      for (let i = 0; i < pl.length; i++) {
        if (pl[i] !== k) continue;
        const X = xs.map(px[i]!);
        const Y = ys.map(py[i]!);
        if (!(X >= plot.x - 0.5 && X <= plot.x + plot.w + 0.5 && Y >= plot.y - 0.5 && Y <= plot.y + plot.h + 0.5)) continue;
        d += markerPath(shape, X, Y, r);
        lpx.push(X);
        lpy.push(Y);
        if (stacks) members.push({ x: X, y: Y, k });
      }
      const stroke = outline === "white" ? `stroke="#FFFFFF" stroke-width="0.5"` : `stroke="${color(k)}" stroke-width="0.8"`;
      if (d) body += `<path d="${d}" fill="${color(k)}" fill-opacity="${num(opacity)}" ${stroke}/>\n`;
    }
    // Pile counts beside each pile's bounding box (right, else left, above, below: the first spot
    // inside the plot and free of other counts), largest piles first.
    const placed: [number, number, number, number][] = [];
    let counts = "";
    for (const p of stacks ? piles(members, stacks.radius).filter((q) => q.n >= stacks.minCount) : []) {
      const label = `×${p.n}`;
      const w = textWidth(label, 10) + 2;
      const h = 11;
      const cx = (p.x0 + p.x1) / 2, cy = (p.y0 + p.y1) / 2;
      const spots: [number, number][] = [
        [p.x1 + r + 3, cy - h / 2],
        [p.x0 - r - 3 - w, cy - h / 2],
        [cx - w / 2, p.y0 - r - 3 - h],
        [cx - w / 2, p.y1 + r + 3],
      ];
      const free = (s: [number, number]) => placed.every(([x, y, pw, ph]) => s[0] + w <= x || s[0] >= x + pw || s[1] + h <= y || s[1] >= y + ph);
      const inside = (s: [number, number]) => s[0] >= plot.x && s[0] + w <= plot.x + plot.w && s[1] >= plot.y && s[1] + h <= plot.y + plot.h;
      const spot = spots.find((s) => free(s) && inside(s)) ?? spots.find(inside) ?? spots[0]!;
      placed.push([spot[0], spot[1], w, h]);
      counts += text(spot[0] + 1, spot[1] + h / 2, label, { size: 10, bold: true, fill: mix(color(p.k), "#000000", 0.45), valign: "middle" }) + "\n";
      for (let a = 0; a <= 2; a++) for (let b = 0; b <= 1; b++) {
        lpx.push(spot[0] + (w * a) / 2);
        lpy.push(spot[1] + h * b);
      }
    }
    // Counts sit on a translucent white backing so that points under them stay readable as points.
    const countLayer = counts && `<g paint-order="stroke" stroke="#FFFFFF" stroke-width="2.5" stroke-opacity="0.8" stroke-linejoin="round">\n${counts}</g>\n`;
    const [xa, xb] = xs.domain;
    const [ya, yb] = ys.domain;
    for (const l of lines) {
      const seg = clipLine(l.w0, l.w1, l.c, xa, xb, ya, yb);
      if (!seg) continue;
      body += `<path d="M${num(xs.map(seg[0]))},${num(ys.map(seg[1]))}L${num(xs.map(seg[2]))},${num(ys.map(seg[3]))}" stroke="${l.color}" stroke-width="1.8" stroke-dasharray="${l.dash}" fill="none"/>\n`;
      // The legend should not hide the line either.
      for (let k = 0; k <= 40; k++) {
        lpx.push(xs.map(seg[0] + ((seg[2] - seg[0]) * k) / 40));
        lpy.push(ys.map(seg[1] + ((seg[3] - seg[1]) * k) / 40));
      }
    }
    body += countLayer;
    if (options.hoverTargets) {
      body += `<g class="hover-targets" fill="#FFFFFF" fill-opacity="0">`;
      for (let i = 0; i < pl.length; i++) body += `<circle class="hover-target" data-index="${i}" cx="${num(xs.map(px[i]!))}" cy="${num(ys.map(py[i]!))}" r="${num(Math.max(r + 1.5, 4))}"/>`;
      body += `</g>\n`;
    }
    return { body, px: lpx, py: lpy };
  };
  const body = framed(spec, entries, legend, draw);
  return svgDocument(width, height, body, options.title ?? "scatter chart", !!options.title);
}

