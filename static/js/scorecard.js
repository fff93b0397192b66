// Print buttons: drawn with the page (no shift when this script arrives), hidden by
// css/noscript.css when scripts are off (then the browser's own print works).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
