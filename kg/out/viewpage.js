(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  var M = D.meta, T = M.words, lang = M.lang;
  var byId = {}, adj = {};
  D.nodes.forEach(function (n) { byId[n.id] = n; adj[n.id] = []; });
  D.edges.forEach(function (e) { adj[e.from].push(e); adj[e.to].push(e); });
  var $ = function (id) { return document.getElementById(id); };
  var READABLE = 0.8;  // the smallest zoom at which the labels of most nodes are drawn
  var state = {rel: {}, cls: {}, dist: {}, conf: 0, districtLinks: false, isolates: false, colour: "district",
               pinned: null};
  M.relations.forEach(function (r) { state.rel[r] = true; });
  M.classes.forEach(function (c) { state.cls[c] = true; });
  M.districts.forEach(function (d) { state.dist[d.id] = true; });

  function word(k) { return (T[lang] && T[lang][k]) || k; }
  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined && text !== null) { x.textContent = String(text); }
    if (cls) { x.className = cls; }
    return x;
  }
  function districtEdge(e) { return e.dl; }
  function nodeAllowed(n) {
    if (!state.cls[n.core]) { return false; }
    if (n.core === "District") { return state.districtLinks; }
    return !n.d || state.dist[n.d] !== false;
  }
  function edgeVisible(e) {
    return state.rel[e.r] && e.c >= state.conf && (state.districtLinks || !districtEdge(e)) &&
      nodeAllowed(byId[e.from]) && nodeAllowed(byId[e.to]);
  }
  function colourOf(n) {
    if (state.colour === "district" && n.core !== "District") {
      return n.d && M.districtColours[n.d] ? M.districtColours[n.d] : "#9aa0a6";
    }
    return M.classColours[n.core];
  }
  var nodes = new vis.DataSet(D.nodes.map(function (n) {
    return {id: n.id, label: n.l, value: n.deg + 1, x: n.x, y: n.y, shape: "dot",
            color: {background: M.classColours[n.core], border: "#555"}};
  }));
  var edges = new vis.DataSet(D.edges.map(function (e) {
    var c = M.relationColours[e.r];
    return {id: e.id, from: e.from, to: e.to, color: {color: c, highlight: c, hover: c}, width: 1 + 2 * e.c,
            arrows: e.r === "partner" ? "" : "to"};
  }));
  var visibleNodes = new Set(), visibleEdges = new Set();
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return visibleNodes.has(n.id); }});
  var edgeView = new vis.DataView(edges, {filter: function (e) { return visibleEdges.has(e.id); }});
  var network = new vis.Network($("kg-network"), {nodes: nodeView, edges: edgeView}, D.options);
  var kg = window.kgView = {network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
                            state: state, ready: false, isolatesHidden: 0, update: update, select: select,
                            setLang: setLang, search: search};

  function update() {
    visibleEdges = new Set(); visibleNodes = new Set();
    var linked = new Set(), perRel = {};
    D.edges.forEach(function (e) {
      if (edgeVisible(e)) {
        visibleEdges.add(e.id); linked.add(e.from); linked.add(e.to);
        perRel[e.r] = (perRel[e.r] || 0) + 1;
      }
    });
    var hidden = 0;
    D.nodes.forEach(function (n) {
      if (!nodeAllowed(n)) { return; }
      if (linked.has(n.id) || state.isolates || n.id === state.pinned) { visibleNodes.add(n.id); }
      else { hidden += 1; }
    });
    if (state.pinned && byId[state.pinned]) { visibleNodes.add(state.pinned); }  // what was searched is shown
    kg.isolatesHidden = hidden; kg.perRelation = perRel;
    nodes.update(D.nodes.map(function (n) {
      var c = colourOf(n);
      return {id: n.id, color: {background: c, border: "#555", highlight: {background: c, border: "#000"}}};
    }));
    nodeView.refresh(); edgeView.refresh();
    M.relations.forEach(function (r) { $("kg-n-" + r).textContent = (perRel[r] || 0) + "/" + (M.relationCounts[r] || 0); });
    $("kg-status").textContent = word("nodes") + " " + visibleNodes.size + " · " + word("edges") + " " + visibleEdges.size;
    var iso = $("kg-isolates-note");
    iso.textContent = hidden && !state.isolates ? word("isolatesHidden").replace("{n}", hidden) : "";
    $("kg-isolates-label").textContent = word("showIsolates") + " (" + (hidden + (state.isolates ? countIsolates() : 0)) + ")";
  }
  function countIsolates() {
    var linked = new Set();
    D.edges.forEach(function (e) { if (edgeVisible(e)) { linked.add(e.from); linked.add(e.to); } });
    return D.nodes.filter(function (n) { return nodeAllowed(n) && !linked.has(n.id); }).length;
  }

  function highlighted(text, names) {
    var p = el("p", null, "kg-sentence"), rest = text;
    var found = names.filter(function (x) { return x && x.length > 1; }).sort(function (a, b) { return b.length - a.length; });
    while (rest.length) {
      var best = -1, hit = "";
      found.forEach(function (x) { var i = rest.indexOf(x); if (i >= 0 && (best < 0 || i < best)) { best = i; hit = x; } });
      if (best < 0) { p.appendChild(document.createTextNode(rest)); break; }
      p.appendChild(document.createTextNode(rest.slice(0, best)));
      p.appendChild(el("mark", hit));
      rest = rest.slice(best + hit.length);
    }
    return p;
  }
  function select(id) {
    var n = byId[id], panel = $("kg-panel");
    if (!n) { panel.hidden = true; return; }
    state.pinned = id;
    panel.hidden = false; panel.textContent = "";
    var close = el("button", "×", "kg-close"); close.type = "button";
    close.addEventListener("click", function () { panel.hidden = true; state.pinned = null; update(); });
    panel.appendChild(close);
    panel.appendChild(el("h2", n.l));
    var RES = M.resourceLinks;  // served by kg serve: the resource namespace, whose entities have a page with sources
    if (RES && n.id.indexOf(RES) === 0) {
      var page = el("a", word("entityPage"), "kg-entity-page");
      page.href = "/resource/" + n.id.slice(RES.length);
      panel.appendChild(page);
    }
    var dl = el("dl");
    function row(k, v) { if (v) { dl.appendChild(el("dt", word(k))); dl.appendChild(el("dd", v)); } }
    row("hant", n.hant); row("hans", n.hans); row("pinyin", n.py); row("english", n.en);
    row("class", (M.classWords[lang][n.core] || n.core) + (n.cls !== n.core ? " · " + n.cls : ""));
    row("district", n.d && byId[n.d] ? byId[n.d].l : "");
    (n.f || []).forEach(function (f) { row(f[0], f[1]); });
    panel.appendChild(dl);
    panel.appendChild(el("h3", word("relations") + " (" + adj[id].length + ")"));
    var ul = el("ul", null, "kg-relations");
    adj[id].forEach(function (e) {
      var other = byId[e.from === id ? e.to : e.from], li = el("li");
      var head = el("div", null, "kg-rel-head");
      var sw = el("i"); sw.style.background = M.relationColours[e.r]; head.appendChild(sw);
      head.appendChild(el("strong", (M.relationWords[lang][e.r] || e.r) + (e.from === id ? " → " : " ← ")));
      var link = el("a", other.l); link.href = "#"; link.addEventListener("click", function (ev) { ev.preventDefault(); search(other.id); });
      head.appendChild(link);
      li.appendChild(head);
      (e.ev || []).forEach(function (x) {
        li.appendChild(highlighted(x.t, [n.hant, n.hans, other.hant, other.hans].concat(n.names || [], other.names || [])));
        li.appendChild(el("div", [x.a, x.d, word("rule") + " " + x.r, word("confidence") + " " + x.c].filter(Boolean).join(" · "), "kg-src"));
      });
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    if (n.s && n.s.length) {
      panel.appendChild(el("h3", word("mentions")));
      n.s.forEach(function (s) { panel.appendChild(highlighted(s, [n.hant, n.hans].concat(n.names || []))); });
    }
    update();
    network.selectNodes([id].concat(adj[id].map(function (e) { return e.from === id ? e.to : e.from; }))
      .filter(function (x) { return visibleNodes.has(x); }));
  }
  function search(idOrText) {
    var id = byId[idOrText] ? idOrText : null;
    if (!id) {
      var q = String(idOrText).trim().toLowerCase();
      if (!q) { $("kg-found").textContent = ""; return null; }
      var hits = D.nodes.filter(function (n) { return n.q.indexOf(q) >= 0; });
      hits.sort(function (a, b) { return (b.deg - a.deg) || (a.id < b.id ? -1 : 1); });
      $("kg-found").textContent = hits.length ? word("found").replace("{n}", hits.length) : word("notFound");
      if (!hits.length) { return null; }
      id = hits[0].id;
    }
    select(id);
    network.focus(id, {scale: 1.4, animation: false});
    kg.focused = id;
    return id;
  }
  function setLang(l) {
    lang = l;
    document.documentElement.lang = l === "en" ? "en" : M.zhScript;
    Array.prototype.forEach.call(document.querySelectorAll("[data-w]"), function (x) { x.textContent = word(x.getAttribute("data-w")); });
    $("kg-search").placeholder = word("searchHint");
    M.relations.forEach(function (r) { $("kg-w-" + r).textContent = M.relationWords[l][r]; });
    M.classes.forEach(function (c) { $("kg-c-" + c).textContent = M.classWords[l][c]; });
    $("kg-lang").textContent = l === "en" ? "中文" : "English";
    if (state.pinned) { select(state.pinned); } else { update(); }
  }

  function checkbox(parent, key, label, checked, onChange, swatch) {
    var lab = el("label"), box = el("input"); box.type = "checkbox"; box.checked = checked; box.id = "kg-f-" + key;
    box.addEventListener("change", function () { onChange(box.checked); update(); });
    lab.appendChild(box);
    if (swatch) { var i = el("i"); i.style.background = swatch; lab.appendChild(i); }
    lab.appendChild(label);
    parent.appendChild(lab);
    return box;
  }
  M.relations.forEach(function (r) {
    var span = el("span"), w = el("span", M.relationWords[lang][r]); w.id = "kg-w-" + r;
    var n = el("small", ""); n.id = "kg-n-" + r;
    span.appendChild(w); span.appendChild(document.createTextNode(" ")); span.appendChild(n);
    checkbox($("kg-relations-filter"), "rel-" + r, span, true, function (v) { state.rel[r] = v; }, M.relationColours[r]);
  });
  M.classes.forEach(function (c) {
    var w = el("span", M.classWords[lang][c]); w.id = "kg-c-" + c;
    checkbox($("kg-classes-filter"), "cls-" + c, w, true, function (v) { state.cls[c] = v; }, M.classColours[c]);
  });
  M.districts.forEach(function (d, k) {
    checkbox($("kg-districts-filter"), "dist-" + k, el("span", d.label), true, function (v) { state.dist[d.id] = v; },
             M.districtColours[d.id]);
  });
  $("kg-conf").addEventListener("input", function () { state.conf = Number($("kg-conf").value) / 100;
    $("kg-conf-value").textContent = state.conf.toFixed(2); update(); });
  $("kg-district-links").addEventListener("change", function () { state.districtLinks = this.checked; update(); });
  $("kg-isolates").addEventListener("change", function () { state.isolates = this.checked; update(); });
  $("kg-colour").addEventListener("change", function () { state.colour = this.value; update(); });
  $("kg-search").addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(this.value); } });
  $("kg-search").addEventListener("input", function () { if (this.value.trim().length >= 2) { search(this.value); } });
  $("kg-lang").addEventListener("click", function () { setLang(lang === "en" ? "zh" : "en"); });
  network.on("click", function (p) { if (p.nodes.length) { select(p.nodes[0]); } });
  setLang(lang);
  network.fit({animation: false});
  if (M.focus) { search(M.focus); network.fit({nodes: Array.from(visibleNodes), animation: false}); }
  else if (network.getScale() < READABLE) {  // too small to read: open on the biggest groups (top left)
    var xs = [], ys = [], c = $("kg-network");
    visibleNodes.forEach(function (id) { var n = byId[id]; if (n.x !== undefined) { xs.push(n.x); ys.push(n.y); } });
    if (xs.length) {
      network.moveTo({scale: READABLE, animation: false, position: {
        x: Math.min.apply(null, xs) - 40 + c.clientWidth / 2 / READABLE,
        y: Math.min.apply(null, ys) - 40 + c.clientHeight / 2 / READABLE}});
    }
  }
  if (D.options.physics.enabled) {  // no precomputed layout: ready once the browser's layout settles
    network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); kg.ready = true; });
  } else {
    kg.ready = true;
  }
}());
