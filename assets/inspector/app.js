// whk inspector. Every value from a delivery is put on the page as text (textContent,
// createTextNode, setAttribute on data-* attributes): nothing received is ever parsed as
// HTML or followed as a URL. The Content-Security-Policy forbids inline scripts as well.
"use strict";

const token = document.querySelector('meta[name="whk-token"]').content;
const $ = (id) => document.getElementById(id);

const state = {
  info: null,
  rows: [],            // summaries, oldest first
  bySeq: new Map(),
  shown: [],           // the rows after filters and search, newest first
  selected: null,      // seq
  detail: null,        // the open delivery's detail
  found: null,         // seqs matching the search, or null
  events: new Set(),
  picking: null,       // seq to diff with the next one picked
  fresh: new Set(),
};

// ---- small DOM helpers (text only) ----
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 1600);
}
async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({ error: "unreadable answer" }));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// ---- formatting ----
function timeOf(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (isNaN(d)) return "—";
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
function sizeOf(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
function statusClass(status) { return status ? `s${String(status)[0]}` : "s0"; }
function verdictBadge(row) {
  if (row.verdict === "valid") return el("span", { class: "badge valid", title: row.scheme || "" }, "✓ ", row.scheme || "valid");
  if (row.verdict === "invalid") return el("span", { class: "badge invalid", title: row.reason || "" }, "✗ ", row.scheme || "unsigned");
  return el("span", { class: "badge unchecked", title: "start whk with --secret to check signatures" }, "not checked");
}

// ---- the list (only the visible rows are in the DOM) ----
let cachedRowHeight = 0;
function rowHeight() {
  if (!cachedRowHeight) cachedRowHeight = parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--row")) || 34;
  return cachedRowHeight;
}
function matchesFilters(row) {
  const event = $("filter-event").value;
  const verdict = $("filter-verdict").value;
  const status = $("filter-status").value;
  if (event && (row.event || "") !== event) return false;
  if (verdict && row.verdict !== verdict) return false;
  if (status === "none" && row.status) return false;
  if (status && status !== "none" && String(row.status || "")[0] !== status) return false;
  if (state.found && !state.found.has(row.seq)) return false;
  return true;
}
function refilter() {
  state.shown = [];
  for (let i = state.rows.length - 1; i >= 0; i--) {
    if (matchesFilters(state.rows[i])) state.shown.push(state.rows[i]);
  }
  const total = state.rows.length;
  const noun = total === 1 ? "delivery" : "deliveries";
  $("count").textContent = state.shown.length === total ? `${total} ${noun}` : `${state.shown.length} of ${total} ${noun}`;
  $("empty").hidden = state.shown.length > 0;
  if (total > 0 && state.shown.length === 0) {
    document.querySelector(".empty-title").textContent = "No delivery matches";
    $("empty-hint").textContent = "Change the filters or the search.";
  }
  paint();
}
let painting = false;
let version = 0;       // bumped when the rows or the selection change
let drawn = "";        // what the DOM holds: first row, last row, version
function paint(changed = true) {
  if (changed) version++;
  if (painting) return;
  painting = true;
  requestAnimationFrame(() => { painting = false; paintNow(); });
}
function paintNow() {
  const list = $("list");
  const spacer = $("list-spacer");
  const height = rowHeight();
  const first = Math.max(0, Math.floor(list.scrollTop / height) - 10);
  const last = Math.min(state.shown.length, Math.ceil((list.scrollTop + list.clientHeight) / height) + 10);
  // Scrolling within the rows already drawn (10 either side) needs no new DOM.
  const key = `${Math.floor(first / 8)}-${last}-${version}`;
  if (key === drawn) return;
  drawn = key;
  const start = Math.max(0, Math.floor(first / 8) * 8 - 8);
  spacer.style.height = `${state.shown.length * height}px`;
  const rows = document.createDocumentFragment();
  for (let i = start; i < last; i++) rows.append(rowElement(state.shown[i], i * height));
  clear(spacer);
  spacer.append(rows);
}
function rowElement(row, top) {
  const classes = ["row"];
  if (row.seq === state.selected) classes.push("selected");
  if (state.fresh.has(row.seq)) classes.push("fresh");
  const node = el("div", { class: classes.join(" "), role: "option", "data-seq": row.seq, onclick: () => choose(row.seq) },
    el("span", { class: "c-time" }, timeOf(row.received_at)),
    el("span", { class: "c-method" }, el("span", { class: `method ${row.method === "POST" ? "POST" : ""}` }, row.method)),
    el("span", { class: "c-path", title: row.target }, row.target),
    el("span", { class: "c-event" }, row.event ? el("span", { class: "chip", title: row.event }, row.event) : el("span", { class: "chip none" }, "—")),
    el("span", { class: "c-verdict" }, verdictBadge(row)),
    el("span", { class: `c-status ${statusClass(row.status)}` }, row.status ? String(row.status) : "—", row.duplicate ? el("span", { class: "dupmark", title: "duplicate: a retry of an earlier delivery" }, "↻") : null),
    el("span", { class: "c-size" }, sizeOf(row.size)));
  node.style.top = `${top}px`;
  return node;
}
function addRow(row) {
  if (state.bySeq.has(row.seq)) return false;
  state.bySeq.set(row.seq, row);
  state.rows.push(row);
  if (row.event && !state.events.has(row.event)) {
    state.events.add(row.event);
    const select = $("filter-event");
    const options = [...state.events].sort();
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    for (const event of options) select.append(el("option", { value: event }, event));
    select.value = keep;
  }
  return true;
}

// ---- selection and keys ----
function choose(seq) {
  if (state.picking !== null && state.picking !== seq) {
    const other = state.picking;
    stopPicking();
    openDiff(other, seq);
    return;
  }
  const showing = state.detail && state.detail.seq === seq && !$("detail").hidden;
  state.selected = seq;
  paint();
  if (showing) document.body.classList.add("showing");
  else openDetail(seq);
}
function move(step) {
  if (state.shown.length === 0) return;
  let index = state.shown.findIndex((r) => r.seq === state.selected);
  index = index < 0 ? 0 : Math.min(state.shown.length - 1, Math.max(0, index + step));
  const seq = state.shown[index].seq;
  const list = $("list");
  const height = rowHeight();
  if (index * height < list.scrollTop) list.scrollTop = index * height;
  else if ((index + 1) * height > list.scrollTop + list.clientHeight) list.scrollTop = (index + 1) * height - list.clientHeight;
  choose(seq);
}
document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (event.key === "Escape") {
    if (typing) { document.activeElement.blur(); return; }
    if (state.picking !== null) { stopPicking(); return; }
    document.body.classList.remove("showing");
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "j") { move(1); event.preventDefault(); }
  else if (event.key === "k") { move(-1); event.preventDefault(); }
  else if (event.key === "/") { $("search").focus(); event.preventDefault(); }
  else if (event.key === "d" && state.selected !== null) startPicking(state.selected);
  else if (event.key === "c" && state.detail) copyCurl();
  else if (event.key === "?") $("help").showModal();
});

