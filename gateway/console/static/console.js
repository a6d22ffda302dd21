// The auditor console: talks to the gateway's own /graphql with the auditor's token (kept in sessionStorage,
// never in the URL) and the audit subgraph's queries. No build step: one ES module.
const RECORD_FIELDS = `seq time traceId requestId operationType operationName outcome errorCodes latencyMs services
  principal { subject agency roles scopes }
  fetches { index service path entity representations started durationMs ok errorCode
    legacyCalls { index source operation endpoint started status latencyMs retries breaker errorCode } }
  lineage { path service fetch legacyCalls } leafHash chainHash`;

let token = sessionStorage.getItem("silkgraph-auditor-token") || "";
let lastRecords = [];

async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json",
               authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && !body.data) throw new Error(body.errors.map((e) => e.message).join("; "));
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

function text(tag, content, attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = content;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

async function refreshStatus() {
  const status = document.getElementById("log-status");
  try {
    const { auditStatus: s } = await gql("{ auditStatus { size available checkpoint { size } checkpointError } }");
    status.textContent = `Log: ${s.size} records · ${s.available ? "store available" : "STORE UNAVAILABLE"}` +
      (s.checkpoint ? ` · checkpoint at ${s.checkpoint.size}` : " · no checkpoint yet");
    return s;
  } catch (e) {
    status.textContent = `Not signed in (${e.message})`;
    return null;
  }
}

async function search(form) {
  const data = new FormData(form);
  const args = {};
  for (const key of ["requestId", "subject", "agency", "operation", "legacySystem", "outcome"]) {
    if (data.get(key)) args[key] = data.get(key);
  }
  for (const key of ["since", "until"]) if (data.get(key)) args[key] = new Date(data.get(key) + "Z").toISOString();
  const q = `query Search($requestId: String, $subject: String, $agency: String, $operation: String,
      $legacySystem: String, $outcome: String, $since: String, $until: String) {
    auditRecords(requestId: $requestId, subject: $subject, agency: $agency, operation: $operation,
      legacySystem: $legacySystem, outcome: $outcome, since: $since, until: $until, first: 100) {
      records { ${RECORD_FIELDS} } } }`;
  const { auditRecords } = await gql(q, args);
  lastRecords = auditRecords.records;
  const body = document.querySelector("#results tbody");
  body.replaceChildren();
  for (const r of lastRecords) {
    const row = document.createElement("tr");
    row.tabIndex = 0;
    row.dataset.seq = r.seq;
    for (const value of [r.seq, r.time, r.principal.subject, r.principal.agency || "—", r.operationName || r.operationType || "—",
                         r.outcome, `${r.latencyMs.toFixed(1)} ms`]) row.append(text("td", String(value)));
    row.addEventListener("click", () => open(row, r));
    row.addEventListener("keydown", (e) => { if (e.key === "Enter") open(row, r); });
    body.append(row);
  }
}

function bar(row, start, width, total, cls, label) {
  const track = document.createElement("div");
  track.className = "track";
  const b = document.createElement("div");
  b.className = `bar ${cls}`;
  b.style.left = `${(100 * start) / total}%`;
  b.style.width = `${Math.max((100 * width) / total, 0.5)}%`;
  b.setAttribute("role", "img");
  b.setAttribute("aria-label", label);
  b.title = label;
  track.append(b);
  row.append(track);
}

function open(row, r) {
  for (const other of row.parentElement.children) other.removeAttribute("aria-selected");
  row.setAttribute("aria-selected", "true");
  show(r);
  // the record opens below the (scrolling) result list: bring it into view and move focus to it
  const heading = document.getElementById("record-h");
  heading.scrollIntoView({ block: "start" });
  heading.focus({ preventScroll: true });
}

function show(r) {
  document.getElementById("record").hidden = false;
  const summary = document.getElementById("record-summary");
  summary.replaceChildren();
  for (const [k, v] of [["Seq", r.seq], ["Request id", r.requestId], ["Trace", r.traceId], ["Principal", `${r.principal.subject} (${r.principal.agency || "no agency"})`],
                        ["Operation", `${r.operationType || ""} ${r.operationName || ""}`], ["Outcome", `${r.outcome} ${r.errorCodes.join(" ")}`],
                        ["Latency", `${r.latencyMs.toFixed(1)} ms`], ["Subgraphs", r.services.join(", ")]]) {
    summary.append(text("dt", k), text("dd", String(v)));
  }
  const start = Date.parse(r.time);
  const total = Math.max(r.latencyMs, ...r.fetches.map((f) => Date.parse(f.started) - start + f.durationMs), 1);
  const waterfall = document.getElementById("waterfall");
  waterfall.replaceChildren();
  for (const f of r.fetches) {
    const offset = Math.max(Date.parse(f.started) - start, 0);
    const row = document.createElement("div");
    row.className = "row";
    row.setAttribute("role", "listitem");
    row.append(text("span", `${f.service} ${f.path.join(".") || "(root)"}`, { class: "label" }));
    bar(row, offset, f.durationMs, total, f.ok ? "fetch" : "fetch error",
        `fetch ${f.index} to ${f.service}: ${f.durationMs.toFixed(1)} ms from ${offset.toFixed(1)} ms` +
        (f.ok ? "" : `, failed with ${f.errorCode}`));
    waterfall.append(row);
    for (const c of f.legacyCalls) {
      const sub = document.createElement("div");
      sub.className = "row";
      sub.setAttribute("role", "listitem");
      sub.append(text("span", `  ↳ ${c.source} ${c.operation}`, { class: "label" }));
      const at = c.started ? Math.max(Date.parse(c.started) - start, 0) : offset;
      bar(sub, at, c.latencyMs, total, c.errorCode ? "legacy error" : "legacy",
          `legacy call to ${c.source} ${c.operation}: ${c.latencyMs.toFixed(1)} ms from ${at.toFixed(1)} ms, status ${c.status ?? "none"}, ` +
          `${c.retries} retries, breaker ${c.breaker || "n/a"}` + (c.errorCode ? `, error ${c.errorCode}` : ""));
      waterfall.append(sub);
    }
  }
  const lineage = document.querySelector("#lineage tbody");
  lineage.replaceChildren();
  for (const l of r.lineage) {
    const row = document.createElement("tr");
    row.append(text("td", l.path), text("td", l.service), text("td", l.legacyCalls.join(", ") || "—"));
    lineage.append(row);
  }
  verify(r);
}

async function verify(r) {
  const out = document.getElementById("verification");
  try {
    const s = await refreshStatus();
    const { auditInclusionProof: p } = await gql(
      "query P($seq: Int!) { auditInclusionProof(seq: $seq) { size root path } }", { seq: r.seq });
    const ok = s && s.available && !s.checkpointError;
    out.className = ok ? "ok" : "bad";
    out.textContent = ok
      ? `Chain OK · record ${r.seq} is included in the tree of size ${p.size} (proof of ${p.path.length} hashes, root ${p.root.slice(0, 16)}…)`
      : `Verification problem: ${s ? s.checkpointError || "store unavailable" : "no status"}`;
  } catch (e) {
    out.className = "bad";
    out.textContent = `Verification failed: ${e.message}`;
  }
}

function exportJsonl() {
  const blob = new Blob(lastRecords.map((r) => JSON.stringify(r) + "\n"), { type: "application/x-ndjson" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "audit-records.jsonl";
  link.click();
}

document.getElementById("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  token = new FormData(e.target).get("token");
  sessionStorage.setItem("silkgraph-auditor-token", token);
  await refreshStatus();
});
document.getElementById("search").addEventListener("submit", async (e) => {
  e.preventDefault();
  try { await search(e.target); } catch (err) { document.getElementById("log-status").textContent = err.message; }
});
document.getElementById("export").addEventListener("click", exportJsonl);
if (token) refreshStatus();
