// Quote form: a dry-run review through quoteOrder (nothing is saved), showing the decision and its reasons.
import { addDays, el, gql, isoDay, table } from "./api.js";
import { reviewContent } from "./orders.js";

const CHOICES_QUERY = `query BoardQuoteChoices {
  customers(first: 100) { edges { node { code name tier } } }
  products(first: 200) { edges { node { sku name listPrice } } }
}`;

const QUOTE_MUTATION = `mutation BoardQuote($input: OrderInput!) {
  quoteOrder(input: $input) {
    promisedDate rush priorityTier
    substitutes { sku forSku onHand }
    errors { code message field }
    review {
      decision rulesVersion proposedDate
      criteria { criterion passed message }
      firedRules { ruleSet rule message }
      deliveries { sku quantity date }
    }
  }
}`;

let products = [];

function lineRow(index) {
  const sku = el("select", { name: "sku", "aria-label": `Line ${index + 1} product`, required: true },
    products.map((p) => el("option", { value: p.sku, text: `${p.sku} · ${p.name}` })));
  const quantity = el("input", { name: "quantity", type: "number", min: "1", step: "1", value: "10",
    "aria-label": `Line ${index + 1} quantity`, required: true });
  return el("div", { class: "quote-line" }, sku, quantity);
}

function showResult(nodes) {
  const box = document.getElementById("quote-result");
  box.replaceChildren(...nodes);
  box.hidden = false;
}

async function submitQuote(event) {
  event.preventDefault();
  const form = event.target;
  const lines = [...form.querySelectorAll(".quote-line")].map((row) => ({
    sku: row.querySelector("[name=sku]").value,
    quantity: Number(row.querySelector("[name=quantity]").value),
  }));
  const input = { customerCode: form.customer.value, requestedDate: form.requestedDate.value, lines };
  showResult([el("p", { text: "Quoting…" })]);
  document.getElementById("quote-result").dataset.state = "pending";
  try {
    const { quoteOrder: quote } = await gql(QUOTE_MUTATION, { input });
    const box = document.getElementById("quote-result");
    if (quote.errors.length) {
      box.dataset.state = "refused";
      const forbidden = quote.errors.some((e) => e.code === "FORBIDDEN");
      showResult([el("p", { class: "fail", text: "The quote was refused:" }),
        el("ul", {}, quote.errors.map((e) => el("li", { text: `${e.message} (${e.code})` }))),
        forbidden ? el("p", { class: "hint", text: "This key may not quote: use a partner or planner key." }) : null,
      ].filter(Boolean));
      return;
    }
    box.dataset.state = "done";
    box.dataset.decision = quote.review?.decision ?? "";
    showResult([
      ...reviewContent(quote.review),
      el("p", {}, `Promised date: ${quote.promisedDate ?? "none"}; rush: ${quote.rush ? "yes" : "no"}; `
        + `priority tier: ${quote.priorityTier ?? "—"}.`),
      quote.substitutes.length
        ? table(["substitute", "for", "on hand"], quote.substitutes.map((s) => [s.sku, s.forSku, s.onHand.toFixed(0)]))
        : null,
    ].filter(Boolean));
  } catch (error) {
    document.getElementById("quote-result").dataset.state = "error";
    const hint = error.code === "FORBIDDEN" ? " Quoting needs a partner or planner key." : "";
    showResult([el("p", { class: "fail", text: `${error.message}${hint}` })]);
  }
}

export async function loadQuoteForm() {
  const data = await gql(CHOICES_QUERY);
  products = data.products.edges.map((e) => e.node);
  const form = document.getElementById("quote-form");
  form.customer.replaceChildren(...data.customers.edges.map((e) =>
    el("option", { value: e.node.code, text: `${e.node.code} · ${e.node.name} (${e.node.tier})` })));
  if (!form.requestedDate.value) form.requestedDate.value = isoDay(addDays(new Date(), 28));
  const fieldset = document.getElementById("quote-lines");
  fieldset.replaceChildren(el("legend", { text: "Lines" }), lineRow(0));
}

export function setUpQuoteForm() {
  const form = document.getElementById("quote-form");
  form.addEventListener("submit", submitQuote);
  document.getElementById("quote-add-line").addEventListener("click", () => {
    const fieldset = document.getElementById("quote-lines");
    fieldset.append(lineRow(fieldset.querySelectorAll(".quote-line").length));
  });
}