// ---- detail ----
async function openDetail(seq) {
  document.body.classList.add("showing");
  let detail;
  try {
    detail = await api(`/api/deliveries/${seq}`);
  } catch (err) {
    showMessage(`Cannot show delivery ${seq}: ${err.message}`);
    return;
  }
  if (state.selected !== seq) return;
  state.detail = detail;
  renderDetail(detail);
}
function showMessage(text) {
  const detail = $("detail");
  clear(detail);
  state.detail = null;
  detail.dataset.seq = "";
  detail.append(el("div", { class: "muted" }, text));
  detail.hidden = false;
  $("placeholder").hidden = true;
}
function card(title, body, ...extra) {
  return el("section", { class: "card" }, el("h3", {}, title, el("span", { class: "spacer" }), ...extra), body);
}
function renderDetail(d) {
  const detail = $("detail");
  clear(detail);
  $("placeholder").hidden = true;
  detail.hidden = false;
  detail.dataset.seq = d.seq;
  detail.append(detailHead(d), signatureCard(d), bodyCard(d), headersCard(d));
  if (d.response || d.forward) detail.append(responseCard(d));
  detail.append(replayCard(d));
  $("detail-pane").scrollTop = 0;
}
function detailHead(d) {
  const meta = el("div", { class: "meta" },
    el("span", {}, "#", el("b", {}, String(d.seq))),
    el("span", {}, "received ", el("b", {}, d.received_at || "—")),
    d.remote_addr ? el("span", {}, "from ", el("b", {}, d.remote_addr)) : null,
    d.source ? el("span", {}, "source ", el("b", {}, d.source)) : null,
    el("span", {}, "id ", el("b", {}, d.id)),
    el("span", {}, el("b", {}, sizeOf(d.size))));
  const actions = el("div", { class: "actions" },
    el("button", { class: "btn", type: "button", onclick: copyCurl, title: "c" }, "Copy as curl"),
    el("a", { class: "btn", href: `/api/deliveries/${Number(d.seq)}/capture`, download: "" }, "⤓ Download capture"),
    el("button", { class: "btn", type: "button", onclick: () => startPicking(d.seq), title: "d" }, "⇄ Diff with…"));
  return el("div", { class: "detail-head" },
    el("div", { class: "detail-title" },
      el("button", { class: "btn back", type: "button", onclick: () => document.body.classList.remove("showing") }, "← List"),
      el("span", { class: `method ${d.method === "POST" ? "POST" : ""}` }, d.method),
      el("span", { class: "path" }, d.target),
      d.event ? el("span", { class: "chip" }, d.event) : null,
      verdictBadge(d),
      d.status ? el("span", { class: `c-status ${statusClass(d.status)}` }, `→ ${d.status}`) : null,
      d.duplicate ? el("span", { class: "badge dup" }, "↻ duplicate") : null),
    meta, actions);
}
function signatureCard(d) {
  const body = el("div", { class: "card-body" });
  const line = el("div", { class: "verdict-line" }, verdictBadge(d));
  if (d.verdict === "invalid" && d.reason) line.append(el("span", { class: "reason" }, d.reason));
  if (d.verdict === "valid") line.append(el("span", { class: "muted" }, "verified with your secret"));
  if (d.verdict === "unchecked") line.append(el("span", { class: "muted" }, "start whk with --secret to verify signatures"));
  body.append(line);
  if (d.diagnosis) body.append(el("div", { class: "diagnosis" }, el("span", { class: "kind" }, d.diagnosis.kind), d.diagnosis.detail));
  if (d.can_explain) {
    const holder = el("div", { class: "expected" });
    const button = el("button", { class: "btn small", type: "button" }, "Expected signature…");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const expected = await api(`/api/deliveries/${d.seq}/expected`);
        clear(holder);
        holder.append(kvTable(expected.headers), el("div", { class: "muted" }, "Signed bytes:"), el("pre", { class: "code" }, expected.signed));
      } catch (err) {
        clear(holder);
        holder.append(el("span", { class: "muted" }, err.message));
      }
      button.remove();
    });
    button.style.marginLeft = "auto";
    line.append(button);
    body.append(holder);
  }
  return card("Signature", body);
}
function kvTable(pairs) {
  const table = el("table", { class: "kv" });
  for (const [name, value] of pairs) table.append(el("tr", {}, el("td", {}, name), el("td", {}, value)));
  return table;
}
function headersCard(d) {
  return card(`Headers · ${d.headers.length}`, kvTable(d.headers));
}
function bodyCard(d) {
  const holder = el("div", {});
  const views = [];
  if (d.body.json !== null && d.body.json !== undefined) views.push(["Tree", () => jsonTree(d.body.json)]);
  if (d.body.text !== null && d.body.text !== undefined) {
    views.push(["Raw", () => el("pre", { class: "code" }, d.body.text === "" ? "(empty body)" : d.body.text)]);
    if (d.body.json !== null && d.body.json !== undefined) views.push(["Pretty", () => el("pre", { class: "code" }, JSON.stringify(d.body.json, null, 2))]);
  }
  if (d.body.hex) {
    views.push(["Hex", () => el("pre", { class: "code" }, d.body.hex)]);
    views.push(["Base64", () => el("pre", { class: "code" }, d.body.base64)]);
  }
  const seg = el("span", { class: "seg" });
  const show = (index) => {
    clear(holder);
    holder.append(views[index][1]());
    [...seg.children].forEach((b, i) => b.classList.toggle("on", i === index));
  };
  views.forEach(([name], index) => seg.append(el("button", { type: "button", onclick: () => show(index) }, name)));
  if (views.length) show(0);
  return card(`Body · ${sizeOf(d.size)}`, holder, views.length > 1 ? seg : null);
}
function jsonTree(value) {
  const root = el("div", { class: "tree", "data-tree": "" });
  root.append(treeNode(null, value, "", 0, true));
  return root;
}
function treeNode(key, value, path, depth, last) {
  const label = key === null ? [] : [el("span", { class: "k" }, typeof key === "number" ? "" : JSON.stringify(key)), typeof key === "number" ? null : el("span", { class: "p" }, ": ")];
  const comma = last ? null : el("span", { class: "p" }, ",");
  if (value !== null && typeof value === "object") {
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) return el("div", { class: "leaf" }, ...label, el("span", { class: "p" }, open + close), comma);
    const details = el("details", { "data-path": path });
    details.append(el("summary", {}, ...label, el("span", { class: "p" }, open), el("span", { class: "hint" }, ` ${entries.length} ${isArray ? "items" : "keys"} `)));
    const closer = el("div", { class: "closer" }, el("span", { class: "p" }, close), comma);
    // Children are built when first opened, so a huge payload costs nothing until looked at.
    let built = false;
    const build = () => {
      if (built) return;
      built = true;
      const children = document.createDocumentFragment();
      entries.forEach(([k, v], i) => {
        const child = isArray ? `${path}[${k}]` : path ? `${path}.${k}` : String(k);
        children.append(treeNode(isArray ? i : k, v, child, depth + 1, i === entries.length - 1));
      });
      details.insertBefore(children, closer);
    };
    details.append(closer);
    details.addEventListener("toggle", () => { if (details.open) build(); });
    if (depth < 4 && entries.length <= 200) { build(); details.open = true; }
    return details;
  }
  let cls = "z";
  let text = "null";
  if (typeof value === "string") { cls = "s"; text = JSON.stringify(value); }
  else if (typeof value === "number") { cls = "n"; text = String(value); }
  else if (typeof value === "boolean") { cls = "b"; text = String(value); }
  return el("div", { class: "leaf" }, ...label, el("span", { class: cls, "data-path": path }, text), comma);
}
function responseCard(d) {
  const body = el("div", {});
  if (d.response) {
    body.append(el("div", { class: "card-body verdict-line" }, el("span", { class: `c-status ${statusClass(d.response.status)}` }, String(d.response.status)), el("span", { class: "muted" }, "answered by whk")));
    if (d.response.body) body.append(el("pre", { class: "code" }, d.response.body));
  }
  if (d.forward) {
    const f = d.forward;
    const head = f.error
      ? el("span", { class: "error-text" }, `${f.url}: ${f.message || f.error}`)
      : el("span", {}, el("span", { class: `c-status ${statusClass(f.status)}` }, String(f.status)), " from ", f.url, el("span", { class: "muted" }, ` in ${f.latency_ms} ms`));
    body.append(el("div", { class: "card-body verdict-line" }, el("span", { class: "muted" }, "Your app:"), head));
    if (f.body) body.append(el("pre", { class: "code" }, f.body));
  }
  return card("Response", body);
}

