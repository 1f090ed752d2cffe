/**
 * `networkFigure`: the STNO network unrolled over its time steps, as TensorFlow Playground draws a
 * feed-forward network. Column t holds the oscillators' states p_i(t), t = 0..n; an edge from
 * oscillator j in column t to oscillator i in column t+1 is the coupling A(t)[i][j] (colour = sign:
 * blue positive, vermillion negative, the colour-blind-safe Okabe–Ito pair; width and opacity ∝
 * |A| / max|A|); the small square at the lower left of node (i, t+1) is the bias B(t)[i] (same
 * colours, side ∝ √(|B| / max|B|)); the last column is the softmax readout, edges W[c][j].
 *
 * Nodes carry `data-osc` (0-based oscillator) and `data-step` (t), readout nodes `data-class`, so
 * a page can attach hover handlers; every node and edge has a `<title>` with its value. With
 * `values` (one sample's p(t), t-major) the nodes are filled by p on a sequential scale.
 */
import { checkSize, numbers } from "./check.js";
import { INK, MUTED, color, sequential, luminance } from "./palette.js";
import { svgDocument, text } from "./svg.js";
import { escapeXml, num } from "./text.js";
import { InputError } from "../util/errors.js";
import { integer } from "../util/check.js";

/** Input of {@link networkFigure}. */
export interface NetworkFigureData {
  /** Oscillators k. */
  k: number;
  /** Time steps n. */
  steps: number;
  /** Couplings, steps·k·k, `A[t][i][j]` at `t·k·k + i·k + j` (j → i). */
  A: ArrayLike<number>;
  /** Biases, steps·k, `B[t][i]` at `t·k + i`. */
  B: ArrayLike<number>;
  /** Readout weights, classes·k, `W[c][j]` at `c·k + j`. */
  W: ArrayLike<number>;
  /** Class names (one per readout node; a regression: the outputs' names). */
  classNames: readonly string[];
  /** What the readout column is: a softmax over classes, or a regression's linear outputs. @default "softmax" */
  readout?: "softmax" | "linear";
  /** One sample's states p(t), (steps+1)·k values at `t·k + i`, shown as node fill. @default none */
  values?: ArrayLike<number>;
  /** Largest p of the fill scale. @default max of `values` */
  valueMax?: number;
  /** Oscillators that read an input feature (the first `inputs`); the others are extra
   * oscillators, drawn with a dashed outline and starting at `extraP0`. @default k */
  inputs?: number;
  /** p(0) of the extra oscillators (for their tooltip). @default none */
  extraP0?: number;
  /**
   * Names of the inputs, one per input oscillator (e.g. a feature map's "x1^2"), written left of
   * the t = 0 column (powers as superscripts, products with ·) and in the tooltips. @default p1, p2, …
   */
  inputNames?: readonly string[];
  /** Highlighted node (drawn with a thick outline). @default none */
  highlight?: {
    /** Oscillator index i of the highlighted node. */
    osc: number;
    /** Time step t of the highlighted node. */
    step: number;
  };
  /** Most edges drawn per step (the strongest; the rest are counted in the caption). @default 400 */
  maxEdges?: number;
  /** @default 40·(n+2)+120 px, at least 360 */
  width?: number;
  /** @default 34·k + 70 px (k ≤ 16), at least 200 */
  height?: number;
  /** @default none */
  title?: string;
}

const POS = "#0072B2";
const NEG = "#D55E00";

