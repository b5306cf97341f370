"use strict";
// The run was recorded in Python (micrograd/replay.py) as the weights at each step, with
// the loss and accuracy that training measured. Everything else on this page is computed
// here from those weights: the network's output over the plane, each neuron's output,
// and a picked point's forward values and grads. The arithmetic is micrograd's, in the
// same float64 and the same order (see `weightedSum` and `backwardOnPoint`), so the
// numbers are the ones Python gets.
const data = JSON.parse(document.getElementById("replay-data").textContent);
const states = data.states;
const last = states.length - 1;
const layers = data.layers;
const nin = data.inputs.length;
const bounds = { x1: data.bounds.x1, x2: data.bounds.x2 };
const span = { x1: bounds.x1[1] - bounds.x1[0], x2: bounds.x2[1] - bounds.x2[0] };
const aspect = span.x1 / span.x2; // the plane's width over its height, kept in every picture
const GRID_COLUMNS = 120; // grid points across the data plot; the heat map has one pixel each
const NEURON_STRIDE = 2; // a neuron's small map shows every other grid point
const gridRows = Math.max(20, Math.round(GRID_COLUMNS / aspect));
const SVG = "http://www.w3.org/2000/svg";
const POSITIVE_OUTPUT = [47, 158, 68]; // green: a neuron's output above 0
const NEGATIVE_OUTPUT = [156, 54, 181]; // purple: below 0
const PICKED = getComputedStyle(document.documentElement).getPropertyValue("--picked").trim();
let current = 0;
let picked = 0; // the data point whose numbers the table shows
let timer = null;

// ------------------------------------------------------------- micrograd's arithmetic

// A neuron's weighted sum is Python's sum(w_k * x_k for each k, start=b): the bias first,
// then each product in order. Python 3.12 and later add floats with a running compensation
// (Neumaier's); the recording says which Python trained the model, and we add as it did.
function plainSum(w, x, b) {
  let total = b;
  for (let k = 0; k < w.length; k++) total += w[k] * x[k];
  return total;
}

function compensatedSum(w, x, b) { // CPython's sum() of floats, step for step
  let total = b;
  let compensation = 0;
  for (let k = 0; k < w.length; k++) {
    const item = w[k] * x[k];
    const t = total + item;
    if (Math.abs(total) >= Math.abs(item)) compensation += (total - t) + item;
    else compensation += (item - t) + total;
    total = t;
  }
  return compensation !== 0 && Number.isFinite(compensation) ? total + compensation : total;
}

const weightedSum = data.compensatedSum ? compensatedSum : plainSum;

// Each activation, and its local grad d(output)/d(weighted sum), as the engine's ops do it.
const ACTIVATIONS = {
  relu: { f: (z) => (z <= 0 ? 0 : z), slope: (z, a) => (z <= 0 ? 0 : 1) },
  tanh: { f: Math.tanh, slope: (z, a) => 1 - a * a },
  sigmoid: {
    f: (z) => {
      if (z >= 0) return 1 / (1 + Math.exp(-z)); // never exp of a large positive number
      const e = Math.exp(z);
      return e / (1 + e);
    },
    slope: (z, a) => a * (1 - a),
  },
  linear: { f: (z) => z, slope: null }, // no activation: the weighted sum is the output
};

// A state's weights, unpacked by layer and neuron: each neuron's w1..wn, then its bias.
function networkAt(index) {
  const weights = states[index].weights;
  let position = 0;
  let inputs = nin;
  return layers.map((layer) => {
    const w = [];
    const b = new Float64Array(layer.size);
    for (let j = 0; j < layer.size; j++) {
      w.push(Float64Array.from(weights.slice(position, position + inputs)));
      b[j] = weights[position + inputs];
      position += inputs + 1;
    }
    inputs = layer.size;
    return { w, b, size: layer.size, ...ACTIVATIONS[layer.activation] };
  });
}

// The forward pass on one point: each layer's weighted sums z and outputs a.
function forward(net, x) {
  const sums = [];
  const outputs = [Float64Array.from(x)];
  for (const layer of net) {
    const input = outputs[outputs.length - 1];
    const z = new Float64Array(layer.size);
    const a = new Float64Array(layer.size);
    for (let j = 0; j < layer.size; j++) {
      z[j] = weightedSum(layer.w[j], input, layer.b[j]);
      a[j] = layer.f(z[j]);
    }
    sums.push(z);
    outputs.push(a);
  }
  return { sums, outputs };
}

