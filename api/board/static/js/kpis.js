// KPI cards: the scorecards of the last 12 weeks and one card per KPI with its value and weekly trend.
import { addDays, el, gql, isoDay, mondayOf, percent } from "./api.js";

const WEEKS = 12;
const SVG = "http://www.w3.org/2000/svg";

// [field, label, format]: formats say what the number is (a share, hours, money, a ratio).
const KPIS = [
  ["orderFulfillmentRate", "Order fulfilment rate", "share"],
  ["rushOnTimeRate", "Rush on-time rate", "share"],
  ["rushInsertionSuccessRate", "Rush insertion success", "share"],
  ["planCompletionRate", "Plan completion", "share"],
  ["complaintRate", "Complaint rate", "share"],
  ["orderResponseHours", "Order response (median)", "hours"],
  ["forecastAccuracy", "Forecast accuracy", "share"],
  ["inventoryTurnover", "Inventory turnover", "ratio"],
  ["revenue", "Revenue", "money"],
  ["collectionRate", "Collection rate", "share"],
  ["output", "Output (units)", "units"],
  ["yield", "Yield", "share"],
  ["revenueGrowth", "Revenue growth", "share"],
];

const FIELDS = KPIS.map(([field]) => field).join(" ");
const KPI_QUERY = `query BoardKpis($from: Date!, $to: Date!) {
  kpis(from: $from, to: $to) {
    ${FIELDS}
    scorecards { team score bonusEligible bonusRate components { kpi weight target value attainment } }
    series(granularity: WEEK) { from ${FIELDS} }
  }
}`;

function formatted(value, format) {
  if (value === null || value === undefined) return "—";
  if (format === "share") return percent(value);
  if (format === "hours") return `${value.toFixed(1)} h`;
  if (format === "ratio") return `${value.toFixed(2)}×`;
  // Money comes as the Decimal scalar, a string such as "1234.50".
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
}

// A polyline over the weeks that have a value; a week whose denominator was empty leaves a gap in the data.
function sparkline(values) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 100 30");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  const known = values.map((v, i) => [i, v]).filter(([, v]) => v !== null && v !== undefined);
  if (known.length === 0) return svg;
  const min = Math.min(...known.map(([, v]) => v));
  const max = Math.max(...known.map(([, v]) => v));
  const span = max - min || 1;
  const step = values.length > 1 ? 100 / (values.length - 1) : 0;
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", known.map(([i, v]) => `${(i * step).toFixed(1)},${(28 - ((v - min) / span) * 26).toFixed(1)}`).join(" "));
  svg.append(line);
  return svg;
}

function kpiCard([field, label, format], report) {
  const series = report.series.map((week) => week[field]);
  const trend = series.map((v, i) => `${report.series[i].from}: ${formatted(v, format)}`).join("; ");
  return el("div", { class: "kpi-card", "data-testid": "kpi-card", "data-kpi": field,
    "data-weeks": String(series.length), role: "group", "aria-label": `${label}: ${formatted(report[field], format)}` },
  el("div", { class: "name", text: label }),
  el("div", { class: "value", text: formatted(report[field], format) }),
  sparkline(series),
  el("div", { class: "hint", title: trend, text: `${series.filter((v) => v !== null).length} of ${series.length} weeks measured` }));
}

function scorecard(card) {
  return el("div", { class: "scorecard", "data-team": card.team },
    el("h3", { text: `${card.team} scorecard: ${percent(card.score)}` }),
    card.bonusEligible
      ? el("p", { class: "bonus", text: `Bonus earned (${percent(card.bonusRate)})` })
      : el("p", { class: "hint", text: `No bonus yet (${percent(card.bonusRate)} above the threshold)` }),
    el("ul", {}, card.components.map((c) => el("li", {},
      `${c.kpi}: ${c.value === null ? "—" : c.value.toFixed(2)} against ${c.target} (weight ${percent(c.weight)}, `
      + `attainment ${percent(c.attainment)})`))));
}

export async function loadKpis() {
  const to = addDays(mondayOf(new Date()), 7);
  const from = addDays(to, -7 * WEEKS);
  const { kpis } = await gql(KPI_QUERY, { from: isoDay(from), to: isoDay(to) });
  document.getElementById("scorecards").replaceChildren(...kpis.scorecards.map(scorecard));
  document.getElementById("kpi-cards").replaceChildren(...KPIS.map((kpi) => kpiCard(kpi, kpis)));
}
