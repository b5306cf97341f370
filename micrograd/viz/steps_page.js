"use strict";
// The steps were computed in Python (micrograd/steps.py) by replaying backward(). This
// script computes no grad: it puts the texts it is given into the picture and the panel,
// and finds room for them.
const data = JSON.parse(document.getElementById("steps-data").textContent);
const svg = document.querySelector("#graph svg");
const layer = svg.querySelector("g.graph"); // the group holding every box and arrow
const last = data.steps.length - 1;
const playButton = document.getElementById("play");
let current = null;
let timer = null;

// Graphviz names each box and arrow by a <title>: "v3" for a value, "op3" for the op that
// made it, "v1->op3" for an arrow. A value used twice by one op has two arrows so named.
// The titles go once read: a browser shows them on hover, and "v3" means nothing there.
const parts = new Map();
for (const group of svg.querySelectorAll("g.node, g.edge")) {
  const title = group.querySelector("title");
  if (!parts.has(title.textContent)) parts.set(title.textContent, []);
  parts.get(title.textContent).push(group);
  title.remove();
}
layer.querySelector(":scope > title")?.remove();
// Where the boxes and ovals are, with room for their outlines: tags on arrows avoid them.
const boxes = [...svg.querySelectorAll("g.node")].map((group) => grow(group.getBBox(), 5));

// The panel goes below a wide picture and beside a tall one: whichever shows it bigger.
// Shrunk below 60% of its size a big graph is unreadable, so then it scrolls instead.
const size = { width: svg.width.baseVal.value, height: svg.height.baseVal.value };
function arrange() {
  const below = Math.min(innerWidth / size.width, 0.62 * innerHeight / size.height);
  const beside = Math.min((innerWidth - 520) / size.width, innerHeight / size.height);
  document.body.classList.toggle("beside", beside > below && innerWidth > 1000);
}
arrange();
addEventListener("resize", arrange);
svg.style.minWidth = 0.6 * size.width + "px";
svg.style.minHeight = 0.6 * size.height + "px";

// A value's box is a table of label, data and grad: its grad is the box's last text, and
// the cell around that text is drawn just before it.
function gradText(id) {
  const texts = parts.get(id)[0].querySelectorAll("text");
  return texts[texts.length - 1];
}

function make(tag, attributes, text) {
  const inPicture = tag === "rect" || tag === "text";
  const element = inPicture ? document.createElementNS(svg.namespaceURI, tag)
                            : document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text; // as text: a label is never markup
  return element;
}

function grow(box, by) {
  return { x: box.x - by, y: box.y - by, width: box.width + 2 * by,
           height: box.height + 2 * by };
}

function overlap(a, b) { // the area that two boxes share
  const across = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const down = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return Math.max(0, across) * Math.max(0, down);
}

function outline(group, kind) {
  const box = grow(group.getBBox(), 4);
  layer.append(make("rect", { class: "mark " + kind, rx: 4, ...box }));
}

