// Supervisor view: every queue with its callers, and the agents. Rows are kept by id,
// so a snapshot updates them in place and a half-chosen control is not reset.
import { act, api, el, live, mmss, slText, stateText, texts } from "./common.js";

const queuesBox = document.getElementById("queues");
const agentsBody = document.querySelector("#agents tbody");

function section(queue, queueIds) {
  let box = document.getElementById(`queue-${queue.id}`);
  if (!box) {
    box = el("section", { id: `queue-${queue.id}`, class: "queue", "aria-labelledby": `qh-${queue.id}` },
      el("h2", { id: `qh-${queue.id}` }, queue.name, " ", el("span", { class: "summary" })),
      el("div", { class: "scroll" }, el("table", { "aria-labelledby": `qh-${queue.id}` },
        el("thead", {}, el("tr", {}, ...["position", "waited", "language", "ident", "kind", "state", "actions"]
          .map((key) => el("th", { scope: "col" }, texts[key])))),
        el("tbody"))));
    queuesBox.append(box);
  }
  box.dataset.queues = queueIds.join(",");
  box.querySelector(".summary").textContent =
    `${texts.waiting} ${queue.waiting} · ${texts.longest} ${mmss(queue.longest_s)} · ${texts.sl} ${slText(queue)}`;
  return box.querySelector("tbody");
}

function controls(caller, queue, queueIds) {
  const label = (what) => `${texts[what]} ${caller.id}`;
  const moveTo = el("select", { "aria-label": label("move_to"), class: "move-to" },
    ...queueIds.filter((q) => q !== queue.id).map((q) => el("option", { value: q }, q)));
  const pickFor = el("select", { "aria-label": label("pick_for"), class: "pick-for" });
  return el("td", {}, el("div", { class: "actions" },
    moveTo,
    el("button", { type: "button", class: "move", onclick: () =>
      act(() => api("POST", `/api/tasks/${encodeURIComponent(caller.id)}/move`, { queue: moveTo.value })) },
    texts.move),
    el("button", { type: "button", class: "prioritise", onclick: () =>
      act(() => api("POST", `/api/tasks/${encodeURIComponent(caller.id)}/prioritise`,
        { priority: Number(moveTo.closest("tr").dataset.priority || 0) + 10 })) }, texts.prioritise),
    pickFor,
    el("button", { type: "button", class: "pick", onclick: () =>
      act(() => api("POST", `/api/tasks/${encodeURIComponent(caller.id)}/pick`, { agent: pickFor.value })) },
    texts.pick)));
}

function fillPick(select, available) {
  const wanted = available.map((a) => a.id).join(",");
  if (select.dataset.options === wanted) return;
  const chosen = select.value;
  select.replaceChildren(...available.map((a) => el("option", { value: a.id }, a.name)));
  if (available.some((a) => a.id === chosen)) select.value = chosen;
  select.dataset.options = wanted;
}

function callers(body, queue, queueIds, available) {
  const seen = new Set();
  for (const caller of queue.callers) {
    seen.add(caller.id);
    let row = body.querySelector(`tr[data-task="${CSS.escape(caller.id)}"]`);
    if (!row) {
      row = el("tr", { "data-task": caller.id }, ...Array.from({ length: 6 }, () => el("td")),
        controls(caller, queue, queueIds));
    }
    row.dataset.priority = caller.priority;
    body.append(row); // (re)appended in order: the rows follow the queue's order
    const kind = caller.kind === "callback" ? texts.callback : texts.voice;
    const cells = [caller.position, mmss(caller.waited_s), caller.language, caller.ident, kind,
      stateText(caller.state)];
    cells.forEach((value, i) => { row.cells[i].textContent = value; });
    fillPick(row.querySelector(".pick-for"), available);
  }
  for (const row of [...body.rows]) if (!seen.has(row.dataset.task)) row.remove();
}

function agents(list) {
  const seen = new Set();
  for (const agent of list) {
    seen.add(agent.id);
    let row = agentsBody.querySelector(`tr[data-agent="${CSS.escape(agent.id)}"]`);
    if (!row) {
      const path = `/api/agents/${encodeURIComponent(agent.id)}`;
      row = el("tr", { "data-agent": agent.id }, el("th", { scope: "row" }, agent.name), el("td"), el("td"),
        el("td", {}, el("div", { class: "actions" },
          el("button", { type: "button", class: "force-pause", "aria-label": `${texts.force_pause} ${agent.name}`,
            onclick: () => act(() => api("POST", `${path}/pause`, { reason: "supervisor" })) }, texts.force_pause),
          el("button", { type: "button", class: "force-logout", "aria-label": `${texts.force_logout} ${agent.name}`,
            onclick: () => act(() => api("POST", `${path}/logout`)) }, texts.force_logout))));
      agentsBody.append(row);
    }
    row.cells[1].textContent = stateText(agent.state);
    row.cells[2].textContent = agent.reason || "";
  }
  for (const row of [...agentsBody.rows]) if (!seen.has(row.dataset.agent)) row.remove();
}

live((snapshot) => {
  const queueIds = snapshot.queues.map((q) => q.id);
  const available = snapshot.agents.filter((a) => a.state === "available");
  for (const queue of snapshot.queues) callers(section(queue, queueIds), queue, queueIds, available);
  agents(snapshot.agents);
});