// With one output, its sign is the class (class 1 above 0); with several, the highest wins.
function predictedClass(scores) {
  if (scores.length === 1) return scores[0] > 0 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < scores.length; k++) if (scores[k] > scores[best]) best = k;
  return best;
}

// The score whose grads the table shows: the output itself, or with several outputs the
// score of the point's own class, as `micrograd train` draws the graph of one point.
function scoreIndex(label) { return layers[layers.length - 1].size === 1 ? 0 : label; }

// backward() from the score, as the engine runs it on this graph. backward() takes the
// values in reverse topological order, and in an MLP that order visits each layer's
// neurons last to first, so an output's grad adds up the contributions of the next
// layer's neurons in that order: grad += w * (grad of that neuron's weighted sum). A
// value whose grad is 0 passes nothing back, as in backward_step.
function backwardOnPoint(net, pass, score) {
  const grads = pass.outputs.map((a) => new Float64Array(a.length));
  grads[net.length][score] = 1;
  for (let l = net.length - 1; l >= 0; l--) {
    const layer = net[l];
    for (let j = layer.size - 1; j >= 0; j--) {
      const grad = grads[l + 1][j];
      if (grad === 0) continue;
      // With an activation, its op passes grad * slope to the weighted sum; without one,
      // the weighted sum is the output and has the output's grad.
      const sumGrad = layer.slope === null ? grad
        : 0 + layer.slope(pass.sums[l][j], pass.outputs[l + 1][j]) * grad;
      if (sumGrad === 0) continue;
      const w = layer.w[j];
      for (let k = 0; k < w.length; k++) grads[l][k] += w[k] * sumGrad;
    }
  }
  return grads;
}

// ------------------------------------------------------------------ the plane

// Grid point (i, j) sits in the middle of its cell, j counting up from the bottom.
function gridX1(i) { return bounds.x1[0] + ((i + 0.5) * span.x1) / GRID_COLUMNS; }
function gridX2(j) { return bounds.x2[0] + ((j + 0.5) * span.x2) / gridRows; }

// The network on every grid point: each neuron's output (inputs included) and the score
// that the data plot shows, with its winning class. The same arithmetic as `forward`,
// into arrays made once: a grid is thousands of points.
function evaluateGrid(net) {
  const count = GRID_COLUMNS * gridRows;
  const maps = [new Float64Array(count), new Float64Array(count)];
  for (const layer of net) for (let j = 0; j < layer.size; j++) maps.push(new Float64Array(count));
  const lead = new Float64Array(count); // by how much the winning class wins
  const winner = new Uint8Array(count);
  const outputs = [new Float64Array(nin), ...net.map((layer) => new Float64Array(layer.size))];
  for (let j = 0; j < gridRows; j++) {
    for (let i = 0; i < GRID_COLUMNS; i++) {
      const at = j * GRID_COLUMNS + i;
      outputs[0][0] = gridX1(i);
      outputs[0][1] = gridX2(j);
      net.forEach((layer, l) => {
        const input = outputs[l];
        const output = outputs[l + 1];
        for (let n = 0; n < layer.size; n++) output[n] = layer.f(weightedSum(layer.w[n], input, layer.b[n]));
      });
      let m = 0;
      for (const a of outputs) for (let k = 0; k < a.length; k++) maps[m++][at] = a[k];
      const scores = outputs[outputs.length - 1];
      winner[at] = predictedClass(scores);
      lead[at] = scores.length === 1 ? scores[0] : leadOf(scores, winner[at]);
    }
  }
  return { maps, lead, winner };
}

function leadOf(scores, best) {
  let second = -Infinity;
  for (let k = 0; k < scores.length; k++) if (k !== best && scores[k] > second) second = scores[k];
  return scores[best] - second;
}

function hexColor(hex) {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
}

const classColors = data.colors.map(hexColor);
const WHITE = [255, 255, 255];