// Write "local_grad x upstream grad = contribution" on an arrow: across its middle if that covers
// no box and no other tag; else further along it, or to its left or right, or above or
// below; where every place covers something, where it covers least, tags counting most.
function tag(arrow, text, taken) {
  const path = arrow.querySelector("path");
  const length = path.getTotalLength();
  const words = make("text", { class: "mark flow", "text-anchor": "middle" }, text);
  layer.append(words);
  const width = words.getBBox().width;
  function place([along, right, down]) {
    const point = path.getPointAtLength(length * along);
    words.setAttribute("x", point.x + right * (width / 2 + 6));
    words.setAttribute("y", point.y + 4 + down * 15);
    const box = grow(words.getBBox(), 2);
    return taken.reduce((sum, other) => sum + overlap(box, other) * (other.weight || 1), 0);
  }
  let best = null;
  for (const [right, down] of [[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [0, -2], [0, 2]]) {
    for (const along of [0.5, 0.35, 0.65, 0.2, 0.8]) {
      const covered = place([along, right, down]);
      if (best === null || covered < best.covered) best = { covered, at: [along, right, down] };
      if (covered === 0) break;
    }
    if (best.covered === 0) break;
  }
  place(best.at);
  const box = grow(words.getBBox(), 3);
  taken.push({ ...box, weight: 10 }); // text over text is unreadable: avoid it most
  layer.insertBefore(make("rect", { class: "mark flow-back", rx: 3, ...box }), words);
}

function light(step) {
  for (const mark of layer.querySelectorAll(".mark")) mark.remove();
  for (const lit of layer.querySelectorAll(".lit")) lit.classList.remove("lit");
  for (const cell of layer.querySelectorAll(".changed")) cell.classList.remove("changed");
  if (step.op) {
    parts.get(step.op)[0].classList.add("lit");
    parts.get(step.op + "->" + step.node)[0].classList.add("lit");
  }
  const taken = [...boxes];
  for (const edge of step.edges) {
    const arrow = parts.get(edge.edge)[edge.nth];
    arrow.classList.add("lit");
    if (edge.text) tag(arrow, edge.text, taken);
  }
  for (const [id] of step.changes) {
    if (id !== step.node) outline(parts.get(id)[0], "receiving");
    const cell = gradText(id).previousElementSibling;
    if (cell && cell.tagName === "polygon") cell.classList.add("changed");
  }
  if (step.node) {
    outline(parts.get(step.node)[0], "active");
    parts.get(step.node)[0].classList.add("lit"); // no style: it marks the box for tests
  }
}

function explain(step) {
  document.getElementById("title").textContent = step.title;
  const explanation = document.getElementById("explanation");
  explanation.replaceChildren();
  for (const text of step.paragraphs) explanation.append(make("p", {}, text));
  for (const block of step.blocks) {
    const box = make("div", { class: block.adds ? "block adds" : "block" });
    box.append(make("div", { class: "name" }, block.name));
    for (const line of block.lines) box.append(make("div", { class: "equation" }, line));
    explanation.append(box);
  }
  for (const note of step.notes) explanation.append(make("p", { class: "note" }, note));
}

const order = data.order.map((entry) => {
  const item = make("li", entry.step === null ? { class: "skipped" } : {});
  item.append(entry.step === null ? entry.text
                                  : make("a", { href: "#step=" + entry.step }, entry.text));
  document.getElementById("order").append(item);
  return [item, entry.step];
});

function show(k) {
  current = Math.max(0, Math.min(last, k));
  const step = data.steps[current];
  // Every grad blank, then the changes of steps 1 to current, in order.
  for (const id of data.values) gradText(id).textContent = "grad";
  for (const earlier of data.steps.slice(1, current + 1)) {
    for (const [id, text] of earlier.changes) gradText(id).textContent = "grad " + text;
  }
  light(step);
  explain(step);
  for (const [item, itemStep] of order) {
    item.classList.toggle("current", itemStep === current);
    item.classList.toggle("done", itemStep !== null && itemStep < current);
  }
  for (const id of ["first", "previous"]) document.getElementById(id).disabled = current === 0;
  for (const id of ["next", "last"]) document.getElementById(id).disabled = current === last;
  const address = "#step=" + current;
  if (location.hash !== address) location.replace(address); // replace: no history entry
}

function play() {
  if (current === last) show(0);
  playButton.textContent = "Pause";
  timer = setInterval(() => {
    show(current + 1);
    if (current === last) pause();
  }, data.secondsPerStep * 1000);
}

function pause() {
  clearInterval(timer);
  timer = null;
  playButton.textContent = "Play";
}

function go(k) {
  pause();
  show(k);
}

function stepInAddress() {
  const match = /^#step=(\d+)$/.exec(location.hash);
  return match ? Number(match[1]) : 0;
}

const targets = { first: () => 0, previous: () => current - 1, next: () => current + 1,
                  last: () => last };
for (const [id, target] of Object.entries(targets)) {
  document.getElementById(id).addEventListener("click", () => go(target()));
}
playButton.addEventListener("click", () => (timer === null ? play() : pause()));
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return; // the browser's own shortcuts
  const keys = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: last };
  if (!(event.key in keys)) return;
  event.preventDefault();
  go(keys[event.key]);
});
// A link to another step, in the order list or typed into the address bar.
window.addEventListener("hashchange", () => {
  if (stepInAddress() !== current) go(stepInAddress());
});
show(stepInAddress());
