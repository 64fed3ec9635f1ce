// Live feed: alerts and order events through GraphQL subscriptions (graphql-transport-ws over a websocket).
// The key goes in connection_init; a lost connection is retried with a growing delay and a visible notice.
import { el, gql, KeyRefused, storedKey } from "./api.js";

const PROTOCOL = "graphql-transport-ws";
const SUBSCRIPTIONS = {
  alerts: "subscription BoardAlerts { alerts { id kind severity message createdAt orderCode sku lineCode } }",
  events: "subscription BoardOrderEvents { orderEvents { orderCode kind at actor message fromStatus toStatus } }",
};
const MAX_DELAY_MS = 15000;
const FEED_LENGTH = 100;

let socket = null;
let retryTimer = null;
let delayMs = 1000;
let wanted = false;
let hooks = { onKeyRefused: () => {}, onReconnected: () => {} };

// state: "connected", "connecting", "lost" (shown as a red notice) or "stopped".
function status(text, state) {
  const line = document.getElementById("live-status");
  line.textContent = text;
  line.classList.toggle("lost", state === "lost");
  line.dataset.state = state;
}

function addEntry(kind, data) {
  const feed = document.getElementById("live-feed");
  const entry = kind === "alert"
    ? el("li", { "data-testid": "live-event", "data-kind": "alert", "data-alert-kind": data.kind,
      "data-line": data.lineCode, "data-order": data.orderCode },
    el("time", { text: data.createdAt.replace("T", " ").slice(0, 19) }),
    el("span", { class: "kind", text: `ALERT ${data.kind} (${data.severity})` }), data.message)
    : el("li", { "data-testid": "live-event", "data-kind": "order-event", "data-event-kind": data.kind,
      "data-order": data.orderCode },
    el("time", { text: data.at.replace("T", " ").slice(0, 19) }),
    el("span", { class: "kind", text: `${data.orderCode} ${data.kind}` }),
    data.toStatus ? `${data.fromStatus ?? ""} → ${data.toStatus} ` : "", data.message ?? "");
  feed.prepend(entry);
  while (feed.children.length > FEED_LENGTH) feed.lastElementChild.remove();
}

function scheduleRetry() {
  if (!wanted) return;
  const seconds = Math.round(delayMs / 1000);
  status(`Live feed: connection lost, reconnecting in ${seconds} s…`, "lost");
  retryTimer = window.setTimeout(() => open(true), delayMs);
  delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
}

// The server closes with 4403 for a refused key and also when its database is down: ask over HTTP which.
async function refused() {
  try {
    await gql("query BoardKeyCheck { __typename }");
    scheduleRetry();
  } catch (error) {
    if (error instanceof KeyRefused) {
      hooks.onKeyRefused(error);
    } else {
      scheduleRetry();
    }
  }
}

function open(reconnecting) {
  const key = storedKey();
  if (!key || !wanted) return;
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  status(reconnecting ? "Live feed: connection lost, reconnecting…" : "Live feed: connecting…",
    reconnecting ? "lost" : "connecting");
  const ws = new WebSocket(url, PROTOCOL);
  socket = ws;
  ws.addEventListener("open", () => {
    ws.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${key}` } }));
  });
  ws.addEventListener("message", (message) => {
    const frame = JSON.parse(message.data);
    if (frame.type === "connection_ack") {
      delayMs = 1000;
      status(reconnecting ? "Live feed: connected again (the panels were reloaded for what happened meanwhile)"
        : "Live feed: connected", "connected");
      for (const [id, query] of Object.entries(SUBSCRIPTIONS)) {
        ws.send(JSON.stringify({ id, type: "subscribe", payload: { query } }));
      }
      if (reconnecting) hooks.onReconnected();
    } else if (frame.type === "ping") {
      ws.send(JSON.stringify({ type: "pong" }));
    } else if (frame.type === "next" && frame.payload?.data) {
      if (frame.id === "alerts") addEntry("alert", frame.payload.data.alerts);
      else addEntry("event", frame.payload.data.orderEvents);
    } else if (frame.type === "error") {
      status(`Live feed: ${frame.id} refused: ${frame.payload?.[0]?.message ?? "error"}`, "lost");
    }
  });
  ws.addEventListener("close", (event) => {
    if (socket !== ws) return; // an older socket closed after a new key replaced it
    socket = null;
    if (!wanted) return;
    if (event.code === 4403 || event.code === 4401) refused();
    else scheduleRetry();
  });
}

export function startLive(callbacks) {
  hooks = { ...hooks, ...callbacks };
  stopLive();
  wanted = true;
  delayMs = 1000;
  open(false);
}

export function stopLive(why = "Live feed: not connected", state = "stopped") {
  wanted = false;
  window.clearTimeout(retryTimer);
  if (socket) {
    const old = socket;
    socket = null;
    old.close(1000, "key changed");
  }
  status(why, state);
}