// Colours are written straight into the picture's pixels: white mixed with `amount` of
// `color`. (A new array per pixel would make the garbage collector stutter when playing.)
function setMix(pixels, at, color, amount) {
  for (let c = 0; c < 3; c++) pixels[at + c] = 255 + (color[c] - 255) * amount;
  pixels[at + 3] = 255;
}

// The data plot's colour at a grid point: its class's colour, pale near the boundary and
// strongest once the score is 1 or more past it (the max-margin loss's margin).
function setScoreColor(pixels, at, lead, winner) {
  const sure = Math.min(1, Math.abs(lead));
  setMix(pixels, at, classColors[winner % classColors.length], 0.12 + 0.45 * sure);
}

function setNeuronColor(pixels, at, value, largest) {
  if (!(largest > 0) || value === 0) return setMix(pixels, at, WHITE, 0);
  const t = Math.min(1, Math.abs(value) / largest);
  setMix(pixels, at, value > 0 ? POSITIVE_OUTPUT : NEGATIVE_OUTPUT, 0.9 * t);
}

// Paint a picture of the grid, every `stride`-th point across and up, one pixel each.
function paint(canvas, stride, setColor) {
  const width = Math.ceil(GRID_COLUMNS / stride);
  const height = Math.ceil(gridRows / stride);
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const pixel = 4 * ((height - 1 - j) * width + i); // row 0 is the top
      setColor(image.data, pixel, stride * j * GRID_COLUMNS + stride * i);
    }
  }
  context.putImageData(image, 0, 0);
}

// The boundary: where a class's lead crosses 0, found cell by cell between grid points
// (marching squares), each crossing placed by straight-line interpolation along the edge.
// The path is in the plane's own coordinates, x1 and x2.
function boundaryPath(grid) {
  const fields = [];
  const outputs = grid.maps.slice(grid.maps.length - layers[layers.length - 1].size);
  if (outputs.length === 1) fields.push((at) => outputs[0][at]);
  else {
    // Class k's lead: its score minus the best other score, > 0 where k wins.
    outputs.forEach((own, k) => fields.push((at) => {
      let best = -Infinity;
      outputs.forEach((other, j) => { if (j !== k && other[at] > best) best = other[at]; });
      return own[at] - best;
    }));
  }
  const parts = [];
  for (const field of fields) {
    for (let j = 0; j + 1 < gridRows; j++) {
      for (let i = 0; i + 1 < GRID_COLUMNS; i++) {
        const corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
        const values = corners.map(([a, b]) => field(b * GRID_COLUMNS + a));
        const crossings = [];
        for (let e = 0; e < 4; e++) {
          const [p, q] = [corners[e], corners[(e + 1) % 4]];
          const [u, v] = [values[e], values[(e + 1) % 4]];
          if ((u > 0) === (v > 0)) continue; // no crossing on this edge
          const t = u / (u - v);
          crossings.push([gridX1(p[0] + t * (q[0] - p[0])), gridX2(p[1] + t * (q[1] - p[1]))]);
        }
        for (let c = 0; c + 1 < crossings.length; c += 2) {
          const [a, b] = [crossings[c], crossings[c + 1]];
          parts.push(`M${a[0].toFixed(4)} ${a[1].toFixed(4)}L${b[0].toFixed(4)} ${b[1].toFixed(4)}`);
        }
      }
    }
  }
  return parts.join("");
}

// -------------------------------------------------------------------- drawing

function make(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text; // as text: never markup
  return element;
}

function formatNumber(x) { // short, for tables: 0.532, -0.012, 12.3, 4e-4
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const size = Math.abs(x);
  if (size < 0.001 || size >= 1000) return x.toExponential(1);
  return x.toFixed(size < 10 ? 3 : 1);
}

function niceTicks(low, high, count) {
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(low / step) * step; t <= high + 1e-9; t += step) ticks.push(+t.toFixed(10));
  return ticks;
}

const plot = {
  box: document.getElementById("plot"),
  heat: document.getElementById("heat"),
  svg: document.getElementById("overlay"),
  margin: { left: 44, right: 8, top: 8, bottom: 42 },
};

function plotScale() { // pixels per unit of x1 (and of x2: the plane keeps its shape)
  return plot.width / span.x1;
}

function toPixel([x1, x2]) {
  const k = plotScale();
  return [plot.margin.left + (x1 - bounds.x1[0]) * k, plot.margin.top + (bounds.x2[1] - x2) * k];
}