// ---- replay ----
function replayCard(d) {
  const info = state.info || {};
  const mode = (name, text, checked, disabled) => el("label", { title: disabled ? "start whk with --secret to re-sign" : "" },
    el("input", { type: "radio", name: "replay-mode", value: name, checked: checked ? "" : null, disabled: disabled ? "" : null }), text);
  const modes = el("div", { class: "modes" },
    mode("captured", "As captured", true, false),
    mode("resigned", "Re-signed now", false, !info.can_resign),
    mode("edited", info.can_resign ? "Edited (re-signed)" : "Edited", false, false));
  const url = el("input", { class: "field", id: "replay-url", type: "url", spellcheck: "false",
    placeholder: info.forward_to ? `${info.forward_to} (the --forward-to URL) + ${d.target}` : "http://127.0.0.1:8080/webhooks" });
  const headers = el("textarea", { class: "field", id: "replay-headers", spellcheck: "false" });
  headers.value = d.headers.map(([n, v]) => `${n}: ${v}`).join("\n");
  const bodyText = el("textarea", { class: "field", id: "replay-body", spellcheck: "false" });
  bodyText.value = d.body.json !== null && d.body.json !== undefined ? JSON.stringify(d.body.json, null, 2) : (d.body.text ?? "");
  const editing = el("div", { class: "replay-grid", hidden: "" },
    el("label", {}, "Body", bodyText), el("label", {}, "Headers (one “Name: value” a line)", headers));
  if (d.body.text === null || d.body.text === undefined) bodyText.disabled = true;
  modes.addEventListener("change", () => {
    editing.hidden = modes.querySelector("input:checked").value !== "edited";
  });
  const result = el("div", { id: "replay-result" });
  const send = el("button", { class: "btn primary", type: "button", id: "replay-send" }, "▶ Send");
  send.addEventListener("click", async () => {
    const chosen = modes.querySelector("input:checked").value;
    const ask = { seq: d.seq, mode: chosen, url: url.value.trim() || null };
    if (chosen === "edited") {
      ask.body = bodyText.disabled ? null : bodyText.value;
      ask.headers = headers.value.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
        const at = line.indexOf(":");
        return at < 0 ? [line, ""] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      });
    }
    send.disabled = true;
    clear(result);
    result.append(el("div", { class: "muted" }, "sending…"));
    try {
      const outcome = await api("/api/replay", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Whk-Token": token },
        body: JSON.stringify(ask),
      });
      showOutcome(result, outcome);
    } catch (err) {
      clear(result);
      result.append(el("div", { class: "error-text", "data-replay-error": "" }, err.message));
    } finally {
      send.disabled = false;
    }
  });
  const body = el("div", { class: "card-body replay-grid" }, modes, el("label", {}, "Send to", url), editing,
    el("div", { class: "actions" }, send), result);
  return card("Replay", body);
}
function showOutcome(holder, o) {
  clear(holder);
  const head = el("div", { class: "result-head" });
  if (o.error) head.append(el("span", { class: "error-text" }, o.error));
  else head.append(el("span", { class: `status ${statusClass(o.status)}`, "data-replay-status": o.status }, `${o.status} ${o.reason || ""}`));
  head.append(el("span", { class: "muted" }, `${o.method} ${o.url}`), el("span", { class: "muted" }, `${o.latency_ms} ms`),
    o.resigned ? el("span", { class: "badge valid" }, "re-signed") : null);
  const box = el("div", { class: "result" }, head);
  if (o.body) box.append(el("pre", { class: "code" }, o.body));
  holder.append(box);
}

