// Capacity heatmap: production lines x weeks, planned and promised hours against capacity, the rush reserve
// and the frozen window marked; a cell opens its plan items and the orders promised that week.
import { addDays, el, gql, isoDay, mondayOf, percent, table } from "./api.js";
import { showDetail } from "./detail.js";

const WEEKS = 8;

const LOAD_QUERY = `query BoardCapacity($from: Date!, $weeks: Int!) {
  productionLines { code name weeklyCapacityHours }
  capacityLoad(from: $from, weeks: $weeks) {
    lineCode week capacityHours plannedHours promisedHours reservedHours overtimeHours utilization lostHours
  }
  plan { id version frozenUntil }
}`;

const CELL_QUERY = `query BoardCell($week: Date!, $line: String!, $weekEnd: Date!) {
  plan { version items(week: $week, lineCode: $line) { sku quantity hours quantityMade frozen } }
  orders(first: 100, filter: { promisedFrom: $week, promisedTo: $weekEnd }, orderBy: { field: PROMISED_DATE }) {
    edges { node { code status promisedDate rush customer { name } lines { product { sku } quantity } } }
  }
}`;

// The heavier of the two loads decides the colour: a week can be over-promised before the plan catches up.
function loadShare(cell) {
  if (cell.capacityHours <= 0) return cell.plannedHours + cell.promisedHours > 0 ? Infinity : 0;
  return Math.max(cell.utilization, cell.promisedHours / cell.capacityHours);
}

function level(share) {
  if (share > 1) return "over";
  if (share >= 0.9) return "high";
  if (share >= 0.7) return "mid";
  return "low";
}

function segment(kind, hours, capacity) {
  const span = el("span", { class: kind, title: `${kind} ${hours.toFixed(1)} h` });
  // A CSSOM width (not a style attribute) is allowed by the page's style-src 'self'.
  span.style.width = `${Math.min(100, capacity > 0 ? (hours / capacity) * 100 : 0)}%`;
  return span;
}

function cellButton(cell, frozen) {
  const share = loadShare(cell);
  const over = share > 1;
  const label = `${cell.lineCode}, week of ${cell.week}: planned ${cell.plannedHours.toFixed(1)} h, `
    + `promised ${cell.promisedHours.toFixed(1)} h of ${cell.capacityHours.toFixed(1)} h, `
    + `rush reserve ${cell.reservedHours.toFixed(1)} h${frozen ? ", frozen" : ""}${over ? ", OVER CAPACITY" : ""}`;
  return el("button", {
    type: "button",
    class: `cell ${level(share)}${frozen ? " frozen" : ""}`,
    "data-testid": "heatmap-cell",
    "data-line": cell.lineCode,
    "data-week": cell.week,
    "data-utilization": cell.utilization.toFixed(4),
    "data-over": over ? "true" : "false",
    "aria-label": label,
    title: label,
    onclick: () => openCell(cell),
  },
  el("span", { class: "pct", text: `${percent(share === Infinity ? null : share)}${over ? " ⚠" : ""}` }),
  el("span", { class: "hours", text: `${cell.plannedHours.toFixed(0)}+${cell.promisedHours.toFixed(0)} / ${cell.capacityHours.toFixed(0)} h` }),
  el("span", { class: "bar", "aria-hidden": "true" },
    segment("planned", cell.plannedHours, cell.capacityHours),
    segment("promised", cell.promisedHours, cell.capacityHours),
    segment("reserve", cell.reservedHours, cell.capacityHours)));
}

async function openCell(cell) {
  const weekEnd = isoDay(addDays(new Date(`${cell.week}T00:00:00Z`), 6));
  showDetail(`${cell.lineCode} · week of ${cell.week}`, el("p", { text: "Loading…" }));
  try {
    const data = await gql(CELL_QUERY, { week: cell.week, line: cell.lineCode, weekEnd });
    const items = data.plan?.items ?? [];
    const skus = new Set(items.map((item) => item.sku));
    // Orders do not name a line: the ones promised that week that need a sku this line makes in it.
    const orders = data.orders.edges.map((e) => e.node)
      .filter((order) => order.lines.some((line) => skus.has(line.product.sku)));
    showDetail(`${cell.lineCode} · week of ${cell.week}`,
      el("p", {}, `Capacity ${cell.capacityHours.toFixed(1)} h, planned ${cell.plannedHours.toFixed(1)} h, `
        + `promised ${cell.promisedHours.toFixed(1)} h, rush reserve ${cell.reservedHours.toFixed(1)} h, `
        + `overtime ${cell.overtimeHours.toFixed(1)} h, lost ${cell.lostHours.toFixed(1)} h.`),
      el("h3", { text: `Plan items (plan v${data.plan?.version ?? "—"})` }),
      items.length
        ? table(["sku", "quantity", "hours", "made", "frozen"],
          items.map((i) => [i.sku, i.quantity.toFixed(0), i.hours.toFixed(1), i.quantityMade.toFixed(0), i.frozen ? "yes" : "no"]))
        : el("p", { class: "empty", text: "No plan item on this line this week." }),
      el("h3", { text: "Orders promised this week for these skus" }),
      orders.length
        ? table(["order", "customer", "status", "promised", "rush"],
          orders.map((o) => [o.code, o.customer.name, o.status, o.promisedDate, o.rush ? "yes" : ""]))
        : el("p", { class: "empty", text: "No order promised this week for the skus of this cell." }));
  } catch (error) {
    showDetail(`${cell.lineCode} · week of ${cell.week}`, el("p", { class: "fail", text: error.message }));
  }
}

// Arrow keys move between cells (Tab alone would walk through lines x weeks one by one).
function moveFocus(event) {
  const steps = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  const step = steps[event.key];
  const cell = event.target.closest("td");
  if (!step || !cell) return;
  const row = cell.parentElement;
  const rows = [...row.parentElement.children];
  const target = rows[rows.indexOf(row) + step[0]]?.children[cell.cellIndex + step[1]]?.querySelector("button");
  if (target) {
    event.preventDefault();
    target.focus();
  }
}

export async function loadHeatmap() {
  const from = mondayOf(new Date());
  const data = await gql(LOAD_QUERY, { from: isoDay(from), weeks: WEEKS });
  const frozenUntil = data.plan?.frozenUntil ?? null;
  const weeks = Array.from({ length: WEEKS }, (_, i) => isoDay(addDays(from, 7 * i)));
  const byKey = new Map(data.capacityLoad.map((c) => [`${c.lineCode}|${c.week}`, c]));
  const frozen = (week) => frozenUntil !== null && week <= frozenUntil;
  const head = el("tr", {}, el("th", { scope: "col", text: "Line" }),
    weeks.map((w) => el("th", { scope: "col", class: frozen(w) ? "frozen" : null,
      title: frozen(w) ? `frozen until ${frozenUntil}` : null }, `${frozen(w) ? "❄ " : ""}${w}`)));
  const rows = data.productionLines.map((line) => el("tr", {},
    el("th", { scope: "row", title: line.name }, line.code),
    weeks.map((w) => {
      const cell = byKey.get(`${line.code}|${w}`);
      return el("td", {}, cell ? cellButton(cell, frozen(w)) : "—");
    })));
  const caption = el("caption", { class: "legend" },
    frozenUntil ? `Frozen window: the plan in force is fixed until ${frozenUntil}.` : "No plan in force.");
  document.getElementById("heatmap").replaceChildren(
    el("table", { class: "heatmap", onkeydown: moveFocus }, caption, el("thead", {}, head), el("tbody", {}, rows)));
}
