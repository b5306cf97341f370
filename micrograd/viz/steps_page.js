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
// Where the boxes and ovals are, with room for their outlines, and the numbers on the
// arrows: tags on arrows avoid them all (a lit arrow's number is hidden, so it has none).
const boxes = [...svg.querySelectorAll("g.node")].map((group) => grow(group.getBBox(), 5));
const labels = [...svg.querySelectorAll("g.edge")].flatMap((group) =>
  [...group.querySelectorAll("text")].map((text) => ({ ...grow(text.getBBox(), 2), group })));
// Points along each arrow, every few units: a tag had rather not hide another arrow.
const lines = new Map([...svg.querySelectorAll("g.edge")].map((group) => {
  const path = group.querySelector("path");
  const points = [];
  for (let at = 0; at <= path.getTotalLength(); at += 4) points.push(path.getPointAtLength(at));
  return [group, points];
}));

// The picture's size: big enough that its smallest text is READABLE pixels high, so that
// it reads from the back of a lecture room; bigger, up to LARGEST times Graphviz's size,
// if the whole picture then fits. It goes below the panel or beside it, wherever it shows
// best; a picture that does not fit scrolls, and each step scrolls it to the value being
// explained (see bringIntoView).
const READABLE = 14; // pixels: about the panel's text, which is 15
const LARGEST = 1.5;
const PANEL = 520; // pixels: the width of the panel beside the picture, as in the style
const MARGIN = 16 + 16 + 16; // the picture's padding, and room for a scroll bar
const graphPanel = document.getElementById("graph");
const size = { width: svg.width.baseVal.value, height: svg.height.baseVal.value };
const pixelsPerUnit = size.width / svg.viewBox.baseVal.width; // Graphviz's units are points
const smallestText = Math.min(11, // the tags: see .mark.flow in the style
  ...[...svg.querySelectorAll("text")].map((text) => parseFloat(text.getAttribute("font-size")))
    .filter((fontSize) => fontSize > 0));
const smallestScale = READABLE / (smallestText * pixelsPerUnit);

function arrange() {
  const places = [{ beside: false, width: innerWidth, height: 0.62 * innerHeight }];
  if (innerWidth > 1000) places.push({ beside: true, width: innerWidth - PANEL, height: innerHeight });
  for (const place of places) {
    const across = (place.width - MARGIN) / size.width;
    const down = (place.height - 20) / size.height;
    place.whole = Math.min(across, down) >= smallestScale; // it fits, unscrolled
    // A picture that scrolls anyway takes the width it has, up to Graphviz's own size.
    place.scale = place.whole ? Math.min(LARGEST, across, down)
                              : Math.max(smallestScale, Math.min(1, across));
    place.noSideways = place.scale <= across;
    place.shown = Math.min(1, across / place.scale) * Math.min(1, down / place.scale);
  }
  // Best: the whole picture, as big as it gets; else no scrolling sideways; else the place
  // that shows most of it.
  const rank = (place) =>
    [place.whole, place.whole ? place.scale : 0, place.noSideways, place.shown].map(Number);
  const better = (a, b) => {
    const [x, y] = [rank(a), rank(b)];
    const first = x.findIndex((key, i) => key !== y[i]);
    return first >= 0 && x[first] > y[first];
  };
  const best = places.reduce((a, b) => (better(b, a) ? b : a));
  document.body.classList.toggle("beside", best.beside);
  svg.style.width = size.width * best.scale + "px";
  svg.style.height = size.height * best.scale + "px";
}
arrange();
addEventListener("resize", () => {
  arrange();
  if (current !== null) bringIntoView(data.steps[current]);
});

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