async function copyCurl() {
  if (!state.detail) return;
  const text = state.detail.curl;
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    const area = el("textarea", {});
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  toast("curl command copied");
}

// ---- diff ----
function startPicking(seq) {
  state.picking = seq;
  const bar = $("picking");
  bar.textContent = `Pick a delivery to compare with #${seq} (Esc to cancel)`;
  bar.hidden = false;
  document.body.classList.remove("showing");
}
function stopPicking() {
  state.picking = null;
  $("picking").hidden = true;
}
async function openDiff(a, b) {
  state.selected = b;
  paint();
  document.body.classList.add("showing");
  let diff;
  try {
    diff = await api(`/api/diff?a=${a}&b=${b}`);
  } catch (err) {
    showMessage(err.message);
    return;
  }
  state.detail = null;
  const detail = $("detail");
  clear(detail);
  detail.dataset.seq = "diff";
  $("placeholder").hidden = true;
  detail.hidden = false;
  detail.append(el("div", { class: "detail-head" },
    el("div", { class: "detail-title" },
      el("button", { class: "btn back", type: "button", onclick: () => document.body.classList.remove("showing") }, "← List"),
      el("span", { class: "path" }, `#${a}  ⇄  #${b}`)),
    el("div", { class: "actions" },
      el("button", { class: "btn", type: "button", onclick: () => choose(a) }, `Open #${a}`),
      el("button", { class: "btn", type: "button", onclick: () => choose(b) }, `Open #${b}`))));
  const changed = diff.headers.filter((h) => h.kind !== "same");
  const headerTable = el("table", { class: "diff" }, el("tr", {}, el("th", {}, "Header"), el("th", {}, `#${a}`), el("th", {}, `#${b}`)));
  for (const h of changed) headerTable.append(el("tr", { class: `diff-row ${h.kind}` }, el("td", {}, h.name), el("td", {}, h.left ?? "—"), el("td", {}, h.right ?? "—")));
  const sameHeaders = diff.headers.length - changed.length;
  detail.append(card(`Headers · ${changed.length} differ`, el("div", {}, changed.length ? headerTable : null,
    el("div", { class: "same-note" }, `${sameHeaders} header${sameHeaders === 1 ? "" : "s"} the same`))));
  detail.append(card(diff.body.kind === "json" ? "Body · by JSON path" : "Body · by line", diffBody(diff.body, a, b)));
}
function diffBody(body, a, b) {
  if (body.kind === "json") {
    if (body.changes.length === 0) return el("div", { class: "same-note" }, "The bodies hold the same JSON.");
    const table = el("table", { class: "diff", "data-diff": "body" }, el("tr", {}, el("th", {}, "Path"), el("th", {}, `#${a}`), el("th", {}, `#${b}`)));
    const show = (v) => (v === null || v === undefined ? "—" : JSON.stringify(v, null, 1));
    for (const c of body.changes) table.append(el("tr", { class: `diff-row ${c.kind}` }, el("td", {}, c.path || "(whole body)"), el("td", {}, c.kind === "added" ? "—" : show(c.left)), el("td", {}, c.kind === "removed" ? "—" : show(c.right))));
    return table;
  }
  if (body.lines.every((l) => l.kind === "same")) return el("div", { class: "same-note" }, "The bodies are the same.");
  const box = el("div", { class: "code-lines" });
  for (const line of body.lines) box.append(el("div", { class: `line ${line.kind}` }, line.text));
  return box;
}