// Each class has its own marker, as in the plots, so that the classes read even in grey.
const MARKERS = ["circle", "square", "triangle", "diamond", "down"];
const CORNERS = { // of the polygons, in units of the marker's size
  triangle: [[0, -1.2], [1.1, 0.8], [-1.1, 0.8]],
  diamond: [[0, -1.3], [1.1, 0], [0, 1.3], [-1.1, 0]],
  down: [[0, 1.2], [1.1, -0.8], [-1.1, -0.8]],
};

function marker(kind, [x, y], r, attributes) {
  if (kind === "circle") return make("circle", { cx: x, cy: y, r, ...attributes });
  if (kind === "square") {
    return make("rect", { x: x - 0.9 * r, y: y - 0.9 * r, width: 1.8 * r, height: 1.8 * r,
                          ...attributes });
  }
  const points = CORNERS[kind].map(([dx, dy]) => `${x + dx * r},${y + dy * r}`).join(" ");
  return make("polygon", { points, ...attributes });
}

// The axes, the points and the marks: laid out again when the window changes size.
function layoutPlot() {
  const width = plot.box.clientWidth;
  plot.width = width - plot.margin.left - plot.margin.right;
  plot.height = plot.width / aspect;
  const height = plot.height + plot.margin.top + plot.margin.bottom;
  plot.box.style.height = height + "px";
  Object.assign(plot.heat.style, {
    left: plot.margin.left + "px", top: plot.margin.top + "px",
    width: plot.width + "px", height: plot.height + "px",
  });
  const svg = plot.svg;
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const k = plotScale();
  svg.append(make("rect", { x: plot.margin.left, y: plot.margin.top, width: plot.width,
                            height: plot.height, fill: "none", stroke: "#868e96" }));
  for (const t of niceTicks(bounds.x1[0], bounds.x1[1], Math.max(3, plot.width / 90))) {
    const [x] = toPixel([t, 0]);
    const y = plot.margin.top + plot.height;
    svg.append(make("line", { x1: x, x2: x, y1: y, y2: y + 5, stroke: "#868e96" }));
    svg.append(make("text", { x, y: y + 19, "text-anchor": "middle" }, String(t)));
  }
  for (const t of niceTicks(bounds.x2[0], bounds.x2[1], Math.max(3, plot.height / 70))) {
    const [, y] = toPixel([0, t]);
    svg.append(make("line", { x1: plot.margin.left - 5, x2: plot.margin.left, y1: y, y2: y,
                              stroke: "#868e96" }));
    svg.append(make("text", { x: plot.margin.left - 8, y: y + 5, "text-anchor": "end" }, String(t)));
  }
  const middle = { x: plot.margin.left + plot.width / 2, y: plot.margin.top + plot.height / 2 };
  svg.append(make("text", { x: middle.x, y: plot.margin.top + plot.height + 38,
                            "text-anchor": "middle" }, data.inputs[0]));
  svg.append(make("text", { x: 12, y: middle.y, "text-anchor": "middle",
                            transform: `rotate(-90 12 ${middle.y})` }, data.inputs[1]));
  // The boundary is drawn in the plane's own units: a path of (x1, x2) points.
  const plane = make("g", { transform: `translate(${plot.margin.left} ${plot.margin.top}) ` +
    `scale(${k} ${-k}) translate(${-bounds.x1[0]} ${-bounds.x2[1]})` });
  plane.append(make("path", { id: "boundary", d: "" }));
  svg.append(plane);
  plot.points = data.points.map((point, index) => {
    const label = data.labels[index];
    const shape = marker(MARKERS[label % MARKERS.length], toPixel(point), 5.5, {
      class: "point", "data-index": index, fill: data.colors[label % data.colors.length],
      stroke: "#000", "stroke-width": 0.8,
    });
    shape.addEventListener("click", () => pick(index));
    svg.append(shape);
    return shape;
  });
  plot.marks = make("g", {});
  svg.append(plot.marks);
}

