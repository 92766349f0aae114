// The review page's keyboard and checking aids; every answer is checked again on submit.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').content;

  function boxesOf(key) {
    return document.querySelectorAll('rect[data-key="' + key + '"]');
  }

  // The box of the field in focus stands out, and its page scrolls into view.
  function highlight(input, on) {
    boxesOf(input.dataset.key).forEach(function (box) {
      box.classList.toggle("focus", on);
      if (on) { box.closest("figure").scrollIntoView({block: "nearest"}); }
    });
  }

  // Ask the server whether the value is acceptable (the kinds extraction uses).
  function check(input) {
    var message = document.getElementById("m-" + input.dataset.key);
    return fetch(form.dataset.check, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": token},
      body: JSON.stringify({key: input.dataset.key, value: input.value})
    }).then(function (response) { return response.json(); }).then(function (answer) {
      input.setAttribute("aria-invalid", answer.ok ? "false" : "true");
      message.textContent = answer.ok ? "" : answer.reason;
      message.className = answer.ok ? "message" : "message shown";
    });
  }

  form.querySelectorAll("input[data-key]").forEach(function (input) {
    input.addEventListener("focus", function () { highlight(input, true); });
    input.addEventListener("blur", function () { highlight(input, false); });
    input.addEventListener("change", function () { check(input); });
  });
  // The browser may have focused the field before the listeners above existed.
  var focused = form.querySelector("input[autofocus]");
  if (focused) { focused.focus(); focused.select(); highlight(focused, true); }
})();
