// The detail panel: what a click on a heatmap cell or an order card opens; Escape closes it.
const panel = () => document.getElementById("detail");

export function showDetail(title, ...content) {
  const aside = panel();
  document.getElementById("detail-title").textContent = title;
  document.getElementById("detail-body").replaceChildren(...content);
  aside.hidden = false;
  aside.focus();
}

export function closeDetail() {
  panel().hidden = true;
}

export function setUpDetail() {
  document.getElementById("detail-close").addEventListener("click", closeDetail);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel().hidden) closeDetail();
  });
}