function drawPlot(grid, pass) {
  paint(plot.heat, 1, (pixels, at, point) => {
    setScoreColor(pixels, at, grid.lead[point], grid.winner[point]);
  });
  document.getElementById("boundary").setAttribute("d", boundaryPath(grid));
  plot.marks.replaceChildren();
  let wrong = 0;
  pass.forEach((scores, index) => {
    if (predictedClass(scores) === data.labels[index]) return;
    wrong++;
    plot.marks.append(make("circle", { class: "wrong", r: 9.5, cx: toPixel(data.points[index])[0],
                                       cy: toPixel(data.points[index])[1] }));
  });
  const [x, y] = toPixel(data.points[picked]);
  plot.marks.append(make("circle", { class: "picked", cx: x, cy: y, r: 13 }));
  return wrong;
}

// ------------------------------------------------------------------ the network

const network = { canvas: document.getElementById("network") };
const TITLE_FONT = "600 14px system-ui, sans-serif";
const TEXT_FONT = "14px system-ui, sans-serif";
// The largest weight of the whole run sets the thickest line, so lines grow as training goes.
let largestWeight = 1e-12;
states.forEach((_, index) => {
  for (const layer of networkAt(index)) {
    for (const w of layer.w) for (const v of w) largestWeight = Math.max(largestWeight, Math.abs(v));
  }
});

function layoutNetwork() {
  const width = network.canvas.parentElement.clientWidth;
  const columns = [nin, ...layers.map((layer) => layer.size)];
  const most = Math.max(...columns);
  const names = [["inputs", `x1, x2`, ""], ...layers.map((layer) => [layer.name,
    `${layer.size} ${layer.size === 1 ? "neuron" : "neurons"}`, layer.activation])];
  // A title too wide for the gap between columns goes on two lines: "hidden" "layer 1".
  const context = network.canvas.getContext("2d");
  context.font = TITLE_FONT;
  const gapGuess = (width - 90) / (columns.length - 1);
  const wrap = names.some(([name]) => context.measureText(name).width > gapGuess - 24);
  for (const lines of names) {
    const [first, ...rest] = lines[0].split(" ");
    lines.splice(0, 1, ...(wrap && rest.length ? [first, rest.join(" ")] : [lines[0]]));
  }
  const titleLines = Math.max(...names.map((lines) => lines.filter(Boolean).length));
  const top = 18 * titleLines + 8;
  // Boxes as big as the window's height allows (but never tiny), up to 40 pixels high,
  // in the plane's shape.
  const room = Math.min(Math.max(460, innerHeight - 270), 40 * 1.35 * most + top + 10);
  const size = Math.max(10, Math.min(40, (room - top - 10) / (1.35 * most)));
  const boxWidth = size * Math.min(aspect, 1.6);
  const height = top + 1.35 * size * most + 10;
  const left = 30; // room for x1, x2 before the inputs
  const right = layers[layers.length - 1].size === 1 ? 56 : 70; // room for "score"
  const gap = (width - left - right - boxWidth) / (columns.length - 1);
  const boxes = columns.map((n, c) => {
    const x = left + c * gap;
    const first = top + (1.35 * size * (most - n)) / 2;
    return Array.from({ length: n }, (_, j) => ({ x, y: first + 1.35 * size * j, w: boxWidth, h: size }));
  });
  Object.assign(network, { width, height, boxes, names, boxWidth });
  const ratio = devicePixelRatio || 1;
  network.canvas.width = Math.round(width * ratio);
  network.canvas.height = Math.round(height * ratio);
  network.canvas.style.height = height + "px";
  network.ratio = ratio;
}

