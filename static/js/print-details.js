// Printed, a record shows what its closed <details> hold (a results table's group descriptions, a term's
// explanation): each is opened for printing and closed again after. Without JavaScript they print closed.
const closedForPrint = [];
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("details:not([open])").forEach((details) => {
    details.open = true;
    closedForPrint.push(details);
  });
});
window.addEventListener("afterprint", () => {
  closedForPrint.splice(0).forEach((details) => {
    details.open = false;
  });
});