// Write "local_grad x upstream grad = contribution" on the arrows into the lit op: each tag
// across the middle of its arrow if that covers nothing; else further along it, beside it,
// or above or below it. A step's tags choose their places together, so that the first
// does not take the only place the next one had; where every choice covers something, the
// one that covers least wins, text over text counting most.
const ALONG = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85];
const ASIDE = [[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [-1, -1], [1, -1], [-1, 1], [1, 1]];
const TEXT = 10; // how much worse covering text is than covering a box
const LINE = 20; // what covering a few units of another arrow costs, as an area of a box
const CHOICES = 24; // the places of each tag that are tried together with the others'
function tagArrows(tags, taken) {
  const options = tags.map(({ arrow, text }) => {
    const words = make("text", { class: "mark flow", "text-anchor": "middle", x: 0, y: 0 }, text);
    layer.append(words);
    const box = grow(words.getBBox(), 3);
    const path = arrow.querySelector("path");
    const length = path.getTotalLength();
    const places = [];
    for (const [right, down] of ASIDE) {
      for (const along of ALONG) {
        const point = path.getPointAtLength(length * along);
        const x = point.x + right * (box.width / 2 + 3);
        const y = point.y + 4 + down * 15;
        const at = { ...box, x: box.x + x, y: box.y + y };
        const cost = covered(grow(at, 2), taken) + LINE * crossed(at, arrow);
        places.push({ x, y, box: at, cost, rank: places.length });
      }
    }
    places.sort((a, b) => a.cost - b.cost || a.rank - b.rank);
    return { words, places: places.slice(0, CHOICES) };
  });
  for (const [i, place] of choose(options.map((option) => option.places)).entries()) {
    const words = options[i].words;
    words.setAttribute("x", place.x);
    words.setAttribute("y", place.y);
    layer.insertBefore(make("rect", { class: "mark flow-back", rx: 3, ...place.box }), words);
  }
}

function crossed(box, own) { // how many points of arrows other than its own the box hides
  let count = 0;
  for (const [arrow, points] of lines) {
    if (arrow === own) continue;
    for (const { x, y } of points) {
      if (x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height) count++;
    }
  }
  return count;
}

function covered(box, taken) {
  return taken.reduce((sum, other) => sum + overlap(box, other) * (other.weight || 1), 0);
}

// One place for each tag: with a few tags, the best choice of them all together (least
// covered, then the most preferred places); with many, one tag after another.
function choose(placesOfEachTag) {
  const picked = [];
  const cost = (place) => place.cost + TEXT * covered(grow(place.box, 2), picked.map((p) => p.box));
  if (placesOfEachTag.length > 3) {
    for (const places of placesOfEachTag) {
      picked.push(places.reduce((a, b) => (cost(b) < cost(a) ? b : a)));
    }
    return picked;
  }
  let best = null;
  (function search(i, total, rank) {
    if (best !== null && (total > best.total || (total === best.total && rank >= best.rank))) {
      return;
    }
    if (i === placesOfEachTag.length) {
      best = { total, rank, places: [...picked] };
      return;
    }
    for (const place of placesOfEachTag[i]) {
      const more = cost(place);
      picked.push(place);
      search(i + 1, total + more, rank + place.rank);
      picked.pop();
    }
  })(0, 0, 0);
  return best.places;
}

function light(step) {
  for (const mark of layer.querySelectorAll(".mark")) mark.remove();
  for (const lit of layer.querySelectorAll(".lit")) lit.classList.remove("lit");
  for (const cell of layer.querySelectorAll(".changed")) cell.classList.remove("changed");
  if (step.op) {
    parts.get(step.op)[0].classList.add("lit");
    parts.get(step.op + "->" + step.node)[0].classList.add("lit");
  }
  const lit = new Set(step.edges.map((edge) => parts.get(edge.edge)[edge.nth]));
  const taken = [...boxes, ...labels.filter((label) => !lit.has(label.group))
    .map((label) => ({ ...label, weight: 10 }))];
  const tags = [];
  for (const edge of step.edges) {
    const arrow = parts.get(edge.edge)[edge.nth];
    arrow.classList.add("lit");
    if (edge.text) tags.push({ arrow, text: edge.text });
  }
  tagArrows(tags, taken);
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

// Scroll a picture bigger than its place so that the value being explained is in view:
// with its op, the tags on its arrows and its inputs if they all fit, else without the
// inputs. It scrolls as little as it can: a step already in view stays where it is.
function bringIntoView(step) {
  if (!step.node) return;
  const near = [parts.get(step.node)[0], ...(step.op ? [parts.get(step.op)[0]] : []),
                ...layer.querySelectorAll(".mark.flow-back")];
  const all = [...near, ...step.changes.map(([id]) => parts.get(id)[0])];
  const room = { width: graphPanel.clientWidth, height: graphPanel.clientHeight };
  let want = around(all);
  if (want.width > room.width - 2 * NEAR_EDGE || want.height > room.height - 2 * NEAR_EDGE) {
    want = around(near);
  }
  const view = graphPanel.getBoundingClientRect();
  graphPanel.scrollLeft += shift(want.left - view.left - graphPanel.clientLeft, want.width,
                                 room.width);
  graphPanel.scrollTop += shift(want.top - view.top - graphPanel.clientTop, want.height,
                                room.height);
}
const NEAR_EDGE = 24; // pixels kept between what is brought into view and the edge

function around(elements) { // the box on the screen around all the elements
  const rects = elements.map((element) => element.getBoundingClientRect());
  const left = Math.min(...rects.map((rect) => rect.left));
  const top = Math.min(...rects.map((rect) => rect.top));
  return { left, top, width: Math.max(...rects.map((rect) => rect.right)) - left,
           height: Math.max(...rects.map((rect) => rect.bottom)) - top };
}

// How far to scroll so that what starts at `start` (from the edge of the place) and is
// `length` long lies inside the `room`, away from its edges where there is space for that.
function shift(start, length, room) {
  const margin = Math.min(NEAR_EDGE, Math.max(0, (room - length) / 2));
  if (start < margin) return start - margin;
  if (start + length > room - margin) return Math.min(start - margin, start + length - room + margin);
  return 0;
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
  bringIntoView(step);
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
