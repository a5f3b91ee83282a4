// Small behaviours that htmx does not cover. No framework, no CDN.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) {
      var item = dismiss.closest(".message");
      if (item) item.remove();
    }
    var close = event.target.closest("[data-modal-close]");
    if (close) {
      event.preventDefault();
      closeModal();
    }
    var backdrop = event.target.classList && event.target.classList.contains("modal__backdrop");
    if (backdrop) closeModal();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeModal();
  });

  function closeModal() {
    var host = document.getElementById("modal");
    if (host) host.innerHTML = "";
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "modal") {
      var field = event.detail.target.querySelector("input:not([type=hidden]), select, textarea");
      if (field) field.focus();
    }
  });

  // Servers send this event (django-htmx trigger_client_event) after a
  // successful modal form.
  document.body && document.body.addEventListener("closeModal", closeModal);
  document.addEventListener("closeModal", closeModal);

  // Subsector choices follow the selected sector.
  document.addEventListener("change", function (event) {
    if (event.target.name !== "sector") return;
    var form = event.target.form;
    if (!form) return;
    var sub = form.querySelector("select[name=subsector]");
    if (!sub) return;
    // Django renders the subsectors grouped by the sector's label.
    var option = event.target.options[event.target.selectedIndex];
    var sector = event.target.value && option ? option.text : "";
    Array.prototype.forEach.call(sub.querySelectorAll("optgroup"), function (group) {
      var match = !sector || group.label === sector;
      group.hidden = !match;
      group.disabled = !match;
    });
    var selected = sub.options[sub.selectedIndex];
    if (selected && selected.parentElement.disabled) sub.value = "";
  });
})();
