/**
 * The stylesheet and the script of the HTML report, as the page inlines
 * them: plain DOM and SVG, no library, no network. The script reads the
 * report's data from a JSON `<script>` element and builds every element
 * from it with `textContent` and attributes, never markup, so no file name
 * from a dump can inject HTML; control and bidi characters in them are shown
 * escaped (`\x1b`, `\u202e`), as the terminal front ends show them.
 *
 * The script is plain ES5-style JavaScript in a string (no template
 * literals, no `</`), so no build step or transform touches it.
 *
 * @module
 */

/**
 * The report's stylesheet.
 *
 * @example
 * ```ts
 * REPORT_CSS.includes(".frame"); // true
 * ```
 */
export const REPORT_CSS = String.raw`
:root { color-scheme: light; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; background: #fafafa; }
body { margin: 0; padding: 14px 20px 24px; }
h1 { font-size: 18px; margin: 0 0 2px; font-weight: 600; }
h2 { font-size: 14px; margin: 14px 0 6px; font-weight: 600; }
.meta { color: #555; margin: 0; }
.note { color: #666; margin: 4px 0; }
.split { display: flex; gap: 18px; align-items: flex-start; }
#flame { flex: 3 1 0; min-width: 0; }
#top { flex: 2 1 0; min-width: 0; max-height: 85vh; overflow: auto; }
@media (max-width: 1000px) { .split { flex-direction: column; } #flame, #top { width: 100%; } #top { max-height: none; } }
.toolbar { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
#search { flex: 1; padding: 4px 7px; font: inherit; border: 1px solid #bbb; border-radius: 4px; }
#matches { color: #6a1b9a; white-space: nowrap; }
button { font: inherit; padding: 3px 9px; border: 1px solid #bbb; border-radius: 4px; background: #fff; cursor: pointer; }
#graph { position: relative; width: 100%; overflow: hidden; border: 1px solid #ddd; background: #fff; }
.frame { position: absolute; height: 17px; box-sizing: border-box; border-right: 1px solid #fff; padding: 0 3px;
  font: 11px/17px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; cursor: pointer; color: #1a1a1a; }
.frame:hover { outline: 1px solid #333; z-index: 1; }
.frame.ancestor { filter: saturate(0.3); }
.frame.rest { background: repeating-linear-gradient(45deg, #eceff1, #eceff1 4px, #cfd8dc 4px, #cfd8dc 8px); color: #455a64; }
.frame.match { background: #d500f9 !important; color: #fff; }
.searching .frame:not(.match) { opacity: 0.35; }
#details { min-height: 2.9em; font: 12px/1.45 ui-monospace, Menlo, Consolas, monospace; color: #333; margin-top: 5px;
  white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: 12px; background: #fff; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; white-space: nowrap; }
th { position: sticky; top: 0; background: #f3f3f3; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.loc { font-family: ui-monospace, Menlo, Consolas, monospace; max-width: 30em; overflow: hidden; text-overflow: ellipsis; }
td.fn { max-width: 12em; overflow: hidden; text-overflow: ellipsis; color: #444; }
#leaks table { width: auto; min-width: 50%; }
tr.row { cursor: pointer; }
tr.row:hover { background: #f1efff; }
.grow { color: #c62828; }
.shrink { color: #2e7d32; }
#timeline svg { width: 100%; height: 120px; background: #fff; border: 1px solid #ddd; }
#timeline text { font: 10px system-ui, sans-serif; fill: #444; }
footer { margin-top: 18px; color: #777; font-size: 11px; }
`;

