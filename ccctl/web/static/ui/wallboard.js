// The wallboard: the server renders the tiles; the live feed keeps them current.
import { live, mmss, slText } from "./common.js";

live((snapshot) => {
  for (const queue of snapshot.queues) {
    const tile = document.querySelector(`.tile[data-queue="${CSS.escape(queue.id)}"]`);
    if (!tile) continue;
    tile.className = `tile sl-${queue.colour}`;
    const set = (field, value) => { tile.querySelector(`[data-field="${field}"]`).textContent = value; };
    set("waiting", queue.waiting);
    set("longest", mmss(queue.longest_s));
    set("sl", slText(queue));
    set("available", queue.available);
    set("busy", queue.busy);
    set("paused", queue.paused);
  }
});
