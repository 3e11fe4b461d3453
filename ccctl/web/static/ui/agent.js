// Agent desktop: state and pause, the current offer or call (from GET /api/agents/ID
// whenever the live feed says the agent's state or call changed), hold, transfer with a
// directory search, hang up, and the queues the agent serves.
//
// Softphone hook: when the server finds static/softphone/mount.js it adds
// <meta name="ccctl-softphone" content="/static/softphone/mount.js">; this module then
// imports it and calls its export mount(element, {agent, csrf, texts}) with #softphone.
import { act, api, csrf, el, live, mmss, stateText, texts } from "./common.js";

const agent = document.querySelector('meta[name="ccctl-agent"]').content;
const base = `/api/agents/${encodeURIComponent(agent)}`;
const byId = (id) => document.getElementById(id);
let current = null; // the call shown, from GET /api/agents/ID
let lastKey = "";

byId("btn-login").addEventListener("click", () => act(() => api("POST", `${base}/login`)));
byId("btn-logout").addEventListener("click", () => act(() => api("POST", `${base}/logout`)));
byId("btn-ready").addEventListener("click", () => act(() => api("POST", `${base}/ready`)));
// The parked call comes back as an offer once the agent is ready again (personal queue).
byId("btn-retrieve").addEventListener("click", () => act(() => api("POST", `${base}/ready`)));
byId("pause-form").addEventListener("submit", (event) => {
  event.preventDefault();
  act(() => api("POST", `${base}/pause`, { reason: byId("pause-reason").value }));
});
const onCall = (verb, body) => () =>
  current && act(() => api("POST", `/api/tasks/${encodeURIComponent(current.id)}/${verb}`, body));
byId("btn-hold").addEventListener("click", onCall("park"));
byId("btn-hangup").addEventListener("click", onCall("hangup"));

function targetBody(result) {
  return { [result.kind]: result.id };
}

function targetName(result) {
  if (result.kind === "directory") return `${result.name.sv || result.name.en || result.id} (${result.number})`;
  if (result.kind === "agent") return `${result.name} (${stateText(result.state)})`;
  return `${texts.queue} ${result.id}`;
}

let searchTimer = null;
byId("transfer-search").addEventListener("input", (event) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const found = await api("GET", `/api/directory?q=${encodeURIComponent(event.target.value)}`);
    byId("transfer-results").replaceChildren(...found.results.slice(0, 10).map((result) =>
      el("li", {}, el("button", { type: "button", onclick: onCall("transfer", targetBody(result)) },
        `${texts.transfer}: ${targetName(result)}`))));
  }, 200);
});
byId("transfer-form").addEventListener("submit", (event) => event.preventDefault());

function showCall(call) {
  current = call;
  byId("call-actions").hidden = byId("transfer-form").hidden = !call;
  if (!call) {
    byId("call").replaceChildren(el("p", {}, texts.no_call));
    return;
  }
  const ident = call.identification || {};
  const rows = [[texts.caller, call.caller], [texts.ident, [ident.status, ident.name].filter(Boolean).join(" · ")],
    [texts.language, call.language || ""], [texts.menu_path, call.menu_path], [texts.queue, call.queue],
    [texts.waited, mmss(call.waited_s)]];
  byId("call").replaceChildren(el("dl", { class: "call" },
    ...rows.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value || "–")])));
}

async function refresh() {
  try {
    showCall((await api("GET", base)).call);
  } catch {
    showCall(null); // logged out: the API knows no state for the agent
  }
}

live((snapshot) => {
  const me = snapshot.me;
  byId("my-state").textContent = stateText(me.state) + (me.reason ? ` (${me.reason})` : "");
  byId("my-state").dataset.state = me.state;
  byId("personal-count").textContent = me.personal;
  const key = `${me.state}|${me.task}`;
  if (key !== lastKey) { lastKey = key; refresh(); }
  byId("my-queues").tBodies[0].replaceChildren(...snapshot.queues.map((q) =>
    el("tr", {}, el("th", { scope: "row" }, q.name), el("td", {}, String(q.waiting)),
      el("td", {}, mmss(q.longest_s)))));
});

const softphone = document.querySelector('meta[name="ccctl-softphone"]');
if (softphone) {
  import(softphone.content).then((module) =>
    module.mount(byId("softphone"), { agent, csrf: csrf(), texts }));
}