/**
 * The report's script: reads `#report-data` and draws the page.
 *
 * @example
 * ```ts
 * REPORT_SCRIPT.includes("report-data"); // true
 * ```
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var S = data.strings;
  var CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  var ROW = 18;

  function visible(text) {
    return String(text).replace(CONTROL, function (c) {
      var code = c.charCodeAt(0), hex = code.toString(16);
      return code <= 0xff ? "\\x" + ("0" + hex).slice(-2) : "\\u" + ("000" + hex).slice(-4);
    });
  }
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = visible(text);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function size(n, sign) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], v = n, s = sign && n > 0 ? "+" : "";
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(v) < 100 && i > 0) return s + v.toFixed(1) + " " + units[i];
      if (Math.abs(v) < 10240 || i === units.length - 1) return s + Math.round(v) + " " + units[i];
      v /= 1024;
    }
  }
  function count(n, sign) { return (sign && n > 0 ? "+" : "") + Math.round(n); }
  function percent(part, whole) { return whole > 0 ? (100 * part / whole).toFixed(1) + "%" : "-"; }
  function place(file, line) { return file + ":" + line; }

  // The tree: [label, file, line, self, total, count, children] with strings by index.
  function build(raw, parent, depth) {
    var node = { label: S[raw[0]], file: raw[1] < 0 ? "" : S[raw[1]], line: raw[2], self: raw[3], total: raw[4],
      count: raw[5], parent: parent, depth: depth, children: [] };
    for (var i = 0; i < raw[6].length; i++) node.children.push(build(raw[6][i], node, depth + 1));
    return node;
  }
  var root = build(data.tree, null, 0);
  var focus = root;
  var rendered = [];
  var graph = document.getElementById("graph");
  var details = document.getElementById("details");
  var search = document.getElementById("search");
  var matches = document.getElementById("matches");
  var what = data.diff ? "growth" : "size";

  function hue(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
    return data.diff ? 350 + Math.abs(h) % 30 : 10 + Math.abs(h) % 45;
  }
  function describe(node) {
    if (!node.parent) return "all: " + size(node.total) + " " + what + " in " + count(node.count) + " blocks";
    return visible(node.label) + "\n" + visible(place(node.file, node.line)) + "\n" + size(node.total) + " " + what +
      " (" + percent(node.total, root.total) + " of all), " + size(node.self) + " allocated here";
  }
  function frameDiv(node, depth, left, width, ancestor, pixels) {
    var div = el("div", "frame" + (ancestor ? " ancestor" : ""));
    div.style.left = (100 * left) + "%";
    div.style.width = (100 * width) + "%";
    div.style.top = (depth * ROW) + "px";
    div.style.background = node.parent ? "hsl(" + hue(node.file) + ", 80%, " + (62 + node.depth % 3 * 5) + "%)" : "#cfd8dc";
    if (pixels > 28) div.textContent = node.parent ? visible(node.label) : "all (" + size(node.total) + ")";
    div.title = describe(node);
    div.addEventListener("click", function () { focus = node; render(); });
    div.addEventListener("mouseenter", function () { details.textContent = describe(node); });
    graph.appendChild(div);
    rendered.push({ div: div, node: node });
  }
  function render() {
    graph.textContent = "";
    rendered = [];
    if (!root.total) {
      graph.appendChild(el("p", "note", data.diff ? "Nothing grew." : "No traces."));
      graph.style.height = "auto";
      return;
    }
    var px = graph.clientWidth || 1000;
    var chain = [];
    for (var n = focus; n; n = n.parent) chain.unshift(n);
    for (var i = 0; i < chain.length - 1; i++) frameDiv(chain[i], i, 0, 1, true, px);
    var deepest = chain.length - 1;
    var budget = 8000;
    function lay(node, depth, left, width) {
      frameDiv(node, depth, left, width, false, width * px);
      if (depth > deepest) deepest = depth;
      var x = left, restX = -1, rest = 0, restBytes = 0;
      for (var i = 0; i < node.children.length; i++) {
        var c = node.children[i], w = width * c.total / node.total;
        if (w * px >= 0.5 && budget-- > 0) lay(c, depth + 1, x, w);
        else {
          // Children come biggest first: from the first one too narrow to draw, the rest are too.
          if (restX < 0) restX = x;
          rest++;
          restBytes += c.total;
        }
        x += w;
      }
      if (rest && (left + width - restX) * px >= 1) restDiv(node, depth + 1, restX, left + width - restX, rest, restBytes, px);
    }
    function restDiv(parent, depth, left, width, count, bytes, px) {
      var div = el("div", "frame rest");
      div.style.left = (100 * left) + "%";
      div.style.width = (100 * width) + "%";
      div.style.top = (depth * ROW) + "px";
      if (width * px > 28) div.textContent = "… " + count + " more";
      div.title = count + " frames too narrow to draw: " + size(bytes) + " in all; click to zoom into the frame above";
      div.addEventListener("click", function () { focus = parent; render(); });
      div.addEventListener("mouseenter", function () { details.textContent = div.title; });
      graph.appendChild(div);
      if (depth > deepest) deepest = depth;
    }
    lay(focus, chain.length - 1, 0, 1);
    graph.style.height = ((deepest + 1) * ROW) + "px";
    highlight();
  }
  function matchesQuery(node, q) {
    return node.parent !== null && (node.label + " " + place(node.file, node.line)).toLowerCase().indexOf(q) >= 0;
  }
  function highlight() {
    var q = search.value.trim().toLowerCase();
    graph.className = q ? "searching" : "";
    for (var i = 0; i < rendered.length; i++) {
      rendered[i].div.classList.toggle("match", !!q && matchesQuery(rendered[i].node, q));
    }
    if (!q) { matches.textContent = ""; return; }
    var frames = 0, bytes = 0;
    (function walk(node, inside) {
      var hit = matchesQuery(node, q);
      if (hit) frames++;
      if (hit && !inside) bytes += node.total;
      for (var i = 0; i < node.children.length; i++) walk(node.children[i], inside || hit);
    })(root, false);
    matches.textContent = frames ? frames + " frames match: " + size(bytes) + " (" + percent(bytes, root.total) + ")"
      : "no frame matches";
  }
  search.addEventListener("input", function () {
    highlight();
    // The search is kept in the address (#search=...), so a link or a reload shows it again.
    try {
      history.replaceState(null, "", search.value ? "#search=" + encodeURIComponent(search.value) : "#");
    } catch (e) {
      // some browsers refuse history changes on file: pages; the search works all the same
    }
  });
  if (location.hash.indexOf("#search=") === 0) {
    try { search.value = decodeURIComponent(location.hash.slice(8)); } catch (e) { search.value = ""; }
  }
  document.getElementById("reset").addEventListener("click", function () { focus = root; render(); });
  window.addEventListener("resize", render);

  // Files shown relative to the folder they all share (the full name in each cell's tooltip).
  var files = data.top.map(function (row) { return row.file; }).concat((data.leaks || []).map(function (l) { return l.file; }));
  var common = files.length ? files[0].slice(0, files[0].lastIndexOf("/") + 1) : "";
  files.forEach(function (file) {
    while (common && file.indexOf(common) !== 0) common = common.slice(0, common.slice(0, -1).lastIndexOf("/") + 1);
  });
  if (common.length < 2) common = "";
  function short(file) { return common ? file.slice(common.length) : file; }
  if (common) document.getElementById("top").insertBefore(el("p", "note", "Files under " + common), document.getElementById("top-table"));

  // The top lines.
  var top = document.getElementById("top-table");
  var head = el("tr");
  var columns = data.diff ? ["#", "location", "function", "size", "\u0394 size", "count", "\u0394 count"]
    : ["#", "location", "function", "size", "count", "average"];
  for (var c = 0; c < columns.length; c++) head.appendChild(el("th", c > 2 ? "num" : "", columns[c]));
  top.appendChild(head);
  data.top.forEach(function (row, i) {
    var tr = el("tr", "row");
    tr.appendChild(el("td", "num", i + 1));
    var cell = el("td", "loc", place(short(row.file), row.line));
    cell.title = visible(place(row.file, row.line));
    tr.appendChild(cell);
    tr.appendChild(el("td", "fn", row.fn || ""));
    tr.appendChild(el("td", "num", size(row.size)));
    if (data.diff) {
      tr.appendChild(el("td", "num " + (row.sizeDiff > 0 ? "grow" : row.sizeDiff < 0 ? "shrink" : ""), size(row.sizeDiff, true)));
      tr.appendChild(el("td", "num", count(row.count)));
      tr.appendChild(el("td", "num", count(row.countDiff, true)));
    } else {
      tr.appendChild(el("td", "num", count(row.count)));
      tr.appendChild(el("td", "num", row.count ? size(row.size / row.count) : "-"));
    }
    tr.addEventListener("click", function () {
      var slash = Math.max(row.file.lastIndexOf("/"), row.file.lastIndexOf("\\"));
      search.value = row.file.slice(slash + 1) + ":" + row.line;
      highlight();
    });
    top.appendChild(tr);
  });
  if (!data.top.length) document.getElementById("top").appendChild(el("p", "note", "No lines."));

  // Memory over time: the totals of the session's snapshots.
  var points = data.timeline || [];
  if (points.length >= 2) {
    var box = document.getElementById("timeline");
    box.appendChild(el("h2", "", "Memory over time (" + points.length + " snapshots)"));
    var W = 1000, H = 120, pad = 18, max = 0;
    points.forEach(function (p) { if (p.size > max) max = p.size; });
    var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", role: "img" });
    var step = (W - 2 * pad) / points.length;
    points.forEach(function (p, i) {
      var h = max ? (H - 2 * pad) * p.size / max : 0;
      var bar = svg("rect", { x: pad + i * step + step * 0.15, y: H - pad - h, width: step * 0.7, height: h,
        fill: p.current ? "#d84315" : p.base ? "#1e88e5" : "#90a4ae" });
      var tip = svg("title", {});
      tip.textContent = visible(p.label) + ": " + size(p.size) + " in " + p.traces + " traces, " + p.time;
      bar.appendChild(tip);
      chart.appendChild(bar);
      var text = svg("text", { x: pad + i * step + step / 2, y: H - 5, "text-anchor": "middle" });
      text.textContent = visible(p.label) + " " + size(p.size);
      chart.appendChild(text);
    });
    box.appendChild(chart);
  }

  // Leaks: the places that grew steadily over the session's snapshots, when the report has them.
  var leaks = data.leaks || [];
  if (leaks.length) {
    var section = document.getElementById("leaks");
    section.appendChild(el("h2", "", "Leaks: steady growth over " + (leaks[0].intervals + 1) + " snapshots"));
    var table = el("table");
    var lh = el("tr");
    ["#", "location", "function", "growth", "grew", "steadiness", "sizes"].forEach(function (t, i) {
      lh.appendChild(el("th", i > 2 && i < 6 ? "num" : "", t));
    });
    table.appendChild(lh);
    leaks.forEach(function (leak, i) {
      var tr = el("tr");
      tr.appendChild(el("td", "num", i + 1));
      var where = el("td", "loc", place(short(leak.file), leak.line));
      where.title = visible(place(leak.file, leak.line));
      tr.appendChild(where);
      tr.appendChild(el("td", "fn", leak.fn || ""));
      tr.appendChild(el("td", "num grow", size(leak.growth, true)));
      tr.appendChild(el("td", "num", leak.grew + "/" + leak.intervals));
      tr.appendChild(el("td", "num", leak.steadiness.toFixed(2)));
      tr.appendChild(el("td", "", leak.bars || ""));
      table.appendChild(tr);
    });
    section.appendChild(table);
  }

  render();
  document.documentElement.setAttribute("data-rendered", "true");
})();
`;