// ---- search and filters ----
let searchTimer = null;
$("search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 180);
});
async function runSearch() {
  const q = $("search").value.trim();
  if (!q) { state.found = null; refilter(); return; }
  try {
    const found = await api(`/api/search?q=${encodeURIComponent(q)}`);
    if ($("search").value.trim() !== q) return;
    state.found = new Set(found);
  } catch (err) {
    toast(err.message);
  }
  refilter();
}
for (const id of ["filter-event", "filter-verdict", "filter-status"]) $(id).addEventListener("change", refilter);
$("list").addEventListener("scroll", () => paint(false), { passive: true });
window.addEventListener("resize", () => { cachedRowHeight = 0; paint(); });
$("help-button").addEventListener("click", () => $("help").showModal());
$("help-close").addEventListener("click", () => $("help").close());

// ---- theme: system, light, dark ----
const themes = ["system", "light", "dark"];
const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
function applyTheme(theme) {
  const dark = theme === "dark" || (theme === "system" && systemDark.matches);
  document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
  $("theme").title = `Theme: ${theme === "system" ? "follows the system" : theme} (click to change)`;
}
systemDark.addEventListener("change", () => applyTheme(theme));
let theme = localStorage.getItem("whk-theme") || "system";
if (!themes.includes(theme)) theme = "system";
applyTheme(theme);
$("theme").addEventListener("click", () => {
  theme = themes[(themes.indexOf(theme) + 1) % themes.length];
  localStorage.setItem("whk-theme", theme);
  applyTheme(theme);
});

