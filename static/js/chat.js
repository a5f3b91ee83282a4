// The questionnaire chat (templates/conversations/). No framework: htmx does the requests.
(function () {
  "use strict";

  function scrollToEnd(root) {
    var list = (root || document).querySelector("#chat-messages");
    if (list) list.scrollTop = list.scrollHeight;
  }

  function focusAnswer(root) {
    var field = (root || document).querySelector("#chat-composer #chat-value, #chat-composer input[name=value]");
    if (field && typeof field.focus === "function") field.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () { scrollToEnd(); });

  // The chat answers a rate-limited request with 429 and a bubble to append:
  // htmx does not swap error responses unless told to.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 429 && event.detail.requestConfig && event.detail.requestConfig.elt &&
        event.detail.requestConfig.elt.closest("#chat")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.id === "chat" || target.id === "chat-messages" || (target.closest && target.closest("#chat"))) {
      scrollToEnd();
      if (target.id === "chat") focusAnswer(document.getElementById("chat"));
    }
  });
})();
