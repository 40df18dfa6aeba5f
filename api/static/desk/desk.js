// The reference agent desk (docs/agent_desk.md): one screen-pop query through POST /graphql
// with the agent's key. The key lives in this tab's sessionStorage only (never the URL);
// every value is written with textContent, so nothing a record holds can run as markup.
"use strict";

const KEY = "cs-hub-desk-key";
const CARD = `query Desk($id: ID, $phone: String, $vin: String) {
  customer(id: $id, phone: $phone, vin: $vin) {
    id name customerType segment city primaryPhone
    lifecycle { stage churnRisk valueCny nextBestOffer }
    vehicles { vin modelName activeFaults { faultCode description activeSince }
               openFieldAlerts { severity agentScript } }
    suggestions(first: 5) { kind id title reasons }
    openWorkOrders { workOrderId category priority stage slaState faultCode }
    serviceHistory(first: 5) { edges { node { workOrderId createdAt category resolution callbackScore } } }
  } }`;

const $ = (id) => document.getElementById(id);

function item(parent, text, cls) {
  const el = document.createElement(parent.tagName === "DL" ? "dd" : "li");
  if (cls) el.className = cls;
  el.textContent = text;
  parent.appendChild(el);
  return el;
}

function line(parent, text, cls) {
  const span = document.createElement("span");
  span.className = cls;
  span.textContent = text;
  parent.appendChild(span);
}

function lookupOf(text) {
  const value = text.trim();
  if (/^CU/i.test(value)) return { id: value.toUpperCase() };
  if (/^[A-HJ-NPR-Z0-9]{17}$/i.test(value)) return { vin: value.toUpperCase() };
  return { phone: value };
}

async function show(text) {
  const key = sessionStorage.getItem(KEY);
  $("card").hidden = true;
  if (!key) { $("status").textContent = "Enter your API key first."; return; }
  if (!text.trim()) { $("status").textContent = "Type a caller number, VIN or customer id."; return; }
  $("status").textContent = "Looking up…";
  let body;
  try {
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: CARD, variables: lookupOf(text) }),
    });
    body = await response.json();
  } catch (error) {
    $("status").textContent = `The API did not answer: ${error}`;
    return;
  }
  if (body.errors && !(body.data && body.data.customer)) {
    $("status").textContent = body.errors.map((e) => e.message).join("; ");
    return;
  }
  const customer = body.data && body.data.customer;
  if (!customer) { $("status").textContent = "No customer found for that number, VIN or id."; return; }
  $("status").textContent = "";
  render(customer);
}

function render(c) {
  for (const id of ["identity-fields", "vehicle-list", "suggestion-list", "order-list", "history-list"]) {
    $(id).replaceChildren();
  }
  const fields = $("identity-fields");
  const life = c.lifecycle || {};
  for (const [label, value] of [["Name", c.name], ["Customer id", c.id], ["Phone", c.primaryPhone],
                                ["Type", c.customerType], ["Segment", c.segment], ["City", c.city],
                                ["Stage", life.stage], ["Churn risk", life.churnRisk],
                                ["Value (CNY)", life.valueCny]]) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    fields.appendChild(dt);
    item(fields, value === null || value === undefined ? "—" : String(value));
  }
  $("next-best-offer").textContent = life.nextBestOffer || "none";
  for (const v of c.vehicles) {
    const li = item($("vehicle-list"), `${v.vin} ${v.modelName || ""}`);
    for (const f of v.activeFaults) line(li, `fault ${f.faultCode}: ${f.description || ""}`, "fault reason");
    for (const a of v.openFieldAlerts) line(li, `field alert (${a.severity}): ${a.agentScript || ""}`, "alert");
  }
  if (!c.vehicles.length) item($("vehicle-list"), "no vehicles");
  for (const s of c.suggestions) {
    const li = item($("suggestion-list"), `${s.kind === "article" ? "Article" : "Case"} ${s.id}: ${s.title}`);
    line(li, s.reasons.join("; "), "reason");
  }
  if (!c.suggestions.length) item($("suggestion-list"), "nothing known for this caller's faults");
  for (const w of c.openWorkOrders) {
    item($("order-list"), `${w.workOrderId} ${w.category} ${w.priority} — ${w.stage} (${w.slaState || ""})`);
  }
  if (!c.openWorkOrders.length) item($("order-list"), "no open work orders");
  for (const { node: h } of c.serviceHistory.edges) {
    item($("history-list"), `${h.workOrderId} ${(h.createdAt || "").slice(0, 10)} ${h.category}: ` +
         `${h.resolution || ""}${h.callbackScore ? ` (callback ${h.callbackScore}/5)` : ""}`);
  }
  if (!c.serviceHistory.edges.length) item($("history-list"), "no past service");
  $("card").hidden = false;
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = $("key").value.trim();
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
  $("key").value = "";
  $("key-state").textContent = key ? "key set for this tab" : "no key";
  show($("search").value);
});

$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(window.location.href);
  url.searchParams.set("ani", $("search").value.trim());
  history.replaceState(null, "", url);
  show($("search").value);
});

const ani = new URLSearchParams(window.location.search).get("ani") || "";
$("search").value = ani;
$("key-state").textContent = sessionStorage.getItem(KEY) ? "key set for this tab" : "no key";
if (ani && sessionStorage.getItem(KEY)) show(ani);
