// Claim pages: print buttons (no inline handlers: the CSP allows scripts from our own files only).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// A scan over the size limit is refused here, before it is sent: on a phone a 40 MB upload takes minutes only to
// be refused by the server. The input carries the limit and the message (data-max-bytes, data-too-large).
function scanTooLarge(input) {
  const limit = Number(input.dataset.maxBytes);
  return Array.from(input.files || []).some((file) => file.size > limit);
}

function showScanError(input, message) {
  const id = `${input.id}_size_error`;
  let note = document.getElementById(id);
  if (!message) {
    if (note) note.remove();
    input.removeAttribute("aria-invalid");
    return;
  }
  if (!note) {
    note = document.createElement("div");
    note.id = id;
    note.className = "invalid-feedback d-block";
    note.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", note);
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
}

document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.maxBytes) return;
  showScanError(input, scanTooLarge(input) ? input.dataset.tooLarge : "");
});

document.addEventListener("submit", (event) => {
  for (const input of event.target.querySelectorAll("input[type=file][data-max-bytes]")) {
    if (scanTooLarge(input)) {
      event.preventDefault();
      showScanError(input, input.dataset.tooLarge);
      input.focus();
      return;
    }
  }
});