// ---- start: info, the list, then the live stream ----
async function loadList() {
  const rows = await api("/api/deliveries");
  for (const row of rows) addRow(row);
  state.rows.sort((x, y) => x.seq - y.seq);
  refilter();
}
// Deliveries that arrive in a burst (a load test) are filtered and drawn once per frame, and
// searched at most every half second, not once each.
let arrivalPending = false;
let searchPending = null;
function arrived() {
  if (state.found && !searchPending) searchPending = setTimeout(() => { searchPending = null; runSearch(); }, 500);
  if (arrivalPending) return;
  arrivalPending = true;
  requestAnimationFrame(() => { arrivalPending = false; refilter(); });
}
function connect() {
  const live = $("live");
  const stream = new EventSource("/api/stream");
  stream.addEventListener("open", () => { live.className = "live on"; $("live-text").textContent = "live"; });
  stream.addEventListener("error", () => { live.className = "live off"; $("live-text").textContent = "reconnecting…"; });
  stream.addEventListener("delivery", (event) => {
    const row = JSON.parse(event.data);
    if (!addRow(row)) return;
    state.fresh.add(row.seq);
    setTimeout(() => state.fresh.delete(row.seq), 1500);
    arrived();
  });
  stream.addEventListener("resync", () => loadList());
}
async function start() {
  try {
    state.info = await api("/api/info");
  } catch (err) {
    $("live-text").textContent = "cannot reach whk";
    return;
  }
  $("where").textContent = state.info.title;
  $("where").title = state.info.title;
  if (state.info.live) {
    const port = (state.info.title.match(/:(\d+)$/) || [])[1] || "3001";
    $("empty-hint").textContent = `whk send click --url http://127.0.0.1:${port}/webhooks --secret …`;
    connect();
  } else {
    $("live").className = "live file";
    $("live-text").textContent = "saved captures";
  }
  await loadList();
}
start();