/** Draws the unrolled network; returns an SVG string. */
export function networkFigure(data: NetworkFigureData): string {
  const where = "networkFigure";
  const k = integer(data.k, 1, 4096, `${where}: k`);
  const n = integer(data.steps, 1, 10_000, `${where}: steps`);
  const A = numbers(data.A, `${where}: A`);
  const B = numbers(data.B, `${where}: B`);
  const W = numbers(data.W, `${where}: W`);
  const C = data.classNames.length;
  if (A.length !== n * k * k) throw new InputError(`${where}: A must have steps·k·k = ${n * k * k} values (got ${A.length})`);
  if (B.length !== n * k) throw new InputError(`${where}: B must have steps·k = ${n * k} values (got ${B.length})`);
  if (W.length !== C * k) throw new InputError(`${where}: W must have classes·k = ${C * k} values (got ${W.length})`);
  const values = data.values === undefined ? undefined : numbers(data.values, `${where}: values`);
  if (values && values.length !== (n + 1) * k) throw new InputError(`${where}: values must have (steps+1)·k = ${(n + 1) * k} values (got ${values.length})`);
  const [width, height] = checkSize(data.width ?? Math.max(360, 46 * (n + 2) + 110), data.height ?? Math.max(200, Math.min(16, k) * 34 + 78), where);
  const maxEdges = integer(data.maxEdges ?? 400, 1, 1e6, `${where}: maxEdges`);
  const inputs = integer(data.inputs ?? k, 0, k, `${where}: inputs`);
  const names = data.inputNames;
  if (names && names.length !== inputs) throw new InputError(`${where}: inputNames must have one name per input oscillator (${inputs}; got ${names.length})`);
  const pretty = (s: string): string => s.replace(/\^2/g, "²").replace(/\^3/g, "³").replace(/\*/g, "·");
  const longest = names ? Math.max(...names.map((s) => pretty(s).length)) : 2;

  const top = data.title ? 34 : 14;
  const bottom = 40;
  // Room for the input names (about 5.5 px per character at 10 px).
  const left = Math.max(34, Math.min(120, 12 + 5.5 * longest)), right = 70;
  const cols = n + 1;
  const colX = (t: number): number => left + ((width - left - right) * t) / cols;
  const readX = width - right + 18;
  const rows = Math.max(k, C);
  const rowY = (i: number, count: number): number => top + ((height - top - bottom) * (i + 0.5)) / count;
  const r = Math.max(2, Math.min(10, ((height - top - bottom) / rows) * 0.32));

  let maxA = 0, maxB = 0, maxW = 0;
  for (let q = 0; q < A.length; q++) maxA = Math.max(maxA, Math.abs(A[q]!));
  for (let q = 0; q < B.length; q++) maxB = Math.max(maxB, Math.abs(B[q]!));
  for (let q = 0; q < W.length; q++) maxW = Math.max(maxW, Math.abs(W[q]!));
  let vmax = data.valueMax ?? 0;
  if (values && data.valueMax === undefined) for (let q = 0; q < values.length; q++) vmax = Math.max(vmax, values[q]!);
  if (!(vmax > 0)) vmax = 1;

  const edge = (x0: number, y0: number, x1: number, y1: number, v: number, max: number, label: string): string => {
    const s = max > 0 ? Math.abs(v) / max : 0;
    const w = 0.4 + 3.6 * s;
    return `<path d="M${num(x0)},${num(y0)}L${num(x1)},${num(y1)}" stroke="${v >= 0 ? POS : NEG}" stroke-width="${num(w)}" stroke-opacity="${num(0.15 + 0.8 * s)}"><title>${escapeXml(label)}</title></path>`;
  };
  let body = "";
  if (data.title) body += text(width / 2, 20, data.title, { anchor: "middle", size: 13, bold: true }) + "\n";
  // Couplings A(t): the strongest maxEdges of each step.
  let hidden = 0;
  body += `<g class="edges" fill="none">\n`;
  for (let t = 0; t < n; t++) {
    const idx: number[] = [];
    for (let q = 0; q < k * k; q++) if (A[t * k * k + q] !== 0) idx.push(q);
    if (idx.length > maxEdges) {
      idx.sort((a, b) => Math.abs(A[t * k * k + b]!) - Math.abs(A[t * k * k + a]!));
      hidden += idx.length - maxEdges;
      idx.length = maxEdges;
    }
    for (const q of idx) {
      const i = Math.floor(q / k), j = q % k;
      const v = A[t * k * k + q]!;
      body += edge(colX(t) + r, rowY(j, k), colX(t + 1) - r, rowY(i, k), v, maxA, `A(${t})[${i + 1}][${j + 1}] = ${v.toPrecision(4)}: p${j + 1}(${t}) → oscillator ${i + 1}`) + "\n";
    }
  }
  // Readout W.
  for (let c = 0; c < C; c++) {
    for (let j = 0; j < k; j++) {
      const v = W[c * k + j]!;
      if (v !== 0) body += edge(colX(n) + r, rowY(j, k), readX - r, rowY(c, C), v, maxW, `W[${c}][${j + 1}] = ${v.toPrecision(4)}: p${j + 1}(${n}) → class ${data.classNames[c]}`) + "\n";
    }
  }
  body += `</g>\n<g class="nodes">\n`;
  for (let t = 0; t <= n; t++) {
    for (let i = 0; i < k; i++) {
      const x = colX(t), y = rowY(i, k);
      const v = values ? values[t * k + i]! : NaN;
      const fill = values ? sequential(v / vmax) : "#FFFFFF";
      const hl = data.highlight && data.highlight.osc === i && data.highlight.step === t;
      const b = t > 0 ? B[(t - 1) * k + i]! : NaN;
      const extra = i >= inputs;
      const start = extra ? `; extra oscillator, starts at p(0) = ${data.extraP0 === undefined ? "a constant" : data.extraP0}` : `; input p(0) = ${names ? `feature ${names[i]}` : `feature ${i + 1}`}`;
      const tip = `oscillator ${i + 1}${extra ? " (extra)" : ""}, step ${t}` + (values ? `: p = ${v.toPrecision(4)}` : "") + (t > 0 ? `; bias B(${t - 1})[${i + 1}] = ${b.toPrecision(4)}` : start);
      body += `<g class="node${extra ? " extra" : ""}" data-osc="${i}" data-step="${t}"><title>${escapeXml(tip)}</title>`;
      body += `<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" fill="${fill}" stroke="${hl ? "#E69F00" : INK}" stroke-width="${hl ? 3 : 1}"${extra && !hl ? ` stroke-dasharray="2,1.5"` : ""}/>`;
      if (t > 0 && maxB > 0 && b !== 0) {
        const s = Math.max(1.5, r * 0.9 * Math.sqrt(Math.abs(b) / maxB));
        body += `<rect x="${num(x - r - s * 0.6)}" y="${num(y + r * 0.5)}" width="${num(s)}" height="${num(s)}" fill="${b >= 0 ? POS : NEG}"/>`;
      }
      // Invisible larger target so small nodes are easy to hover.
      body += `<circle cx="${num(x)}" cy="${num(y)}" r="${num(Math.max(r + 3, 8))}" fill="#FFFFFF" fill-opacity="0"/></g>\n`;
    }
  }
  for (let c = 0; c < C; c++) {
    const y = rowY(c, C);
    const col = color(c);
    const what = data.readout === "linear" ? `${data.classNames[c]}: mean + std·(W·p(${n}) + c), a real value` : `class ${data.classNames[c]}: softmax of W·p(${n}) + c`;
    body += `<g class="readout" data-class="${c}"><title>${escapeXml(what)}</title>`;
    body += `<rect x="${num(readX - r)}" y="${num(y - r)}" width="${num(2 * r)}" height="${num(2 * r)}" fill="${col}" stroke="${INK}"/>`;
    if (C <= 16) body += text(readX + r + 4, y, data.classNames[c]!, { valign: "middle", size: 10, fill: luminance(col) > 0.9 ? MUTED : INK });
    body += `</g>\n`;
  }
  body += `</g>\n`;
  // Column labels and caption.
  const every = Math.max(1, Math.ceil(cols / Math.max(1, Math.floor((width - left - right) / 28))));
  for (let t = 0; t <= n; t += every) body += text(colX(t), height - bottom + 14, `t=${t}`, { anchor: "middle", size: 10, fill: MUTED }) + "\n";
  body += text(readX, height - bottom + 14, data.readout === "linear" ? "linear" : "softmax", { anchor: "middle", size: 10, fill: MUTED }) + "\n";
  if (k <= 16) for (let i = 0; i < k; i++) body += text(6, rowY(i, k), names && i < inputs ? pretty(names[i]!) : `p${i + 1}`, { valign: "middle", size: 10, fill: MUTED }) + "\n";
  const cap =
    `edges A(t), squares B(t): blue +, vermillion −; width ∝ |value| (max |A| ${maxA.toPrecision(3)}, |B| ${maxB.toPrecision(3)})` +
    (inputs < k ? `; dashed: ${k - inputs} extra oscillator${k - inputs === 1 ? "" : "s"}` : "") +
    (hidden ? `; ${hidden} weakest couplings not drawn` : "");
  // A caption wider than the figure (≈ 5.2 px per character at 9.5 px) breaks after its first clause.
  const cut = cap.indexOf("; ");
  if (cap.length * 5.2 > width - 8 && cut > 0) {
    body += text(width / 2, height - 14, cap.slice(0, cut), { anchor: "middle", size: 9.5, fill: MUTED }) + "\n";
    body += text(width / 2, height - 3, cap.slice(cut + 2), { anchor: "middle", size: 9.5, fill: MUTED }) + "\n";
  } else body += text(width / 2, height - 8, cap, { anchor: "middle", size: 9.5, fill: MUTED }) + "\n";
  return svgDocument(width, height, body, data.title ?? "STNO network unrolled over time steps", !!data.title);
}
