// Order board: one column per status, each card with its rush, at-risk and late flags and the promised against
// the requested date; a card opens the review (criteria, figures, fired rules) and the history.
import { el, gql, isoDay, table } from "./api.js";
import { showDetail } from "./detail.js";

// The board follows the orders still moving through the plant; shipped, closed and refused ones are history.
const STATUSES = ["RECEIVED", "PROPOSED", "ACCEPTED", "SCHEDULED", "IN_PRODUCTION", "IN_STOCK"];
const DONE = new Set(["IN_STOCK", "SHIPPED", "DELIVERED", "CLOSED", "REJECTED", "CANCELLED"]);
const PAGE = 100;
const MAX_ORDERS = 400;

const LIST_QUERY = `query BoardOrders($first: Int!, $after: String, $statuses: [OrderStatus!]) {
  orders(first: $first, after: $after, filter: { status: $statuses }, orderBy: { field: PROMISED_DATE }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { code status rush requestedDate promisedDate priorityTier customer { name } } }
  }
}`;

const OPEN_ALERTS_QUERY = `query BoardOpenAlerts { alerts(first: 200, open: true) { edges { node { kind orderCode } } } }`;

const DETAIL_QUERY = `query BoardOrder($code: String!) {
  order(code: $code) {
    code status version rush priorityTier requestedDate promisedDate amount grossMargin receivedAt
    customer { code name tier }
    lines { product { sku name } quantity unitPrice quantityMade }
    deliveries { sku quantity date }
    review {
      decision rulesVersion proposedDate
      criteria { criterion passed message }
      firedRules { ruleSet rule message }
      deliveries { sku quantity date }
    }
    history { kind at actor message fromStatus toStatus }
  }
}`;

// Late: the promised day has passed and the goods are not in stock. At risk: an open LATE_ORDER alert
// (the service raises one when a promise can no longer be kept) on an order not late yet.
export function flagsOf(order, today, alerted) {
  const late = order.promisedDate !== null && order.promisedDate < today && !DONE.has(order.status);
  return { rush: order.rush, late, atRisk: !late && alerted.has(order.code) };
}

function card(order, flags) {
  const names = [flags.rush && "rush", flags.atRisk && "at risk", flags.late && "late"].filter(Boolean);
  const label = `${order.code}, ${order.customer.name}, ${order.status}, requested ${order.requestedDate}, `
    + `promised ${order.promisedDate ?? "not yet"}${names.length ? `, ${names.join(", ")}` : ""}`;
  return el("li", {}, el("button", {
    type: "button",
    class: `order-card${flags.late ? " late" : ""}${flags.atRisk ? " at-risk" : ""}`,
    "data-testid": "order-card",
    "data-code": order.code,
    "data-status": order.status,
    "data-rush": String(flags.rush),
    "data-at-risk": String(flags.atRisk),
    "data-late": String(flags.late),
    "aria-label": label,
    onclick: () => openOrder(order.code),
  },
  el("span", { class: "code", text: order.code }),
  flags.rush && el("span", { class: "flag rush", text: "RUSH" }),
  flags.atRisk && el("span", { class: "flag at-risk", text: "AT RISK" }),
  flags.late && el("span", { class: "flag late", text: "LATE" }),
  el("span", { class: "dates", text: order.customer.name }),
  el("span", { class: "dates", text: `requested ${order.requestedDate} · promised ${order.promisedDate ?? "—"}` })));
}

export function reviewContent(review) {
  if (!review) return [el("p", { class: "empty", text: "Not reviewed yet." })];
  return [
    el("p", { class: "decision", text: `Decision: ${review.decision}` },
      review.proposedDate ? ` (proposed date ${review.proposedDate})` : ""),
    table(["criterion", "verdict", "why"], review.criteria.map((c) => [
      c.criterion, el("span", { class: c.passed ? "pass" : "fail", text: c.passed ? "passed" : "failed" }), c.message])),
    review.deliveries.length
      ? table(["sku", "quantity", "date"], review.deliveries.map((d) => [d.sku, d.quantity.toFixed(0), d.date]))
      : null,
    el("h4", { text: "Rules that fired" }),
    review.firedRules.length
      ? el("ul", {}, review.firedRules.map((r) => el("li", {}, el("code", { text: `${r.ruleSet}/${r.rule}` }), ` ${r.message}`)))
      : el("p", { class: "empty", text: "None." }),
    el("p", { class: "hint", text: `rules version ${review.rulesVersion}` }),
  ];
}

async function openOrder(code) {
  showDetail(`Order ${code}`, el("p", { text: "Loading…" }));
  try {
    const { order } = await gql(DETAIL_QUERY, { code });
    if (!order) {
      showDetail(`Order ${code}`, el("p", { class: "fail", text: "This order does not exist for this key." }));
      return;
    }
    showDetail(`Order ${order.code} · ${order.status}`,
      el("p", {}, `${order.customer.name} (${order.customer.tier}), priority ${order.priorityTier}`
        + `${order.rush ? ", rush" : ""}. Requested ${order.requestedDate}, promised ${order.promisedDate ?? "—"}.`),
      el("p", {}, `Amount ${order.amount}, gross margin ${order.grossMargin}, received ${order.receivedAt}.`),
      table(["sku", "product", "quantity", "unit price", "made"], order.lines.map((l) => [
        l.product.sku, l.product.name, l.quantity.toFixed(0), l.unitPrice, l.quantityMade.toFixed(0)])),
      el("h3", { text: "Review" }),
      ...reviewContent(order.review),
      el("h3", { text: "History" }),
      table(["at", "kind", "status", "by", "message"], order.history.map((h) => [
        h.at.replace("T", " ").slice(0, 19), h.kind,
        h.toStatus ? `${h.fromStatus ?? ""} → ${h.toStatus}` : "", h.actor, h.message])));
  } catch (error) {
    showDetail(`Order ${code}`, el("p", { class: "fail", text: error.message }));
  }
}

async function allOrders() {
  const orders = [];
  let after = null;
  let total = 0;
  do {
    const { orders: page } = await gql(LIST_QUERY, { first: PAGE, after, statuses: STATUSES });
    total = page.totalCount;
    orders.push(...page.edges.map((e) => e.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after && orders.length < MAX_ORDERS);
  return { orders, total };
}

export async function loadOrders() {
  const [{ orders, total }, alerts] = await Promise.all([allOrders(), gql(OPEN_ALERTS_QUERY)]);
  const alerted = new Set(alerts.alerts.edges.map((e) => e.node)
    .filter((a) => a.kind === "LATE_ORDER" && a.orderCode).map((a) => a.orderCode));
  const today = isoDay(new Date());
  const columns = STATUSES.map((status) => {
    const here = orders.filter((o) => o.status === status);
    if (!here.length) return null;
    return el("div", { class: "status-col", "data-status": status },
      el("h3", { text: `${status.replace("_", " ")} (${here.length})` }),
      el("ul", {}, here.map((o) => card(o, flagsOf(o, today, alerted)))));
  });
  const board = document.getElementById("order-board");
  board.replaceChildren(...columns.filter(Boolean));
  if (total > orders.length) {
    board.append(el("p", { class: "hint", text: `Showing the first ${orders.length} of ${total} open orders by promised date.` }));
  }
}