function drawNetwork(net, grid) {
  const { canvas, boxes } = network;
  const context = canvas.getContext("2d");
  context.setTransform(network.ratio, 0, 0, network.ratio, 0, 0);
  context.clearRect(0, 0, network.width, network.height);
  // Weights first, the smallest underneath.
  const lines = [];
  net.forEach((layer, l) => layer.w.forEach((w, j) => w.forEach((v, k) => lines.push([l, j, k, v]))));
  lines.sort((a, b) => Math.abs(a[3]) - Math.abs(b[3]));
  for (const [l, j, k, v] of lines) {
    const from = boxes[l][k];
    const to = boxes[l + 1][j];
    const size = Math.abs(v) / largestWeight;
    context.strokeStyle = v >= 0 ? data.weightColors[0] : data.weightColors[1];
    context.globalAlpha = 0.3 + 0.7 * size;
    context.lineWidth = 0.4 + 4.6 * size;
    context.beginPath();
    context.moveTo(from.x + from.w, from.y + from.h / 2);
    context.lineTo(to.x, to.y + to.h / 2);
    context.stroke();
  }
  context.globalAlpha = 1;
  // Each neuron's output over the plane, drawn small; the output layer as the data plot.
  const scratch = network.scratch || (network.scratch = document.createElement("canvas"));
  const outputColumn = boxes.length - 1;
  let m = 0;
  boxes.forEach((column, c) => column.forEach((box) => {
    const map = grid.maps[m++];
    if (c === outputColumn && column.length === 1) {
      paint(scratch, NEURON_STRIDE, (pixels, at, point) => {
        setScoreColor(pixels, at, map[point], map[point] > 0 ? 1 : 0);
      });
    } else {
      let largest = 0;
      for (const v of map) largest = Math.max(largest, Math.abs(v));
      paint(scratch, NEURON_STRIDE, (pixels, at, point) => {
        setNeuronColor(pixels, at, map[point], largest);
      });
    }
    context.imageSmoothingEnabled = true;
    context.drawImage(scratch, box.x, box.y, box.w, box.h);
    context.strokeStyle = "#868e96";
    context.lineWidth = 1;
    context.strokeRect(box.x + 0.5, box.y + 0.5, box.w - 1, box.h - 1);
    const [px, py] = data.points[picked]; // the picked point, on every neuron's plane
    const dotX = box.x + ((px - bounds.x1[0]) / span.x1) * box.w;
    const dotY = box.y + ((bounds.x2[1] - py) / span.x2) * box.h;
    context.fillStyle = PICKED;
    context.beginPath();
    context.arc(dotX, dotY, Math.max(1.5, box.h / 12), 0, 2 * Math.PI);
    context.fill();
  }));
  // Titles, and the names of the inputs and outputs.
  context.fillStyle = "#212529";
  context.textAlign = "center";
  context.textBaseline = "alphabetic";
  network.names.forEach((lines, c) => {
    const x = boxes[c][0].x + network.boxWidth / 2;
    const named = lines.length - 2; // the name's lines, then the size and the activation
    lines.forEach((line, i) => {
      context.font = i < named ? TITLE_FONT : TEXT_FONT;
      context.fillStyle = i < named ? "#212529" : "#495057";
      context.fillText(line, x, 15 + 18 * i);
    });
  });
  context.fillStyle = "#212529";
  context.font = TEXT_FONT;
  context.textBaseline = "middle";
  context.textAlign = "right";
  data.inputs.forEach((name, k) => {
    const box = boxes[0][k];
    context.fillText(name, box.x - 6, box.y + box.h / 2);
  });
  context.textAlign = "left";
  boxes[outputColumn].forEach((box, j) => {
    const name = boxes[outputColumn].length === 1 ? "score" : `class ${j}`;
    context.fillText(name, box.x + box.w + 6, box.y + box.h / 2);
  });
}

// -------------------------------------------------------------------- the curves

const curves = [
  { svg: document.getElementById("loss-curve"), key: "loss" },
  { svg: document.getElementById("accuracy-curve"), key: "accuracy" },
];
const lastStep = states[last].step;

function layoutCurves() {
  for (const curve of curves) {
    const width = curve.svg.parentElement.clientWidth;
    const height = Math.max(110, Math.min(170, width * 0.26));
    const margin = { left: 52, right: 18, top: 8, bottom: 26 };
    const values = data.curve[curve.key];
    const low = curve.key === "accuracy" ? Math.min(0.5, Math.floor(Math.min(...values) * 10) / 10) : 0;
    const high = curve.key === "accuracy" ? 1 : Math.max(1e-9, ...values) * 1.05;
    const x = (step) => margin.left + (step / Math.max(1, lastStep)) * (width - margin.left - margin.right);
    const y = (v) => margin.top + ((high - v) / (high - low)) * (height - margin.top - margin.bottom);
    const svg = curve.svg;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("height", height);
    svg.replaceChildren();
    for (const t of niceTicks(low, high, 3)) {
      svg.append(make("line", { class: "grid", x1: margin.left, x2: width - margin.right,
                                y1: y(t), y2: y(t) }));
      const text = curve.key === "accuracy" ? `${Math.round(t * 100)}%` : String(t);
      svg.append(make("text", { x: margin.left - 6, y: y(t) + 5, "text-anchor": "end" }, text));
    }
    for (const t of niceTicks(0, Math.max(1, lastStep), Math.max(2, width / 110))) {
      if (t !== Math.round(t)) continue;
      svg.append(make("text", { x: x(t), y: height - 6, "text-anchor": "middle" }, String(t)));
    }
    const points = data.curve.steps.map((step, i) => `${x(step).toFixed(1)},${y(values[i]).toFixed(1)}`);
    svg.append(make("polyline", { class: "line", points: points.join(" ") }));
    curve.cursor = make("line", { class: "cursor", y1: margin.top, y2: height - margin.bottom });
    curve.dot = make("circle", { class: "cursor-dot", r: 4.5 });
    svg.append(curve.cursor, curve.dot);
    Object.assign(curve, { x, y });
  }
}

