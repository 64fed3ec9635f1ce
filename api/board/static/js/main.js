// The board's start: take the key (typed, or from #key=...), load every panel, open the live feed.
import { forgetKey, KeyRefused, storedKey, storeKey, takeKeyFromFragment } from "./api.js";
import { closeDetail, setUpDetail } from "./detail.js";
import { loadHeatmap } from "./heatmap.js";
import { startLive, stopLive } from "./live.js";
import { loadKpis } from "./kpis.js";
import { loadOrders } from "./orders.js";
import { loadQuoteForm, setUpQuoteForm } from "./quote.js";

function say(text) {
  const message = document.getElementById("message");
  message.textContent = text ?? "";
  message.hidden = !text;
}

function keyRefused(error) {
  forgetKey();
  stopLive("Live feed: stopped, the key was refused", "lost");
  say(error.message);
  document.body.dataset.state = "key-refused";
  document.getElementById("api-key").focus();
}

// Each panel loads on its own: one that fails (say, a key that may not read KPIs) leaves the others shown.
async function loadPanels() {
  const panels = { capacity: loadHeatmap, orders: loadOrders, quote: loadQuoteForm, kpis: loadKpis };
  const results = await Promise.allSettled(Object.values(panels).map((load) => load()));
  const refusal = results.find((r) => r.status === "rejected" && r.reason instanceof KeyRefused);
  if (refusal) {
    keyRefused(refusal.reason);
    return false;
  }
  const failed = Object.keys(panels).map((name, i) => [name, results[i]]).filter(([, r]) => r.status === "rejected");
  say(failed.map(([name, r]) => `${name}: ${r.reason.message}`).join(" · ") || null);
  document.body.dataset.state = "loaded";
  return true;
}

async function start() {
  say(null);
  closeDetail();
  document.body.dataset.state = "loading";
  if (await loadPanels()) {
    startLive({ onKeyRefused: keyRefused, onReconnected: () => loadPanels() });
  }
}

function setUp() {
  setUpDetail();
  setUpQuoteForm();
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("api-key");
    storeKey(input.value.trim());
    input.value = "";
    start();
  });
  document.getElementById("forget-key").addEventListener("click", () => {
    forgetKey();
    stopLive();
    say("Key forgotten: enter a key to load the board.");
    document.body.dataset.state = "no-key";
  });
  window.addEventListener("hashchange", () => {
    if (takeKeyFromFragment()) start();
  });
  takeKeyFromFragment();
  if (storedKey()) start();
  else document.body.dataset.state = "no-key";
}

setUp();
