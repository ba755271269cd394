// Claim pages: print buttons (no inline handlers: the CSP allows scripts from our own files only).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
