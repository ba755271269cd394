// The front desk's small behaviours, as a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  // The queue polls every few seconds; a swap while the agent's keyboard focus is inside the queue would throw
  // the focus away, so a poll is skipped then (an explicit refresh, after an action, still goes through).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || elt.id !== "queue") return;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (trigger && trigger.type === "queueChanged") return;
    if (elt.contains(document.activeElement)) event.preventDefault();
  });
  // After a panel (booking, lab order) is loaded, move the focus into it for keyboard users.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "panel") {
      var first = event.detail.target.querySelector("input:not([type=hidden]), select, button, a[href]");
      (first || event.detail.target).focus();
    }
  });
  // "/" focuses the member search from anywhere on the desk (not while typing in a field).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) return;
    var search = document.getElementById("member-search");
    if (search) { event.preventDefault(); search.focus(); search.select(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
