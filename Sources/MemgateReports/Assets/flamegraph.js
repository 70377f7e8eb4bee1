/* memgate flamegraph page.
 * Reads the JSON in #memgate-data (see HtmlPageData.swift) and draws the memory timeline (SVG),
 * the icicle graph of stacks live at the peak (canvas), the top-sites and diff tables.
 * Every string from the measured program reaches the page through textContent, attribute
 * setters or canvas fillText — never through HTML parsing. */
(function () {
  "use strict";

  var startedAt = performance.now();
  var data = JSON.parse(document.getElementById("memgate-data").textContent);
  var tree = data.tree;
  var S = tree.strings;
  var N = tree.parent.length;
  var diff = data.diff || null;
  var ROW = 18;             // px per stack level
  var MIN_WIDTH = 0.5;      // frames narrower than this (px) are not drawn, nor their children
  var KIND_ROOT = 0, KIND_RUNTIME = 3;
  var FONT = '12px ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';
  var liveTotal = tree.bytes[0] || 0;
  var peakBase = data.peakBytes > 0 ? data.peakBytes : (liveTotal || 1);

  // ---- formatting (binary units, as in the config and the other reports)
  var UNITS = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  function formatBytes(bytes) {
    var magnitude = Math.abs(bytes), sign = bytes < 0 ? "-" : "";
    if (magnitude < 1024) return sign + magnitude + " B";
    var value = magnitude / 1024, unit = 0;
    while (unit < UNITS.length - 1 && Math.round(value * 10) / 10 >= 1024) { value /= 1024; unit++; }
    return sign + value.toFixed(1) + " " + UNITS[unit];
  }
  function signedBytes(bytes) { return bytes === 0 ? "±0 B" : (bytes > 0 ? "+" : "") + formatBytes(bytes); }
  function percentOf(part, whole) { return whole > 0 ? (part / whole * 100).toFixed(1) + "%" : "—"; }
  function signedFraction(fraction) {
    var text = (Math.abs(fraction) * 100).toFixed(1);
    return (text === "0.0" ? "±" : fraction > 0 ? "+" : "-") + text + "%";
  }
  function formatCount(count) { return Number(count).toLocaleString("en-US"); }
  function formatMs(ms) {
    if (ms >= 1000) return (ms / 1000).toFixed(ms >= 10000 ? 0 : 1) + " s";
    return (ms >= 10 || Number.isInteger(ms) ? ms.toFixed(0) : ms.toFixed(1)) + " ms";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function str(index) { return index >= 0 ? S[index] : null; }

  // ---- tree geometry: nodes arrive in pre-order, children sorted by bytes (largest first)
  var depth = new Int32Array(N), offset = new Float64Array(N), cursor = new Float64Array(N);
  var selfBytes = new Float64Array(N), children = new Array(N);
  for (var i = 0; i < N; i++) { children[i] = []; selfBytes[i] = tree.bytes[i]; }
  for (i = 1; i < N; i++) {
    var p = tree.parent[i];
    depth[i] = depth[p] + 1;
    offset[i] = offset[p] + cursor[p];
    cursor[p] += tree.bytes[i];
    selfBytes[p] -= tree.bytes[i];
    children[p].push(i);
  }

  function fnName(node) { return node === 0 ? "all" : S[tree.function[node]]; }
  function frameLocation(node) {
    var file = str(tree.file[node]), line = tree.line[node];
    if (file) return line > 0 ? file + ":" + line : file;
    return str(tree.module[node]) || "";
  }
  function diffRow(node) { var row = tree.site[node]; return diff && row >= 0 ? diff.rows[row] : null; }

  // ---- colours: by source file (or module) normally; by growth in diff mode
  function hash(text) {
    var h = 2166136261;
    for (var k = 0; k < text.length; k++) { h ^= text.charCodeAt(k); h = Math.imul(h, 16777619); }
    return h >>> 0;
  }
  var colourCache = new Map();
  function normalColour(node) {
    var kind = tree.kind[node];
    if (kind === KIND_ROOT) return "#cdd3db";
    if (kind === KIND_RUNTIME) return "#dde0e5";
    var key = str(tree.file[node]) || str(tree.module[node]) || fnName(node);
    var colour = colourCache.get(key);
    if (!colour) {
      // Golden-angle hues in order of first appearance (largest frames first) keep the big
      // files distinct; the hash only varies the lightness a little.
      var hue = (colourCache.size * 137.508 + 200) % 360;
      colour = "hsl(" + hue.toFixed(0) + ",58%," + (76 + hash(key) % 6) + "%)";
      colourCache.set(key, colour);
    }
    return colour;
  }
  function changeColour(change, strength) {
    var lightness = 90 - 30 * strength;
    if (change === "grown" || change === "new") return "hsl(6,80%," + lightness + "%)";
    if (change === "shrunk" || change === "gone") return "hsl(213,75%," + lightness + "%)";
    return "#d9dde3";
  }
  // Changes the gate tolerates stay pale; those beyond tolerance get darker with their size.
  function rowStrength(row) {
    if (!row.beyondTolerance) return 0.15;
    if (row.change === "new" || row.change === "gone") return 1;
    return Math.min(1, 0.45 + Math.abs(row.deltaFraction || 0));
  }
  function diffColour(node) {
    var row = diffRow(node);
    if (!row) return node === 0 ? "#d5d9df" : "#eef0f3";
    return changeColour(row.change, rowStrength(row));
  }

  // ---- state
  var state = { zoom: 0, diffMode: false, matches: null };
  var canvas = document.getElementById("flame");
  var ctx = canvas.getContext("2d");
  var wrap = document.getElementById("flame-wrap");
  var tooltip = document.getElementById("tooltip");
  var hoverBox = el("div");
  hoverBox.style.cssText = "position:absolute;pointer-events:none;border:1.5px solid #1c232c;display:none;box-sizing:border-box";
  wrap.appendChild(hoverBox);
  var drawnRows = [];       // per depth: flat [x, width, node, …] in increasing x

  function frameLabel(node) {
    if (node === 0) return "all · " + formatBytes(liveTotal) + " live at peak";
    var name = fnName(node);
    if (!state.diffMode) return name;
    var row = diffRow(node);
    if (!row) return name;
    if (row.change === "new") return "new · " + name + " " + signedBytes(row.deltaBytes);
    return name + " " + signedBytes(row.deltaBytes);
  }

  function ancestorsOf(node) {
    var path = [];
    for (var a = node; a >= 0; a = tree.parent[a]) path.push(a);
    return path.reverse();
  }

  function drawFlame() {
    var width = Math.max(200, wrap.clientWidth);
    var zoom = state.zoom, path = ancestorsOf(zoom);
    var scale = width / Math.max(1, tree.bytes[zoom]), x0 = offset[zoom];
    var nodes = [], xs = [], widths = [], deepest = depth[zoom];
    for (var k = 0; k < path.length; k++) { nodes.push(path[k]); xs.push(0); widths.push(width); }
    var stack = [];
    function pushChildren(node) {
      var list = children[node], count = 0;
      while (count < list.length && tree.bytes[list[count]] * scale >= MIN_WIDTH) count++;
      for (var j = count - 1; j >= 0; j--) stack.push(list[j]);
    }
    pushChildren(zoom);
    while (stack.length) {
      var node = stack.pop();
      nodes.push(node); xs.push((offset[node] - x0) * scale); widths.push(tree.bytes[node] * scale);
      if (depth[node] > deepest) deepest = depth[node];
      pushChildren(node);
    }

    var height = (deepest + 1) * ROW + 1, ratio = window.devicePixelRatio || 1;
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    var charWidth = ctx.measureText("MMMMMMMMMM").width / 10 || 7.2;
    var matches = state.matches;
    drawnRows = [];
    for (k = 0; k < nodes.length; k++) {
      var n = nodes[k], x = xs[k], w = widths[k], y = depth[n] * ROW;
      (drawnRows[depth[n]] || (drawnRows[depth[n]] = [])).push(x, w, n);
      var dim = matches && !matches[n];
      ctx.globalAlpha = dim ? 0.3 : 1;
      ctx.fillStyle = state.diffMode ? diffColour(n) : normalColour(n);
      ctx.fillRect(x, y, w > 2 ? w - 1 : w, ROW - 1);
      if (matches && matches[n] && w > 2) {
        ctx.strokeStyle = "#8e24aa";
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 1, y + 1, w - 3, ROW - 3);
      }
      var maxChars = Math.floor((w - 6) / charWidth);
      if (maxChars >= 2) {
        var label = frameLabel(n);
        if (label.length > maxChars) label = label.slice(0, maxChars - 1) + "…";
        ctx.fillStyle = state.diffMode && !diffRow(n) && n !== 0 ? "#6b7480" : "#1a2029";
        ctx.fillText(label, x + 3, y + ROW / 2);
      }
    }
    ctx.globalAlpha = 1;
    hoverBox.style.display = "none";
    renderBreadcrumbs(path);
    document.getElementById("reset-zoom").disabled = zoom === 0;
  }

  function nodeAt(clientX, clientY) {
    var rect = canvas.getBoundingClientRect();
    var x = clientX - rect.left, row = drawnRows[Math.floor((clientY - rect.top) / ROW)];
    if (!row) return null;
    var low = 0, high = row.length / 3 - 1;
    while (low <= high) {
      var mid = (low + high) >> 1, start = row[mid * 3], width = row[mid * 3 + 1];
      if (x < start) high = mid - 1;
      else if (x >= start + width) low = mid + 1;
      else return { node: row[mid * 3 + 2], x: start, width: width };
    }
    return null;
  }

  function renderBreadcrumbs(path) {
    var crumbs = document.getElementById("breadcrumbs");
    crumbs.replaceChildren();
    if (path.length === 1) { crumbs.appendChild(el("span", null, "Click a frame to zoom in. Width = bytes live at the peak.")); return; }
    path.forEach(function (node, index) {
      if (index > 0) crumbs.appendChild(el("span", "sep", "›"));
      var link = el(index === path.length - 1 ? "span" : "a", null, fnName(node));
      if (index < path.length - 1) link.addEventListener("click", function () { zoomTo(node); });
      crumbs.appendChild(link);
    });
  }

  function zoomTo(node) { state.zoom = node; tooltip.hidden = true; drawFlame(); }

  function showTooltip(hit, event) {
    var node = hit.node, bytes = tree.bytes[node];
    tooltip.replaceChildren();
    tooltip.appendChild(el("div", "tt-name", fnName(node)));
    // The readable name is drawn on the frame; the full demangled symbol is shown here only.
    var symbol = tree.symbol ? str(tree.symbol[node]) : null;
    if (symbol) tooltip.appendChild(el("div", "tt-symbol", symbol));
    var where = frameLocation(node), module = str(tree.module[node]);
    if (where) tooltip.appendChild(el("div", "tt-loc", where));
    if (module && module !== where) tooltip.appendChild(el("div", "tt-loc", "in " + module));
    tooltip.appendChild(el("div", "tt-row", formatBytes(bytes) + " live at peak · " + percentOf(bytes, peakBase) + " of peak"));
    tooltip.appendChild(el("div", "tt-row", formatCount(tree.allocations[node]) + " allocations live at peak"));
    if (children[node].length) tooltip.appendChild(el("div", "tt-row", "self: " + formatBytes(selfBytes[node])));
    var row = diffRow(node);
    if (row) {
      var change = row.change === "grown" || row.change === "new" ? "tt-diff-grown" : "tt-diff-shrunk";
      var text = row.change === "new"
        ? "new site (not in baseline): " + formatBytes(row.currentBytes)
        : "site vs baseline: " + formatBytes(row.baselineBytes) + " → " + formatBytes(row.currentBytes) + " (" + signedBytes(row.deltaBytes) +
          (row.deltaFraction !== undefined && row.deltaFraction !== null ? ", " + signedFraction(row.deltaFraction) : "") + ")";
      tooltip.appendChild(el("div", "tt-row " + change, text));
    }
    var hint = node === 0 ? (state.zoom ? "click to reset zoom" : "") : (node === state.zoom ? "click to zoom out" : "click to zoom in");
    if (hint) tooltip.appendChild(el("div", "tt-hint", hint));
    tooltip.hidden = false;
    var left = event.clientX + 14, top = event.clientY + 16;
    var box = tooltip.getBoundingClientRect();
    if (left + box.width > window.innerWidth - 8) left = Math.max(8, event.clientX - box.width - 14);
    if (top + box.height > window.innerHeight - 8) top = Math.max(8, event.clientY - box.height - 12);
    tooltip.style.left = left + "px";
    tooltip.style.top = top + "px";
    hoverBox.style.display = "block";
    hoverBox.style.left = hit.x + "px";
    hoverBox.style.top = depth[node] * ROW + "px";
    hoverBox.style.width = Math.max(hit.width - 1, 1) + "px";
    hoverBox.style.height = ROW - 1 + "px";
  }

  canvas.addEventListener("mousemove", function (event) {
    var hit = nodeAt(event.clientX, event.clientY);
    if (hit) showTooltip(hit, event); else { tooltip.hidden = true; hoverBox.style.display = "none"; }
  });
  canvas.addEventListener("mouseleave", function () { tooltip.hidden = true; hoverBox.style.display = "none"; });
  canvas.addEventListener("click", function (event) {
    var hit = nodeAt(event.clientX, event.clientY);
    if (!hit) return;
    if (hit.node === 0) zoomTo(0);
    else if (hit.node === state.zoom) zoomTo(tree.parent[hit.node]);
    else zoomTo(hit.node);
  });
  document.getElementById("reset-zoom").addEventListener("click", function () { zoomTo(0); });

  // ---- search: highlight frames whose function or file contains the text
  var searchBox = document.getElementById("search"), searchResult = document.getElementById("search-result");
  function runSearch() {
    var query = searchBox.value.trim().toLowerCase();
    if (!query) { state.matches = null; searchResult.textContent = ""; drawFlame(); return; }
    var stringHit = new Int8Array(S.length);
    for (var s = 0; s < S.length; s++) stringHit[s] = S[s].toLowerCase().indexOf(query) >= 0 ? 1 : 0;
    var matches = new Uint8Array(N), covered = new Uint8Array(N), matchedBytes = 0, count = 0;
    for (var n = 1; n < N; n++) {
      var parent = tree.parent[n];
      covered[n] = covered[parent] || matches[parent];
      if (stringHit[tree.function[n]] || (tree.file[n] >= 0 && stringHit[tree.file[n]])) {
        matches[n] = 1;
        count++;
        if (!covered[n]) matchedBytes += tree.bytes[n];   // nested matches are counted once
      }
    }
    state.matches = matches;
    searchResult.textContent = count === 0 ? "no match"
      : count + (count === 1 ? " frame" : " frames") + " · " + percentOf(matchedBytes, liveTotal) + " matched (" + formatBytes(matchedBytes) + ")";
    searchResult.dataset.percent = liveTotal > 0 ? (matchedBytes / liveTotal * 100).toFixed(1) : "0";
    drawFlame();
  }
  var searchTimer = 0;
  searchBox.addEventListener("input", function () { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 120); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== searchBox) { event.preventDefault(); searchBox.focus(); }
    else if (event.key === "Escape") {
      if (searchBox.value) { searchBox.value = ""; runSearch(); } else zoomTo(0);
    }
  });
  function searchFor(text) { searchBox.value = text; runSearch(); searchBox.scrollIntoView({ block: "nearest" }); }

  // ---- the frames under the root, as DOM for tests and assistive technology
  function renderFrameList() {
    var list = document.getElementById("frame-list");
    list.replaceChildren();
    children[0].forEach(function (node) {
      var item = el("li", "frame", fnName(node) + " — " + formatBytes(tree.bytes[node]) + " (" + percentOf(tree.bytes[node], peakBase) + ")");
      item.dataset.name = fnName(node);
      item.dataset.bytes = String(tree.bytes[node]);
      item.dataset.depth = "1";
      item.dataset.location = frameLocation(node);
      list.appendChild(item);
    });
  }

  // ---- tables
  // Labels ending in "|n" head a numeric (right-aligned) column.
  function headerRow(table, labels) {
    var row = el("tr");
    labels.forEach(function (label) {
      var numeric = label.slice(-2) === "|n";
      row.appendChild(el("th", numeric ? "num" : null, numeric ? label.slice(0, -2) : label));
    });
    var head = el("thead"); head.appendChild(row); table.appendChild(head);
  }
  function cell(row, className, text) { var td = el("td", className, text); row.appendChild(td); return td; }
  function changeTag(row) {
    var wrapTag = el("span");
    wrapTag.appendChild(el("span", "tag tag-" + row.change, row.change));
    if (row.beyondTolerance && row.change !== "unchanged") wrapTag.appendChild(el("span", "tag tag-beyond", "beyond tolerance"));
    return wrapTag;
  }

  function renderSites() {
    var table = document.getElementById("sites-table");
    table.replaceChildren();
    var labels = ["#|n", "Function", "Location", "Live at peak|n", "% of peak|n", "Allocations at peak|n", "Allocated bytes|n", "Allocations|n"];
    if (diff) labels.push("Δ vs baseline|n");
    headerRow(table, labels);
    var body = el("tbody");
    if (!data.sites.length) { var empty = el("tr"); var td = cell(empty, "empty", "No allocations were live at the peak."); td.colSpan = labels.length; body.appendChild(empty); }
    data.sites.forEach(function (site, index) {
      var row = el("tr", "clickable");
      cell(row, "num muted", index + 1);
      cell(row, "fn", site.function);
      cell(row, "loc", site.file ? site.file + (site.line ? ":" + site.line : "") : "");
      cell(row, "num", formatBytes(site.bytesAtPeak));
      var bar = cell(row, "num bar"), fill = el("i"); fill.style.width = Math.round(Math.min(1, site.bytesAtPeak / peakBase) * 60) + "px";
      bar.appendChild(fill); bar.appendChild(el("b", null, percentOf(site.bytesAtPeak, peakBase)));
      cell(row, "num", formatCount(site.allocationsAtPeak));
      cell(row, "num", formatBytes(site.totalBytes));
      cell(row, "num", formatCount(site.allocationCount));
      if (diff) {
        var change = site.diffRow >= 0 ? diff.rows[site.diffRow] : null;
        var deltaCell = cell(row, "num", change ? (change.change === "new" ? "new " : "") + signedBytes(change.deltaBytes) : "");
        if (change && state.diffMode) deltaCell.style.background = changeColour(change.change, rowStrength(change));
      }
      row.addEventListener("click", function () { searchFor(site.function); });
      body.appendChild(row);
    });
    table.appendChild(body);
  }

  function renderDiffTable() {
    if (!diff) return;
    document.getElementById("diff-caption").textContent = "peak " + formatBytes(diff.baselinePeakBytes) + " → " +
      formatBytes(diff.currentPeakBytes) + " (" + signedBytes(diff.peakDeltaBytes) + ")";
    var table = document.getElementById("diff-table");
    table.replaceChildren();
    headerRow(table, ["Function", "Location", "Baseline|n", "Now|n", "Δ bytes|n", "Δ %|n", "Change"]);
    var body = el("tbody");
    diff.rows.forEach(function (change) {
      var row = el("tr", "clickable");
      row.dataset.site = change.key;
      row.dataset.change = change.change;
      row.dataset.deltaBytes = String(change.deltaBytes);
      cell(row, "fn", change.function);
      cell(row, "loc", change.file + (change.line ? ":" + change.line : ""));
      cell(row, "num", change.baselineBytes === undefined ? "—" : formatBytes(change.baselineBytes));
      cell(row, "num", formatBytes(change.currentBytes));
      var delta = cell(row, "num", signedBytes(change.deltaBytes));
      delta.style.background = changeColour(change.change, rowStrength(change));
      cell(row, "num", change.deltaFraction === undefined || change.deltaFraction === null ? "—" : signedFraction(change.deltaFraction));
      cell(row).appendChild(changeTag(change));
      row.addEventListener("click", function () { searchFor(change.function); });
      body.appendChild(row);
    });
    if (!diff.rows.length) { var empty = el("tr"); var td = cell(empty, "empty", "No sites to compare."); td.colSpan = 7; body.appendChild(empty); }
    table.appendChild(body);
  }

  function renderLegend() {
    var legend = document.getElementById("legend");
    legend.replaceChildren();
    function swatch(colour, text) { var item = el("span"), box = el("i"); box.style.background = colour; item.appendChild(box); item.appendChild(document.createTextNode(text)); legend.appendChild(item); }
    if (state.diffMode) {
      swatch(changeColour("grown", 1), "grown / new site");
      swatch(changeColour("shrunk", 1), "shrunk / gone");
      swatch("#d9dde3", "unchanged site");
      swatch("#eef0f3", "not a compared site");
      legend.appendChild(el("span", null, "pale = within tolerance · darker = larger change"));
    } else {
      swatch("hsl(200,60%,78%)", "colour = source file or module");
      swatch("#dde0e5", "allocator / runtime");
      legend.appendChild(el("span", null, "width = bytes live at the peak · click to zoom · / to search · Esc to reset"));
    }
  }

  var diffToggle = document.getElementById("diff-toggle");
  if (!diff) {
    diffToggle.disabled = true;
    document.getElementById("diff-toggle-label").classList.add("disabled");
    document.getElementById("diff-toggle-label").title = "No baseline recorded for this case";
  }
  function applyDiffMode() {
    state.diffMode = diffToggle.checked && !!diff;
    document.getElementById("diff-panel").hidden = !state.diffMode;
    document.body.dataset.mode = state.diffMode ? "diff" : "normal";
  }
  diffToggle.addEventListener("change", function () {
    applyDiffMode();
    try { history.replaceState(null, "", state.diffMode ? "#diff" : window.location.pathname + window.location.search); } catch (ignored) { /* file: URLs may refuse */ }
    renderLegend(); renderSites(); drawFlame();
  });
  // A link ending in #diff opens the page in diff mode.
  if (diff && window.location.hash === "#diff") diffToggle.checked = true;
  applyDiffMode();

  // ---- memory over time
  function niceStep(raw) {
    if (!(raw > 0)) return 1;
    var power = Math.pow(10, Math.floor(Math.log10(raw))), fraction = raw / power;
    return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
  }
  function renderTimeline() {
    var svg = document.getElementById("timeline-svg"), NS = svg.namespaceURI;
    function make(tag, attributes, text) {
      var node = document.createElementNS(NS, tag);
      for (var key in attributes) node.setAttribute(key, attributes[key]);
      if (text !== undefined) node.textContent = text;
      svg.appendChild(node);
      return node;
    }
    var W = Math.max(320, svg.clientWidth || svg.parentNode.clientWidth || 800), H = 220;
    var margin = { left: 72, right: 24, top: 26, bottom: 26 };
    svg.replaceChildren();
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var times = data.timelineMilliseconds, bytes = data.timelineBytes;
    if (!times.length) { times = [data.peakTimeMilliseconds]; bytes = [data.peakBytes]; }
    // Resident memory shares the axes when shown; it is usually far above the requested bytes.
    var residentTimes = data.residentMilliseconds || [], residentBytes = data.residentBytes || [];
    var showResident = residentTimes.length > 0 && residentShown;
    var residentMax = showResident ? Math.max.apply(null, residentBytes) : 0;
    var maxBytes = Math.max(data.peakBytes, data.limitBytes || 0, data.baselinePeakBytes || 0, Math.max.apply(null, bytes), residentMax, 1);
    var maxTime = Math.max(data.durationMilliseconds, data.peakTimeMilliseconds, times[times.length - 1],
      showResident ? residentTimes[residentTimes.length - 1] : 0, 0);
    if (!(maxTime > 0)) maxTime = 1;
    var unit = 1, unitName = "B", unitIndex = -1;
    while (unitIndex < UNITS.length - 1 && maxBytes / (unit * 1024) >= 1) { unit *= 1024; unitIndex++; unitName = UNITS[unitIndex]; }
    var yStep = niceStep(maxBytes / unit / 4) * unit, yMax = Math.ceil(maxBytes * 1.1 / yStep) * yStep;
    var xStep = niceStep(maxTime / 6);
    var plotW = W - margin.left - margin.right, plotH = H - margin.top - margin.bottom;
    function sx(t) { return margin.left + t / maxTime * plotW; }
    function sy(b) { return margin.top + (1 - b / yMax) * plotH; }
    for (var v = 0; v <= yMax + 1e-9; v += yStep) {
      make("line", { "class": "grid", x1: margin.left, x2: W - margin.right, y1: sy(v), y2: sy(v) });
      var value = v / unit;
      make("text", { "class": "axis-label", x: margin.left - 8, y: sy(v) + 4, "text-anchor": "end" },
        v === 0 ? "0" : (Number.isInteger(value) ? value : value.toFixed(1)) + " " + unitName);
    }
    for (var t = 0; t <= maxTime + 1e-9; t += xStep) {
      make("text", { "class": "axis-label", x: sx(t), y: H - 6, "text-anchor": "middle" }, formatMs(t));
    }
    var line = "", area = "M" + sx(times[0]) + "," + sy(0);
    for (var k = 0; k < times.length; k++) {
      var point = sx(times[k]).toFixed(1) + "," + sy(bytes[k]).toFixed(1);
      line += (k ? "L" : "M") + point;
      area += "L" + point;
    }
    area += "L" + sx(times[times.length - 1]).toFixed(1) + "," + sy(0) + "Z";
    make("path", { "class": "area", d: area });
    make("path", { "class": "line", d: line });
    if (showResident) {
      var residentLine = "";
      for (var r = 0; r < residentTimes.length; r++) {
        residentLine += (r ? "L" : "M") + sx(residentTimes[r]).toFixed(1) + "," + sy(residentBytes[r]).toFixed(1);
      }
      var residentPath = make("path", { id: "timeline-resident", "class": "resident-line", d: residentLine });
      residentPath.setAttribute("data-points", String(residentTimes.length));
      if (residentTimes.length === 1) make("circle", { "class": "resident-sample", cx: sx(residentTimes[0]), cy: sy(residentBytes[0]), r: 2.5 });
    }
    if (times.length === 1) make("circle", { "class": "sample", cx: sx(times[0]), cy: sy(bytes[0]), r: 2.5, fill: "#2f6fb3" });
    function marker(valueBytes, className, text) {
      make("line", { "class": className, x1: margin.left, x2: W - margin.right, y1: sy(valueBytes), y2: sy(valueBytes) });
      make("text", { "class": "marker-label " + className + "-label", x: W - margin.right, y: sy(valueBytes) - 4, "text-anchor": "end" }, text);
    }
    if (data.limitBytes) marker(data.limitBytes, "limit", "limit " + formatBytes(data.limitBytes));
    if (data.baselinePeakBytes !== undefined && data.baselinePeakBytes !== null) marker(data.baselinePeakBytes, "baseline", "baseline peak " + formatBytes(data.baselinePeakBytes));
    var px = sx(data.peakTimeMilliseconds), py = sy(data.peakBytes);
    var peak = make("circle", { id: "timeline-peak", "class": "peak", cx: px, cy: py, r: 5 });
    peak.setAttribute("data-bytes", String(data.peakBytes));
    peak.setAttribute("data-time-ms", String(data.peakTimeMilliseconds));
    var anchor = px > W - 160 ? "end" : (px < margin.left + 80 ? "start" : "middle");
    make("text", { "class": "peak-label", x: px + (anchor === "end" ? -8 : anchor === "start" ? 8 : 0), y: Math.max(12, py - 10), "text-anchor": anchor },
      "peak " + formatBytes(data.peakBytes) + " at " + formatMs(data.peakTimeMilliseconds));
    document.getElementById("timeline-caption").textContent = data.timelineMilliseconds.length
      ? data.timelineMilliseconds.length + " samples over " + formatMs(maxTime)
      : "no samples recorded; showing the peak only";
  }

  // The timeline's legend, with a switch for the resident-memory series.
  var residentShown = true;
  function renderTimelineLegend() {
    var legend = document.getElementById("timeline-legend");
    if (!legend) return;
    legend.replaceChildren();
    function entry(className, text) {
      var item = el("span", "series " + className), box = el("i");
      item.appendChild(box);
      item.appendChild(document.createTextNode(text));
      legend.appendChild(item);
      return item;
    }
    entry("requested", "requested bytes live (exact, every change)");
    if (!(data.residentMilliseconds || []).length) return;
    var label = el("label", "toggle series resident"), box = el("input"), swatchBox = el("i");
    box.type = "checkbox";
    box.id = "resident-toggle";
    box.checked = residentShown;
    box.addEventListener("change", function () { residentShown = box.checked; renderTimeline(); });
    label.appendChild(box);
    label.appendChild(swatchBox);
    var peakText = data.residentPeakBytes ? ", peak " + formatBytes(data.residentPeakBytes) : "";
    label.appendChild(document.createTextNode("RSS of the process tree (sampled" + peakText + ")"));
    legend.appendChild(label);
  }

  var resizeFrame = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(function () { renderTimeline(); drawFlame(); });
  });

  renderFrameList();
  renderTimelineLegend();
  renderTimeline();
  renderLegend();
  renderSites();
  renderDiffTable();
  drawFlame();
  document.body.dataset.renderMs = (performance.now() - startedAt).toFixed(0);
  document.body.dataset.ready = "1";
})();
