// The board's one way to the server: the public GraphQL API over HTTP, with the key the user typed.
const KEY_NAME = "sop.apiKey";

export class KeyRefused extends Error {}

export function storedKey() {
  return window.sessionStorage.getItem(KEY_NAME);
}

export function storeKey(key) {
  window.sessionStorage.setItem(KEY_NAME, key);
}

export function forgetKey() {
  window.sessionStorage.removeItem(KEY_NAME);
}

// `#key=...` lets a link or a script open the board signed in; the key then leaves the address bar
// (and the history entry) at once, so it is not shared by copying the address.
export function takeKeyFromFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const key = fragment.get("key");
  if (!key) return null;
  storeKey(key);
  history.replaceState(null, "", window.location.pathname + window.location.search);
  return key;
}

export async function gql(query, variables = {}) {
  const key = storedKey();
  if (!key) throw new KeyRefused("Enter an API key to load the board.");
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    throw new Error(`The server answered HTTP ${response.status} without JSON.`);
  }
  if (response.status === 401) {
    throw new KeyRefused(`The API key was refused (${body?.errors?.[0]?.message ?? "unauthenticated"}): `
      + "it is wrong, revoked or expired. Enter another key.");
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    const code = first.extensions?.code;
    const error = new Error(code ? `${first.message} (${code})` : first.message);
    error.code = code;
    throw error;
  }
  return body.data;
}

// Plain helpers the panels share.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export function mondayOf(date) {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day;
}

export function addDays(date, days) {
  const next = new Date(date.getTime());
  next.setUTCDate(next.getUTCDate() + days);
  return next;
}

export function table(headers, rows) {
  return el("table", {},
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c ?? "—"))))));
}

export function percent(value) {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(0)} %`;
}
