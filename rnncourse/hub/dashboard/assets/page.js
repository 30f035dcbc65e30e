// The room, live: polls api/room and redraws the explanation banner, the per-exercise bar charts
// and the learners-by-exercises grid. Everything a learner controls (names, and through their
// progress files the ids and states) is put on the page with textContent or as an attribute
// value, never parsed as HTML; unexpected shapes are ignored.
"use strict";
(function () {
  const REFRESH_MS = {{refresh_ms}};
  const SVG = "http://www.w3.org/2000/svg";
  const STATES = { "passed": ["passed", "✓"], "failing": ["failing", "✗"],
                   "not started": ["not-started", "·"] };
  const COLOURS = { passed: "#0072b2", failing: "#e69f00", not_started: "#dddddd" };
  const INK = { passed: "#ffffff", failing: "#000000", not_started: "#333333" };
  const lessonSelect = document.getElementById("lesson");
  const questionsBox = document.getElementById("questions");
  const status = document.getElementById("status");
  let last = null;
  let lastOk = null;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function str(value, limit) {
    const text = typeof value === "string" ? value : "";
    return text.length > limit ? text.slice(0, limit - 1) + "…" : text;
  }
  function int(value) { return Number.isInteger(value) && value >= 0 ? value : 0; }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function lessonsOf(data) {
    const seen = [];
    for (const id of data.exercises) {
      const lesson = str((data.items[id] || {}).lesson, 80);
      if (!seen.includes(lesson)) seen.push(lesson);
    }
    return seen;
  }

  function activeLessons(data) {
    const active = new Set();
    for (const row of data.learners) {
      for (const id of data.exercises) {
        const cell = (row.cells || {})[id];
        if (cell && cell.state !== "not started") active.add(str((data.items[id] || {}).lesson, 80));
      }
    }
    return active;
  }

  function shownExercises(data) {
    const choice = lessonSelect.value;
    const active = activeLessons(data);
    return data.exercises.filter(function (id) {
      const info = data.items[id] || {};
      if (!questionsBox.checked && info.kind === "question") return false;
      if (choice === "all") return true;
      if (choice === "active") return active.size === 0 || active.has(info.lesson);
      return info.lesson === choice;
    });
  }

  function syncLessonOptions(data) {
    const have = Array.from(lessonSelect.options).map(function (o) { return o.value; });
    for (const lesson of lessonsOf(data)) {
      if (!have.includes(lesson)) {
        const option = el("option", "lesson " + lesson);
        option.value = lesson;
        lessonSelect.appendChild(option);
      }
    }
  }

  function drawExplain(data, shown) {
    const box = document.getElementById("explain");
    let best = null;
    for (const id of shown) {
      const top = ((data.summary || {})[id] || {}).top_mistake;
      if (top && int(top.count) > 0 && (!best || int(top.count) > int(best.top.count))) {
        best = { id: id, top: top };
      }
    }
    const parts = [];
    if (best) {
      const who = plural(int(best.top.count), "learner");
      parts.push(el("span", "Explain now: ", "what"));
      parts.push(el("span", who + " on " + str(best.id, 80) + " — " + str(best.top.id, 200) + ": "));
      parts.push(el("span", str(best.top.message, 400)));
    }
    box.replaceChildren.apply(box, parts);
  }

  function bar(counts, total) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", counts.passed + " passed, " + counts.failing + " failing, " +
                     counts.not_started + " not started");
    let x = 0;
    for (const key of ["passed", "failing", "not_started"]) {
      const width = total ? 100 * counts[key] / total : 0;
      if (width <= 0) continue;
      const rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", x + "%");
      rect.setAttribute("y", "0");
      rect.setAttribute("width", width + "%");
      rect.setAttribute("height", "30");
      rect.setAttribute("fill", COLOURS[key]);
      svg.appendChild(rect);
      if (width >= 7) {
        const label = document.createElementNS(SVG, "text");
        label.setAttribute("x", (x + width / 2) + "%");
        label.setAttribute("y", "22");
        label.setAttribute("text-anchor", "middle");
        label.setAttribute("font-size", "18");
        label.setAttribute("font-weight", "700");
        label.setAttribute("fill", INK[key]);
        label.textContent = String(counts[key]);
        svg.appendChild(label);
      }
      x += width;
    }
    return svg;
  }

  function drawSummary(data, shown) {
    const box = document.getElementById("summary");
    const cards = [];
    for (const id of shown) {
      const s = (data.summary || {})[id] || {};
      const counts = { passed: int(s.passed), failing: int(s.failing), not_started: int(s.not_started) };
      const total = counts.passed + counts.failing + counts.not_started;
      const card = el("article", null, "card");
      card.appendChild(el("h2", str(id, 80)));
      card.appendChild(bar(counts, total));
      card.appendChild(el("p", "✓ " + counts.passed + " passed · ✗ " + counts.failing +
                               " failing · " + counts.not_started + " not started", "counts"));
      const top = s.top_mistake;
      if (top && int(top.count) > 0) {
        const p = el("p", null, "top");
        p.appendChild(el("span", "most common: "));
        p.appendChild(el("b", str(top.id, 200)));
        p.appendChild(el("span", " ×" + int(top.count) + " — " + str(top.message, 400)));
        card.appendChild(p);
      }
      cards.push(card);
    }
    box.replaceChildren.apply(box, cards);
  }

  function headRow(shown, starts) {
    const head = el("thead");
    const hrow = el("tr");
    hrow.appendChild(el("th", "learner"));
    for (const id of shown) {
      const th = el("th", null, starts.has(id) ? "lesson-start" : "");
      th.setAttribute("scope", "col");
      th.appendChild(el("span", str(id, 80)));
      hrow.appendChild(th);
    }
    head.appendChild(hrow);
    return head;
  }

  function learnerRow(row, shown, starts) {
    const tr = el("tr");
    const name = str(row.name, 80);
    const th = el("th", name, row.anonymous === true ? "anonymous" : "");
    th.setAttribute("scope", "row");
    th.setAttribute("title", name);
    if (int(row.skipped) > 0) {
      th.appendChild(el("span", " ⚠", "warn"));
      th.setAttribute("title", name + " (" + plural(int(row.skipped), "line") +
                      " of the progress file skipped: not valid records)");
    }
    tr.appendChild(th);
    for (const id of shown) {
      const cell = (row.cells || {})[id] || {};
      const known = Object.prototype.hasOwnProperty.call(STATES, cell.state);
      const look = known ? STATES[cell.state] : STATES["not started"];
      const td = el("td", look[1], "cell " + look[0] + (starts.has(id) ? " lesson-start" : ""));
      let tip = name + " · " + str(id, 80) + ": " + (known ? cell.state : "not started");
      if (cell.mistake) tip += " — " + str(cell.mistake, 200);
      if (cell.message && cell.state === "failing") tip += ": " + str(cell.message, 300);
      td.setAttribute("title", tip);
      td.setAttribute("aria-label", tip);
      tr.appendChild(td);
    }
    return tr;
  }

  // Learners are split into side-by-side blocks so that a room of 100 fits one screen.
  function drawGrid(data, shown) {
    const grid = document.getElementById("grid");
    const starts = new Set();
    let previous = null;
    for (const id of shown) {
      const lesson = (data.items[id] || {}).lesson;
      if (previous !== null && lesson !== previous) starts.add(id);
      previous = lesson;
    }
    const n = Math.max(data.learners.length, 1);
    const top = grid.getBoundingClientRect().top;
    const avail = Math.max(window.innerHeight - top - 170, 120);
    const MIN_ROW = 20, MAX_ROW = 40;
    const fit = Math.max(1, Math.floor(avail / (MIN_ROW + 2)));
    const blocks = Math.ceil(n / fit);
    const perBlock = Math.ceil(n / blocks);
    const row = Math.max(MIN_ROW, Math.min(MAX_ROW, Math.floor(avail / perBlock) - 2));
    document.documentElement.style.setProperty("--row", row + "px");
    const tables = [];
    for (let b = 0; b < blocks; b++) {
      const table = el("table", null, "block");
      table.appendChild(headRow(shown, starts));
      const body = el("tbody");
      for (const learner of data.learners.slice(b * perBlock, (b + 1) * perBlock)) {
        body.appendChild(learnerRow(learner, shown, starts));
      }
      table.appendChild(body);
      tables.push(table);
    }
    grid.replaceChildren.apply(grid, tables);
  }

  function valid(data) {
    return data && Array.isArray(data.learners) && Array.isArray(data.exercises) &&
      typeof data.items === "object" && data.items !== null;
  }

  function draw() {
    if (!last) return;
    const shown = shownExercises(last);
    drawExplain(last, shown);
    drawSummary(last, shown);
    drawGrid(last, shown);
  }

  function setStatus(ok, text) {
    status.textContent = text;
    status.className = ok ? "" : "stale";
  }

  async function poll() {
    try {
      const response = await fetch("api/room", { credentials: "same-origin", cache: "no-store",
                                                 redirect: "error" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      if (!valid(data)) throw new Error("unexpected answer");
      last = data;
      lastOk = new Date();
      syncLessonOptions(data);
      draw();
      setStatus(true, plural(data.learners.length, "learner") + " · updated " +
                lastOk.toLocaleTimeString());
    } catch (err) {
      const since = lastOk ? "not updated since " + lastOk.toLocaleTimeString()
                           : "no data yet";
      setStatus(false, since + " (" + String(err && err.message || err).slice(0, 80) +
                "); retrying — reload the page if you were logged out");
    }
    window.setTimeout(poll, REFRESH_MS);
  }

  lessonSelect.addEventListener("change", draw);
  questionsBox.addEventListener("change", draw);
  window.addEventListener("resize", draw);
  poll();
})();
