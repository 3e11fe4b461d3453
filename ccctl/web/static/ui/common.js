// Shared by the web UI's pages: texts, the CSRF-carrying API call, the live feed.
export const texts = JSON.parse(document.getElementById("ccctl-texts").textContent);

export function csrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// A REST call with the session cookie and the CSRF token; throws with the API's error.
export async function api(method, path, body) {
  const response = await fetch(path, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch { data = {}; }
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

// Calls onSnapshot with every snapshot of /ws/live; reconnects after a second.
export function live(onSnapshot) {
  const status = document.getElementById("live-status");
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  function connect() {
    const view = document.body.classList.contains("kiosk") ? "?view=wallboard" : "";
    const ws = new WebSocket(`${scheme}://${location.host}/ws/live${view}`);
    ws.onmessage = (event) => {
      status.textContent = "";
      onSnapshot(JSON.parse(event.data));
    };
    ws.onclose = (event) => {
      if (event.code === 1008) { // the session ended (log-out elsewhere, expiry)
        location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
        return;
      }
      status.textContent = texts.live_lost;
      setTimeout(connect, 1000);
    };
  }
  connect();
}

export function mmss(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// A small element builder: el("td", {class: "x"}, "text", child).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// Runs an action and says how it went in the page's status line.
export async function act(action) {
  const status = document.getElementById("action-status");
  try {
    await action();
    if (status) status.textContent = texts.done;
  } catch (error) {
    if (status) status.textContent = error.message;
  }
}

export function slText(queue) {
  return queue.sl === null ? texts.no_sl : `${Math.round(queue.sl)} %`;
}

export function stateText(state) {
  return texts[`state_${state}`] || state;
}