function drawCursors() {
  const state = states[current];
  for (const curve of curves) {
    const x = curve.x(state.step);
    curve.cursor.setAttribute("x1", x);
    curve.cursor.setAttribute("x2", x);
    curve.dot.setAttribute("cx", x);
    curve.dot.setAttribute("cy", curve.y(state[curve.key]));
  }
}

// ------------------------------------------------------------------ the picked point

function cell(row, value, attributes = {}) {
  const td = document.createElement("td");
  row.append(td);
  if (value === null) return; // a layer with fewer neurons than this row's number
  for (const [key, v] of Object.entries(attributes)) td.setAttribute(key, v);
  td.textContent = formatNumber(value);
  td.title = String(value); // every digit: the same number Python gives
  if (value === 0) td.classList.add("zero");
}

function drawPoint(net) {
  const point = data.points[picked];
  const label = data.labels[picked];
  const pass = forward(net, point);
  const score = scoreIndex(label);
  const grads = backwardOnPoint(net, pass, score);
  const scores = pass.outputs[pass.outputs.length - 1];
  const guess = predictedClass(scores);
  const one = scores.length === 1;
  const scoreName = one ? "score" : `score of class ${label}`;
  const is = (name, value) => `${name}\u00a0=\u00a0${formatNumber(value)}`; // kept on one line
  const text = document.getElementById("point-text");
  text.replaceChildren();
  for (const sentence of [
    `Point ${picked + 1} of ${data.points.length}, class ${label}, at ` +
      `${is(data.inputs[0], point[0])}, ${is(data.inputs[1], point[1])}.`,
    `The ${scoreName} is ${formatNumber(scores[score])}: the network says class ${guess}, ` +
      `${guess === label ? "right" : "wrong"}.`,
    `${is(`d(${scoreName})/d(${data.inputs[0]})`, grads[0][0])}, ` +
      `${is(`d(${scoreName})/d(${data.inputs[1]})`, grads[0][1])}.`,
  ]) {
    const p = document.createElement("p");
    p.textContent = sentence;
    text.append(p);
  }
  // One row per neuron, an output and a grad column per layer. A lone output neuron is the
  // score itself, said above (its grad is 1), so it gets no column.
  const shown = one ? layers.slice(0, -1) : layers;
  const table = document.getElementById("point-table");
  table.replaceChildren();
  if (shown.length === 0) return;
  const head = table.createTHead();
  const names = head.insertRow();
  const kinds = head.insertRow();
  const header = (row, content, attributes = {}) => {
    const th = document.createElement("th");
    for (const [key, value] of Object.entries(attributes)) th.setAttribute(key, value);
    th.textContent = content;
    row.append(th);
  };
  header(names, "");
  header(kinds, "neuron");
  for (const layer of shown) {
    header(names, layer.name, { colspan: 2, class: "first" });
    header(kinds, "output", { class: "first" });
    header(kinds, "grad");
  }
  const body = table.createTBody();
  const most = Math.max(...shown.map((layer) => layer.size));
  for (let j = 0; j < most; j++) {
    const row = body.insertRow();
    header(row, String(j + 1));
    shown.forEach((layer, l) => {
      const here = j < layer.size;
      const where = { "data-layer": l, "data-neuron": j };
      cell(row, here ? pass.outputs[l + 1][j] : null, { class: "first", "data-kind": "output", ...where });
      cell(row, here ? grads[l + 1][j] : null, { "data-kind": "grad", ...where });
    });
  }
}

