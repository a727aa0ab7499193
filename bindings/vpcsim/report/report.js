// vpcsim run report: draws the topology and the ladder from the embedded data and steps through the
// frames as Packet Tracer's simulation mode does. Plain JavaScript, no libraries, no network.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var F = {};
  D.frame_fields.forEach(function (name, i) { F[name] = i; });
  var frames = D.frames;
  var SVGNS = "http://www.w3.org/2000/svg";
  var state = { current: -1, playing: false, timer: null, speed: 1 };

  // --- small helpers ---------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function sv(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmtTime(ns) {
    if (ns === null || ns === undefined) return "";
    if (ns === 0) return "0 s";
    var units = [["s", 1e9], ["ms", 1e6], ["\u00b5s", 1e3]];
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(ns) >= units[i][1]) return (ns / units[i][1]).toFixed(units[i][0] === "s" ? 6 : 3).replace(/\.?0+$/, "") + " " + units[i][0];
    }
    return ns + " ns";
  }
  function colour(protocol) { return D.palette[protocol] || D.palette.other; }
  function table(headers, rows, cls) {
    var t = el("table", { "class": cls || "list" });
    var tr = el("tr");
    headers.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    t.appendChild(tr);
    rows.forEach(function (row) {
      var r = el("tr");
      row.forEach(function (cell) {
        if (cell instanceof Node) { var td = el("td"); td.appendChild(cell); r.appendChild(td); }
        else r.appendChild(el("td", null, cell === null || cell === undefined ? "" : cell));
      });
      t.appendChild(r);
    });
    return t;
  }
  function empty(text) { return el("p", { "class": "empty" }, text); }

  // --- header ----------------------------------------------------------------------------------
  function header() {
    document.getElementById("title").textContent = D.name;
    document.getElementById("description").textContent = D.description || "";
    var badges = document.getElementById("badges");
    var checks = D.traffic.concat(D.explain).filter(function (t) { return t.expect_met !== null && t.expect_met !== undefined; });
    var met = checks.filter(function (t) { return t.expect_met; }).length;
    badges.appendChild(el("span", null, "seed " + D.seed));
    badges.appendChild(el("span", null, fmtTime(D.simulated_ns) + " simulated"));
    badges.appendChild(el("span", null, D.frames_total + " frames on links"));
    badges.appendChild(el("span", { "class": D.drops.length ? "bad" : "ok" }, D.drops.length + " drops"));
    if (checks.length) badges.appendChild(el("span", { "class": met === checks.length ? "ok" : "bad" }, met + " of " + checks.length + " expectations met"));
  }

  // --- topology --------------------------------------------------------------------------------
  var nodeXY = {}, linkEls = [], nodeEls = {}, packet = null;
  function shape(kind, x, y) {
    var st = D.styles[kind] || D.styles.host, g;
    var attrs = { "class": "node-shape", fill: st.face, stroke: st.edge };
    var r = 0.27;
    if (st.shape === "circle") { attrs.cx = x; attrs.cy = y; attrs.r = r; g = sv("circle", attrs); }
    else if (st.shape === "bar") { attrs.x = x - 0.38; attrs.y = y - 0.11; attrs.width = 0.76; attrs.height = 0.22; attrs.rx = 0.03; g = sv("rect", attrs); }
    else if (st.shape === "diamond") { attrs.points = [x, y - r * 1.2, x + r * 1.2, y, x, y + r * 1.2, x - r * 1.2, y].join(" "); g = sv("polygon", attrs); }
    else if (st.shape === "hexagon") {
      var pts = [];
      for (var i = 0; i < 6; i++) { var a = Math.PI / 6 + i * Math.PI / 3; pts.push(x + r * 1.1 * Math.cos(a), y + r * 1.1 * Math.sin(a)); }
      attrs.points = pts.join(" "); g = sv("polygon", attrs);
    } else { attrs.x = x - r; attrs.y = y - r; attrs.width = 2 * r; attrs.height = 2 * r; attrs.rx = 0.04; g = sv("rect", attrs); }
    g.setAttribute("vector-effect", "non-scaling-stroke");
    return g;
  }
  function topology() {
    var T = D.topology, box = document.getElementById("topology");
    var xs = [], ys = [];
    T.nodes.forEach(function (n) { nodeXY[n.name] = [n.x, -n.y]; xs.push(n.x); ys.push(-n.y); });
    T.groups.forEach(function (g) { xs.push(g.box[0], g.box[2]); ys.push(-g.box[1], -g.box[3]); });
    var x0 = Math.min.apply(null, xs) - 0.8, x1 = Math.max.apply(null, xs) + 0.8;
    var y0 = Math.min.apply(null, ys) - 0.6, y1 = Math.max.apply(null, ys) + 0.9;
    var svg = sv("svg", { viewBox: [x0, y0, x1 - x0, y1 - y0].join(" "), role: "img", "aria-label": "topology" });
    // Text sizes are in the drawing's units: work out how many pixels a unit will take.
    var maxHeight = Math.max(300, Math.round(window.innerHeight * 0.62));
    var unit = Math.max(8, Math.min(90, (box.clientWidth || 900) / (x1 - x0), maxHeight / (y1 - y0)));
    svg.style.maxHeight = maxHeight + "px";
    var fs = function (px) { return px / unit; };
    T.groups.forEach(function (g) {
      var st = D.group_styles[g.kind === "subnet" ? (g.public ? "subnet_public" : "subnet_private") : g.kind];
      svg.appendChild(sv("rect", { x: g.box[0], y: -g.box[3], width: g.box[2] - g.box[0], height: g.box[3] - g.box[1], rx: 0.18,
        fill: st[0], stroke: st[1], "stroke-width": 1.5, "stroke-dasharray": st[2] === "-" ? "" : (st[2] === ":" ? "2 3" : "6 4"), "vector-effect": "non-scaling-stroke" }));
      svg.appendChild(sv("text", { x: g.box[0] + 0.12, y: -g.box[3] + fs(15), "class": "grouplabel", fill: st[1], "font-size": fs(12) }, g.label));
    });
    T.links.forEach(function (l, i) {
      var a = nodeXY[l.an], b = nodeXY[l.bn];
      var line = sv("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], "class": "link", id: "link-" + i, "vector-effect": "non-scaling-stroke" });
      linkEls.push(line); svg.appendChild(line);
    });
    T.links.forEach(function (l) {
      var a = nodeXY[l.an], b = nodeXY[l.bn], dx = b[0] - a[0], dy = b[1] - a[1], len = Math.max(Math.hypot(dx, dy), 1e-9);
      var nx = -dy / len, ny = dx / len;
      if (ny > 0) { nx = -nx; ny = -ny; }
      [[a, 1, l.al, l.an], [b, -1, l.bl, l.bn]].forEach(function (end) {
        var kind = (T.nodes.filter(function (n) { return n.name === end[3]; })[0] || {}).kind;
        if (kind === "switch" && end[2].indexOf(" ") < 0) return;
        var t = Math.min(0.32, 0.95 / len), f = end[1] > 0 ? t : 1 - t;
        svg.appendChild(sv("text", { x: a[0] + dx * f + end[1] * nx * 0.22, y: a[1] + dy * f + end[1] * ny * 0.22, "class": "iflabel",
          "text-anchor": "middle", "font-size": fs(10) }, end[2]));
      });
    });
    T.nodes.forEach(function (n) {
      var g = sv("g", { "class": "node", id: "node-" + n.name });
      var p = nodeXY[n.name];
      g.appendChild(shape(n.kind, p[0], p[1]));
      g.appendChild(sv("text", { x: p[0], y: p[1] + 0.27 + fs(14), "text-anchor": "middle", "class": "nodelabel", "font-size": fs(12.5) }, n.name));
      if (n.detail) g.appendChild(sv("text", { x: p[0], y: p[1] + 0.27 + fs(28), "text-anchor": "middle", "font-size": fs(11), fill: "#444" }, n.detail));
      var title = sv("title", null, n.name + " (" + (D.styles[n.kind] || {}).legend + ")" + (n.addresses.length ? "\n" + n.addresses.join("\n") : ""));
      g.appendChild(title);
      nodeEls[n.name] = g; svg.appendChild(g);
    });
    packet = sv("circle", { id: "packet", r: 0.12, cx: -1000, cy: -1000, "vector-effect": "non-scaling-stroke" });
    svg.appendChild(packet);
    box.appendChild(svg);
  }

  // --- the current frame -----------------------------------------------------------------------
  var anim = null;
  function movePacket(f) {
    if (anim) cancelAnimationFrame(anim);
    var a = nodeXY[f[F.src]], b = nodeXY[f[F.dst]];
    if (!a || !b) return;
    var start = null, duration = Math.max(120, 500 / state.speed);
    function stepAnim(t) {
      if (start === null) start = t;
      var k = Math.min((t - start) / duration, 1);
      packet.setAttribute("cx", a[0] + (b[0] - a[0]) * k);
      packet.setAttribute("cy", a[1] + (b[1] - a[1]) * k);
      packet.setAttribute("fill", colour(f[F.protocol]));
      if (k < 1) anim = requestAnimationFrame(stepAnim);
    }
    anim = requestAnimationFrame(stepAnim);
  }
  function layerBox(layer) {
    var d = el("details", { "class": "layer", open: "" });
    d.appendChild(el("summary", null, layer.name));
    var t = el("table");
    layer.fields.forEach(function (kv) {
      var tr = el("tr");
      tr.appendChild(el("td", { "class": "k" }, kv[0]));
      tr.appendChild(el("td", { "class": "v" }, kv[1]));
      t.appendChild(tr);
    });
    d.appendChild(t);
    return d;
  }
  function frameLink(i, text) {
    var a = el("a", { href: "#sim" }, text);
    a.addEventListener("click", function (e) { e.preventDefault(); select(i); });
    return a;
  }
  function details(f) {
    var box = document.getElementById("frame");
    box.textContent = "";
    box.setAttribute("data-frame", f[F.index]);
    box.appendChild(el("div", { "class": "frame-head" }, f[F.label]));
    box.appendChild(el("div", { "class": "frame-meta" }, "frame " + (f[F.index] + 1) + ": " + f[F.src_if] + " \u2192 " + f[F.dst_if] +
      ", sent at " + fmtTime(f[F.time_ns]) + ", arrived at " + fmtTime(f[F.arrive_ns])));
    box.appendChild(el("div", { "class": "frame-meta mono" }, f[F.summary]));
    if (f[F.parent] !== null) {
      var p = el("div", { "class": "frame-meta" }, f[F.src] + " forwarded it from ");
      p.appendChild(frameLink(f[F.parent], "frame " + (f[F.parent] + 1)));
      box.appendChild(p);
    }
    if (f[F.nat]) box.appendChild(el("div", { "class": "note nat" }, f[F.src] + " rewrote it: " + f[F.nat]));
    if (f[F.dropped]) box.appendChild(el("div", { "class": "note drop" }, "dropped by " + f[F.dst] + ": " + f[F.dropped] + (f[F.drop_detail] ? " \u2014 " + f[F.drop_detail] : "")));
    f[F.layers].forEach(function (layer) { box.appendChild(layerBox(layer)); });
    nowTables(f);
  }
  function nowTables(f) {
    var box = document.getElementById("now-tables");
    box.textContent = "";
    if (!D.intervals) { box.appendChild(empty("The tables over time were not recorded for this run.")); return; }
    var t = f[F.arrive_ns];
    [f[F.src], f[F.dst]].forEach(function (node, k) {
      if (k === 1 && node === f[F.src]) return;
      var rows = D.intervals.filter(function (r) { return r[1] === node && r[3] <= t && (t < r[4] || r[4] === D.simulated_ns); });
      box.appendChild(el("h4", null, node + " at " + fmtTime(t)));
      if (!rows.length) { box.appendChild(empty("no ARP, MAC or NAT entries yet")); return; }
      box.appendChild(table(["table", "entry", "state"], rows.map(function (r) { return [r[0].toUpperCase(), r[2], r[6]]; })));
    });
  }
  function select(i) {
    if (!frames.length) return;
    i = Math.max(0, Math.min(frames.length - 1, i));
    var old = state.current;
    state.current = i;
    var f = frames[i];
    linkEls.forEach(function (l) { l.classList.remove("active"); });
    Object.keys(nodeEls).forEach(function (n) { nodeEls[n].classList.remove("active"); });
    if (f[F.link] !== null && linkEls[f[F.link]]) linkEls[f[F.link]].classList.add("active");
    if (nodeEls[f[F.src]]) nodeEls[f[F.src]].classList.add("active");
    if (nodeEls[f[F.dst]]) nodeEls[f[F.dst]].classList.add("active");
    movePacket(f);
    details(f);
    if (old >= 0 && ladderRows[old]) ladderRows[old].classList.remove("current");
    if (ladderRows[i]) {
      ladderRows[i].classList.add("current");
      var boxEl = document.getElementById("ladder-box"), y = (i + 1) * ROW;
      if (y < boxEl.scrollTop + ROW || y > boxEl.scrollTop + boxEl.clientHeight - 2 * ROW) boxEl.scrollTop = Math.max(0, y - boxEl.clientHeight / 2);
    }
    document.getElementById("pos").textContent = "frame " + (i + 1) + " of " + frames.length;
    document.getElementById("jump").value = i + 1;
  }
  function play() {
    state.playing = !state.playing;
    var b = document.getElementById("play");
    b.textContent = state.playing ? "\u275a\u275a pause" : "\u25b6 play";
    if (state.timer) { clearInterval(state.timer); state.timer = null; }
    if (state.playing) {
      if (state.current >= frames.length - 1) select(0);
      state.timer = setInterval(function () {
        if (state.current >= frames.length - 1) { play(); return; }
        select(state.current + 1);
      }, Math.max(150, 800 / state.speed));
    }
  }
  function controls() {
    document.getElementById("first").addEventListener("click", function () { select(0); });
    document.getElementById("prev").addEventListener("click", function () { select(state.current - 1); });
    document.getElementById("play").addEventListener("click", play);
    document.getElementById("next").addEventListener("click", function () { select(state.current + 1); });
    document.getElementById("last").addEventListener("click", function () { select(frames.length - 1); });
    document.getElementById("speed").addEventListener("change", function (e) {
      state.speed = parseFloat(e.target.value);
      if (state.playing) { play(); play(); }
    });
    document.getElementById("jump").addEventListener("change", function (e) { select(parseInt(e.target.value, 10) - 1); });
    document.addEventListener("keydown", function (e) {
      if (e.target && e.target.tagName === "INPUT") return;
      if (e.key === "ArrowRight") { select(state.current + 1); e.preventDefault(); }
      else if (e.key === "ArrowLeft") { select(state.current - 1); e.preventDefault(); }
      else if (e.key === " ") { play(); e.preventDefault(); }
    });
    document.getElementById("jump").max = frames.length;
    if (D.frames_total > frames.length) {
      document.getElementById("truncated").textContent = "This page holds the first " + frames.length + " of " + D.frames_total + " frames.";
    }
  }

  // --- ladder ----------------------------------------------------------------------------------
  var ladderRows = [], ROW = 24;
  function ladder() {
    var used = {};
    frames.forEach(function (f) { used[f[F.src]] = 1; used[f[F.dst]] = 1; });
    var cols = D.topology.columns.filter(function (n) { return used[n]; });
    var col = {};
    cols.forEach(function (n, i) { col[n] = i; });
    var COL = 190, LEFT = 110, TOP = 34;
    var width = LEFT + COL * Math.max(cols.length - 1, 1) + 260, height = TOP + ROW * (frames.length + 1);
    var svg = sv("svg", { width: width, height: height, "font-size": 11 });
    frames.forEach(function (f, i) {
      var y = TOP + ROW * (i + 0.5);
      var g = sv("g", { "class": "lrow", "data-index": i });
      g.appendChild(sv("rect", { "class": "bg", x: 0, y: y - ROW / 2, width: width, height: ROW, fill: "transparent" }));
      g.appendChild(sv("text", { x: LEFT - 38, y: y + 4, "text-anchor": "end", fill: "#666", "font-family": "monospace", "font-size": 10 }, fmtTime(f[F.time_ns])));
      var x0 = LEFT + COL * col[f[F.src]], x1 = LEFT + COL * col[f[F.dst]], c = colour(f[F.protocol]);
      var dir = x1 > x0 ? 1 : -1;
      g.appendChild(sv("line", { x1: x0, y1: y + 5, x2: x1 - dir * 7, y2: y + 5, stroke: c, "stroke-width": 1.8 }));
      g.appendChild(sv("polygon", { points: [x1, y + 5, x1 - dir * 8, y + 1, x1 - dir * 8, y + 9].join(" "), fill: c }));
      g.appendChild(sv("text", { x: (x0 + x1) / 2, y: y + 1, "text-anchor": "middle", fill: c }, f[F.label]));
      if (f[F.dropped]) {
        g.appendChild(sv("text", { x: x1 - 5, y: y + 10, fill: D.palette.drop, "font-weight": 700, "font-size": 15 }, "\u2716"));
        g.appendChild(sv("text", { x: LEFT + COL * (cols.length - 1) + 24, y: y + 4, fill: D.palette.drop, "font-weight": 700 }, "dropped: " + f[F.dropped]));
      } else if (f[F.nat]) {
        g.appendChild(sv("text", { x: LEFT + COL * (cols.length - 1) + 24, y: y + 4, fill: D.palette.nat, "font-style": "italic" }, f[F.nat]));
      }
      var title = sv("title", null, f[F.summary]);
      g.appendChild(title);
      g.addEventListener("click", function () { select(i); });
      ladderRows.push(g);
      svg.appendChild(g);
    });
    cols.forEach(function (n, i) {
      var x = LEFT + COL * i;
      svg.insertBefore(sv("line", { x1: x, y1: TOP - 6, x2: x, y2: height, stroke: "#b0b0b0", "stroke-dasharray": "4 4" }), svg.firstChild);
      svg.appendChild(sv("rect", { x: x - 60, y: 4, width: 120, height: 22, rx: 5, fill: "#eef2f7", stroke: "#7a8ca3" }));
      svg.appendChild(sv("text", { x: x, y: 19, "text-anchor": "middle", "font-weight": 700, "font-size": 12 }, n));
    });
    document.getElementById("ladder-box").appendChild(svg);
  }

  // --- results ---------------------------------------------------------------------------------
  function yesNo(met) {
    if (met === null || met === undefined) return el("span", null, "\u2013");
    return el("span", { "class": met ? "yes" : "no" }, met ? "\u2714 met" : "\u2718 not met");
  }
  function outcomes() {
    var box = document.getElementById("outcomes-body");
    if (!D.traffic.length) { box.appendChild(empty("no traffic in this run")); return; }
    box.appendChild(table(["#", "id", "what", "from", "to", "outcome", "expected", "", "sent / received", "detail"],
      D.traffic.map(function (t) {
        var what = t.kind + (t.protocol ? " " + t.protocol : "") + (t.port ? " " + t.port : "");
        var detail = (t.errors || []).map(function (e) { return e.text; }).join("; ");
        if (t.rtt_ms && t.rtt_ms.length) detail = (detail ? detail + "; " : "") + "rtt " + t.rtt_ms.map(function (r) { return r.toFixed(3); }).join(", ") + " ms";
        return [t.index, t.id || "", what, t.from, t.to || "", t.outcome, t.expect || "", yesNo(t.expect_met), t.sent + " / " + t.received, detail];
      })));
  }
  function drops() {
    var box = document.getElementById("drops-body");
    if (!D.drops.length) { box.appendChild(empty("nothing was dropped")); return; }
    box.appendChild(table(["time", "node", "interface", "reason", "detail", "frame"], D.drops.map(function (d) {
      return [fmtTime(d[0]), d[1], d[2] || "", d[3], d[4] || "", d[5] === null ? "(never left its node)" : frameLink(d[5], "frame " + (d[5] + 1))];
    })));
  }
  function explain() {
    var box = document.getElementById("explain-body");
    if (!D.explain.length) { box.appendChild(empty("no explain questions in this run")); return; }
    D.explain.forEach(function (e) {
      var div = el("div", { "class": "explain card" });
      var q = e.from + " \u2192 " + e.to + " " + e.proto + (e.port ? "/" + e.port : "") + (e.destination ? " (to " + e.destination + ")" : "");
      div.appendChild(el("div", { "class": "verdict " + (e.reachable ? "yes" : "no") }, q + ": " + (e.reachable ? "reachable" : "NOT reachable [" + e.code + "]")));
      if (e.expect_met !== null && e.expect_met !== undefined) { var m = el("div"); m.appendChild(el("span", null, "expected " + e.expect + ": ")); m.appendChild(yesNo(e.expect_met)); div.appendChild(m); }
      if (e.reason) div.appendChild(el("div", null, "why: " + e.reason));
      if (e.suggestion) div.appendChild(el("div", null, "to change it: " + e.suggestion));
      var ol = el("ol");
      (e.hops || []).forEach(function (h) {
        ol.appendChild(el("li", { "class": h.action }, h.direction + ": " + h.component + " (" + h.kind + ") " + h.action + (h.detail ? " \u2014 " + h.detail : "")));
      });
      div.appendChild(ol);
      box.appendChild(div);
    });
  }
  function tables() {
    var box = document.getElementById("tables-body");
    var names = Object.keys(D.tables);
    if (!names.length) { box.appendChild(empty("no tables (the run has no results)")); return; }
    names.forEach(function (node) {
      var t = D.tables[node], card = el("div", { "class": "card" });
      card.appendChild(el("h3", null, node));
      if (t.routes) {
        card.appendChild(el("h4", null, "routes"));
        card.appendChild(t.routes.length ? table(["route"], t.routes.map(function (r) { return [r]; })) : empty("none"));
      }
      if (t.arp) {
        card.appendChild(el("h4", null, "ARP cache"));
        card.appendChild(t.arp.length ? table(["ip", "mac", "state", "dev"], t.arp.map(function (a) { return [a.ip, a.mac, a.state, a.interface]; })) : empty("empty"));
      }
      if (t.macs) {
        card.appendChild(el("h4", null, "MAC table"));
        card.appendChild(t.macs.length ? table(["mac", "port", "age"], t.macs.map(function (m) { return [m.mac, m.port, m.age_ms.toFixed(1) + " ms"]; })) : empty("empty"));
      }
      if (t.translations) {
        card.appendChild(el("h4", null, "NAT translations"));
        card.appendChild(t.translations.length ? table(["proto", "state", "flow", "snat", "dnat"], t.translations.map(function (x) { return [x.protocol, x.state, x.text, x.snat ? "yes" : "", x.dnat ? "yes" : ""]; })) : empty("none"));
      }
      box.appendChild(card);
    });
    Object.keys(D.vpcs).forEach(function (vpc) {
      var v = D.vpcs[vpc], card = el("div", { "class": "card" });
      card.appendChild(el("h3", null, "VPC " + vpc));
      card.appendChild(el("h4", null, "route tables"));
      card.appendChild(table(["table", "destination", "target", "state", "subnets"], v.route_tables.map(function (r) { return [r.table + (r.main ? " (main)" : ""), r.destination, r.target, r.state, r.subnets]; })));
      card.appendChild(el("h4", null, "security groups"));
      card.appendChild(table(["group", "direction", "proto", "ports", "peer"], v.security_groups.map(function (r) { return [r.group, r.direction, r.proto, r.ports, r.cidr || r.peer_group]; })));
      card.appendChild(el("h4", null, "network ACLs"));
      card.appendChild(table(["acl", "direction", "rule", "proto", "ports", "cidr", "action"], v.network_acls.map(function (r) { return [r.acl, r.direction, r.number === null ? "*" : r.number, r.proto, r.ports, r.cidr, r.action]; })));
      box.appendChild(card);
    });
  }
  function legend() {
    var box = document.getElementById("legend");
    Object.keys(D.palette).forEach(function (p) {
      if (p === "other" || p === "ipv4") return;
      var s = el("span", { "class": "pill" }, p === "drop" ? "dropped" : p === "nat" ? "NAT rewrite" : p.toUpperCase());
      s.style.background = D.palette[p];
      box.appendChild(s); box.appendChild(document.createTextNode(" "));
    });
  }

  header(); topology(); ladder(); controls(); outcomes(); drops(); explain(); tables(); legend();
  if (frames.length) select(0);
  else document.getElementById("frame").appendChild(empty("no frames were captured"));
  window.vpcsimReport = { select: select, current: function () { return state.current; }, frames: frames.length };
})();
