// Buttons marked data-print open the browser's print dialog; without JavaScript they stay hidden.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