// ------------------------------------------------------------------ stepping

const scrubber = document.getElementById("scrubber");
scrubber.max = String(last);
const playButton = document.getElementById("play");

function show(index) {
  current = Math.max(0, Math.min(last, index));
  const state = states[current];
  const net = networkAt(current);
  const grid = evaluateGrid(net);
  const pass = data.points.map((point) => {
    const outputs = forward(net, point).outputs;
    return outputs[outputs.length - 1];
  });
  const wrong = drawPlot(grid, pass);
  drawNetwork(net, grid);
  drawCursors();
  drawPoint(net);
  document.getElementById("step-text").textContent = `step ${state.step} of ${lastStep}`;
  document.getElementById("loss-text").textContent = `${data.lossName} ${state.loss.toFixed(4)}`;
  const right = Math.round(state.accuracy * data.points.length);
  document.getElementById("accuracy-text").textContent =
    `accuracy ${(100 * state.accuracy).toFixed(0)}% (${right} of ${data.points.length} ` +
    `${data.points.length === 1 ? "point" : "points"})`;
  document.getElementById("data-legend").textContent =
    `Points: ${classNames()}; a black ring: wrong at this step (${wrong} ` +
    `${wrong === 1 ? "point" : "points"}). Background: the class the network gives each ` +
    "place, paler where it is less sure. Black line: the decision boundary.";
  scrubber.value = String(current);
  for (const id of ["first", "previous"]) document.getElementById(id).disabled = current === 0;
  for (const id of ["next", "last"]) document.getElementById(id).disabled = current === last;
  const address = "#step=" + state.step;
  if (location.hash !== address) {
    try {
      history.replaceState(null, "", address); // replace: stepping adds no history entries
    } catch (error) {
      // A page shown inside a notebook's iframe may have no address to change.
    }
  }
}

function classNames() {
  const shapes = ["circles", "squares", "triangles", "diamonds", "triangles down"];
  return Array.from({ length: data.classes }, (_, k) => `class ${k} ${shapes[k % shapes.length]}`).join(", ");
}

function pick(index) {
  picked = index;
  show(current);
}

function play() {
  if (current === last) show(0);
  playButton.textContent = "Pause";
  timer = setInterval(() => {
    show(current + 1);
    if (current === last) pause();
  }, data.secondsPerState * 1000);
}

function pause() {
  clearInterval(timer);
  timer = null;
  playButton.textContent = "Play";
}

function go(index) {
  pause();
  show(index);
}

// #step=N names a training step; a run thinned out shows the nearest recorded one.
function stateInAddress() {
  const match = /^#step=(\d+)$/.exec(location.hash);
  if (!match) return 0;
  const step = Number(match[1]);
  let best = 0;
  states.forEach((state, i) => {
    if (Math.abs(state.step - step) < Math.abs(states[best].step - step)) best = i;
  });
  return best;
}

const targets = { first: () => 0, previous: () => current - 1, next: () => current + 1,
                  last: () => last };
for (const [id, target] of Object.entries(targets)) {
  document.getElementById(id).addEventListener("click", () => go(target()));
}
playButton.addEventListener("click", () => (timer === null ? play() : pause()));
scrubber.addEventListener("input", () => go(Number(scrubber.value)));
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return; // the browser's own shortcuts
  if (event.target === scrubber) return; // the scrubber steps by itself, then says so
  const keys = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last };
  if (!(event.key in keys)) return;
  event.preventDefault();
  go(keys[event.key]);
});
window.addEventListener("hashchange", () => {
  if (stateInAddress() !== current) go(stateInAddress());
});

function layout() {
  layoutPlot();
  layoutNetwork();
  layoutCurves();
  show(current);
}

let resizing = null;
addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(layout, 100);
});
document.getElementById("largest-weight").textContent =
  `the thickest: |w| = ${formatNumber(largestWeight)}, the run's largest`;
document.getElementById("loss-title").textContent = data.lossName;
if (data.note) {
  const note = document.getElementById("note");
  note.textContent = data.note;
  note.hidden = false;
}
current = stateInAddress();
layout();
